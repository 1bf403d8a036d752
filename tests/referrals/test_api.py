"""/api/v1/referrals/: the same journey, validation and permissions as the web pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from referrals.models import Referral, ReferralStatus
from referrals.services import referral_start, referral_submit
from tests.referrals.builders import ADULT, completed_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(first_responder) -> APIClient:
    client = APIClient()
    client.force_authenticate(first_responder)
    return client


def test_full_journey_through_the_api(api, competent_authorities):
    created = api.post("/api/v1/referrals/")
    assert created.status_code == 201
    referral_id = created.json()["id"]
    for slug, answers in ADULT.items():
        response = api.put(f"/api/v1/referrals/{referral_id}/sections/{slug}/", answers, format="json")
        assert response.status_code == 200, (slug, response.json())
    detail = api.get(f"/api/v1/referrals/{referral_id}/").json()
    assert detail["incomplete_sections"] == []
    submitted = api.post(f"/api/v1/referrals/{referral_id}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["reference"].startswith("NRM-")
    assert submitted.json()["competent_authority"] == competent_authorities["ukhtc"].name
    again = api.post(f"/api/v1/referrals/{referral_id}/submit/")
    assert again.json()["reference"] == submitted.json()["reference"]
    assert Referral.objects.exclude(status=ReferralStatus.DRAFT).count() == 1


def test_section_errors_come_back_by_field_and_nothing_is_saved(api, first_responder):
    referral = referral_start(by=first_responder)
    response = api.put(f"/api/v1/referrals/{referral.pk}/sections/personal-details/",
                       {**ADULT["personal-details"], "date_of_birth": "1899-01-01", "nationality": "XQ"},
                       format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"date_of_birth", "nationality"}
    referral.refresh_from_db()
    assert "personal-details" not in referral.answers


def test_non_object_bodies_are_refused(api, first_responder):
    referral = referral_start(by=first_responder)
    response = api.put(f"/api/v1/referrals/{referral.pk}/sections/age/", ["yes"], format="json")
    assert response.status_code == 400


def test_unknown_or_inapplicable_sections_are_404(api, first_responder):
    referral = referral_start(by=first_responder)
    assert api.put(f"/api/v1/referrals/{referral.pk}/sections/nonsense/", {}, format="json").status_code == 404
    assert api.put(f"/api/v1/referrals/{referral.pk}/sections/local-authority/", {},
                   format="json").status_code == 404  # not a child's referral


def test_incomplete_submission_lists_the_sections(api, first_responder):
    referral = referral_start(by=first_responder)
    response = api.post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    assert "personal-details" in response.json()["incomplete_sections"]


def test_submitted_referral_cannot_be_changed(api, first_responder, competent_authorities):
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    response = api.put(f"/api/v1/referrals/{referral.pk}/sections/first-responder/", {"nation": "wales"},
                       format="json")
    assert response.status_code == 403


def test_only_first_responders_create_referrals(decision_maker):
    client = APIClient()
    client.force_authenticate(decision_maker)
    assert client.post("/api/v1/referrals/").status_code == 403


def test_list_shows_no_personal_details_and_runs_fixed_queries(api, first_responder, competent_authorities,
                                                               django_assert_max_num_queries):
    for _ in range(3):
        referral_submit(referral=completed_draft(first_responder), by=first_responder)
    with django_assert_max_num_queries(8) as few:
        body = api.get("/api/v1/referrals/").json()
    assert len(body["results"]) == 3 and "count" not in body  # no COUNT(*) over the organisation's referrals
    assert "answers" not in body["results"][0]
    assert "Testperson" not in str(body)
    for _ in range(7):
        referral_submit(referral=completed_draft(first_responder), by=first_responder)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/referrals/").json()["results"]) == 10
