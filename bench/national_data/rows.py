"""The shape of the synthetic rows: which fields each table's COPY lines hold and in what order, the
fields left to the database, and one chunk's lines on their way from the generator to the loader.

Fields are named as the models name them; loader.tables() turns them into the models' own table and
column names, and refuses to run when a concrete field of a model is in neither WRITTEN nor
LEFT_TO_DATABASE, so a field added to a model is never skipped without someone deciding so here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from bench.national_data.cast import Provider
from decisions.models import CaseFile, Decision
from referrals.models import Referral, ReferralGroupObjectPermission, ReferralUserObjectPermission
from victim_care.models import Allocation, CareRecordEntry, SupportCase

NULL = "\\N"

# The fields of each table's lines, in order (field names; the loader takes the columns from the model).
WRITTEN: dict[type[models.Model], tuple[str, ...]] = {
    Referral: (
        "id", "reference", "kind", "status", "answers", "nation", "is_child", "age_at_exploitation", "gender",
        "nationality", "second_nationality", "exploitation_types", "exploitation_location", "name_for_matching",
        "home_office_reference", "wants_support", "created_at", "updated_at", "submitted_at",
        "competent_authority", "created_by", "first_responder_organisation"),
    CaseFile: (
        "referral", "received_at", "rg_due_on", "allocated_at", "allocated_to", "recovery_period_ends_on",
        "reconsideration_due_by", "move_on_at", "withdrawn_at", "withdrawal_reason", "closed_at", "close_reason"),
    Decision: (
        "case", "stage", "outcome", "reasons", "evidence_considered", "status", "author", "drafted_at",
        "sent_for_review_at", "reviewer", "reviewed_at", "review_comments", "served_at", "letter",
        "is_reconsideration"),
    ReferralUserObjectPermission: ("content_object", "permission", "user"),
    SupportCase: ("id", "referral", "opened_at", "status", "needs", "risks", "exit_reason", "exited_on"),
    Allocation: ("support_case", "provider", "support_type", "start_on", "end_on", "created_by"),
    CareRecordEntry: ("support_case", "provider", "author", "kind", "text", "review_due_on", "created_at"),
    ReferralGroupObjectPermission: ("content_object", "group", "permission"),
}
# Not generated, so in neither table: referrals.GuardianAssignment (a child's guardian service). The national
# data's children name no local authority (Referral.local_authority below), so none has the local authority
# lead who assigns a guardian; its rows are read by index (current_guardians_by_service, and the referral's
# one current row), so a guardian's pages cost the same at national scale.
# The fields the lines leave to the database: serial ids, and fields left empty (NULL). The grants'
# copy of the submission time is filled in after the load, by one UPDATE (loader.py).
LEFT_TO_DATABASE: dict[type[models.Model], tuple[str, ...]] = {
    Referral: ("local_authority", "date_of_birth", "anonymised_at"),
    CaseFile: ("allocated_by",),
    Decision: ("id",),
    ReferralUserObjectPermission: ("id",),
    Allocation: ("id",),
    CareRecordEntry: ("id", "corrects"),
    ReferralGroupObjectPermission: ("id", "referral_submitted_at"),
}


@dataclass
class SupportPlan:
    """A support case waiting for its id: allocations are (provider, type, start day, end day or None)."""

    referral_id: str
    opened_at: int
    status: str
    exit_day: int | None
    exit_reason: str
    allocations: list[tuple[Provider, str, int, int | None]]


@dataclass
class Rows:
    """One chunk's COPY lines by table, and the support cases still to be numbered."""

    lines: dict[type[models.Model], list[str]] = field(default_factory=lambda: {model: [] for model in WRITTEN})
    support: list[SupportPlan] = field(default_factory=list)
    reconsiderations: list[tuple[str, str, str]] = field(default_factory=list)


def line(*values: str) -> str:
    return "\t".join(values) + "\n"


def flag(value: bool | None) -> str:
    return NULL if value is None else ("t" if value else "f")

