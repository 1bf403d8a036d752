"""The potential victim's referral: one person, one submission, answered section by section.

Answers live in `answers` (one JSON object per form section, exactly as the section's form
cleaned them). The columns beside it are derived from the answers when a section is saved
(referrals.services), because routing, duplicate checks, access rules and the quarterly
statistics filter and count by them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.fields import FREE_TEXT_MAX
from organisations.models import Organisation
from referrals.guardianship import GuardianAssignment  # noqa: F401 - a model of this app, kept in its own module
from referrals.reference_data import NATIONALITY_LABELS


class ReferralKind(models.TextChoices):
    NRM = "nrm", "NRM referral"
    DUTY_TO_NOTIFY = "dtn", "Duty to Notify"


class ReferralStatus(models.TextChoices):
    """The case's state. decisions.workflow moves it after submission."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ALLOCATED = "allocated", "Allocated"
    RG_DRAFTED = "rg_drafted", "Reasonable Grounds decision drafted"
    RG_AWAITING_REVIEW = "rg_awaiting_review", "Reasonable Grounds decision awaiting second review"
    RG_POSITIVE = "rg_positive", "Positive Reasonable Grounds decision"
    RG_NEGATIVE = "rg_negative", "Negative Reasonable Grounds decision"
    RG_RECONSIDERATION = "rg_reconsideration", "Reasonable Grounds decision being reconsidered"
    CG_DRAFTED = "cg_drafted", "Conclusive Grounds decision drafted"
    CG_AWAITING_REVIEW = "cg_awaiting_review", "Conclusive Grounds decision awaiting second review"
    CG_POSITIVE = "cg_positive", "Positive Conclusive Grounds decision"
    CG_NEGATIVE = "cg_negative", "Negative Conclusive Grounds decision"
    CG_RECONSIDERATION = "cg_reconsideration", "Conclusive Grounds decision being reconsidered"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RECORDED = "recorded", "Recorded (Duty to Notify)"
    HISTORIC = "historic", "Historic record (imported)"


# A case waiting for its Conclusive Grounds decision: after a positive RG, with the CG drafted or in second
# review, or a negative CG being reconsidered. The competent authority's CG queue, with an index of its own.
AWAITING_CG = (ReferralStatus.RG_POSITIVE, ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW,
               ReferralStatus.CG_RECONSIDERATION)
# The other stages of a case that more than one app asks about (queues, deadlines, reminders, the case
# lifecycle), each named once here.
# No Reasonable Grounds decision served yet: the 5-working-day target runs.
RG_PENDING = (ReferralStatus.SUBMITTED, ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED,
              ReferralStatus.RG_AWAITING_REVIEW)
# A positive RG and no Conclusive Grounds decision served yet: the recovery period, then the CG.
WAITING_FOR_FIRST_CG = (ReferralStatus.RG_POSITIVE, ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW)
# A case nobody works on any more: closed, withdrawn, or imported history.
CASE_OVER = (ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN, ReferralStatus.HISTORIC)
# A case still open: not a draft, not over, and not a Duty to Notify record (which is never a case).
OPEN_CASE = frozenset(set(ReferralStatus) - {ReferralStatus.DRAFT, ReferralStatus.RECORDED, *CASE_OVER})


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class AgeGroup(models.TextChoices):
    ADULT = "adult", "Adult (18 or over)"
    CHILD = "child", "Child (17 or under)"
    UNKNOWN = "unknown", "Not specified or unknown"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not specified or unknown"


class ExploitationType(models.TextChoices):
    """The Home Office's published exploitation types, in its spelling (docs/monitoring.md)."""

    LABOUR = "labour", "Labour"
    SEXUAL = "sexual", "Sexual"
    CRIMINAL = "criminal", "Criminal"
    DOMESTIC = "domestic", "Domestic"
    ORGAN = "organ", "Organ Harvesting"
    UNKNOWN = "unknown", "Not specified or unknown"


class ExploitationLocation(models.TextChoices):
    UK = "uk", "UK"
    OVERSEAS = "overseas", "Overseas"
    BOTH = "both", "UK and Overseas"
    UNKNOWN = "unknown", "Not specified or unknown"


class SupportRoute(models.TextChoices):
    """Where support comes from: the adult victim care contract covers England and Wales only."""

    VICTIM_CARE_CONTRACT = "victim_care_contract", "The Salvation Army's adult victim care contract"
    LOCAL_AUTHORITY = "local_authority", "The local authority (a child is not in the adult victim care contract)"
    SCOTLAND = "scotland", "Supported under Scotland's own arrangements"
    NORTHERN_IRELAND = "northern_ireland", "Supported under Northern Ireland's own arrangements"
    DECLINED = "declined", "The person did not want support"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    pghistory.ManualEvent("submitted"),
    pghistory.ManualEvent("anonymised"),
    # The history records what happened to the case, not a second copy of the person's story.
    exclude=["answers", "name_for_matching"],
)
class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=8, choices=ReferralKind.choices, default=ReferralKind.NRM)
    status = models.CharField(max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)

    first_responder_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_made"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    competent_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_received"
    )
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="child_referrals",
        help_text="Children's services shared on a child's referral: they see it by this link.",
    )

    answers = models.JSONField(default=dict, blank=True)

    # Derived from the answers, for routing, matching, access and statistics.
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    is_child = models.BooleanField(null=True, help_text="Handled as a child's referral (under 18 or not sure).")
    age_at_exploitation = models.CharField(max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    gender = models.CharField(max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = models.CharField(max_length=2, blank=True)
    second_nationality = models.CharField(max_length=2, blank=True)
    exploitation_types = ArrayField(models.CharField(max_length=10, choices=ExploitationType.choices), default=list)
    exploitation_location = models.CharField(
        max_length=10, choices=ExploitationLocation.choices, default=ExploitationLocation.UNKNOWN
    )
    date_of_birth = models.DateField(null=True, blank=True)
    name_for_matching = models.CharField(max_length=400, blank=True)
    home_office_reference = models.CharField(max_length=40, blank=True)
    wants_support = models.BooleanField(null=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True,
                                         help_text="When the retention policy removed the personal details.")

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["first_responder_organisation", "-updated_at"]),
            models.Index(fields=["first_responder_organisation", "-submitted_at"],
                         name="referral_responder_list_idx"),  # the first responder's list, newest first
            models.Index(fields=["competent_authority", "status", "-submitted_at"]),
            models.Index(fields=["local_authority", "-submitted_at"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["home_office_reference"]),
            models.Index(fields=["status", "updated_at"]),
            # Each authority's CG queue, oldest referral first (the flow dashboard's ready list, and the
            # forecast's count of the cases ahead): a small share of every referral, read in order.
            models.Index(fields=["competent_authority", "submitted_at", "id"], name="referral_cg_queue_idx",
                         condition=models.Q(kind=ReferralKind.NRM, status__in=AWAITING_CG)),
        ]
        constraints = [
            models.CheckConstraint(
                name="submitted_referral_has_reference",
                condition=models.Q(status=ReferralStatus.DRAFT) | models.Q(reference__isnull=False),
            ),
            models.CheckConstraint(
                name="duty_to_notify_never_routed",
                condition=~models.Q(kind=ReferralKind.DUTY_TO_NOTIFY) | models.Q(competent_authority__isnull=True),
            ),
        ]
        triggers = [
            # ReferralGroupObjectPermission.referral_submitted_at follows the referral (see its docstring).
            pgtrigger.Trigger(
                name="referral_submitted_at_to_grants",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("submitted_at"),
                condition=pgtrigger.Condition("OLD.submitted_at IS DISTINCT FROM NEW.submitted_at"),
                func="UPDATE referrals_referralgroupobjectpermission SET referral_submitted_at = NEW.submitted_at "
                     "WHERE content_object_id = NEW.id; RETURN NULL;",
            ),
        ]
        permissions = [
            ("submit_referral", "Can make and submit referrals"),
            ("decide_referral", "Can draft decisions on this case (granted per case on allocation)"),
            ("support_referral", "Supports this person (granted to the support provider's workers)"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {str(self.id)[:8]}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReferralStatus.DRAFT

    @staticmethod
    def draft_expiry_after(saved_at):
        """When a draft last saved at `saved_at` is deleted if nobody saves it again."""
        return saved_at + timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)

    @property
    def draft_expires_at(self):
        """When an untouched draft is deleted (NRM_DRAFT_EXPIRY_DAYS after its last save)."""

        return self.draft_expiry_after(self.updated_at)

    @property
    def draft_expiring_soon(self) -> bool:
        """Past the warning age: the author has been reminded that it will be deleted."""


        return self.updated_at <= timezone.now() - timedelta(days=settings.NRM_DRAFT_WARNING_DAYS)

    @property
    def support_route(self) -> SupportRoute:
        """Who supports the person while the case is decided: the one place this rule is written (the
        case page shows it; victim care opens a support case only on the adult contract's route)."""
        if self.is_child is not False:
            return SupportRoute.LOCAL_AUTHORITY
        if self.nation == Nation.SCOTLAND:
            return SupportRoute.SCOTLAND
        if self.nation == Nation.NORTHERN_IRELAND:
            return SupportRoute.NORTHERN_IRELAND
        if self.wants_support is False:
            return SupportRoute.DECLINED
        return SupportRoute.VICTIM_CARE_CONTRACT

    @property
    def person_name(self) -> str:
        """The person's name as the referral gives it ('' when not given or anonymised)."""
        personal = (self.answers or {}).get("personal-details", {})
        return " ".join(part for part in (personal.get("given_names", ""), personal.get("family_name", ""))
                        if part).strip()

    @property
    def nationality_names(self) -> str:
        return ", ".join(NATIONALITY_LABELS.get(code, code) for code in (self.nationality, self.second_nationality)
                         if code)

    @property
    def exploitation_type_names(self) -> str:
        labels = dict(ExploitationType.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in self.exploitation_types or [])

    @property
    def age_group(self) -> str:
        """The statistics' age group of the person now: Child when handled as a child's case."""
        if self.is_child is None:
            return AgeGroup.UNKNOWN
        return AgeGroup.CHILD if self.is_child else AgeGroup.ADULT


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grant of one referral to one user (direct foreign key, not generic)."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian grant of one referral to a group: how a support provider's workers see the people
    it supports (victim_care.services grants it to the provider's group on allocation).

    `referral_submitted_at` copies the referral's submission time so that a provider's list, newest
    first, reads one index range of its own grants (grant_sort_idx) instead of walking every referral
    until it has found a page of its own (bench/results/national.md). The database keeps the copy:
    a trigger fills it on every insert, however the grant is made, and another on the referral copies
    a changed submission time to its grants; nothing in Python writes it."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)
    referral_submitted_at = models.DateTimeField(null=True, editable=False,
                                                 help_text="The referral's submitted_at, kept by a trigger.")

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["group", "permission", "-referral_submitted_at", "content_object"],
                         name="grant_sort_idx"),  # a provider's people, newest first (pk breaks ties)
        ]
        triggers = [
            pgtrigger.Trigger(
                name="grant_copies_submitted_at",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("content_object_id", "referral_submitted_at"),
                func="NEW.referral_submitted_at := (SELECT submitted_at FROM referrals_referral "
                     "WHERE id = NEW.content_object_id); RETURN NEW;",
            ),
        ]


class ReferenceCounter(models.Model):
    """Gapless per-year counter behind NRM-YYYY-NNNNNN references (row-locked while used)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def document_storage_name(instance: ReferralDocument, filename: str) -> str:
    # A server-generated name; the uploader's file name is kept only as data.
    return f"referrals/{instance.referral_id}/{instance.id}"


class ReferralDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_storage_name, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class PossibleDuplicate(models.Model):
    """A flag for the competent authority that two referrals may be the same person."""

    class Reason(models.TextChoices):
        DOB_AND_NAME = "dob_and_name", "Same date of birth and a similar name"
        HOME_OFFICE_REFERENCE = "home_office_reference", "Same Home Office reference"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="possible_duplicates")
    matches = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=24, choices=Reason.choices)
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "matches"], name="duplicate_pair_once")]

    def __str__(self) -> str:
        return f"{self.referral_id} may duplicate {self.matches_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["question", "answer"])
class InformationRequest(models.Model):
    """A competent authority's request for more information, answered by the first responder."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField(max_length=FREE_TEXT_MAX)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"Information request {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
