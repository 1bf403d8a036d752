"""The prime contractor's dashboard in a real browser, axe-core on it: a person waiting 200 days for a
Conclusive Grounds decision is still supported and shown as waiting, and a person after their CG shows
the day their move-on period (and support) ends."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from organisations.models import OrgRole, Role
from tests.cases import casework_team
from tests.e2e.conftest import assert_accessible, sign_in_as
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import ADULT
from victim_care.models import SupportCase, SupportType, Tariff
from victim_care.services import allocation_move

pytestmark = pytest.mark.django_db(transaction=True)


def test_prime_contractor_dashboard_shows_a_person_waiting_for_a_cg_and_a_move_on_end(page: Page):
    team = casework_team()
    prime = OrganisationFactory(name="The Salvation Army", roles=[OrgRole.PRIME_CONTRACTOR])
    case_manager = UserFactory(organisation=prime, roles=[Role.PC_CASE_MANAGER])
    provider = OrganisationFactory(name="Medaille Trust", roles=[OrgRole.SUPPORT_PROVIDER])
    Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=6000,
                          valid_from=datetime.date(2020, 1, 1))
    # Midday in the UK: 200 days before a late-evening "now" can be the next day in summer time.
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    answers = {**ADULT, "exploitation": {**ADULT["exploitation"], "started_on": "2019-01-01",
                                         "last_contact_on": "2019-06-01"}}
    referrals = []
    with time_machine.travel(now - datetime.timedelta(days=200), tick=False):
        for _ in range(2):
            referral = team.allocated_case(answers)
            team.decision_served(referral)
            allocation_move(support_case=SupportCase.objects.get(referral=referral), provider=provider,
                            support_type=SupportType.ACCOMMODATION, on=timezone.localdate(), by=case_manager)
            referrals.append(referral)
    waiting, decided = referrals
    with time_machine.travel(now - datetime.timedelta(days=3), tick=False):  # 2011: move-on ends 14 days after the CG
        team.decision_served(decided, stage="cg")
    move_on_ends = timezone.localtime(now - datetime.timedelta(days=3) + datetime.timedelta(days=14)).date()

    sign_in_as(page, case_manager.email)
    page.goto(reverse("victim_care:home"))
    waiting_table = page.locator("#waiting-for-cg")
    expect(waiting_table).to_contain_text(waiting.reference)
    expect(waiting_table).to_contain_text("Waiting for a Conclusive Grounds decision, 200 days")
    expect(waiting_table).not_to_contain_text(decided.reference)
    move_on_table = page.locator("#in-move-on")
    expect(move_on_table).to_contain_text(decided.reference)
    expect(move_on_table).to_contain_text(f"{move_on_ends:%-d %B %Y}")
    expect(page.locator("main")).not_to_contain_text("Recovery period ending")
    assert_accessible(page)
    move_on_table.get_by_role("link", name=decided.reference).click()
    expect(page.locator("#support-course")).to_contain_text(f"Move-on period ends {move_on_ends:%-d %B %Y}")
    assert_accessible(page)
