"""Victim care in a real browser, axe-core on every page: a served positive RG opens the support
case; the Salvation Army allocates to Medaille Trust; Medaille records an assessment and a care
plan; the person moves to Hestia; Medaille can no longer add entries but still reads its own."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page

from organisations.models import OrgRole, Role
from tests.cases import casework_team
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as
from tests.factories import OrganisationFactory, UserFactory
from victim_care.models import SupportCase, SupportType, Tariff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    team = casework_team()
    salvation_army = OrganisationFactory(name="The Salvation Army", roles=[OrgRole.PRIME_CONTRACTOR],
                                         first_responder_type="")
    medaille = OrganisationFactory(name="Medaille Trust", roles=[OrgRole.SUPPORT_PROVIDER],
                                   first_responder_type="")
    hestia = OrganisationFactory(name="Hestia", roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    for provider in (medaille, hestia):
        Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=6000,
                              valid_from=datetime.date(2020, 1, 1))
    referral = team.allocated_case()
    team.decision_served(referral)
    return {
        "referral": referral,
        "sa": UserFactory(organisation=salvation_army, roles=[Role.PC_CASE_MANAGER]),
        "medaille": UserFactory(organisation=medaille, roles=[Role.SUPPORT_WORKER]),
        "hestia": UserFactory(organisation=hestia, roles=[Role.SUPPORT_WORKER]),
    }


def allocate(page: Page, reference: str, provider: str, day: datetime.date) -> None:
    page.goto("/support/")
    assert_accessible(page)
    page.get_by_role("link", name=reference).first.click()
    assert_accessible(page)
    page.get_by_label("Support provider").select_option(label=provider)
    page.get_by_label("Accommodation", exact=True).check()
    group = page.get_by_role("group", name="Start date")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.locator("form[action$='/allocate/'] button").click()
    assert_accessible(page)


def add_entry(page: Page, kind: str, text: str) -> None:
    page.get_by_label("Type of entry").select_option(label=kind)
    page.get_by_label("Entry", exact=True).fill(text)
    page.get_by_role("button", name="Add entry").click()
    assert_accessible(page)


def test_support_follows_the_person_between_providers(browser, live_server, world):
    reference = world["referral"].reference
    assert SupportCase.objects.filter(referral=world["referral"]).exists()
    contexts = {name: _new_context(browser, live_server.url, javascript=True) for name in ("sa", "medaille", "hestia")}
    pages = {name: context.new_page() for name, context in contexts.items()}
    try:
        for name, page in pages.items():
            sign_in_as(page, world[name].email)
        today = datetime.date.today()
        allocate(pages["sa"], reference, "Medaille Trust", today - datetime.timedelta(days=10))

        medaille = pages["medaille"]
        medaille.goto("/support/")
        assert_accessible(medaille)
        medaille.get_by_role("link", name=reference).click()
        assert_accessible(medaille)
        add_entry(medaille, "Needs and risk assessment", "Needs safe accommodation and counselling.")
        add_entry(medaille, "Care plan", "Weekly counselling; GP registration.")
        case_url = medaille.url

        allocate(pages["sa"], reference, "Hestia", today)
        medaille.goto(case_url)
        assert_accessible(medaille)
        assert medaille.get_by_role("button", name="Add entry").count() == 0
        assert "Needs safe accommodation and counselling." in medaille.content()

        hestia = pages["hestia"]
        hestia.goto(case_url)
        assert_accessible(hestia)
        add_entry(hestia, "Contact", "First visit at the safe house.")
        assert "Weekly counselling; GP registration." in hestia.content()
        medaille.goto(case_url)
        assert "First visit at the safe house." not in medaille.content()
    finally:
        for context in contexts.values():
            context.close()
