"""Hand-offs in a real browser, axe-core on the new pages: a first responder refers an adult (with a place to
avoid), the manager allocates the case, the decision maker drafts a positive Reasonable Grounds decision and
the second reviewer signs it off. Then the first responder reads the decision and its reasons on the referral
page and downloads the letter; the prime contractor sees who the person is and the risk note beside the
providers (with a warning on the provider in a place to avoid) and allocates; the provider sees the person;
and each person handed work finds their notification. Screenshots go to $HANDOFF_SCREENSHOTS (default
var/screenshots/)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from organisations.models import OrgRole, Role
from referrals.models import Referral
from reminders.events import EVENT_RULES
from reminders.services import reminders_deliver_events
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as
from tests.e2e.test_casework_journey import draft_decision, open_case, review
from tests.e2e.test_referral_journeys import adult_journey
from tests.factories import OrganisationFactory, UserFactory
from victim_care.models import ProviderProfile, SupportCase, SupportType, Tariff

pytestmark = pytest.mark.django_db(transaction=True)

RISK_NOTE = "Do not place in east London, exploiters nearby."
SHOTS = Path(os.environ.get("HANDOFF_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


@pytest.fixture
def people():
    authority = OrganisationFactory(name="UK Human Trafficking Centre", roles=[OrgRole.COMPETENT_AUTHORITY])
    OrganisationFactory(name="UK Border Agency", roles=[OrgRole.COMPETENT_AUTHORITY])
    police = OrganisationFactory(name="Bedfordshire Police", roles=[OrgRole.FIRST_RESPONDER])
    salvation_army = OrganisationFactory(name="The Salvation Army", roles=[OrgRole.PRIME_CONTRACTOR])
    providers = {}
    for name, region in (("Hestia", "london"), ("City Hearts", "north_west")):
        providers[name] = OrganisationFactory(name=name, roles=[OrgRole.SUPPORT_PROVIDER])
        Tariff.objects.create(provider=providers[name], support_type=SupportType.ACCOMMODATION,
                              daily_rate_pence=6000, valid_from=datetime.date(2020, 1, 1))
        ProviderProfile.objects.create(organisation=providers[name], regions=[region], services=["accommodation"],
                                       men_only_beds=3, women_only_beds=3)
    return {
        "responder": UserFactory(organisation=police, roles=[Role.FIRST_RESPONDER], full_name="Sam Officer"),
        "manager": UserFactory(organisation=authority, roles=[Role.CA_MANAGER], full_name="Kwame Mensah"),
        "decider": UserFactory(organisation=authority, roles=[Role.DECISION_MAKER], full_name="Mark Wilson"),
        "reviewer": UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER], full_name="Rita Reviewer"),
        "case_manager": UserFactory(organisation=salvation_army, roles=[Role.PC_CASE_MANAGER],
                                    full_name="Sally Army"),
        "worker": UserFactory(organisation=providers["City Hearts"], roles=[Role.SUPPORT_WORKER],
                              full_name="Chris Hearts"),
    }


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def deliver() -> None:
    """The job the commit asks for (no worker runs in browser tests): send the event notifications now."""
    reminders_deliver_events(rules_=EVENT_RULES)


def notification(page: Page, text: str) -> None:
    page.goto("/notifications/")
    assert_accessible(page)
    assert text in page.locator("table").inner_text(), page.locator("table").inner_text()


def test_a_decision_and_the_work_reach_everyone_they_concern(browser, live_server, people):
    contexts = {key: _new_context(browser, live_server.url, javascript=True) for key in people}
    pages = {key: context.new_page() for key, context in contexts.items()}
    try:
        for key, page in pages.items():
            sign_in_as(page, people[key].email)

        responder = pages["responder"]
        reference = adult_journey(responder, with_error=False, towns="Luton", place_to_avoid=RISK_NOTE)
        referral = Referral.objects.get(reference=reference)

        manager = pages["manager"]
        open_case(manager, reference)
        manager.get_by_role("link", name="Allocate the case").click()
        manager.wait_for_url("**/allocate/")
        manager.get_by_label("Mark Wilson").check()
        manager.get_by_role("button", name="Allocate").click()
        assert "Case allocated to Mark Wilson" in manager.locator(".govuk-notification-banner").inner_text()
        manager.get_by_role("link", name="Timeline").click()
        assert_accessible(manager)
        step = manager.locator(".moj-timeline__item", has_text="Allocated to Mark Wilson")
        assert " ".join(step.inner_text().split()).startswith("Allocated to Mark Wilson by Kwame Mensah")
        shot(manager, "01-timeline-names-both-people")
        deliver()

        decider = pages["decider"]
        notification(decider, f"{reference} has been allocated to you.")
        open_case(decider, reference)
        draft_decision(decider, "Draft a Reasonable Grounds decision", "Positive",
                       "The account is consistent and the indicators of labour exploitation are present.")
        deliver()
        reviewer = pages["reviewer"]
        notification(reviewer, f"A decision on {reference} is waiting for a second review.")
        review(reviewer, reference, "Sign off the decision")
        deliver()

        notification(responder, f"A decision on {reference} has been served.")
        responder.goto(f"/referrals/{referral.pk}/")
        assert_accessible(responder)
        decisions = responder.locator("#decisions ~ .govuk-summary-card").first.inner_text()
        for expected in ("Positive Reasonable Grounds decision", "Date served", "Minimum recovery period",
                         "The account is consistent and the indicators of labour exploitation are present.",
                         "What happens next"):
            assert expected in decisions, expected
        shot(responder, "02-referral-page-with-the-decision")
        responder.get_by_role("link", name="Read the letter").click()
        assert_accessible(responder)
        assert "Dear Arben Browsertest," in responder.content()
        assert "suspect but cannot prove" in responder.content()
        shot(responder, "03-the-letter")
        with responder.expect_download() as download_info:
            responder.get_by_role("link", name="Download this letter as a PDF").click()
        download = download_info.value
        assert download.suggested_filename.startswith(f"decision-{reference}-rg-")
        pdf = Path(download.path()).read_bytes()
        assert pdf.startswith(b"%PDF-") and b"/StructTreeRoot" in pdf

        case_manager = pages["case_manager"]
        support = SupportCase.objects.get(referral=referral)
        notification(case_manager, f"{reference} has been referred for support and is waiting for a provider.")
        case_manager.goto(f"/support/{support.pk}/")
        assert_accessible(case_manager)
        person = case_manager.locator("#person + .govuk-summary-list").inner_text()
        assert "Arben Browsertest" in person and RISK_NOTE in person and "Regions to avoid: London" in person
        providers = case_manager.locator("table", has_text="Beds for this person").inner_text()
        assert "Works in London, a place to avoid" in providers
        shot(case_manager, "04-allocation-page-with-the-person-and-the-warning")
        case_manager.get_by_label("Support provider").select_option(label="City Hearts")
        case_manager.get_by_label("Accommodation", exact=True).check()
        group = case_manager.get_by_role("group", name="Start date")
        today = datetime.date.today()
        group.get_by_label("Day").fill(str(today.day))
        group.get_by_label("Month").fill(str(today.month))
        group.get_by_label("Year").fill(str(today.year))
        case_manager.get_by_role("button", name="Allocate").click()
        assert "Allocated to City Hearts" in case_manager.locator(".govuk-notification-banner").inner_text()
        deliver()

        worker = pages["worker"]
        notification(worker, f"{reference} has been allocated to your organisation for support.")
        worker.goto(f"/support/{support.pk}/")
        assert_accessible(worker)
        person = worker.locator("#person + .govuk-summary-list").inner_text()
        assert "Arben Browsertest" in person and RISK_NOTE in person
        shot(worker, "05-provider-sees-the-person")
    finally:
        for context in contexts.values():
            context.close()
