"""The victim care API: the same rules as the pages."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures
from tests.victim_care.test_pages import world  # noqa: F401
from victim_care.models import CareRecordEntry

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_allocation_entries_and_statement_through_the_api(world):  # noqa: F811
    case_id = world["case"].pk
    manager, worker, stranger = api(world["manager"]), api(world["worker"]), api(world["stranger"])
    assert [row["id"] for row in manager.get("/api/v1/support-cases/").json()["results"]] == [case_id]
    assert worker.get("/api/v1/support-cases/").json()["results"] == []
    assert worker.post(f"/api/v1/support-cases/{case_id}/allocations/", {}, format="json").status_code == 404
    response = manager.post(f"/api/v1/support-cases/{case_id}/allocations/",
                            {"provider": world["provider"].pk, "support_type": "outreach", "start_on": "2026-01-05"},
                            format="json")
    assert response.status_code == 201
    created = worker.post(f"/api/v1/support-cases/{case_id}/care-entries/",
                          {"kind": "assessment", "text": "Needs housing."}, format="json")
    assert created.status_code == 201 and CareRecordEntry.objects.count() == 1
    assert [e["text"] for e in worker.get(f"/api/v1/support-cases/{case_id}/care-entries/").json()] == [
        "Needs housing."]
    assert stranger.get(f"/api/v1/support-cases/{case_id}/care-entries/").status_code == 404
    lines = manager.get("/api/v1/statements/", {"provider": world["provider"].pk, "month": "2026-01"}).json()
    assert sum(line["amount_pence"] for line in lines) == 27 * 2000
    assert worker.get("/api/v1/statements/", {"provider": world["provider"].pk, "month": "2026-01"}).status_code \
        == 403
    assert manager.get("/api/v1/statements/", {"provider": "x", "month": "2026-13"}).status_code == 400
    assert world["case"].allocations.get().start_on == datetime.date(2026, 1, 5)


def test_providers_and_tariffs_for_the_prime_contractor_only(world):  # noqa: F811
    body = api(world["manager"]).get("/api/v1/providers/").json()
    assert any(provider["tariffs"] for provider in body)
    assert api(world["worker"]).get("/api/v1/providers/").status_code == 403


def test_allocating_someone_who_has_left_support_is_a_conflict_and_changes_nothing(world):  # noqa: F811
    from victim_care.models import Allocation, SupportStatus

    case = world["case"]
    manager = api(world["manager"])
    body = {"provider": world["provider"].pk, "support_type": "outreach", "start_on": "2026-01-05"}
    assert manager.post(f"/api/v1/support-cases/{case.pk}/allocations/", body, format="json").status_code == 201
    case.status = SupportStatus.EXITED
    case.save(update_fields=["status"])
    response = manager.post(f"/api/v1/support-cases/{case.pk}/allocations/", {**body, "start_on": "2026-02-02"},
                            format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "The person has left support."}
    assert Allocation.objects.filter(support_case=case).count() == 1


def test_a_provider_with_no_rate_is_a_field_error_on_provider(world):  # noqa: F811
    from organisations.models import OrgRole
    from tests.factories import OrganisationFactory

    unpriced = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    response = api(world["manager"]).post(
        f"/api/v1/support-cases/{world['case'].pk}/allocations/",
        {"provider": unpriced.pk, "support_type": "outreach", "start_on": "2026-01-05"}, format="json")
    assert response.status_code == 400
    assert response.json()["provider"] == [f"{unpriced.name} has no outreach rate in force on 5 January 2026."]


# --- Attack finding 8: a statement for year 0000 or 9999, and a move on the allocation's first day ---------

@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1999-06"])
def test_a_statement_for_an_impossible_year_is_a_400_with_the_field(world, month):  # noqa: F811
    response = api(world["manager"]).get("/api/v1/statements/", {"provider": world["provider"].pk, "month": month})
    assert response.status_code == 400
    assert response.json()["month"][0].startswith("Enter a year from 2009 to")


def test_a_move_on_the_day_the_allocation_started_is_a_400_and_changes_nothing(world):  # noqa: F811
    manager = api(world["manager"])
    url = f"/api/v1/support-cases/{world['case'].pk}/allocations/"
    body = {"provider": world["provider"].pk, "support_type": "outreach", "start_on": "2026-01-05"}
    assert manager.post(url, body, format="json").status_code == 201
    for day in ["2026-01-05", "2026-01-01"]:
        response = manager.post(url, {**body, "start_on": day}, format="json")
        assert response.status_code == 400, day
        assert response.json()["start_on"] == [
            "The move must start after the current allocation started (5 January 2026): enter a later date"]
    allocation = world["case"].allocations.get()
    assert allocation.start_on == datetime.date(2026, 1, 5) and allocation.end_on is None


def test_reading_a_statement_through_the_api_is_logged(world):  # noqa: F811
    from audit.models import AccessAction, AccessEvent
    api(world["manager"]).get("/api/v1/statements/", {"provider": world["provider"].pk, "month": "2026-01"})
    assert AccessEvent.objects.filter(user=world["manager"], action=AccessAction.EXPORT,
                                      record_type="organisations.organisation",
                                      record_id=str(world["provider"].pk)).exists()
