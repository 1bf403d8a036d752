"""The first responder's journeys in a real browser, every page checked with axe-core:
an adult who consents (with one validation error corrected), a child, an adult who does not
consent (Duty to Notify), and the adult journey again with JavaScript off."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from organisations.models import Organisation, Role
from referrals.models import Referral, ReferralKind, ReferralStatus
from tests.e2e.conftest import assert_accessible, sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def first_responder(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    organisation = Organisation.objects.get(name="Metropolitan Police Service")
    return UserFactory(organisation=organisation, roles=[Role.FIRST_RESPONDER])


def choose(page: Page, question: str, answer: str) -> None:
    # Only this question's own options: a revealed question nests inside the group.
    options = page.get_by_role("group", name=question).locator(":scope > .govuk-radios > .govuk-radios__item")
    options.get_by_label(answer, exact=True).check()


def fill(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def fill_date(page: Page, question: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=question)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def start_referral(page: Page) -> None:
    page.goto("/referrals/")
    assert_accessible(page)
    page.get_by_role("link", name="Start a new referral").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start a referral").click()
    assert_accessible(page)  # the task list
    page.get_by_role("link", name="First responder details").click()
    assert_accessible(page)
    choose(page, "Where are you making this referral?", "England")
    save_and_continue(page)


def common_nrm_sections(page: Page, *, towns: str = "Luton\nBedford", place_to_avoid: str = "") -> None:
    """Background to personal details, the same for adults and children; with a place the person must not be
    sent to, the risks too."""
    fill(page, "Where were they born?", "Vlore, Albania")
    save_and_continue(page)

    fill(page, "Describe each situation of exploitation", "Made to work in a car wash for no pay.")
    fill_date(page, "When did the exploitation start?", "1", "3", "2024")
    choose(page, "Are they still being exploited?", "No")
    choose(page, "Has the exploitation been reported before?", "No")
    save_and_continue(page)

    page.get_by_label("Fearful, anxious or submissive").check()
    save_and_continue(page)

    fill(page, "UK towns or cities where the exploitation happened", towns)
    fill(page, "Countries outside the UK where the exploitation happened", "Albania")
    fill(page, "Where is the person now?", "Luton")
    save_and_continue(page)

    choose(page, "Do you know where the exploiters are?", "No")
    save_and_continue(page)

    page.get_by_label("Labour", exact=True).check()
    save_and_continue(page)

    choose(page, "Are there other potential victims?", "Not sure")
    if place_to_avoid:
        fill(page, "What risks do they face now?", "Re-trafficking by the gang that brought them.")
        fill(page, "Places they must not be placed or sent", place_to_avoid)
    choose(page, "Are they willing to co-operate with the police or other authorities?", "Yes")
    save_and_continue(page)


def personal_details(page: Page, dob: tuple[str, str, str]) -> None:
    fill(page, "Given names", "Arben")
    fill(page, "Family name", "Browsertest")
    fill_date(page, "Date of birth", *dob)
    choose(page, "Gender", "Male")
    choose(page, "Do they have dependants?", "No")
    page.get_by_label("Nationality", exact=True).select_option(label="Albanian")
    choose(page, "Do they need an interpreter?", "No")
    choose(page, "Are they subject to immigration control?", "No")
    choose(page, "Have they claimed asylum?", "No")
    save_and_continue(page)


def your_details(page: Page) -> None:
    fill(page, "Your full name", "Sam Officer")
    fill(page, "Your job title", "Detective constable")
    fill(page, "Your telephone number", "020 7946 0123")
    fill(page, "Your work email address", "sam.officer@example.test")
    page.get_by_role("button", name="Save and continue").click()
    assert_accessible(page)


def submit(page: Page, button: str) -> str:
    assert "Check your answers" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name=button).click()
    assert_accessible(page)
    panel = page.locator(".govuk-panel--confirmation")
    assert panel.is_visible()
    return page.locator("#reference").inner_text()


def adult_journey(page: Page, *, with_error: bool, **sections: str) -> str:
    """An adult who consents, submitted; `sections` as common_nrm_sections takes them."""
    start_referral(page)
    if with_error:
        choose(page, "Is the person under 18?", "No")
        page.get_by_role("button", name="Save and continue").click()  # forgot the follow-up question
        summary = page.locator(".govuk-error-summary")
        assert "Select whether they were under 18 when exploited" in summary.inner_text()
        assert_accessible(page)
    choose(page, "Is the person under 18?", "No")
    choose(page, "Were they under 18 when the exploitation happened?", "No")
    save_and_continue(page)
    choose(page, "Has the person given informed consent to be referred to the National Referral Mechanism?", "Yes")
    choose(page, "Do they want support, such as safe accommodation, while their case is decided?", "Yes")
    save_and_continue(page)
    common_nrm_sections(page, **sections)
    personal_details(page, ("17", "5", "1990"))
    choose(page, "Who should the decision be sent to?", "The person referred")
    choose(page, "How should it be sent?", "Email")
    fill(page, "Email address", "safe@example.test")
    choose(page, "Have you confirmed with the person that it is safe to send the decision here?", "Yes")
    save_and_continue(page)
    your_details(page)
    assert "Evidence documents" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    return submit(page, "Submit referral")


def test_adult_referral_with_consent(page, first_responder):
    sign_in_as(page, first_responder.email)
    reference = adult_journey(page, with_error=True)
    assert re.fullmatch(r"NRM-\d{4}-\d{6}", reference)
    referral = Referral.objects.get(reference=reference)
    assert referral.kind == ReferralKind.NRM and referral.status == ReferralStatus.SUBMITTED
    assert referral.competent_authority.name == "UK Human Trafficking Centre"
    page.get_by_role("link", name="View the referral").click()
    assert_accessible(page)


def test_adult_referral_without_javascript(page_without_js, first_responder):
    sign_in_as(page_without_js, first_responder.email)
    reference = adult_journey(page_without_js, with_error=False)
    assert Referral.objects.get(reference=reference).status == ReferralStatus.SUBMITTED


def test_child_referral(page, first_responder):
    sign_in_as(page, first_responder.email)
    start_referral(page)
    choose(page, "Is the person under 18?", "Yes")
    save_and_continue(page)
    page.get_by_label("Which local authority children's services have you contacted?").select_option(
        label="Hillingdon Council children's services")
    fill(page, "Name of the person you contacted", "Duty social worker")
    fill(page, "Their phone number", "01895 250000")
    fill(page, "Their email address", "mash@example.test")
    save_and_continue(page)
    common_nrm_sections(page)
    personal_details(page, ("9", "1", "2011"))
    your_details(page)
    page.get_by_role("button", name="Continue").click()
    reference = submit(page, "Submit referral")
    referral = Referral.objects.get(reference=reference)
    assert referral.is_child and referral.local_authority.name == "Hillingdon Council children's services"


def test_adult_without_consent_is_a_duty_to_notify(page, first_responder):
    sign_in_as(page, first_responder.email)
    start_referral(page)
    choose(page, "Is the person under 18?", "No")
    choose(page, "Were they under 18 when the exploitation happened?", "No")
    save_and_continue(page)
    choose(page, "Has the person given informed consent to be referred to the National Referral Mechanism?", "No")
    page.get_by_label("Labour", exact=True).check()
    choose(page, "Where did the exploitation happen?", "In the UK")
    choose(page, "Gender", "Female")
    page.get_by_label("Nationality", exact=True).select_option(label="Vietnamese")
    save_and_continue(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Your details"
    your_details(page)
    reference = submit(page, "Record Duty to Notify")
    assert reference.startswith("DTN-")
    referral = Referral.objects.get(reference=reference)
    assert referral.kind == ReferralKind.DUTY_TO_NOTIFY and referral.competent_authority is None
    assert referral.exploitation_types == ["labour"] and referral.exploitation_location == "uk"
