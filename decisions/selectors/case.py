"""One case as its competent authority's staff read it: which cases a user sees at all, what is due next,
and the case pages' read of a case with the related rows each page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from audit.models import AccessAction
from audit.services import record_access, refused
from core import working_days
from decisions import permissions
from decisions.models import (
    CaseFile,
    CaseNote,
    Decision,
    DecisionStatus,
    InvolvementDeclaration,
    Outcome,
    Reconsideration,
    Stage,
    Transfer,
)
from organisations.models import User
from referrals.models import (
    RG_PENDING,
    WAITING_FOR_FIRST_CG,
    InformationRequest,
    PossibleDuplicate,
    Referral,
    ReferralDocument,
    ReferralKind,
    ReferralStatus,
)


def cases_visible_to(user: User) -> QuerySet[Referral]:
    """NRM cases routed to the user's competent authority (organisation scope, index-backed)."""
    if not permissions.may_use_casework(user):
        return Referral.objects.none()
    return (Referral.objects.filter(competent_authority_id=user.organisation_id, kind=ReferralKind.NRM)
            .exclude(status=ReferralStatus.DRAFT))


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: datetime.date
    overdue: bool
    days_remaining: int


def next_deadline(referral: Referral, case: CaseFile | None) -> Deadline | None:
    """The deadline that matters now: the RG target, the end of the recovery period, or the
    reconsideration window."""
    if case is None:
        return None
    today = working_days.today()
    if referral.status in RG_PENDING:
        label, due = "Reasonable Grounds decision due", case.rg_due_on
        return Deadline(label, due, today > due, working_days.working_days_between(today, due))
    if referral.status == ReferralStatus.RG_POSITIVE and case.cg_possible_from and case.cg_possible_from > today:
        due = case.cg_possible_from
        return Deadline("Conclusive Grounds decision can be made from", due, False, (due - today).days)
    if (referral.status in (ReferralStatus.RG_NEGATIVE, ReferralStatus.CG_NEGATIVE) and case.reconsideration_due_by
            and case.reconsideration_due_by >= today):  # a closed window is no deadline
        due = case.reconsideration_due_by
        return Deadline("Reconsideration can be asked for until", due, False, (due - today).days)
    return None


def days_waiting_for_cg(referral: Referral, case: CaseFile | None, decisions) -> int | None:
    """Days since the positive RG for a person still waiting for their first Conclusive Grounds decision
    (removal stays suspended and support goes on meanwhile); None otherwise."""
    if case is None or referral.status not in WAITING_FOR_FIRST_CG:
        return None
    served = [d for d in decisions if d.status == DecisionStatus.SERVED]
    if any(d.stage == Stage.CG for d in served):
        return None
    positive_rg = max((d.served_at for d in served if d.stage == Stage.RG and d.outcome == Outcome.POSITIVE),
                      default=None)
    return (working_days.today() - working_days.local_date(positive_rg)).days if positive_rg else None


def _decisions() -> Prefetch:
    return Prefetch("case_file__decisions", queryset=Decision.objects.select_related("author", "reviewer"))


# What each case page shows, so that each reads only its own related rows: one query per relation,
# with what each row names joined in, so that the count does not grow with the rows.
CASE_PARTS: dict[str, tuple] = {
    "overview": (_decisions,
                 lambda: Prefetch("case_file__involvement_declarations",
                                  queryset=InvolvementDeclaration.objects.select_related("user")),
                 lambda: Prefetch("possible_duplicates", queryset=PossibleDuplicate.objects.select_related("matches"))),
    "referral": (lambda: Prefetch("documents", queryset=ReferralDocument.objects.all()),),
    "timeline": (_decisions,
                 lambda: Prefetch("case_file__notes", queryset=CaseNote.objects.select_related("author")),
                 lambda: Prefetch("case_file__transfers", queryset=Transfer.objects.select_related(
                     "from_authority", "to_authority", "transferred_by")),
                 lambda: Prefetch("case_file__reconsiderations", queryset=Reconsideration.objects.select_related(
                     "requested_by", "decision")),
                 lambda: Prefetch("information_requests",
                                  queryset=InformationRequest.objects.select_related("requested_by", "answered_by"))),
    "decisions": (_decisions,),
}


def case_for(user: User, referral_id: Any, *, parts: tuple[str, ...] = tuple(CASE_PARTS),
             annotations: dict[str, Any] | None = None) -> Referral:
    """One case for its competent authority's staff, with the related rows `parts` name (all of them
    unless told) and any `annotations` (decisions.waiting.position_annotations: the forecast's figures
    in the same query), or 404 (logged)."""
    lookups: dict[str, Any] = {}
    for part in parts:
        for lookup in CASE_PARTS[part]:
            made = lookup() if callable(lookup) else lookup
            lookups[made.prefetch_to if isinstance(made, Prefetch) else made] = made
    if "possible_duplicates" in lookups:
        # A possible duplicate is shown only where the viewer may open it: another authority's case
        # reference is not theirs to learn.
        lookups["possible_duplicates"] = Prefetch(
            "possible_duplicates",
            queryset=PossibleDuplicate.objects.filter(matches__in=cases_visible_to(user)).select_related("matches"))
    referral = (
        cases_visible_to(user)
        .select_related("case_file", "case_file__allocated_to", "first_responder_organisation",
                        "competent_authority", "local_authority", "support_case")
        .prefetch_related(*lookups.values())
        .annotate(**(annotations or {}))
        .filter(pk=referral_id).first()
    )
    if referral is None or not hasattr(referral, "case_file"):
        raise refused(user=user, record_type=Referral, record_id=referral_id)
    record_access(user=user, action=AccessAction.VIEW, record=referral)
    return referral
