"""Reading reminders: a user's own notifications, and a competent authority's reminders for its managers."""

from __future__ import annotations

from django.db.models import QuerySet

from organisations.models import Role, User
from reminders.models import Reminder, ReminderStatus


def notifications_for(user: User) -> QuerySet[Reminder]:
    """The user's sent reminders, newest first: their in-service notifications."""
    return Reminder.objects.filter(recipient=user, status=ReminderStatus.SENT).order_by("-sent_at", "-pk")


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def may_manage_reminders(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_role(Role.CA_MANAGER)


def reminders_for_manager(user: User, status: str) -> QuerySet[Reminder]:
    """The reminders about the manager's own authority's cases, in one state."""
    if not may_manage_reminders(user):
        return Reminder.objects.none()
    rows = Reminder.objects.filter(competent_authority_id=user.organisation_id, status=status)
    order = "send_at" if status == ReminderStatus.PENDING else "-send_at"
    return rows.select_related("recipient", "recipient__organisation").order_by(order, "pk")


def status_counts(user: User) -> dict[str, int]:
    from django.db.models import Count

    if not may_manage_reminders(user):
        return {}
    counts = (Reminder.objects.filter(competent_authority_id=user.organisation_id).values("status")
              .annotate(total=Count("pk")).order_by())
    return {row["status"]: row["total"] for row in counts}
