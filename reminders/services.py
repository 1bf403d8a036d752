"""Planning, sending and cancelling reminders, and the recipient marking them read.

Exactly once: each reminder is a row with a unique key, claimed for sending one at a time with
SELECT ... FOR UPDATE SKIP LOCKED inside its own transaction, and marked sent in that same
transaction. Two workers never hold the same row; a worker killed mid-send rolls its one row back
to pending for the next run. The one window left is between the mail server accepting a message and
the commit, a few milliseconds (docs/architecture.md, Reminders)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from psycopg2.extras import execute_values

from core import working_days
from core.email import send_templated_email
from core.errors import Conflict, NotAllowed
from organisations.models import User
from reminders import permissions
from reminders.messages import reminder_email_context
from reminders.models import NotificationPreference, Reminder, ReminderRule, ReminderStatus
from reminders.rules.planning import Audience, Key, Planned, Window
from reminders.rules.table import RULES, plan

logger = logging.getLogger(__name__)

# A key planned again after it was cancelled (a case reallocated back) is due again; anything else
# already planned is left exactly as it is. Every value is a parameter (execute_values); the two statuses
# come from the enum (execute_values takes no other parameters): constants, never input.
_PENDING, _CANCELLED = ReminderStatus.PENDING.value, ReminderStatus.CANCELLED.value
_UPSERT = (
    "INSERT INTO reminders_reminder (rule, referral_id, reference, link, competent_authority_id, due_on, "  # noqa: S608  # nosec B608
    "recipient_id, send_at, status, attempts, last_error, created_at) VALUES %s "
    f"ON CONFLICT (rule, referral_id, due_on, recipient_id) DO UPDATE SET status = '{_PENDING}', "
    f"cancelled_at = NULL, send_at = EXCLUDED.send_at WHERE reminders_reminder.status = '{_CANCELLED}'"
)


def _upsert(planned: list[Planned], now: datetime.datetime) -> None:
    if not planned:
        return
    rows = [(item.rule, item.referral_id, item.reference, item.link, item.competent_authority_id, item.due_on,
             item.recipient_id, item.send_at, ReminderStatus.PENDING, 0, "", now) for item in planned]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, _UPSERT, rows, page_size=1000)


def reminders_plan(*, now: datetime.datetime | None = None) -> int:
    """Write a row for every reminder the rules call for up to NRM_REMINDER_PLAN_AHEAD_HOURS ahead."""
    now = now or timezone.now()
    count, batch = 0, []
    for planned in plan(Window.starting(now), Audience()):
        batch.append(planned)
        if len(batch) == 1000:
            _upsert(batch, now)
            count, batch = count + len(batch), []
    _upsert(batch, now)
    return count + len(batch)


def _still_planned(rows: Iterable[dict], now: datetime.datetime, audience: Audience) -> set[Key]:
    """The keys among these rows that the records' current state still calls for."""
    rows = list(rows)
    planned_rules = {row["rule"] for row in rows if RULES[row["rule"]].plan is not None}
    keys = {(row["rule"], str(row["referral_id"]), row["due_on"], row["recipient_id"])
            for row in rows if row["rule"] not in planned_rules}
    if planned_rules:
        referral_ids = {row["referral_id"] for row in rows if row["rule"] in planned_rules}
        keys |= {planned.key for planned in plan(Window.starting(now), audience, rules=planned_rules,
                                                   referral_ids=referral_ids)}
    return keys


@dataclass
class DispatchResult:
    planned: int = 0
    sent: int = 0
    cancelled: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def emails_wanted(user: User) -> bool:
    """False when the user has turned notification emails off (the in-service notice still comes). The
    preference is read with the recipient (select_related), so this costs no query of its own."""
    preference = getattr(user, "notification_preference", None)
    return preference is None or preference.emails


def _send(reminder: Reminder) -> None:
    if not emails_wanted(reminder.recipient):
        return  # marked sent all the same: it is their notification in the service
    send_templated_email("reminder", reminder_email_context(reminder), [reminder.recipient.email])


def _deliver(reminder_id: int, *, applies: bool, now: datetime.datetime) -> str:
    """Claim one due row and send it, or cancel it if it no longer applies; one transaction."""
    with transaction.atomic():
        reminder = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient", "recipient__notification_preference")
                    .filter(pk=reminder_id, status=ReminderStatus.PENDING, send_at__lte=now).first())
        if reminder is None:
            return "skipped"  # another worker holds it, or it was sent or cancelled meanwhile
        if not applies:
            reminder.status, reminder.cancelled_at = ReminderStatus.CANCELLED, now
            reminder.save(update_fields=["status", "cancelled_at"])
            return "cancelled"
        reminder.attempts += 1
        try:
            _send(reminder)
        except Exception as error:  # noqa: BLE001 (a pluggable backend may raise anything; keep the row)
            reminder.last_error = type(error).__name__[:200]
            if reminder.attempts >= settings.NRM_REMINDER_MAX_ATTEMPTS:
                reminder.status = ReminderStatus.FAILED
            else:
                reminder.send_at = now + datetime.timedelta(minutes=settings.NRM_REMINDER_RETRY_MINUTES
                                                            * reminder.attempts)
            reminder.save(update_fields=["attempts", "last_error", "status", "send_at"])
            logger.warning("Reminder %s not sent (attempt %s): %s", reminder.pk, reminder.attempts,
                           reminder.last_error)
            return "failed" if reminder.status == ReminderStatus.FAILED else "retrying"
        reminder.status, reminder.sent_at, reminder.last_error = ReminderStatus.SENT, now, ""
        reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"


def reminders_dispatch(*, now: datetime.datetime | None = None, batch_size: int | None = None) -> DispatchResult:
    """Plan, then send every due reminder that still applies. Safe to run on any number of workers
    at once and to rerun after a crash: rows are claimed one at a time with SKIP LOCKED."""
    now = now or timezone.now()
    batch_size = batch_size or settings.NRM_REMINDER_BATCH_SIZE
    result = DispatchResult(planned=reminders_plan(now=now))
    audience = Audience()
    after: tuple[datetime.datetime, int] | None = None
    while True:
        due = Reminder.objects.filter(status=ReminderStatus.PENDING, send_at__lte=now)
        if after is not None:
            due = due.filter(Q(send_at__gt=after[0]) | Q(send_at=after[0], id__gt=after[1]))
        chunk = list(due.order_by("send_at", "id").values("id", "rule", "referral_id", "due_on", "recipient_id",
                                                          "send_at")[:batch_size])
        if not chunk:
            return result
        after = (chunk[-1]["send_at"], chunk[-1]["id"])
        applicable = _still_planned(chunk, now, audience)
        for row in chunk:
            key = (row["rule"], str(row["referral_id"]), row["due_on"], row["recipient_id"])
            outcome = _deliver(row["id"], applies=key in applicable, now=now)
            setattr(result, outcome, getattr(result, outcome) + 1)


def reminders_deliver_events(*, rules_: Iterable[str], now: datetime.datetime | None = None) -> DispatchResult:
    """Send the due rows of event rules now (they are never planned, so never cancelled)."""
    now = now or timezone.now()
    result = DispatchResult()
    due = (Reminder.objects.filter(status=ReminderStatus.PENDING, send_at__lte=now, rule__in=list(rules_))
           .order_by("send_at", "id").values_list("id", flat=True)[:settings.NRM_REMINDER_BATCH_SIZE])
    for reminder_id in list(due):
        outcome = _deliver(reminder_id, applies=True, now=now)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def notification_emails_set(*, user: User, emails: bool) -> NotificationPreference:
    """A user turns their own notification emails on or off."""
    preference, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"emails": emails})
    return preference


def reminders_recompute(*, referral_id: uuid.UUID, now: datetime.datetime | None = None) -> int:
    """Cancel the pending reminders about one record that its new state no longer calls for.
    Runs inside the transaction that changed the record, so the two commit together."""
    pending = list(Reminder.objects.filter(referral_id=referral_id, status=ReminderStatus.PENDING)
                   .values("id", "rule", "referral_id", "due_on", "recipient_id"))
    if not pending:
        return 0
    now = now or timezone.now()
    applicable = _still_planned(pending, now, Audience())
    stale = [row["id"] for row in pending
             if (row["rule"], str(row["referral_id"]), row["due_on"], row["recipient_id"]) not in applicable]
    return Reminder.objects.filter(pk__in=stale, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, cancelled_at=now)


def _referral_id_of(instance: object) -> uuid.UUID | None:
    for attribute in ("referral_id", "case_id"):
        if getattr(instance, attribute, None) is not None:
            return getattr(instance, attribute)
    if getattr(instance, "support_case_id", None) is not None:
        return instance.support_case.referral_id
    return getattr(instance, "pk", None) if instance.__class__.__name__ == "Referral" else None


def on_record_saved(sender, instance, **kwargs) -> None:
    """post_save of a case, decision, support record or referral: drop reminders it made stale."""
    referral_id = _referral_id_of(instance)
    if referral_id is not None:
        reminders_recompute(referral_id=referral_id)


def on_drafts_deleted(sender, drafts: list[tuple[uuid.UUID, int]], deleted_at: datetime.datetime, **kwargs) -> None:
    """referrals.signals.drafts_deleted: tell each author, in the deleting transaction."""
    link = reverse("referrals:list")
    _upsert([Planned(rule=ReminderRule.DRAFT_DELETED, referral_id=referral_id, reference="", link=link,
                     competent_authority_id=None, due_on=working_days.local_date(deleted_at), recipient_id=author,
                     send_at=deleted_at) for referral_id, author in drafts], deleted_at)


def reminder_retry(*, reminder: Reminder, by: User) -> Reminder:
    """A competent-authority manager sends a failed reminder again."""
    with transaction.atomic():
        locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if not permissions.may_retry(by, locked):
            raise NotAllowed("Only the competent authority's managers can retry its reminders.")
        if locked.status != ReminderStatus.FAILED:
            raise Conflict("Only a reminder that failed can be retried.")
        now = timezone.now()
        locked.status, locked.attempts, locked.send_at = ReminderStatus.PENDING, 0, now
        locked.retried_by, locked.retried_at = by, now
        locked.save(update_fields=["status", "attempts", "send_at", "retried_by", "retried_at"])
    return locked


def notifications_mark_read(*, user: User, reminder_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    mine = Reminder.objects.filter(recipient=user, status=ReminderStatus.SENT, read_at__isnull=True)
    if reminder_ids is not None:
        mine = mine.filter(pk__in=list(reminder_ids))
    return mine.update(read_at=timezone.now())
