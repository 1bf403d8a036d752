"""Attack finding 4: the transfer page sent a case to whichever other competent authority sorted first,
including one the historic import had made from free text, where nobody works."""

from __future__ import annotations

import pytest
from django.test import Client

from core.errors import Invalid
from decisions.services.case import case_transfer
from organisations.models import OrgRole, Role
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_authority(db):
    """A competent authority nobody works at, named to sort before the real ones."""
    return OrganisationFactory(name="Aardvark Authority", roles=[OrgRole.COMPETENT_AUTHORITY],
                               first_responder_type="")


@pytest.fixture
def ukba_staff(competent_authorities):
    return UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER])


def test_the_manager_chooses_among_authorities_with_casework_staff(case, manager, empty_authority, ukba_staff,
                                                                  competent_authorities):
    client = sign_in(Client(), manager)
    page = client.get(f"/cases/{case.pk}/transfer/").content.decode()
    assert competent_authorities["ukba"].name in page
    assert empty_authority.name not in page
    response = client.post(f"/cases/{case.pk}/transfer/", {"reason": "Asylum claim.",
                                                           "to_authority": competent_authorities["ukba"].pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.competent_authority == competent_authorities["ukba"]


def test_a_transfer_to_an_authority_without_staff_is_refused_and_changes_nothing(case, manager, empty_authority,
                                                                                ukba_staff):
    client = sign_in(Client(), manager)
    response = client.post(f"/cases/{case.pk}/transfer/", {"reason": "Asylum claim.",
                                                           "to_authority": empty_authority.pk})
    assert response.status_code == 400
    assert b"Select the competent authority to transfer the case to" in response.content
    case.refresh_from_db()
    assert case.competent_authority != empty_authority


def test_the_service_refuses_an_authority_without_active_staff(case, manager, empty_authority):
    UserFactory(organisation=empty_authority, roles=[Role.DECISION_MAKER], is_active=False)
    with pytest.raises(Invalid, match="has no active casework staff"):
        case_transfer(referral=case, to_authority=empty_authority, reason="Asylum claim.", by=manager)
    case.refresh_from_db()
    assert case.competent_authority != empty_authority


def test_a_transfer_without_a_choice_is_a_field_error(case, manager, ukba_staff):
    response = sign_in(Client(), manager).post(f"/cases/{case.pk}/transfer/", {"reason": "Asylum claim."})
    assert response.status_code == 400
    assert b'href="#id_to_authority' in response.content
