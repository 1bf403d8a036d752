"""The forecast read from the database: the right cases counted ahead, the authority's own throughput,
a fixed number of queries, and the forecast shown to the people the issue names (and only them)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from decisions import waiting
from decisions.forecast import Throughput, cg_forecast
from decisions.services.case import case_file_open
from organisations.models import OrgRole, Role
from referrals.models import InformationRequest, Referral, ReferralStatus
from tests.conftest import sign_in
from tests.decisions.history import case, steady_history
from tests.decisions.test_pages import _statements
from tests.factories import OrganisationFactory, UserFactory
from victim_care.models import SupportType, Tariff
from victim_care.services import allocation_move, support_case_open

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def queue(ukhtc, competent_authorities, first_responder, today):
    """Steady history of 5 CG decisions a week at UKHTC, then the queue: 3 ready cases referred before
    the one we look at, and others that must not count as ahead of it."""
    steady_history(authority=ukhtc, responder=first_responder, today=today, per_week=5, wait_days=100)

    def waiting_case(received_days_ago: int, *, ready: bool = True, authority=ukhtc, status=ReferralStatus.RG_POSITIVE):
        received = today - DAY * received_days_ago
        return case(authority=authority, responder=first_responder, status=status, received=received,
                    rg_served=received + 3 * DAY,
                    recovery_ends=today - 2 * DAY if ready else today + 20 * DAY)

    ahead = [waiting_case(300), waiting_case(250, status=ReferralStatus.CG_DRAFTED),
             waiting_case(240, status=ReferralStatus.CG_AWAITING_REVIEW)]
    not_counted = [waiting_case(260, ready=False), waiting_case(280, authority=competent_authorities["ukba"]),
                   waiting_case(100)]  # not ready; another authority; referred after ours
    asked = waiting_case(270)
    InformationRequest.objects.create(referral=asked, question="q", requested_by=first_responder)
    ours = waiting_case(200)
    return {"ours": ours, "ahead": ahead, "not_counted": not_counted, "asked": asked}


def test_a_ready_case_is_forecast_from_the_cases_ahead_and_the_authority_throughput(
        queue, today, django_assert_max_num_queries):
    # The authority's figures (3), its ready queue (1), whether this case has a request open (1).
    with django_assert_max_num_queries(5):
        result = waiting.forecast_for(queue["ours"])
    with django_assert_max_num_queries(1):  # the figures (for the day) and the queue (10 minutes) are cached
        assert waiting.forecast_for(queue["ours"]) == result
    expected = cg_forecast(today=today, throughput=Throughput((5,) * 12), cases_ahead=3,
                           ready_on=today - DAY, ready=True, waits=[101] * 60)  # served 100 days after ready
    assert result == expected
    assert result.kind == "cg" and result.ready and result.cases_ahead == 3 and result.weekly_rate == 5.0
    assert result.earliest <= result.middle <= result.latest


def test_the_ready_queue_is_the_authoritys_ready_cases_in_the_order_referred(queue, ukhtc, today):
    expected = sorted([*queue["ahead"], queue["ours"], queue["not_counted"][2]], key=lambda r: r.submitted_at)
    assert list(waiting.ready_queue(ukhtc.pk, today)) == [waiting.microseconds(r.submitted_at) for r in expected]


def test_the_ready_queue_is_kept_so_a_case_decided_since_counts_until_it_is_read_again(queue, ukhtc, today):
    """The snapshot is what makes the count cheap at national scale; reading it again (after
    READY_QUEUE_SECONDS, here by emptying the cache) brings the count up to date."""
    assert waiting.forecast_for(queue["ours"]).cases_ahead == 3
    # As if served a moment ago (written straight to the table, as the queue's cases are: only the count matters).
    Referral.objects.filter(pk=queue["ahead"][0].pk).update(status=ReferralStatus.CG_POSITIVE)
    assert waiting.forecast_for(queue["ours"]).cases_ahead == 3
    cache.delete(f"forecast:ready-queue:{ukhtc.pk}:{today.isoformat()}")
    assert waiting.forecast_for(queue["ours"]).cases_ahead == 2


def test_a_case_file_is_received_when_its_referral_was_submitted(first_responder, ukhtc):
    """The CG queue is read in submission order through the referral's index; that is the order received
    only because a case file opens with its referral's submission time."""
    referral = Referral.objects.create(
        reference="T-RECEIVED", status=ReferralStatus.SUBMITTED, nation="england", competent_authority=ukhtc,
        first_responder_organisation=first_responder.organisation, created_by=first_responder,
        submitted_at=timezone.now() - datetime.timedelta(days=3, minutes=17))
    assert case_file_open(referral).received_at == referral.submitted_at


def test_a_case_with_a_request_outstanding_is_not_ready(queue):
    result = waiting.forecast_for(queue["asked"])
    assert not result.ready and result.information_outstanding


def test_an_authority_with_no_history_says_so(ukhtc, first_responder, today):
    lonely = case(authority=ukhtc, responder=first_responder, status=ReferralStatus.RG_POSITIVE,
                  received=today - 90 * DAY, rg_served=today - 80 * DAY, recovery_ends=today - 10 * DAY)
    result = waiting.forecast_for(lonely)
    assert result.kind == "no_history" and result.summary == "Not enough history to forecast"
    assert result.earliest is None and result.ready


def test_a_reasonable_grounds_case_gets_its_due_date_and_the_share_on_time(ukhtc, first_responder, today):
    for number in range(8):  # 6 of 8 served on time in the last 12 weeks
        received = today - DAY * (20 + number)
        case(authority=ukhtc, responder=first_responder, status=ReferralStatus.RG_NEGATIVE, received=received,
             rg_due=received + 7 * DAY, rg_served=received + (5 if number < 6 else 9) * DAY)
    pending = case(authority=ukhtc, responder=first_responder, status=ReferralStatus.ALLOCATED, received=today,
                   rg_due=today + 7 * DAY)
    result = waiting.forecast_for(pending)
    assert result.kind == "rg" and result.due_on == today + 7 * DAY and result.on_time_share == 0.75
    assert "75% of this authority's Reasonable Grounds decisions were made on time" in result.summary


def test_no_forecast_once_decided(ukhtc, first_responder, today):
    decided = case(authority=ukhtc, responder=first_responder, status=ReferralStatus.CG_POSITIVE,
                   received=today - 300 * DAY, recovery_ends=today - 200 * DAY, cg_served=today - DAY)
    assert waiting.forecast_for(decided) is None


def test_the_case_page_shows_the_forecast_at_no_extra_query(queue, manager, ukhtc, first_responder, today):
    """The overview of a case waiting for a CG decision, with its forecast, runs no more statements than
    the overview of a case with a negative RG decision, which has none (the session's savepoints aside, as
    tests/decisions/test_pages.py counts): the authority's figures are cached for the day by the first page
    that reads them, and the queue position is read with the case itself."""
    negative = case(authority=ukhtc, responder=first_responder, status=ReferralStatus.RG_NEGATIVE,
                    received=today - 30 * DAY)
    client = sign_in(Client(), manager)
    counts = {}
    for name, referral in (("no forecast", negative), ("waiting", queue["ours"])):
        url = reverse("decisions:case", args=[referral.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        counts[name] = _statements(captured)
    assert counts["waiting"] <= counts["no forecast"], counts
    assert "When to expect a decision" in page and 'id="forecast-ready"' in page
    assert "8 in 10 chance between" in page and "How this is worked out" in page
    assert 'class="govuk-details"' in page


def test_the_referring_first_responder_sees_the_range_in_months(queue, first_responder):
    ours = queue["ours"]
    expected = waiting.forecast_for(ours)
    page = sign_in(Client(), first_responder).get(reverse("referrals:detail", args=[ours.pk])).content.decode()
    assert f"{expected.summary}." in page and "A decision is expected " in page
    assert "8 in 10 chance between" not in page  # the figures are for the competent authority
    body = _api(first_responder).get(f"/api/v1/referrals/{ours.pk}/").json()
    assert body["forecast"]["kind"] == "cg" and body["forecast"]["middle"] == expected.middle.isoformat()
    assert body["forecast"]["range_text"] == expected.range_text


def test_another_organisation_never_sees_the_forecast(queue, other_first_responder_user):
    ours = queue["ours"]
    response = sign_in(Client(), other_first_responder_user).get(reverse("referrals:detail", args=[ours.pk]))
    assert response.status_code == 404 and b"When to expect a decision" not in response.content


def test_the_case_api_carries_the_forecast(queue, manager):
    body = _api(manager).get(f"/api/v1/cases/{queue['ours'].pk}/").json()
    assert body["forecast"]["kind"] == "cg" and body["forecast"]["cases_ahead"] == 3
    assert body["forecast"]["ready"] is True


def test_the_prime_contractor_and_the_current_provider_see_the_forecast_on_the_support_case(
        ukhtc, first_responder, case, today):
    """A referral with a positive RG in victim care: the prime contractor's and the current provider's page
    says when to expect the CG decision; a provider that supported the person before does not see it."""
    steady_history(authority=ukhtc, responder=first_responder, today=today, per_week=2)
    case.status = ReferralStatus.RG_POSITIVE
    case.save(update_fields=["status"])
    case_file_open(case)
    case.case_file.recovery_period_ends_on = today + 10 * DAY
    case.case_file.save(update_fields=["recovery_period_ends_on"])
    support = support_case_open(referral=case)
    manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                           first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    workers = []
    for start in (today - 20 * DAY, today - 5 * DAY):
        provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
        Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=2000,
                              valid_from=today - 100 * DAY)
        workers.append(UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER]))
        allocation_move(support_case=support, provider=provider, support_type=SupportType.OUTREACH, on=start,
                        by=manager)
    ready_on = today + 11 * DAY
    for reader in (manager, workers[1]):
        page = sign_in(Client(), reader).get(reverse("victim_care:case", args=[support.pk])).content.decode()
        assert "When to expect a decision" in page and "A decision is expected " in page
        assert f"Ready for a Conclusive Grounds decision from {ready_on.day} {ready_on:%B %Y}" in page
    earlier = sign_in(Client(), workers[0]).get(reverse("victim_care:case", args=[support.pk]))
    assert b"When to expect a decision" not in earlier.content


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
