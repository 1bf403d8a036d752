"""Competent-authority casework: the case file beside each routed referral, decisions and their
second review, declarations of involvement, notes, transfers, reconsiderations and quality audits.

The case's state is the referral's status; decisions/workflow.py says how it may change."""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import FREE_TEXT_MAX
from organisations.models import Organisation
from referrals.models import Referral


class Stage(models.TextChoices):
    RG = "rg", "Reasonable Grounds"
    CG = "cg", "Conclusive Grounds"


class Outcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_REVIEW = "awaiting_review", "Awaiting second review"
    RETURNED = "returned", "Returned to the author"
    SERVED = "served", "Signed off and served"


OPEN_DECISION_STATUSES = (DecisionStatus.DRAFT, DecisionStatus.AWAITING_REVIEW, DecisionStatus.RETURNED)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class CaseFile(models.Model):
    """Deadlines and allocation of a routed referral; created when the referral is submitted."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, primary_key=True, related_name="case_file")
    received_at = models.DateTimeField()
    rg_due_on = models.DateField(db_index=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated_cases"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The manager who made the latest allocation: the timeline names both people.")
    recovery_period_ends_on = models.DateField(null=True, blank=True)
    reconsideration_due_by = models.DateField(null=True, blank=True)
    move_on_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(max_length=FREE_TEXT_MAX, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["allocated_to", "rg_due_on"]),
            # The queue's orders (decisions.selectors.queue.QUEUE_ORDER) read a page straight from these.
            models.Index(fields=["rg_due_on", "referral"], name="casefile_queue_due_idx"),
            models.Index(fields=["received_at", "referral"], name="casefile_queue_received_idx"),
            models.Index(fields=["recovery_period_ends_on"], name="casefile_recovery_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"Case {self.referral_id}"

    @property
    def cg_possible_from(self) -> datetime.date | None:
        """The first day a Conclusive Grounds decision can be made: the day after the minimum recovery
        period. Not the end of support, nor of the suspension of removal: both last until the CG is served."""
        if self.recovery_period_ends_on is None:
            return None
        return self.recovery_period_ends_on + datetime.timedelta(days=1)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(),
                 exclude=["reasons", "evidence_considered", "letter"])
class Decision(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reasons = models.TextField(max_length=FREE_TEXT_MAX)
    evidence_considered = models.TextField(max_length=FREE_TEXT_MAX)
    status = models.CharField(max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    served_at = models.DateTimeField(null=True, blank=True, db_index=True)
    letter = models.TextField(blank=True, help_text="The decision letter as served, kept on the record.")
    is_reconsideration = models.BooleanField(default=False)

    class Meta:
        ordering = ["drafted_at"]
        constraints = [
            # One decision in progress per case and stage: a second draft would race the first.
            models.UniqueConstraint(
                fields=["case", "stage"], condition=Q(status__in=OPEN_DECISION_STATUSES),
                name="one_open_decision_per_case_stage",
            ),
            models.CheckConstraint(
                name="served_decision_has_time", condition=~Q(status=DecisionStatus.SERVED) | Q(served_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_outcome_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DECISION_STATUSES


class InvolvementDeclaration(models.Model):
    """A user declares involvement in an asylum or immigration decision about the same person:
    they may then not second-review this case's decisions (strategy paragraph 32)."""

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="involvement_declarations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    details = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_declaration_per_user_case")]

    def __str__(self) -> str:
        return f"{self.user_id} involved in {self.case_id}"


class CaseNote(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=FREE_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class Transfer(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="transfers")
    from_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=FREE_TEXT_MAX)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transfer of {self.case_id}"


class ReconsiderationRequester(models.TextChoices):
    """Who asks for reconsideration; which of them may is an era setting (NRM_RECONSIDERATION_REQUESTERS)."""

    FIRST_RESPONDER = "first_responder", "First responder"
    SUPPORT_PROVIDER = "support_provider", "Support provider"
    PERSON = "person", "Person themselves"
    LEGAL_REPRESENTATIVE = "legal_representative", "Person's legal representative"


class Reconsideration(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="reconsiderations")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reconsiderations")
    reasons = models.TextField(max_length=FREE_TEXT_MAX)
    new_evidence = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_for = models.CharField(max_length=24, choices=ReconsiderationRequester.choices,
                                     default=ReconsiderationRequester.FIRST_RESPONDER,
                                     help_text="Who asked: the user's organisation, or the person or their "
                                               "legal representative when the request was made on their behalf.")
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision"], name="one_reconsideration_per_decision")]

    def __str__(self) -> str:
        return f"Reconsideration of {self.decision_id}"


class QualityAudit(models.Model):
    """A served decision drawn for the quarter's quality audit, and the auditor's finding."""

    class Finding(models.TextChoices):
        AGREE = "agree", "Agree with the decision"
        DISAGREE = "disagree", "Disagree with the decision"

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="quality_audit")
    quarter = models.CharField(max_length=7, db_index=True, help_text="YYYY-Qn")
    sampled_at = models.DateTimeField(auto_now_add=True)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    finding = models.CharField(max_length=8, choices=Finding.choices, blank=True)
    feedback = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Audit of {self.decision_id} ({self.quarter})"



class DispatchChannel(models.TextChoices):
    """How a served decision's letter reaches the person (decisions.dispatch chooses it from the referral)."""

    POST = "post", "By post to the person"
    EMAIL = "email", "By email to the person"
    LEGAL_REPRESENTATIVE = "legal_representative", "Through their legal representative"
    THIRD_PARTY = "third_party", "Through the person named on the referral"
    FIRST_RESPONDER = "first_responder", "Through the first responder"
    COLLECT_IN_PERSON = "collect_in_person", "Collect in person through the first responder"


class LetterDispatch(models.Model):
    """A served decision's letter on the competent authority's "Letters to send" list, until staff
    record that it was sent. It holds how to send it, never where: the address or email stays in the
    referral's answers, read only by the list page."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, primary_key=True, related_name="dispatch")
    competent_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=24, choices=DispatchChannel.choices)
    method = models.CharField(max_length=8, blank=True, help_text="email or post, for a representative or third party")
    due_by = models.DateField(help_text="2 working days after service: the manager is reminded after it.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    sent_how = models.CharField(max_length=32, blank=True, choices=[
        ("post", "By post"), ("email", "By email"), ("handed_to_first_responder", "Handed to the first responder"),
        ("collected_in_person", "Collected in person through the first responder")])
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["competent_authority", "due_by"], condition=Q(recorded_at__isnull=True),
                                name="dispatch_unsent_idx")]

    def __str__(self) -> str:
        return f"Letter for decision {self.decision_id}"

    @property
    def is_sent(self) -> bool:
        return self.recorded_at is not None
