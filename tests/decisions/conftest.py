from __future__ import annotations

import pytest

from core import working_days
from organisations.models import Role
from tests.cases import allocated_case
from tests.factories import UserFactory
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
    referral = allocated_case(first_responder, decider=decider, manager=manager)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def today():
    """The working day the forecasts count from (tests/decisions/history.py builds the past from it)."""
    return working_days.today()


@pytest.fixture
def other_first_responder_user(db):
    from organisations.models import OrgRole
    from tests.factories import OrganisationFactory

    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]),
                       roles=[Role.FIRST_RESPONDER])
