"""The real course of a case: every case ends, reconsideration at its own stage, support until the
Conclusive Grounds decision and through move-on, and the money that follows that course."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.errors import Conflict, NotAllowed
from data_protection.retention import REMOVED, anonymise_expired_cases
from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, Stage
from decisions.services.case import (
    CLOSED_AFTER_MOVE_ON,
    CLOSED_AFTER_WINDOW,
    case_allocate,
    case_file_open,
    case_withdraw,
    cases_close_due,
)
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from decisions.services.reconsideration import reconsideration_request
from nrm.eras import ERA_2011, ERA_TODAY, era_settings
from organisations.models import OrgRole, Role
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_submit
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import ADULT, completed_draft
from victim_care.funding import committed, total_pence
from victim_care.models import SupportCase, SupportStatus, SupportType, Tariff
from victim_care.services import EXIT_MOVE_ON_ENDED, EXIT_WITHDRAWN, allocation_move, support_exit_move_on_ended
from victim_care.statements import budget_position

pytestmark = pytest.mark.django_db
UK = datetime.timezone(datetime.timedelta(0))  # winter dates below: UK time is UTC


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UK)


def status(referral) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral.pk)


def decide(referral, decider, reviewer, stage, outcome, when: datetime.datetime) -> Decision:
    with time_machine.travel(when, tick=False):
        decision = decision_draft(referral=referral, stage=stage, outcome=outcome, reasons="Reasons.",
                                  evidence_considered="Evidence.", by=decider)
        decision = decision_send_for_review(decision=decision, by=decider)
        if decision.status == DecisionStatus.AWAITING_REVIEW:
            decision = decision_sign_off(decision=decision, by=reviewer)
    return decision


def submitted(first_responder, manager, decider, when: datetime.datetime, answers=None) -> Referral:
    answers = answers or {**ADULT, "exploitation": {**ADULT["exploitation"], "started_on": "2019-01-01",
                                                     "last_contact_on": "2019-06-01"}}
    with time_machine.travel(when, tick=False):
        referral = referral_submit(referral=completed_draft(first_responder, answers), by=first_responder)
        case_file_open(referral)
        case_allocate(referral=referral, to=decider, by=manager)
    return referral


@pytest.fixture
def prime(db):
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR]), roles=[Role.PC_CASE_MANAGER])


@pytest.fixture
def provider(db):
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER])
    Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=1000,
                          valid_from=datetime.date(2020, 1, 1))
    return provider


def allocate(referral, provider, prime, on: datetime.date):
    support_case = SupportCase.objects.get(referral=referral)
    allocation_move(support_case=support_case, provider=provider, support_type=SupportType.ACCOMMODATION, on=on,
                    by=prime)
    return support_case


# --- 1. Every case ends -------------------------------------------------------------------------------------------


def test_a_negative_rg_closes_itself_after_its_window_exactly_once_and_is_anonymised_after_retention(
        first_responder, manager, decider, reviewer):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.NEGATIVE, at(2026, 1, 6))
    assert CaseFile.objects.get(pk=referral.pk).reconsideration_due_by == datetime.date(2026, 2, 5)
    assert cases_close_due(now=at(2026, 2, 5, 23)) == 0, "the window's last day is still open"
    assert status(referral) == ReferralStatus.RG_NEGATIVE
    assert cases_close_due(now=at(2026, 2, 6, 1)) == 1
    assert cases_close_due(now=at(2026, 2, 7, 1)) == 0, "a rerun closes nothing twice"
    case = CaseFile.objects.get(pk=referral.pk)
    assert status(referral) == ReferralStatus.CLOSED and case.close_reason == CLOSED_AFTER_WINDOW
    assert case.closed_at == at(2026, 2, 6, 1)
    assert CaseFile.pgh_event_model.objects.filter(pgh_obj_id=referral.pk, closed_at__isnull=False).count() == 1
    # Closed cases enter retention like any other: anonymised seven years after closure, not before.
    assert anonymise_expired_cases(now=at(2033, 2, 5)) == 0
    assert anonymise_expired_cases(now=at(2033, 2, 7)) == 1
    referral.refresh_from_db()
    assert referral.anonymised_at is not None and referral.answers == {}
    assert set(Decision.objects.filter(case_id=referral.pk).values_list("reasons", flat=True)) == {REMOVED}


def test_a_reconsideration_request_keeps_the_case_open(first_responder, manager, decider, reviewer):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.NEGATIVE, at(2026, 1, 6))
    with time_machine.travel(at(2026, 1, 20), tick=False):
        reconsideration_request(referral=referral, reasons="GP letter.", new_evidence="", by=first_responder)
    assert cases_close_due(now=at(2026, 3, 1)) == 0
    assert status(referral) == ReferralStatus.RG_RECONSIDERATION


def test_withdrawal_closes_the_case_and_ends_support_the_same_day(first_responder, manager, decider, reviewer,
                                                                  prime, provider):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 1, 6))
    support_case = allocate(referral, provider, prime, datetime.date(2026, 1, 7))
    with time_machine.travel(at(2026, 1, 20, 15), tick=False):
        case_withdraw(referral=referral, reason="Returned home.", by=decider)
    case = CaseFile.objects.get(pk=referral.pk)
    support_case.refresh_from_db()
    assert status(referral) == ReferralStatus.WITHDRAWN and case.closed_at == at(2026, 1, 20, 15)
    assert support_case.status == SupportStatus.EXITED and support_case.exit_reason == EXIT_WITHDRAWN
    assert support_case.exited_on == datetime.date(2026, 1, 20)
    assert support_case.allocations.get().end_on == datetime.date(2026, 1, 20)


# --- 2. Reconsideration at its own stage ---------------------------------------------------------------------------


def test_a_reconsidered_negative_cg_can_only_become_a_cg_and_is_second_reviewed(
        first_responder, manager, decider, reviewer, settings):
    settings.NRM_SECOND_REVIEW_POLICY = "negative"  # today's rule: positive decisions take effect at once...
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 1, 6))
    decide(referral, decider, reviewer, Stage.CG, Outcome.NEGATIVE, at(2026, 3, 2))
    with time_machine.travel(at(2026, 3, 10), tick=False):
        reconsideration_request(referral=referral, reasons="CPS evidence.", new_evidence="", by=first_responder)
        assert status(referral) == ReferralStatus.CG_RECONSIDERATION
        with pytest.raises(Conflict, match="retaken as a new Conclusive Grounds decision"):
            decision_draft(referral=referral, stage=Stage.RG, outcome=Outcome.POSITIVE, reasons="r",
                           evidence_considered="e", by=decider)
        redo = decision_draft(referral=referral, stage=Stage.CG, outcome=Outcome.POSITIVE, reasons="r",
                              evidence_considered="e", by=decider)
        # ...but a decision on reconsideration always goes to a second reviewer.
        redo = decision_send_for_review(decision=redo, by=decider)
        assert redo.status == DecisionStatus.AWAITING_REVIEW and redo.is_reconsideration
        assert status(referral) == ReferralStatus.CG_AWAITING_REVIEW
        decision_sign_off(decision=redo, by=reviewer)
    assert status(referral) == ReferralStatus.CG_POSITIVE


def test_an_overturned_rg_starts_the_recovery_period_and_support_from_the_new_decision(
        first_responder, manager, decider, reviewer):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.NEGATIVE, at(2026, 1, 6))
    assert not SupportCase.objects.filter(referral=referral).exists()
    with time_machine.travel(at(2026, 1, 20), tick=False):
        reconsideration_request(referral=referral, reasons="New evidence.", new_evidence="", by=first_responder)
    with pytest.raises(Conflict, match="retaken as a new Reasonable Grounds decision"):
        decide(referral, decider, reviewer, Stage.CG, Outcome.POSITIVE, at(2026, 1, 21))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 1, 22))
    case = CaseFile.objects.get(pk=referral.pk)
    assert status(referral) == ReferralStatus.RG_POSITIVE and case.reconsideration_due_by is None
    assert case.cg_possible_from == datetime.date(2026, 1, 22) + datetime.timedelta(days=46)
    assert SupportCase.objects.get(referral=referral).status == SupportStatus.AWAITING_ALLOCATION


def test_who_may_ask_for_reconsideration_is_the_eras_setting(first_responder, manager, decider, reviewer, settings):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.NEGATIVE, at(2026, 1, 6))
    with time_machine.travel(at(2026, 1, 10), tick=False):
        # 2011: the first responder or support provider only.
        with pytest.raises(NotAllowed, match="only be asked for by the first responder, support provider"):
            reconsideration_request(referral=referral, reasons="r", new_evidence="", by=manager,
                                    requested_for="legal_representative")
        settings.NRM_RECONSIDERATION_REQUESTERS = ["first_responder", "support_provider", "person",
                                                   "legal_representative"]
        request = reconsideration_request(referral=referral, reasons="Solicitor's letter.", new_evidence="",
                                          by=manager, requested_for="legal_representative")
    assert request.requested_for == "legal_representative" and request.requested_by == manager
    assert status(referral) == ReferralStatus.RG_RECONSIDERATION


# --- 3 and 4. Recovery until the CG, then move-on -------------------------------------------------------------------


def test_support_continues_after_the_minimum_recovery_period_and_exits_when_move_on_ends(
        first_responder, manager, decider, reviewer, prime, provider):
    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 1, 6))
    support_case = allocate(referral, provider, prime, datetime.date(2026, 1, 7))
    case = CaseFile.objects.get(pk=referral.pk)
    # 200 days on, long past the 45-day minimum: still supported, nothing closes or exits.
    assert support_exit_move_on_ended(now=at(2026, 7, 25)) == 0 and cases_close_due(now=at(2026, 7, 25)) == 0
    support_case.refresh_from_db()
    assert support_case.status == SupportStatus.SUPPORTED and case.cg_possible_from == datetime.date(2026, 2, 21)
    decide(referral, decider, reviewer, Stage.CG, Outcome.POSITIVE, at(2026, 7, 27, 10))
    case.refresh_from_db()
    assert case.move_on_at == at(2026, 8, 10, 10)  # 2011: 14 days after a positive CG
    assert support_exit_move_on_ended(now=at(2026, 8, 10, 9)) == 0
    assert support_exit_move_on_ended(now=at(2026, 8, 11, 0, )) == 1
    assert support_exit_move_on_ended(now=at(2026, 8, 12, 0)) == 0, "exactly once"
    support_case.refresh_from_db()
    assert support_case.status == SupportStatus.EXITED and support_case.exit_reason == EXIT_MOVE_ON_ENDED
    assert support_case.exited_on == datetime.date(2026, 8, 10)
    assert support_case.allocations.get().end_on == datetime.date(2026, 8, 10)
    assert support_case.care_entries.model.objects.filter(support_case=support_case).count() == 0  # none written
    assert cases_close_due(now=at(2026, 8, 11, 0)) == 1
    case.refresh_from_db()
    assert status(referral) == ReferralStatus.CLOSED and case.close_reason == CLOSED_AFTER_MOVE_ON


# --- 5. Money that matches the course -------------------------------------------------------------------------------


def test_committed_spend_for_a_person_200_days_into_waiting_for_a_cg(
        first_responder, manager, decider, reviewer, prime, provider, settings):
    today = datetime.date(2026, 5, 1)
    # The authority's history: a CG served 300 days after its positive RG, within the last 12 months.
    earlier = submitted(first_responder, manager, decider, at(2025, 1, 1))
    decide(earlier, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2025, 1, 2))
    decide(earlier, decider, reviewer, Stage.CG, Outcome.POSITIVE, at(2025, 10, 29))
    SupportCase.objects.filter(referral=earlier).delete()
    rg_day = today - datetime.timedelta(days=200)
    waiting = submitted(first_responder, manager, decider, at(rg_day.year, rg_day.month, rg_day.day - 1))
    decide(waiting, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(rg_day.year, rg_day.month, rg_day.day))
    allocate(waiting, provider, prime, rg_day + datetime.timedelta(days=1))
    year_end = datetime.date(2027, 4, 1)
    with time_machine.travel(at(2026, 5, 1, 18), tick=False):
        lines = committed(tomorrow=today + datetime.timedelta(days=1), year_end=year_end)
        # From tomorrow to the expected CG (positive RG + the median 300 days) plus 14 days of move-on.
        expected_end = rg_day + datetime.timedelta(days=300 + 14)
        assert [line.days for line in lines] == [(expected_end - today).days - 1]
        assert total_pence(lines) == 113 * 1000
        # No CG served in the last 12 months: NRM_EXPECTED_CG_DAYS, here beyond the year's end.
        settings.NRM_EXPECTED_CG_DAYS = 540
    with time_machine.travel(at(2027, 1, 5, 18), tick=False):
        lines = committed(tomorrow=datetime.date(2027, 1, 6), year_end=year_end)
        assert total_pence(lines) == (year_end - datetime.date(2027, 1, 6)).days * 1000


def test_an_allocation_is_never_priced_before_it_starts(first_responder, manager, decider, reviewer, prime):
    late = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER])
    Tariff.objects.create(provider=late, support_type=SupportType.ACCOMMODATION, daily_rate_pence=2000,
                          valid_from=datetime.date(2026, 6, 1))  # no rate before June
    referral = submitted(first_responder, manager, decider, at(2026, 5, 1))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 5, 2))
    allocate(referral, late, prime, datetime.date(2026, 6, 1))
    with time_machine.travel(at(2026, 5, 10), tick=False):
        lines = committed(tomorrow=datetime.date(2026, 5, 11), year_end=datetime.date(2026, 7, 1))
    assert [(line.days, line.pence) for line in lines] == [(30, 30 * 2000)]


def test_a_past_day_budget_counts_only_what_was_known_that_day(first_responder, manager, decider, reviewer, prime,
                                                               provider):
    referral = submitted(first_responder, manager, decider, at(2025, 12, 1))
    decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2025, 12, 2))
    allocate(referral, provider, prime, datetime.date(2025, 12, 3))
    decide(referral, decider, reviewer, Stage.CG, Outcome.POSITIVE, at(2026, 2, 2))  # move-on to 16 February
    with time_machine.travel(at(2026, 3, 1), tick=False):
        support_exit_move_on_ended()
        before_cg = budget_position(today=datetime.date(2026, 1, 31))
        after_cg = budget_position(today=datetime.date(2026, 2, 10))
    assert before_cg.spent_pence == 60 * 1000  # 3 December to 31 January
    # On 31 January no CG was known: support was expected to run to the year's end (no CG history).
    assert before_cg.committed_pence == (datetime.date(2026, 4, 1) - datetime.date(2026, 2, 1)).days * 1000
    # On 10 February the CG was served: support runs to its move-on end, 16 February.
    assert after_cg.committed_pence == 5 * 1000


# --- 8. The era is configuration: the key journey under each era's settings ----------------------------------------


@pytest.mark.parametrize("era", [ERA_2011, ERA_TODAY])
def test_the_key_journey_referral_rg_cg_move_on_closed_under_each_eras_settings(
        era, settings, first_responder, prime, provider):
    for name, value in era_settings(era).items():
        setattr(settings, name, value)
    deciding = OrganisationFactory(name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY])
    OrganisationFactory(name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY])
    manager = UserFactory(organisation=deciding, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=deciding, roles=[Role.DECISION_MAKER])
    reviewer = UserFactory(organisation=deciding, roles=[Role.SECOND_REVIEWER])

    referral = submitted(first_responder, manager, decider, at(2026, 1, 5))
    assert Referral.objects.get(pk=referral.pk).competent_authority == deciding
    client = sign_in(Client(), decider)
    page = client.get(reverse("decisions:decision", args=[referral.pk, "rg"])).content.decode()
    assert settings.NRM_RG_THRESHOLD_TEXT in page
    rg = decide(referral, decider, reviewer, Stage.RG, Outcome.POSITIVE, at(2026, 1, 6))
    assert rg.reviewer_id == (reviewer.pk if era == ERA_2011 else None)  # today: positive decisions unreviewed
    case = CaseFile.objects.get(pk=referral.pk)
    minimum = 45 if era == ERA_2011 else 30
    assert case.cg_possible_from == datetime.date(2026, 1, 6) + datetime.timedelta(days=minimum + 1)
    support_case = allocate(referral, provider, prime, datetime.date(2026, 1, 7))

    cg_at = at(2026, 9, 1, 10)  # long after the minimum: support went on meanwhile
    support_case.refresh_from_db()
    assert support_case.status == SupportStatus.SUPPORTED
    decide(referral, decider, reviewer, Stage.CG, Outcome.POSITIVE, cg_at)
    case.refresh_from_db()
    move_on_days = 14 if era == ERA_2011 else 45
    assert case.move_on_at == cg_at + datetime.timedelta(days=move_on_days)
    ends = case.move_on_at
    assert support_exit_move_on_ended(now=ends - datetime.timedelta(hours=1)) == 0
    assert cases_close_due(now=ends - datetime.timedelta(hours=1)) == 0
    assert support_exit_move_on_ended(now=ends + datetime.timedelta(days=1)) == 1
    assert cases_close_due(now=ends + datetime.timedelta(days=1)) == 1
    support_case.refresh_from_db()
    assert support_case.exit_reason == EXIT_MOVE_ON_ENDED and support_case.exited_on == ends.date()
    assert status(referral) == ReferralStatus.CLOSED
    paid_days = (ends.date() - datetime.date(2026, 1, 7)).days
    assert support_case.allocations.get().end_on == ends.date()
    assert paid_days == (datetime.date(2026, 9, 1) - datetime.date(2026, 1, 7)).days + move_on_days


# --- 7. Children: the local authority sees the decisions and the case (the hand-offs' page; held here) ---


def test_the_local_authority_sees_a_childs_decisions_and_case(first_responder, manager, decider, reviewer,
                                                               local_authority):
    from tests.referrals.builders import child_answers

    lead = UserFactory(organisation=local_authority, roles=[Role.LA_SAFEGUARDING_LEAD])
    answers = child_answers(local_authority.pk)
    answers["exploitation"] = {**answers["exploitation"], "started_on": "2019-01-01", "last_contact_on": "2019-06-01"}
    child = submitted(first_responder, manager, decider, at(2026, 1, 5), answers)
    decide(child, decider, reviewer, Stage.RG, Outcome.NEGATIVE, at(2026, 1, 6))
    page = sign_in(Client(), lead).get(reverse("referrals:detail", args=[child.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and 'id="decisions"' in body
    assert "Negative Reasonable Grounds decision" in body and "Reasons." in body
    # Another local authority's lead sees neither the case nor its decisions.
    other = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.LOCAL_AUTHORITY]),
                        roles=[Role.LA_SAFEGUARDING_LEAD])
    assert sign_in(Client(), other).get(reverse("referrals:detail", args=[child.pk])).status_code == 404
