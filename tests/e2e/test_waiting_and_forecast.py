"""The forecast and the flow dashboard in a real browser, axe-core on every page: the competent authority's
manager reads the flow dashboard (chart with its table, the ready cases oldest first, the groups that wait
longest); the referring first responder reads when the CG decision is expected on the referral, and opens "How
this is worked out"."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import Page

from core import working_days
from organisations.models import Role
from referrals.models import ReferralStatus
from tests.cases import competent_authority, first_responder_user
from tests.decisions.history import case, steady_history
from tests.e2e.conftest import assert_accessible, sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    cache.clear()  # the authority's forecast figures are cached per day; ids repeat in a transactional test
    today = working_days.today()
    authority = competent_authority()
    responder = first_responder_user()
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER], full_name="Dana Decider")
    history = steady_history(authority=authority, responder=responder, today=today, per_week=3, wait_days=90)
    for number, referral in enumerate(history):  # the men's cases were decided far sooner
        if number % 2 == 0:
            referral.gender = "male"
            referral.save(update_fields=["gender"])
            referral.case_file.received_at += 100 * DAY
            referral.case_file.save(update_fields=["received_at"])
    older = case(authority=authority, responder=responder, status=ReferralStatus.RG_POSITIVE,
                 received=today - 400 * DAY, rg_served=today - 395 * DAY, recovery_ends=today - 300 * DAY,
                 allocated_to=decider)
    ours = case(authority=authority, responder=responder, status=ReferralStatus.RG_POSITIVE,
                received=today - 120 * DAY, rg_served=today - 115 * DAY, recovery_ends=today - 60 * DAY)
    case(authority=authority, responder=responder, status=ReferralStatus.ALLOCATED, received=today - 3 * DAY,
         allocated_to=decider)
    return {"manager": manager, "responder": responder, "older": older, "ours": ours}


def test_a_manager_reads_the_flow_dashboard(page: Page, world, tmp_path):
    sign_in_as(page, world["manager"].email)
    page.get_by_role("link", name="Case flow").click()
    page.wait_for_url("**/cases/flow/")
    assert_accessible(page)
    assert page.locator("h1").inner_text() == "Case flow"
    assert page.locator("#ready-total").inner_text() == "2"
    assert page.locator("figure svg").count() == 1
    assert page.locator("#weekly tbody tr").count() == 12
    ready = page.locator("#ready tbody tr")
    assert ready.count() == 2
    assert world["older"].reference in ready.nth(0).inner_text()  # oldest referral first
    assert world["ours"].reference in ready.nth(1).inner_text()
    assert "Dana Decider" in page.locator("#decision-makers").inner_text()
    female = page.locator("#waits tr", has_text="Female")
    assert "Waits more than a quarter longer" in female.inner_text()
    page.get_by_text("How the backlog date is worked out").click()
    assert "divided by the 3.0 Conclusive Grounds decisions" in page.locator("details").first.inner_text()
    page.screenshot(path=tmp_path / "flow-dashboard.png", full_page=True)
    page.get_by_role("link", name=world["older"].reference).click()
    assert_accessible(page)
    assert "Ready for a Conclusive Grounds decision" in page.locator("#forecast").inner_text()
    page.screenshot(path=tmp_path / "case-forecast.png", full_page=True)


def test_the_first_responder_sees_when_a_decision_is_expected(page: Page, world, tmp_path):
    sign_in_as(page, world["responder"].email)
    page.goto(f"/referrals/{world['ours'].pk}/")
    assert_accessible(page)
    summary = page.locator("#forecast-summary").inner_text()
    assert summary.startswith("A decision is expected ") and summary.endswith(".")
    assert "8 in 10 chance" not in page.locator("#forecast").inner_text()
    page.get_by_text("How this is worked out").click()
    assert "last 12 weeks" in page.locator("#forecast .govuk-details__text").inner_text()
    assert_accessible(page)
    page.locator("#forecast").screenshot(path=tmp_path / "referral-forecast.png")
