"""Field-level rules in the API: each role's answers carry only the fields pinned here (a new field
fails until it is reviewed), providers see no competent-authority notes or decision texts, and
fields a caller may not set (status, organisation, author, reviewer, provider) are ignored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from decisions.models import CaseFile, Decision
from organisations.models import Role, User
from referrals.models import Referral
from tests.monitoring.test_monitor_access import monitor, records  # noqa: F401 - shared fixtures
from tests.referrals.conftest import competent_authorities, other_first_responder  # noqa: F401
from victim_care.models import CareRecordEntry

pytestmark = pytest.mark.django_db

REFERRAL_LIST = {"age_group", "competent_authority", "created_at", "exploitation_types", "id", "kind", "nation",
                 "reference", "status", "submitted_at", "updated_at"}
CASE_LIST = {"age_at_exploitation", "allocated_to", "exploitation_types", "id", "received_at",
             "recovery_period_ends_on", "reference", "rg_due_on", "status"}
SUPPORT_CASE_LIST = {"exited_on", "id", "opened_at", "reference", "status"}
CARE_ENTRY = {"author", "corrects", "created_at", "id", "kind", "review_due_on", "text"}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _first(body):
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    return items[0] if isinstance(items, list) else items


def _user(role: Role, organisation_id=None) -> User:
    users = User.objects.filter(groups__name=role.label)
    return (users.filter(organisation_id=organisation_id) if organisation_id else users).first()


def test_each_role_sees_only_its_fields(records, first_responder):  # noqa: F811
    authority = records["referral"].competent_authority_id
    assert set(_first(_api(first_responder).get("/api/v1/referrals/").json())) == REFERRAL_LIST
    manager = _api(_user(Role.CA_MANAGER, authority))
    assert set(_first(manager.get("/api/v1/cases/").json())) == CASE_LIST
    worker = _api(_user(Role.SUPPORT_WORKER))
    support = _first(worker.get("/api/v1/support-cases/").json())
    assert set(support) == SUPPORT_CASE_LIST, "no notes, decisions or answers for a provider"
    entries = worker.get(f"/api/v1/support-cases/{records['support_case'].pk}/care-entries/").json()
    assert set(_first(entries)) == CARE_ENTRY
    assert worker.get(f"/api/v1/cases/{records['referral'].pk}/").status_code == 404


def test_fields_the_caller_may_not_set_are_ignored(records, first_responder, other_first_responder):  # noqa: F811
    responder = _api(first_responder)
    created = responder.post("/api/v1/referrals/", {"status": "closed", "reference": "NRM-2026-999999",
                                                    "first_responder_organisation": 999,
                                                    "competent_authority": 1}, format="json")
    assert created.status_code == 201
    draft = Referral.objects.get(pk=created.json()["id"])
    assert (draft.status, draft.reference, draft.first_responder_organisation_id, draft.competent_authority_id) == (
        "draft", None, first_responder.organisation_id, None)

    section = responder.put(f"/api/v1/referrals/{draft.pk}/sections/first-responder/",
                            {"nation": "england", "own_reference": "", "status": "submitted",
                             "created_by": other_first_responder.pk}, format="json")
    assert section.status_code == 200, section.content
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.created_by == first_responder
    assert set(draft.answers["first-responder"]) <= {"nation", "own_reference"}, "only the form's own fields"

    authority = records["referral"].competent_authority_id
    decider = _user(Role.DECISION_MAKER, authority)
    drafted = _api(decider).put(
        f"/api/v1/cases/{records['referral'].pk}/decisions/rg/",
        {"outcome": "negative", "reasons": "Reasons.", "evidence_considered": "Evidence.", "status": "served",
         "reviewer": decider.pk, "author": first_responder.pk, "served_at": "2026-01-01T00:00:00Z"}, format="json")
    assert drafted.status_code == 200, drafted.content  # PUT drafts or redrafts: 200 either way
    decision = Decision.objects.get(case_id=records["referral"].pk, stage="rg")
    assert (decision.status, decision.reviewer_id, decision.author_id, decision.served_at) == (
        "draft", None, decider.pk, None)
    assert CaseFile.objects.get(pk=records["referral"].pk).allocated_to == decider

    worker = _user(Role.SUPPORT_WORKER)
    entry = _api(worker).post(f"/api/v1/support-cases/{records['support_case'].pk}/care-entries/",
                              {"kind": "contact", "text": "Visited.", "provider": records["provider"].pk + 1,
                               "author": first_responder.pk, "created_at": "2000-01-01T00:00:00Z"}, format="json")
    assert entry.status_code == 201
    written = CareRecordEntry.objects.get(pk=entry.json()["id"])
    assert (written.provider_id, written.author_id) == (worker.organisation_id, worker.pk)
    assert written.created_at.year != 2000
