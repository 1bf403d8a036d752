"""Who may act on a case. Organisation scope first (the case must be routed to the user's
competent authority), then the per-case grant (django-guardian) for the allocated decision maker,
and the independence rules for second reviewers."""

from __future__ import annotations

from guardian.shortcuts import get_perms

from decisions.models import Decision, InvolvementDeclaration
from organisations.models import Role, User
from referrals.models import Referral

DECIDE = "decide_referral"


class ReviewerNotIndependent(Exception):
    """The reviewer wrote the decision, declared involvement, or works elsewhere."""


def works_on(user: User, referral: Referral) -> bool:
    return user.is_authenticated and referral.competent_authority_id is not None and (
        user.organisation_id == referral.competent_authority_id
        and user.has_role(Role.DECISION_MAKER, Role.SECOND_REVIEWER, Role.CA_MANAGER, Role.QUALITY_AUDITOR)
    )


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
