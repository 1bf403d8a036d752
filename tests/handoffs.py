"""The people of a hand-off, shared by the hand-off tests (tests/decisions/test_handoffs.py,
tests/reminders/test_events.py, tests/victim_care/test_person.py): two first responder organisations, a
competent authority with two of each role, a local authority, the prime contractor, two providers and a
monitor, each with an account and a colleague, so a test can show who is told and who is not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from decisions.models import Decision
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import Organisation, OrgRole, Role, User
from referrals.models import Referral
from referrals.services import referral_submit
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import adult_answers, child_answers, completed_draft
from victim_care.models import ProviderProfile, SupportType, Tariff


@dataclass
class World:
    users: dict[str, User]
    organisations: dict[str, Organisation]
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.users[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def everyone(self) -> list[User]:
        return list(self.users.values())


def _org(role: OrgRole, **extra) -> Organisation:
    return OrganisationFactory(roles=[role], **extra)


def build_world() -> World:
    ukhtc = _org(OrgRole.COMPETENT_AUTHORITY, name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY)
    ukba = _org(OrgRole.COMPETENT_AUTHORITY, name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY)
    police, charity = _org(OrgRole.FIRST_RESPONDER), _org(OrgRole.FIRST_RESPONDER,
                                                                   first_responder_type="ngo")
    council, other_council = _org(OrgRole.LOCAL_AUTHORITY), _org(OrgRole.LOCAL_AUTHORITY)
    salvation_army = _org(OrgRole.PRIME_CONTRACTOR, name="The Salvation Army")
    provider = _org(OrgRole.SUPPORT_PROVIDER, name="Hestia")
    second = _org(OrgRole.SUPPORT_PROVIDER, name="Medaille Trust")
    home_office = _org(OrgRole.MONITOR)
    for supporter, regions in ((provider, ["london"]), (second, ["north_west"])):
        Tariff.objects.create(provider=supporter, support_type=SupportType.OUTREACH, daily_rate_pence=5000,
                              valid_from=datetime.date(2000, 1, 1))
        Tariff.objects.create(provider=supporter, support_type=SupportType.ACCOMMODATION, daily_rate_pence=9000,
                              valid_from=datetime.date(2000, 1, 1))
        ProviderProfile.objects.create(organisation=supporter, regions=regions, services=["accommodation"],
                                       women_only_beds=2, men_only_beds=2, family_beds=1)
    people = {
        "responder": (police, Role.FIRST_RESPONDER, "Jane Referrer"),
        "responder_colleague": (police, Role.FIRST_RESPONDER, "Joe Colleague"),
        "other_responder": (charity, Role.FIRST_RESPONDER, "Olive Other"),
        "manager": (ukhtc, Role.CA_MANAGER, "Kwame Mensah"),
        "manager_two": (ukhtc, Role.CA_MANAGER, "Meera Manager"),
        "decider": (ukhtc, Role.DECISION_MAKER, "Mark Wilson"),
        "decider_two": (ukhtc, Role.DECISION_MAKER, "Dana Decider"),
        "reviewer": (ukhtc, Role.SECOND_REVIEWER, "Rita Reviewer"),
        "reviewer_two": (ukhtc, Role.SECOND_REVIEWER, "Ravi Reviewer"),
        "involved_reviewer": (ukhtc, Role.SECOND_REVIEWER, "Ivan Involved"),
        "auditor": (ukhtc, Role.QUALITY_AUDITOR, "Quinn Auditor"),
        "other_manager": (ukba, Role.CA_MANAGER, "Uma Ukba"),
        "other_reviewer": (ukba, Role.SECOND_REVIEWER, "Umar Ukba"),
        "la_lead": (council, Role.LA_SAFEGUARDING_LEAD, "Lena Lead"),
        "other_la_lead": (other_council, Role.LA_SAFEGUARDING_LEAD, "Liam Elsewhere"),
        "case_manager": (salvation_army, Role.PC_CASE_MANAGER, "Sally Army"),
        "case_manager_two": (salvation_army, Role.PC_CASE_MANAGER, "Sam Army"),
        "worker": (provider, Role.SUPPORT_WORKER, "Pat Provider"),
        "worker_two": (provider, Role.SUPPORT_WORKER, "Peta Provider"),
        "second_worker": (second, Role.SUPPORT_WORKER, "Sean Second"),
        "monitor": (home_office, Role.MONITOR, "Mo Monitor"),
    }
    users = {key: UserFactory(organisation=org, roles=[role], full_name=name)
             for key, (org, role, name) in people.items()}
    organisations = {"ukhtc": ukhtc, "ukba": ukba, "police": police, "charity": charity, "council": council,
                     "salvation_army": salvation_army, "provider": provider, "second": second}
    return World(users=users, organisations=organisations)


def submitted(world: World, *, child: bool = False, **changes) -> Referral:
    answers = child_answers(world.organisations["council"].pk) if child else adult_answers(**changes)
    referral = referral_submit(referral=completed_draft(world.responder, answers), by=world.responder)
    if referral.competent_authority_id != world.organisations["ukhtc"].pk:
        Referral.objects.filter(pk=referral.pk).update(competent_authority=world.organisations["ukhtc"])
        referral.refresh_from_db()
    case_file_open(referral)
    return referral


def allocated(world: World, **kwargs) -> Referral:
    referral = submitted(world, **kwargs)
    case_allocate(referral=referral, to=world.decider, by=world.manager)
    referral.refresh_from_db()
    return referral


def served(world: World, referral: Referral, *, stage: str = "rg", outcome: str = "positive",
           reasons: str = "The account is consistent and the indicators are present.") -> Decision:
    decision = decision_draft(referral=referral, stage=stage, outcome=outcome, reasons=reasons,
                              evidence_considered="The referral.", by=world.decider)
    decision = decision_sign_off(decision=decision_send_for_review(decision=decision, by=world.decider),
                                 by=world.reviewer)
    referral.refresh_from_db()
    return decision


def today() -> datetime.date:
    return timezone.localdate()
