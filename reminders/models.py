"""Deadline reminders. Each is a row with a unique key (rule, record, due date, recipient), so a
reminder is planned once however often the planner runs, and sent once however many workers
run the dispatch. A sent reminder is also the recipient's in-service notification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Organisation


class ReminderRule(models.TextChoices):
    RG_DUE = "rg_due", "Reasonable Grounds decision due"
    RG_OVERDUE = "rg_overdue", "Reasonable Grounds decision overdue"
    REVIEW_WAITING = "review_waiting", "Decision waiting for second review"
    # The minimum recovery period is when a CG can first be made, not the end of support or of the
    # suspension of removal: both last until the CG is served.
    RECOVERY_ENDING = "recovery_ending", "Conclusive Grounds decision can be made in 7 days"
    RECOVERY_LAST_DAY = "recovery_last_day", "Conclusive Grounds decision can be made from tomorrow"
    CG_OVERDUE = "cg_overdue", "Conclusive Grounds decision can now be made"
    RECONSIDERATION_CLOSING = "reconsideration_closing", "Reconsideration window closing"
    CARE_PLAN_REVIEW_DUE = "care_plan_review_due", "Care plan review due"
    CONTACT_OVERDUE = "contact_overdue", "Contact overdue"
    AWAITING_ALLOCATION = "awaiting_allocation", "Waiting for a support provider"
    MOVE_ON_ENDING = "move_on_ending", "Move-on period ends in 7 days"
    MOVE_ON_LAST_DAY = "move_on_last_day", "Move-on period ends today"
    TURNING_18 = "turning_18", "Child in an open case turns 18 in 30 days"
    DRAFT_EXPIRING = "draft_expiring", "Draft referral will be deleted"
    DRAFT_DELETED = "draft_deleted", "Draft referral deleted"
    LETTER_UNSENT = "letter_unsent", "Decision letter not sent"
    # Events: raised once when something happens (reminders.events), never planned or cancelled.
    CASE_ALLOCATED = "case_allocated", "Case allocated to you"
    DECISION_AWAITING_REVIEW = "decision_awaiting_review", "Decision waiting for your second review"
    DECISION_RETURNED = "decision_returned", "Decision returned to you"
    DECISION_SERVED = "decision_served", "Decision served"
    INFORMATION_REQUESTED = "information_requested", "More information requested"
    INFORMATION_ANSWERED = "information_answered", "Information request answered"
    RECONSIDERATION_REQUESTED = "reconsideration_requested", "Reconsideration requested"
    SUPPORT_CASE_OPENED = "support_case_opened", "Support case opened"
    SUPPORT_ALLOCATED = "support_allocated", "Person allocated to your organisation"
    SUPPORT_MOVED_AWAY = "support_moved_away", "Person moved to another provider"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Due"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "No longer needed"


class Reminder(models.Model):
    rule = models.CharField(max_length=32, choices=ReminderRule.choices)
    # Not a foreign key: the notice that a draft was deleted outlives the draft.
    referral_id = models.UUIDField()
    reference = models.CharField(max_length=20, blank=True, help_text="The NRM reference; empty for a draft.")
    link = models.CharField(max_length=200, help_text="Path of the page the reminder is about.")
    competent_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    due_on = models.DateField(help_text="The deadline, or for a repeated escalation the day of this repeat.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, help_text="The error's type only, never its text.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "referral_id", "due_on", "recipient"], name="one_reminder_per_key"),
            models.CheckConstraint(name="sent_reminder_has_time",
                                   condition=~Q(status="sent") | Q(sent_at__isnull=False)),
        ]
        indexes = [
            # The dispatch's claim query: pending rows whose time has come, oldest first.
            models.Index(fields=["send_at", "id"], condition=Q(status="pending"), name="reminder_due_idx"),
            models.Index(fields=["referral_id"], condition=Q(status="pending"), name="reminder_pending_record_idx"),
            models.Index(fields=["recipient", "-sent_at"], condition=Q(status="sent"), name="reminder_inbox_idx"),
            models.Index(fields=["competent_authority", "status", "-send_at"], name="reminder_manager_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.due_on}"

    @property
    def key(self) -> tuple[str, str, object, int]:
        return (self.rule, str(self.referral_id), self.due_on, self.recipient_id)


class NotificationPreference(models.Model):
    """A user's own choice about notification emails. The in-service notice is always kept: only the
    email can be turned off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preference")
    emails = models.BooleanField(default=True, help_text="Send me an email as well as the notice in the service.")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification emails for {self.user_id}: {'on' if self.emails else 'off'}"
