"""Notification pages for everyone, and the reminder desk for competent-authority managers."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import refused
from core.paging import ListPage, page_number, page_of
from reminders import permissions, selectors, services
from reminders.forms import NotificationSettingsForm
from reminders.messages import reminder_text
from reminders.models import Reminder, ReminderStatus
from reminders.rules.table import RULES


def _page(request: HttpRequest, rows) -> ListPage:
    """The same paging as every other list: a page plus one row, a count that stops at 1,000."""
    return page_of(rows, number=page_number(request.GET.get("page")), query=request.GET)


def notifications(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.notifications_for(request.user))
    rows = [(reminder, reminder_text(reminder)) for reminder in selectors.notifications_shown(request.user, page)]
    return render(request, "reminders/notifications.html", {
        "page": page, "rows": rows, "unread": selectors.unread_count(request.user),
        "emails": services.emails_wanted(request.user)})


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Your own notification emails: on or off. The notice in the service always comes."""
    form = NotificationSettingsForm(request.POST or None,
                                    initial={"emails": "yes" if services.emails_wanted(request.user) else "no"})
    if request.method == "POST" and form.is_valid():
        services.notification_emails_set(user=request.user, emails=form.cleaned_data["emails"] == "yes")
        messages.success(request, "Notification emails turned " + ("on" if form.cleaned_data["emails"] == "yes"
                                                                   else "off"))
        return redirect("reminders:notifications")
    return render(request, "reminders/settings.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Go to the page one of your own notifications is about. Only a POST (the list's Open button, behind
    CSRF protection) marks it read: a GET changes nothing, so a link or image elsewhere cannot do it."""
    reminder = selectors.notifications_for(request.user).filter(pk=pk).first()
    if reminder is None:
        raise refused(user=request.user, record_type=Reminder, record_id=pk)
    if request.method == "POST":
        services.notifications_mark_read(user=request.user, reminder_ids=[reminder.pk])
    return redirect(reminder.link)


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("reminders:notifications")


def manage(request: HttpRequest) -> HttpResponse:
    if not permissions.may_manage_reminders(request.user):
        raise PermissionDenied("Only competent authority managers can see the authority's reminders.")
    status = request.GET.get("status", ReminderStatus.PENDING)
    if status not in ReminderStatus.values:
        status = ReminderStatus.PENDING
    page = _page(request, selectors.reminders_for_manager(request.user, status))
    rows = [(reminder, reminder_text(reminder)) for reminder in selectors.notifications_shown(request.user, page)]
    counts = selectors.status_counts(request.user)
    tabs = [{"status": choice.value, "label": choice.label, "count": counts.get(choice.value, 0),
             "current": choice.value == status} for choice in ReminderStatus]
    return render(request, "reminders/manage.html", {
        "page": page, "rows": rows, "tabs": tabs, "status": status, "rules": RULES.values(),
        "max_attempts": settings.NRM_REMINDER_MAX_ATTEMPTS,
        "failed_jobs": selectors.failed_jobs_for_manager(request.user)})


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.may_manage_reminders(request.user):
        raise PermissionDenied("Only competent authority managers can retry reminders.")
    reminder = selectors.reminders_for_manager(request.user, ReminderStatus.FAILED).filter(pk=pk).first()
    if reminder is None:
        raise refused(user=request.user, record_type=Reminder, record_id=pk)
    services.reminder_retry(reminder=reminder, by=request.user)
    messages.success(request, f"The reminder about {reminder.reference or 'a referral'} will be sent again "
                              "within five minutes.")
    return redirect(f"{reverse('reminders:manage')}?status={ReminderStatus.FAILED}")
