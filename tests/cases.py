"""Cases taken through the services to where a test starts, for tests about what follows: the two competent
authorities routing needs, a first responder, a referral submitted and allocated, a decision served."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from decisions.models import Decision
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import Organisation, OrgRole, Role, User
from referrals.models import Referral
from referrals.services import referral_submit
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft


def competent_authority() -> Organisation:
    """The authority an adult's referral is routed to, made with the immigration authority routing also names."""
    authority = OrganisationFactory(name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY])
    OrganisationFactory(name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY])
    return authority


def first_responder_user() -> User:
    """A first responder in an organisation of their own (police)."""
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]), roles=[Role.FIRST_RESPONDER])


def allocated_case(responder: User, *, decider: User, manager: User,
                   answers: dict[str, dict[str, Any]] | None = None) -> Referral:
    """A complete referral submitted by `responder`, its case opened and allocated to `decider`."""
    referral = referral_submit(referral=completed_draft(responder, answers), by=responder)
    case_file_open(referral)
    case_allocate(referral=referral, to=decider, by=manager)
    return referral


def decision_awaiting_review(referral: Referral, *, decider: User, stage: str = "rg", outcome: str = "positive",
                             reasons: str = "r", evidence_considered: str = "e") -> Decision:
    """A decision drafted by the case's decision maker and sent for second review."""
    decision = decision_draft(referral=referral, stage=stage, outcome=outcome, reasons=reasons,
                              evidence_considered=evidence_considered, by=decider)
    return decision_send_for_review(decision=decision, by=decider)


def decision_served(referral: Referral, *, decider: User, reviewer: User, stage: str = "rg",
                    outcome: str = "positive", reasons: str = "r", evidence_considered: str = "e") -> Decision:
    """A decision drafted by the case's decision maker and signed off by a second reviewer."""
    return decision_sign_off(decision=decision_awaiting_review(
        referral, decider=decider, stage=stage, outcome=outcome, reasons=reasons,
        evidence_considered=evidence_considered), by=reviewer)


@dataclass(frozen=True)
class CaseworkTeam:
    """A first responder and the competent authority's manager, decision maker and second reviewer."""

    authority: Organisation
    responder: User
    manager: User
    decider: User
    reviewer: User

    def allocated_case(self, answers: dict[str, dict[str, Any]] | None = None) -> Referral:
        return allocated_case(self.responder, decider=self.decider, manager=self.manager, answers=answers)

    def decision_served(self, referral: Referral, stage: str = "rg") -> Decision:
        return decision_served(referral, decider=self.decider, reviewer=self.reviewer, stage=stage)


def casework_team() -> CaseworkTeam:
    authority = competent_authority()
    responder = first_responder_user()
    return CaseworkTeam(authority=authority, responder=responder,
                        manager=UserFactory(organisation=authority, roles=[Role.CA_MANAGER]),
                        decider=UserFactory(organisation=authority, roles=[Role.DECISION_MAKER]),
                        reviewer=UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER]))
