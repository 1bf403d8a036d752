"""The casework API: the same services, the same refusals (403 for rights, 409 for state)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from decisions.models import Decision, DecisionStatus
from decisions.services.case import involvement_declare
from decisions.services.decision import decision_draft, decision_send_for_review
from organisations.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def sent(case, decider) -> Decision:
    return decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="negative", reasons="r", evidence_considered="e", by=decider), by=decider)


def test_queue_and_case_through_the_api(case, manager, competent_authorities):
    body = api(manager).get("/api/v1/cases/").json()["results"]
    assert [row["reference"] for row in body] == [case.reference]
    assert "answers" not in body[0]
    assert api(manager).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    assert api(outsider).get("/api/v1/cases/").json() == {"next": None, "previous": None, "results": []}
    assert api(outsider).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_draft_send_and_sign_off_through_the_api(case, decider, reviewer):
    response = api(decider).put(f"/api/v1/cases/{case.pk}/decisions/rg/",
                                {"outcome": "positive", "reasons": "r", "evidence_considered": "e"}, format="json")
    assert response.status_code == 200
    decision_id = response.json()["id"]
    assert api(decider).post(f"/api/v1/decisions/{decision_id}/send/").json()["status"] == "awaiting_review"
    signed = api(reviewer).post(f"/api/v1/decisions/{decision_id}/sign-off/", {}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "served"
    again = api(reviewer).post(f"/api/v1/decisions/{decision_id}/sign-off/", {}, format="json")
    assert again.status_code == 409


def test_author_cannot_sign_off_through_the_api(case, decider, ukhtc):
    decider.groups.add(*UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]).groups.all())
    decider._roles_cache = None  # roles are cached per request; this test changed them mid-way
    decision = sent(case, decider)
    response = api(decider).post(f"/api/v1/decisions/{decision.pk}/sign-off/", {}, format="json")
    assert response.status_code == 403 and "You wrote this decision" in response.json()["detail"]


def test_declared_reviewer_cannot_sign_off_through_the_api(case, decider, reviewer):
    decision = sent(case, decider)
    involvement_declare(referral=case, details="Asylum", by=reviewer)
    assert api(reviewer).post(f"/api/v1/decisions/{decision.pk}/sign-off/", {}, format="json").status_code == 403
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_REVIEW


def test_other_authority_reviewer_cannot_see_the_decision(case, decider, competent_authorities):
    decision = sent(case, decider)
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.SECOND_REVIEWER])
    assert api(outsider).post(f"/api/v1/decisions/{decision.pk}/sign-off/", {}, format="json").status_code == 404


def test_a_disallowed_transition_is_a_conflict(case, decider):
    response = api(decider).put(f"/api/v1/cases/{case.pk}/decisions/cg/",
                                {"outcome": "positive", "reasons": "r", "evidence_considered": "e"}, format="json")
    assert response.status_code == 409


def test_first_responder_asks_for_reconsideration_through_the_api(case, decider, reviewer, first_responder):
    from decisions.services.decision import decision_sign_off

    decision_sign_off(decision=sent(case, decider), by=reviewer)
    response = api(first_responder).post(f"/api/v1/cases/{case.pk}/reconsideration/",
                                         {"reasons": "New GP letter"}, format="json")
    assert response.status_code == 201
    assert api(first_responder).post(f"/api/v1/cases/{case.pk}/reconsideration/",
                                     {"reasons": "Again"}, format="json").status_code == 409


def test_the_queue_comes_a_page_at_a_time_without_counting_every_case(case, manager, first_responder, decider):
    """Three cases, two to a page: `next` and `previous` links, and no `count`, which would read every
    case of the authority for each page; each page is logged as listed."""
    from audit.models import AccessAction, AccessEvent
    from decisions.services.case import case_file_open
    from referrals.services import referral_submit
    from tests.referrals.builders import completed_draft

    for _ in range(2):
        case_file_open(referral_submit(referral=completed_draft(first_responder), by=first_responder))
    client = api(manager)
    first = client.get("/api/v1/cases/", {"limit": 2}).json()
    assert set(first) == {"next", "previous", "results"} and len(first["results"]) == 2
    assert first["previous"] is None and "offset=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"] is not None
    shown = {row["reference"] for row in first["results"] + second["results"]}
    assert case.reference in shown and len(shown) == 3
    assert AccessEvent.objects.filter(user=manager, action=AccessAction.LIST).count() == 3
    assert client.get("/api/v1/cases/", {"offset": "two"}).status_code == 400
    assert client.get("/api/v1/cases/", {"offset": 10_000_000}).status_code == 400


def test_the_api_validates_decisions_with_the_decision_form(case, decider):
    too_long = "x" * 15_001
    response = api(decider).put(f"/api/v1/cases/{case.pk}/decisions/rg/",
                                {"outcome": "maybe", "reasons": too_long, "evidence_considered": ""}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["reasons"] == ["Reasons for the decision must be 15,000 characters or fewer"]
    assert errors["evidence_considered"] == ["Enter evidence considered"]
    assert errors["outcome"][0].startswith("Select a valid choice")
    assert not Decision.objects.filter(case__referral=case).exists()


def test_returning_without_comments_is_refused_with_the_form_s_words(case, decider, reviewer):
    decision = sent(case, decider)
    response = api(reviewer).post(f"/api/v1/decisions/{decision.pk}/return/", {"comments": "  "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"comments": ["Say why the decision is being returned."]}
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_REVIEW
