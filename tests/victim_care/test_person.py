"""Support sees the person: the prime contractor's case managers and the provider supporting the person now
see who they are (name, age, language, contact, needs, risks, places to avoid) on the support case and in
the API, with each look logged; an earlier provider keeps only its own entries; a monitor sees nothing. The
allocation page warns when a provider works in a place to avoid."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from tests.conftest import sign_in
from tests.handoffs import allocated, build_world, served
from victim_care.models import SupportCase, SupportType
from victim_care.person import regions_named_in
from victim_care.services import allocation_move, care_entry_add

pytestmark = pytest.mark.django_db

RISK_NOTE = "Do not place in east London, exploiters nearby."


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def support(world) -> SupportCase:
    referral = allocated(world, risk={"future_risk": "Re-trafficking by the gang.", "locations_to_avoid": RISK_NOTE},
                         personal_details={"needs_interpreter": "yes", "interpreter_language": "Albanian",
                                           "has_dependants": "yes", "dependants": "A son, 4, in Albania."})
    served(world, referral)
    return SupportCase.objects.get(referral=referral)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_places_to_avoid_name_regions_by_their_name_or_a_city_in_them():
    assert regions_named_in(RISK_NOTE) == {"london"}
    assert regions_named_in("Keep away from Bradford and Cardiff") == {"yorkshire", "wales"}
    assert regions_named_in("Not near the exploiters") == set()


def test_the_prime_contractor_sees_the_person_beside_the_providers_and_a_warning(world, support):
    page = sign_in(Client(), world.case_manager).get(reverse("victim_care:case", args=[support.pk]))
    text = page.content.decode()
    for expected in ("Arben Testperson", "born 17 May 1990", "Male", "Albanian", "Needs an interpreter: Albanian",
                     "A son, 4, in Albania.", "Directly, by the contact details below",
                     "Wants support, such as safe accommodation", "Re-trafficking by the gang.", RISK_NOTE,
                     "Regions to avoid: London", "Positive Reasonable Grounds decision, served"):
        assert expected in text, expected
    hestia_row = text[text.index("<td class=\"govuk-table__cell\">Hestia</td>"):][:800]
    assert "Works in London, a place to avoid" in hestia_row
    medaille_row = text[text.index("<td class=\"govuk-table__cell\">Medaille Trust</td>"):][:800]
    assert "a place to avoid" not in medaille_row
    assert AccessEvent.objects.filter(user=world.case_manager, action=AccessAction.VIEW,
                                      record_id=str(support.referral_id)).exists()


def test_the_current_provider_sees_the_person_and_an_earlier_provider_only_its_own_entries(world, support):
    today = timezone.localdate()
    allocation_move(support_case=support, provider=world.organisations["second"], support_type=SupportType.OUTREACH,
                    on=today - datetime.timedelta(days=3), by=world.case_manager)
    care_entry_add(support_case=support, kind="contact", text="First visit.", by=world.second_worker)
    allocation_move(support_case=support, provider=world.organisations["provider"],
                    support_type=SupportType.ACCOMMODATION, on=today, by=world.case_manager)
    current = api(world.worker).get(f"/api/v1/support-cases/{support.pk}/")
    assert current.status_code == 200
    body = current.json()
    assert body["person"]["name"] == "Arben Testperson" and body["person"]["age"] is not None
    assert body["person"]["locations_to_avoid"] == [RISK_NOTE] and body["person"]["regions_to_avoid"] == ["london"]
    assert [d["outcome"] for d in body["decisions"]] == ["positive"] and "reasons" not in body["decisions"][0]
    assert api(world.case_manager).get(f"/api/v1/support-cases/{support.pk}/").status_code == 200
    earlier = sign_in(Client(), world.second_worker).get(reverse("victim_care:case", args=[support.pk]))
    assert earlier.status_code == 200
    assert "First visit." in earlier.content.decode() and "Arben" not in earlier.content.decode()
    assert api(world.second_worker).get(f"/api/v1/support-cases/{support.pk}/").status_code == 404
    assert AccessEvent.objects.filter(user=world.worker, action=AccessAction.VIEW,
                                      record_id=str(support.referral_id)).exists()
    assert AccessEvent.objects.filter(user=world.second_worker, action=AccessAction.DENIED,
                                      record_id=str(support.pk)).exists()


@pytest.mark.parametrize("who", ["monitor", "responder", "decider"])
def test_nobody_else_sees_the_person(world, support, who):
    user = getattr(world, who)
    assert api(user).get(f"/api/v1/support-cases/{support.pk}/").status_code == 404
    assert sign_in(Client(), user).get(reverse("victim_care:case", args=[support.pk])).status_code == 404
