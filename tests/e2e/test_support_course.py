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

from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import OrgRole, Role
from referrals.services import referral_submit
from tests.e2e.conftest import assert_accessible, sign_in_as
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import ADULT, completed_draft
from victim_care.models import SupportCase, SupportType, Tariff
from victim_care.services import allocation_move

pytestmark = pytest.mark.django_db(transaction=True)


def _serve(referral, stage: str, decider, reviewer) -> None:
    decision = decision_draft(referral=referral, stage=stage, outcome="positive", reasons="r", evidence_considered="e",
                              by=decider)
    decision_sign_off(decision=decision_send_for_review(decision=decision, by=decider), by=reviewer)


def test_prime_contractor_dashboard_shows_a_person_waiting_for_a_cg_and_a_move_on_end(page: Page):
    authority = OrganisationFactory(name="UK Human Trafficking Centre", roles=[OrgRole.COMPETENT_AUTHORITY])
    OrganisationFactory(name="UK Border Agency", roles=[OrgRole.COMPETENT_AUTHORITY])
    responder = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]),
                            roles=[Role.FIRST_RESPONDER])
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER])
    reviewer = UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER])
    prime = OrganisationFactory(name="The Salvation Army", roles=[OrgRole.PRIME_CONTRACTOR])
    case_manager = UserFactory(organisation=prime, roles=[Role.PC_CASE_MANAGER])
    provider = OrganisationFactory(name="Medaille Trust", roles=[OrgRole.SUPPORT_PROVIDER])
    Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=6000,
                          valid_from=datetime.date(2020, 1, 1))
    now = timezone.now()
    answers = {**ADULT, "exploitation": {**ADULT["exploitation"], "started_on": "2019-01-01",
                                         "last_contact_on": "2019-06-01"}}
    referrals = []
    with time_machine.travel(now - datetime.timedelta(days=200), tick=False):
        for _ in range(2):
            referral = referral_submit(referral=completed_draft(responder, answers), by=responder)
            case_file_open(referral)
            case_allocate(referral=referral, to=decider, by=manager)
            _serve(referral, "rg", decider, reviewer)
            allocation_move(support_case=SupportCase.objects.get(referral=referral), provider=provider,
                            support_type=SupportType.ACCOMMODATION, on=timezone.localdate(), by=case_manager)
            referrals.append(referral)
    waiting, decided = referrals
    with time_machine.travel(now - datetime.timedelta(days=3), tick=False):
        _serve(decided, "cg", decider, reviewer)  # 2011: move-on ends 14 days after the CG
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
