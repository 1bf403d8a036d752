from __future__ import annotations

import pytest

from decisions.services.case import case_allocate, case_file_open
from organisations.models import Role
from referrals.services import referral_submit
from tests.factories import UserFactory
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities, local_authority  # noqa: F401 - shared fixtures


@pytest.fixture
def ukhtc(competent_authorities):  # noqa: F811
    return competent_authorities["ukhtc"]


@pytest.fixture
def manager(ukhtc):
    return UserFactory(organisation=ukhtc, roles=[Role.CA_MANAGER])


@pytest.fixture
def decider(ukhtc):
    return UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER])


@pytest.fixture
def reviewer(ukhtc):
    return UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER])


@pytest.fixture
def case(first_responder, manager, decider):
    """A submitted adult referral routed to UKHTC and allocated to `decider`."""
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    case_file_open(referral)
    case_allocate(referral=referral, to=decider, by=manager)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def other_first_responder_user(db):
    from organisations.models import OrgRole
    from tests.factories import OrganisationFactory

    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]),
                       roles=[Role.FIRST_RESPONDER])
