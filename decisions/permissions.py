"""Who may act on a case. Organisation scope first (the case must be routed to the user's
competent authority), then the per-case grant (django-guardian) for the allocated decision maker,
and the independence rules for second reviewers."""

from __future__ import annotations

from guardian.shortcuts import get_perms

from core.errors import NotAllowed
from decisions.models import Decision, InvolvementDeclaration
from organisations.models import COMPETENT_AUTHORITY_ROLES, OrgRole, Role, User
from referrals.models import Referral
from referrals.permissions import (
    is_childs_guardian,
    is_childs_local_authority,
    is_referring_organisation,
    is_supporting_provider,
)

DECIDE = "decide_referral"


class ReviewerNotIndependent(NotAllowed):
    """The reviewer wrote the decision, declared involvement, or works elsewhere."""


def works_on(user: User, referral: Referral) -> bool:
    return user.is_authenticated and referral.competent_authority_id is not None and (
        user.organisation_id == referral.competent_authority_id
        and user.has_role(*COMPETENT_AUTHORITY_ROLES)
    )


def may_use_casework(user: User) -> bool:
    """The queue and the casework pages: staff of a competent authority in one of its casework roles."""
    return (user.is_authenticated and user.organisation_id is not None
            and user.has_role(*COMPETENT_AUTHORITY_ROLES))


def may_review_decisions(user: User) -> bool:
    """Second review pages (whether this reviewer may review a given decision: check_reviewer_independent)."""
    return user.is_authenticated and user.has_role(Role.SECOND_REVIEWER)


def may_audit(user: User) -> bool:
    """The quality audit list and findings."""
    return user.is_authenticated and user.has_role(Role.QUALITY_AUDITOR)


def may_record_finding(user: User, referral: Referral) -> bool:
    """A quality auditor of the deciding authority, or of the Home Office's monitors."""
    return may_audit(user) and (user.organisation_id == referral.competent_authority_id
                                or user.organisation.holds(OrgRole.MONITOR))


def may_be_allocated(person: User, referral: Referral) -> bool:
    """Cases go to active decision makers of the deciding competent authority."""
    return (person.is_active and person.organisation_id == referral.competent_authority_id
            and person.has_role(Role.DECISION_MAKER))


def may_manage(user: User, referral: Referral) -> bool:
    """Allocate, reallocate, transfer: the competent authority's managers."""
    return works_on(user, referral) and user.has_role(Role.CA_MANAGER)


def may_decide(user: User, referral: Referral) -> bool:
    """Draft decisions: the decision maker the case is allocated to (a guardian grant on the case)."""
    return works_on(user, referral) and user.has_role(Role.DECISION_MAKER) and DECIDE in get_perms(user, referral)


def may_record(user: User, referral: Referral) -> bool:
    """Notes, declarations, information requests, withdrawal and closure: decision makers and managers."""
    return works_on(user, referral) and user.has_role(Role.DECISION_MAKER, Role.CA_MANAGER)


def check_reviewer_independent(user: User, decision: Decision) -> None:
    referral = decision.case.referral
    if not (works_on(user, referral) and user.has_role(Role.SECOND_REVIEWER)):
        raise ReviewerNotIndependent("Only a second reviewer of the deciding competent authority can review.")
    if decision.author_id == user.pk:
        raise ReviewerNotIndependent("You wrote this decision, so you cannot be its second reviewer.")
    if InvolvementDeclaration.objects.filter(case_id=decision.case_id, user=user).exists():
        raise ReviewerNotIndependent("You have declared involvement in an asylum or immigration decision about "
                                     "this person, so you cannot review decisions on their case.")


def may_review(user: User, decision: Decision) -> bool:
    try:
        check_reviewer_independent(user, decision)
    except ReviewerNotIndependent:
        return False
    return True


def may_view_flow(user: User) -> bool:
    """The flow dashboard and /api/v1/reports/flow/: a competent authority's managers, for their authority."""
    return bool(user.is_authenticated and user.organisation_id and user.has_role(Role.CA_MANAGER))


# What a served decision shows to whom (docs/permissions.md, "Served decisions"):
FULL = "full"  # stage, outcome, dates, the letter with its reasons, what happens next, reconsideration
OUTCOME = "outcome"  # stage, outcome and dates only: never the reasons of a negative decision
NOTHING = ""


def decision_view_of(user: User, referral: Referral) -> str:
    """How much of the served decisions on this referral the user sees. The prime contractor's view is
    on the support case (victim_care), where it sees the same as the provider. A child's guardian sees what
    the child's local authority sees."""
    if is_referring_organisation(user, referral) or is_childs_local_authority(user, referral) or works_on(
            user, referral) or is_childs_guardian(user, referral):
        return FULL
    if is_supporting_provider(user, referral):
        return OUTCOME
    return NOTHING


def may_send_letters(user: User, authority_id: int | None) -> bool:
    """The "Letters to send" list and recording a letter sent: the authority's decision makers and managers."""
    return (user.is_authenticated and authority_id is not None and user.organisation_id == authority_id
            and user.has_role(Role.DECISION_MAKER, Role.CA_MANAGER))
