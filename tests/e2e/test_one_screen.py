"""Each job on one screen, in a real browser with axe-core on every page: a file chosen on
the evidence page is uploaded by Continue; the first responder's list and the queue are searched;
the allocation page names decision makers with their caseload and absence; every case page names
the person, and the decision form shows the referral beside it."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page

from decisions.services.case import case_allocate, case_file_open
from organisations.models import Role
from referrals.services import referral_start, referral_submit
from tests.cases import allocated_case, competent_authority, first_responder_user
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as
from tests.factories import UserFactory
from tests.referrals.builders import ADULT, completed_draft, save_sections

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    authority = competent_authority()
    responder = first_responder_user()
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    busy = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER], full_name="Busy Decider")
    away = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER], full_name="Away Decider",
                       away_until=datetime.date.today() + datetime.timedelta(days=5))
    referral = referral_submit(referral=completed_draft(responder), by=responder)
    case_file_open(referral)
    for _ in range(2):
        allocated_case(responder, decider=busy, manager=manager)
    return {"responder": responder, "manager": manager, "busy": busy, "away": away, "referral": referral}


def test_continue_uploads_the_file_chosen_on_the_evidence_page(page: Page, world, tmp_path):
    responder = world["responder"]
    draft = referral_start(by=responder)
    answers = {slug: value for slug, value in ADULT.items()}
    save_sections(draft, answers, responder)
    statement = tmp_path / "witness-statement.pdf"
    statement.write_bytes(PDF)
    sign_in_as(page, responder.email)
    page.goto(f"/referrals/{draft.pk}/documents/")
    assert_accessible(page)
    page.get_by_label("Upload files").set_input_files(str(statement))
    page.get_by_role("button", name="Continue").click()  # not the secondary "Upload" button
    page.wait_for_url("**/check-answers/")
    assert "Check your answers" in page.get_by_role("heading", level=1).inner_text()
    assert "witness-statement.pdf" in page.content() and "None uploaded" not in page.content()
    assert_accessible(page)
    rejected = tmp_path / "program.exe"
    rejected.write_bytes(b"MZ\x90\x00")
    page.goto(f"/referrals/{draft.pk}/documents/")
    page.get_by_label("Upload files").set_input_files(str(rejected))
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: Evidence documents")
    assert "program.exe" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_first_responders_and_the_queue_search_by_name_reference_or_date_of_birth(page: Page, world, browser,
                                                                                   live_server):
    responder, referral = world["responder"], world["referral"]
    mira = dict(ADULT, **{"personal-details": dict(ADULT["personal-details"], given_names="Mira",
                                                   family_name="Elsewhere", date_of_birth="1985-01-02")})
    other = referral_submit(referral=completed_draft(responder, mira), by=responder)
    case_file_open(other)
    sign_in_as(page, responder.email)
    page.goto("/referrals/")
    page.get_by_label("Search your organisation's referrals").fill("mira elsewhere")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("Showing results for").wait_for()
    assert "mira" not in page.url.lower()  # the term is never in an address
    submitted = page.get_by_role("region", name="Your submitted referrals")
    assert other.reference in submitted.inner_text() and referral.reference not in submitted.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Clear search").click()
    page.get_by_role("button", name="Clear search").wait_for(state="detached")
    assert referral.reference in page.get_by_role("region", name="Your submitted referrals").inner_text()

    manager_context = _new_context(browser, live_server.url, javascript=True)
    manager_page = manager_context.new_page()
    sign_in_as(manager_page, world["manager"].email)
    manager_page.goto("/cases/")
    manager_page.get_by_label("Search cases").fill("2/1/1985")
    manager_page.keyboard.press("Enter")  # submits the search form
    manager_page.get_by_text("Showing results for").wait_for()
    cases = manager_page.get_by_role("region", name="Cases").inner_text()
    assert other.reference in cases and referral.reference not in cases
    assert_accessible(manager_page)
    manager_context.close()


def test_the_allocation_page_shows_each_decision_makers_caseload_and_absence(page: Page, world):
    referral = world["referral"]
    sign_in_as(page, world["manager"].email)
    page.goto(f"/cases/{referral.pk}/")
    page.get_by_role("link", name="Allocate the case").click()
    page.wait_for_url("**/allocate/")
    assert_accessible(page)
    table = page.get_by_role("region", name="Decision makers and their caseload")
    busy_row = table.get_by_role("row").filter(has_text="Busy Decider")
    away_row = table.get_by_role("row").filter(has_text="Away Decider")
    assert busy_row.get_by_role("cell").nth(1).inner_text().startswith("2")
    assert "Available" in busy_row.inner_text() and "Away until" in away_row.inner_text()
    assert "@" not in table.inner_text()  # named, never by e-mail address
    page.get_by_role("button", name="Allocate").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Busy Decider").check()
    page.get_by_role("button", name="Allocate").click()
    assert "Case allocated to Busy Decider" in page.locator(".govuk-notification-banner").inner_text()


def test_every_case_page_names_the_person_and_the_decision_form_shows_the_referral(page: Page, world):
    referral, decider = world["referral"], world["busy"]
    case_allocate(referral=referral, to=decider, by=world["manager"])
    sign_in_as(page, decider.email)
    for tab in ("Overview", "Referral", "Timeline"):
        page.goto(f"/cases/{referral.pk}/")
        page.get_by_role("navigation", name="Case sections").get_by_role("link", name=tab).click()
        summary = page.locator("#person-summary").inner_text()
        assert "Arben Testperson" in summary and "Albanian" in summary and "Labour" in summary, tab
        assert_accessible(page)
    page.goto(f"/cases/{referral.pk}/")
    page.get_by_role("link", name="Draft a Reasonable Grounds decision").click()
    details = page.locator("details.app-referral-details")
    assert details.get_attribute("open") is not None
    assert "Forced to work in a car wash." in details.inner_text()
    page.locator("details.app-referral-details summary").click()  # collapses, and opens again
    assert details.get_attribute("open") is None
    assert_accessible(page)
