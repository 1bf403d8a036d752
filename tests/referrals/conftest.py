from __future__ import annotations

import pytest

from organisations.models import FirstResponderType, OrgRole, Role
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def competent_authorities(db, settings):
    ukhtc = OrganisationFactory(name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY, first_responder_type="",
                                roles=[OrgRole.COMPETENT_AUTHORITY], inbox_email="ukhtc@example.test")
    ukba = OrganisationFactory(name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY, first_responder_type="",
                               roles=[OrgRole.COMPETENT_AUTHORITY], inbox_email="ukba@example.test")
    return {"ukhtc": ukhtc, "ukba": ukba}


@pytest.fixture
def local_authority(db):
    return OrganisationFactory(name="Testshire children's services", roles=[OrgRole.LOCAL_AUTHORITY],
                               first_responder_type="", inbox_email="mash@testshire.example.test")


@pytest.fixture
def other_first_responder(db):
    organisation = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER],
                                       first_responder_type=FirstResponderType.NGO)
    return UserFactory(organisation=organisation, roles=[Role.FIRST_RESPONDER])


@pytest.fixture
def decision_maker(competent_authorities):
    return UserFactory(organisation=competent_authorities["ukhtc"], roles=[Role.DECISION_MAKER])


@pytest.fixture
def safeguarding_lead(local_authority):
    return UserFactory(organisation=local_authority, roles=[Role.LA_SAFEGUARDING_LEAD])
