"""Casework in a real browser, axe-core on every page: a positive Reasonable Grounds decision drafted
and signed off (the case then shows the 45-day recovery period), and a negative Conclusive Grounds
decision returned by the reviewer, corrected and signed off."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from decisions.models import CaseFile, Decision, DecisionStatus
from referrals.models import ReferralStatus
from tests.cases import casework_team
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    team = casework_team()
    return {"decider": team.decider, "reviewer": team.reviewer, "referral": team.allocated_case(),
            "authority": team.authority}


def open_case(page: Page, reference: str) -> None:
    page.goto("/cases/")
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    assert_accessible(page)


def draft_decision(page: Page, link: str, outcome: str, reasons: str) -> None:
    page.get_by_role("link", name=link).click()
    assert_accessible(page)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Reasons for the decision").fill(reasons)
    page.get_by_label("Evidence considered").fill("The referral form and the first responder's answers.")
    page.get_by_role("button", name="Save draft decision").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send for second review").click()
    assert "sent for second review" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)


def review(page: Page, reference: str, choice: str, comments: str = "") -> None:
    open_case(page, reference)
    page.get_by_role("link", name="Review this decision").click()
    assert_accessible(page)
    page.get_by_label(choice).check()
    if comments:
        page.get_by_role("textbox", name="Comments").fill(comments)
    page.get_by_role("button", name="Submit review").click()
    assert_accessible(page)


def test_rg_signed_off_then_cg_returned_corrected_and_signed_off(browser, live_server, people):
    reference = people["referral"].reference
    decider_context = _new_context(browser, live_server.url, javascript=True)
    reviewer_context = _new_context(browser, live_server.url, javascript=True)
    decider, reviewer = decider_context.new_page(), reviewer_context.new_page()
    try:
        sign_in_as(decider, people["decider"].email)
        sign_in_as(reviewer, people["reviewer"].email)

        open_case(decider, reference)
        draft_decision(decider, "Draft a Reasonable Grounds decision", "Positive",
                       "I suspect but cannot prove that they are a victim of labour exploitation.")
        review(reviewer, reference, "Sign off the decision")
        expected_end = timezone.localdate() + datetime.timedelta(days=45)
        assert reviewer.locator("#removal-suspended").inner_text() == (
            "Removal action is suspended until the Conclusive Grounds decision is served")
        cg_from = expected_end + datetime.timedelta(days=1)  # the day after the minimum recovery period
        assert reviewer.locator("#cg-possible-from").inner_text().startswith(f"{cg_from:%-d %B %Y}")

        # The recovery period has run (45 days pass between these two halves of the journey).
        CaseFile.objects.filter(pk=people["referral"].pk).update(
            recovery_period_ends_on=timezone.localdate() - datetime.timedelta(days=1))
        open_case(decider, reference)
        draft_decision(decider, "Draft a Conclusive Grounds decision", "Negative", "Not on the balance.")
        review(reviewer, reference, "Return it to the decision maker with comments",
               comments="Say which evidence outweighed the indicators.")
        assert Decision.objects.get(stage="cg").status == DecisionStatus.RETURNED

        open_case(decider, reference)
        assert "Say which evidence outweighed the indicators." in decider.content()
        decider.get_by_role("link", name="Change the Conclusive Grounds decision").click()
        assert_accessible(decider)
        assert "Returned by the second reviewer" in decider.content()
        decider.get_by_label("Reasons for the decision").fill(
            "On the balance of probabilities the account is not consistent with the evidence.")
        decider.get_by_role("button", name="Save draft decision").click()
        decider.get_by_role("button", name="Send for second review").click()
        review(reviewer, reference, "Sign off the decision")
        people["referral"].refresh_from_db()
        assert people["referral"].status == ReferralStatus.CG_NEGATIVE
        reviewer.get_by_role("link", name="Timeline").click()
        assert_accessible(reviewer)
        timeline = reviewer.locator(".moj-timeline").inner_text()
        for step in ("Conclusive Grounds decision returned", "Negative conclusive grounds decision signed off",
                     "Positive reasonable grounds decision signed off", "Reasonable Grounds decision drafted"):
            assert step in timeline, step
    finally:
        decider_context.close()
        reviewer_context.close()
    # Both decisions served, each drafted by the case's decision maker and signed off by the reviewer.
    served = {(d.stage, d.outcome, d.status, d.author_id, d.reviewer_id)
              for d in Decision.objects.filter(case_id=people["referral"].pk)}
    assert served == {("rg", "positive", DecisionStatus.SERVED, people["decider"].pk, people["reviewer"].pk),
                      ("cg", "negative", DecisionStatus.SERVED, people["decider"].pk, people["reviewer"].pk)}
