"""Reading reminders: a user's own notifications, and a competent authority's reminders for its managers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from audit.services import record_list_access
from core.models import JobRun, JobStatus
from organisations.models import User
from referrals.models import Referral
from reminders.models import Reminder, ReminderStatus
from reminders.permissions import may_manage_reminders

# What a manager calls each tracked job (core/jobs.py).
JOB_LABELS = {
    "referrals.tasks.send_submission_notice": "New referral notice to the authority's inbox",
    "decisions.tasks.send_decision_notice": "Decision notice to the referring organisation",
    "reminders.tasks.dispatch_reminders": "Sending due reminders",
    "monitoring.tasks.store_previous_quarter_report": "Quarterly monitoring report",
    "monitoring.tasks.send_report_notice": "Report ready notice to the monitors",
}
FAILED_JOBS_SHOWN = 50


def notifications_for(user: User) -> QuerySet[Reminder]:
    """The user's sent reminders, newest first: their in-service notifications."""
    return Reminder.objects.filter(recipient=user, status=ReminderStatus.SENT).order_by("-sent_at", "-pk")


def notifications_shown(user: User, reminders) -> list[Reminder]:
    """The notifications or reminders a page shows (each names a case by its reference), logged as listed."""
    shown = list(reminders)
    record_list_access(user=user, records=shown, model=Reminder)
    return shown


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def reminders_for_manager(user: User, status: str) -> QuerySet[Reminder]:
    """The reminders about the manager's own authority's cases, in one state."""
    if not may_manage_reminders(user):
        return Reminder.objects.none()
    rows = Reminder.objects.filter(competent_authority_id=user.organisation_id, status=status)
    order = "send_at" if status == ReminderStatus.PENDING else "-send_at"
    return rows.select_related("recipient", "recipient__organisation").order_by(order, "pk")


def status_counts(user: User) -> dict[str, int]:
    if not may_manage_reminders(user):
        return {}
    counts = (Reminder.objects.filter(competent_authority_id=user.organisation_id).values("status")
              .annotate(total=Count("pk")).order_by())
    return {row["status"]: row["total"] for row in counts}


@dataclass(frozen=True)
class FailedJob:
    run: JobRun
    label: str
    reference: str
    referral_id: object


def failed_jobs_for_manager(user: User) -> list[FailedJob]:
    """Notices and jobs that failed for good (core/jobs.py): those about the manager's own authority's
    referrals, and the service-wide ones (reminder dispatch, reports) that concern every authority."""
    if not may_manage_reminders(user):
        return []
    own = Referral.objects.filter(competent_authority_id=user.organisation_id).values("pk")
    runs = list(JobRun.objects.filter(status=JobStatus.FAILED)
                .filter(Q(referral_id__in=own) | Q(referral_id__isnull=True))
                .order_by("-finished_at", "-pk")[:FAILED_JOBS_SHOWN])
    references = dict(Referral.objects.filter(pk__in={run.referral_id for run in runs if run.referral_id})
                      .values_list("pk", "reference"))
    # Each row names a case by its reference: listed, so logged (one INSERT).
    record_list_access(user=user, records=[Referral(pk=pk) for pk in references], model=Referral)
    return [FailedJob(run=run, label=JOB_LABELS.get(run.task, run.task),
                      reference=references.get(run.referral_id) or "", referral_id=run.referral_id) for run in runs]
