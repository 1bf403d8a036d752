"""The notifications panel at the top of every user's home page, with the unread count."""

from __future__ import annotations

from django.urls import reverse

from core.home_panels import Panel, PanelItem
from reminders.messages import reminder_text
from reminders.selectors import notifications_for, notifications_shown, unread_count

HOME_PANEL_SIZE = 5


def notification_panels(user) -> list[Panel]:
    unread = unread_count(user)
    items = [PanelItem(reminder_text(reminder), reverse("reminders:open", args=[reminder.pk]),
                       f"{'Unread' if reminder.read_at is None else 'Read'}, {reminder.sent_at:%-d %B %Y}")
             for reminder in notifications_shown(user, notifications_for(user)[:HOME_PANEL_SIZE])]
    if items:
        items.append(PanelItem("See all notifications", reverse("reminders:notifications")))
    heading = f"Notifications ({unread} unread)" if unread else "Notifications"
    return [Panel(heading, items, "You have no notifications.")]
