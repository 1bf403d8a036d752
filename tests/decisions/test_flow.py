"""The flow dashboard for competent-authority managers: the figures against a history built by hand,
the page within its query budget, and the API for managers only."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from decisions import flow
from organisations.models import Role
from referrals.models import InformationRequest, ReferralStatus
from tests.conftest import sign_in
from tests.decisions.history import case, steady_history
from tests.decisions.test_pages import _statements
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(ukhtc, competent_authorities, first_responder, decider, today):
    """12 weeks of 2 CG decisions a week (women waited 160 days from referral to decision, men 20), and open cases:
    2 waiting for RG (one allocated, 10 and 40 days old), 3 ready for CG (200, 400 and 150 days old),
    1 in its recovery period (100 days), 1 with information outstanding (120 days); one case of the other
    authority."""
    history = steady_history(authority=ukhtc, responder=first_responder, today=today, per_week=2, wait_days=100)
    for number, referral in enumerate(history):
        if number % 2:  # the men's cases: referred 140 days later than steady_history put them
            referral.gender = "male"
            referral.save(update_fields=["gender"])
            referral.case_file.received_at += 140 * DAY
            referral.case_file.save(update_fields=["received_at"])

    def open_case(days_old, status, **extra):
        received = today - days_old * DAY
        return case(authority=ukhtc, responder=first_responder, status=status, received=received, **extra)

    cases = {
        "rg_new": open_case(10, ReferralStatus.SUBMITTED),
        "rg_old": open_case(40, ReferralStatus.ALLOCATED, allocated_to=decider),
        "ready_middle": open_case(200, ReferralStatus.RG_POSITIVE, recovery_ends=today - 30 * DAY,
                                  allocated_to=decider),
        "ready_oldest": open_case(400, ReferralStatus.CG_DRAFTED, recovery_ends=today - 300 * DAY),
        "ready_newest": open_case(150, ReferralStatus.RG_POSITIVE, recovery_ends=today - 5 * DAY),
        "recovering": open_case(100, ReferralStatus.RG_POSITIVE, recovery_ends=today + 5 * DAY),
        "asked": open_case(120, ReferralStatus.RG_POSITIVE, recovery_ends=today - 10 * DAY),
    }
    InformationRequest.objects.create(referral=cases["asked"], question="q", requested_by=first_responder)
    case(authority=competent_authorities["ukba"], responder=first_responder, status=ReferralStatus.RG_POSITIVE,
         received=today - 200 * DAY, recovery_ends=today - 30 * DAY)
    return cases


def test_open_cases_by_stage_and_age_band(world, ukhtc):
    figures = flow.flow_for(ukhtc.pk)
    rows = {row[0]: row[1:] for row in figures.stage_rows}
    assert rows["Waiting for allocation"] == [1, 0, 0, 0, 0, 1]
    assert rows["Waiting for a Reasonable Grounds decision"] == [0, 1, 0, 0, 0, 1]
    assert rows["Ready for a Conclusive Grounds decision"] == [0, 0, 1, 1, 0, 2]  # 150 and 200 days
    assert rows["Conclusive Grounds decision drafted or in review"] == [0, 0, 0, 0, 1, 1]
    assert rows["In the recovery period"] == [0, 0, 1, 0, 0, 1]
    assert rows["Waiting for information before a Conclusive Grounds decision"] == [0, 0, 1, 0, 0, 1]
    assert figures.open_total == 7 and figures.ready_total == 3 and figures.cg_backlog == 5


def test_intake_and_decisions_per_week_and_the_backlog_date(world, ukhtc, today):
    """2 CG decisions a week; 5 cases wait for a CG decision: 2.5 weeks, 18 days (rounded from 17.5)."""
    figures = flow.flow_for(ukhtc.pk)
    assert figures.cg_decisions == [2] * 12 and figures.throughput.mean == 2
    # Received in the last 12 weeks (84 days): the open cases of 40 and 10 days ago (weeks 6 and 10), and the
    # men's decided cases, referred 20 days before decisions served on day 1 of weeks 3 to 11 (weeks 0 to 8).
    assert figures.intake == [1, 1, 1, 1, 1, 1, 2, 1, 1, 0, 1, 0]
    assert figures.backlog_clears_on == today + 18 * DAY


def test_each_decision_maker_with_open_cases_and_decisions(world, ukhtc, decider):
    people = {p["name"]: p for p in flow.flow_for(ukhtc.pk).decision_makers}
    assert people[decider.full_name]["open_cases"] == 2


def test_groups_waiting_a_quarter_longer_than_the_median_are_flagged(world, ukhtc):
    """Women: 160 days from referral to decision (60 to ready, 100 waiting), men 140 fewer; the overall
    median of 12 of each is the midpoint, 90 days, and 160 is more than 1.25 x 90 = 112.5."""
    figures = flow.flow_for(ukhtc.pk)
    by_gender = {g.label: g for g in figures.waits if g.dimension == "Gender"}
    women, men = by_gender["Female"], by_gender["Male"]
    assert (women.median_days, men.median_days, figures.overall_median) == (160, 20, 90)
    assert figures.overall_median == (women.median_days + men.median_days) / 2
    assert women.longer is (women.median_days > 1.25 * figures.overall_median)
    assert women.longer and not men.longer
    assert [g.label for g in figures.waits if g.dimension == "Nationality"] == ["Nigerian"]


def test_the_dashboard_page_lists_ready_cases_oldest_first_within_the_query_budget(
        world, manager, django_assert_max_num_queries):
    """10 statements at most, as the bench counts them (the session's SAVEPOINT and RELEASE aside): the
    session, the user (3), the open cases grouped once, the weekly flow and waits in one statement, one page
    of ready cases, and the history context of the session's save."""
    client = sign_in(Client(), manager)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("decisions:flow"))
    assert _statements(captured) <= 10
    page = response.content.decode()
    assert response.status_code == 200 and "<svg" in page
    ready = page[page.index('id="ready"'):]
    positions = [ready.index(world[key].reference) for key in ("ready_oldest", "ready_middle", "ready_newest")]
    assert positions == sorted(positions)
    assert world["asked"].reference not in ready and world["recovering"].reference not in ready
    assert "Waits more than a quarter longer" in page
    assert 'aria-current="true"' in page and ">Case flow<" in page


def test_only_managers_see_the_dashboard(world, decider, first_responder):
    assert sign_in(Client(), decider).get(reverse("decisions:flow")).status_code == 403
    assert sign_in(Client(), first_responder).get(reverse("decisions:flow")).status_code == 403


def test_the_flow_api_for_managers_only(world, manager, decider, first_responder, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(manager)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/reports/flow/").json()
    assert body["ready_for_cg"] == 3 and body["cg_backlog"] == 5 and body["open_cases"]["total"] == 7
    assert len(body["weeks"]) == 12 and body["weeks"][-1]["cg_decisions"] == 2
    assert any(group["waits_longer"] for group in body["waits"])
    for outsider in (decider, first_responder):
        client.force_authenticate(outsider)
        assert client.get("/api/v1/reports/flow/").status_code == 403


def test_another_authority_sees_only_its_own_flow(world, competent_authorities):
    other = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    figures = flow.flow_for(other.organisation_id)
    assert figures.open_total == 1 and figures.ready_total == 1 and figures.backlog_clears_on is None


def test_the_figures_are_kept_for_ten_minutes(world, manager, ukhtc):
    """The second view within ten minutes reads the figures from the cache: two statements fewer (the open
    cases grouped, and the weekly flow with the waits); the page of ready cases is read each time."""
    client = sign_in(Client(), manager)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("decisions:flow")).status_code == 200
        counts.append(_statements(captured))
    assert counts[0] - counts[1] == 2
    assert flow.cached_flow_for(ukhtc.pk).ready_total == 3
