"""Attack finding 7: small disclosures. The possible-duplicate warning showed another authority's case
reference; the allocate API answered differently for unknown and known e-mail addresses."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from decisions.services.case import case_file_open
from organisations.models import Role
from referrals.models import PossibleDuplicate, Referral
from referrals.services import referral_submit
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.referrals.builders import adult_answers, completed_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate_elsewhere(case, first_responder, competent_authorities):
    """A possible duplicate of `case` that sits with the other competent authority."""
    same_person = adult_answers(personal_details={"given_names": "Arben", "family_name": "Testpersson"})
    other = referral_submit(referral=completed_draft(first_responder, same_person), by=first_responder)
    assert PossibleDuplicate.objects.filter(referral=case, matches=other).exists()
    Referral.objects.filter(pk=other.pk).update(competent_authority=competent_authorities["ukba"])
    case_file_open(Referral.objects.get(pk=other.pk))
    return Referral.objects.get(pk=other.pk)


def test_the_duplicate_warning_hides_another_authoritys_reference(case, manager, duplicate_elsewhere):
    client = sign_in(Client(), manager)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert duplicate_elsewhere.reference not in page
    assert "Possible duplicate of" not in page
    queue = client.get("/cases/").content.decode()
    assert case.reference in queue and "Possible duplicate" not in queue


def test_the_duplicate_warning_still_shows_a_case_the_viewer_may_open(case, manager, first_responder):
    same_person = adult_answers(personal_details={"given_names": "Arben", "family_name": "Testpersson"})
    other = referral_submit(referral=completed_draft(first_responder, same_person), by=first_responder)
    case_file_open(other)
    page = sign_in(Client(), manager).get(f"/cases/{case.pk}/").content.decode()
    assert "Possible duplicate of" in page and other.reference in page


def test_allocate_answers_the_same_for_unknown_and_known_addresses(case, manager, competent_authorities,
                                                                    first_responder):
    elsewhere = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER])
    colleague_not_deciding = UserFactory(organisation=case.competent_authority, roles=[Role.SECOND_REVIEWER])
    client = APIClient()
    client.force_authenticate(manager)
    answers = []
    for address in ["nobody-at-all@example.test", elsewhere.email, first_responder.email,
                    colleague_not_deciding.email]:
        response = client.post(f"/api/v1/cases/{case.pk}/allocate/", {"decision_maker": address}, format="json")
        answers.append((response.status_code, response.json()))
    assert answers == [(400, {"decision_maker": ["No such decision maker."]})] * 4


def test_allocate_by_a_non_manager_is_refused_whatever_the_address(case, decider):
    client = APIClient()
    client.force_authenticate(decider)
    for address in ["nobody-at-all@example.test", decider.email]:
        response = client.post(f"/api/v1/cases/{case.pk}/allocate/", {"decision_maker": address}, format="json")
        assert response.status_code == 403, address


def test_allocate_still_works_for_the_authoritys_decision_maker(case, manager):
    other_decider = UserFactory(organisation=case.competent_authority, roles=[Role.DECISION_MAKER])
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(f"/api/v1/cases/{case.pk}/allocate/", {"decision_maker": other_decider.email.upper()},
                           format="json")
    assert response.status_code == 200
