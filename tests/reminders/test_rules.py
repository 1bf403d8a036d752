"""Each reminder rule, run by a real Celery worker on the real Redis: the right day (working days
across the Easter 2026 bank holidays, Good Friday 3 April and Easter Monday 6 April), the right
people, and no one else. Time is moved with time-machine; the worker runs in this process."""

from __future__ import annotations

import copy
import datetime

import time_machine
from django.core import mail

from decisions.models import CaseFile
from decisions.services.case import case_allocate, case_file_open, case_withdraw, involvement_declare
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import Role
from referrals.models import Referral
from referrals.services import drafts_expire, referral_start, referral_submit
from reminders.models import Reminder, ReminderRule, ReminderStatus
from tests.factories import UserFactory
from tests.referrals.builders import ADULT, child_answers, completed_draft
from tests.referrals.conftest import local_authority  # noqa: F401 - shared fixture
from tests.reminders.conftest import World, deadline_mail, dispatch_at, recipients, reminder_mail, uk
from victim_care.models import EntryKind, SupportCase, SupportType
from victim_care.services import allocation_move, care_entry_add

R = ReminderRule


def answers_before(day: datetime.date) -> dict:
    """The adult referral's answers, with the last contact with the exploiters before `day`."""
    answers = copy.deepcopy(ADULT)
    answers["exploitation"]["last_contact_on"] = (day - datetime.timedelta(days=60)).isoformat()
    return answers


def _submitted(world: World, at: datetime.datetime, *, allocate: bool = True) -> Referral:
    with time_machine.travel(at, tick=False):
        draft = completed_draft(world.referrer, answers_before(at.date()))
        referral = referral_submit(referral=draft, by=world.referrer)
        case_file_open(referral)
        if allocate:
            case_allocate(referral=referral, to=world.decider, by=world.manager)
    referral.refresh_from_db()
    return referral


def _serve(world: World, referral: Referral, stage: str, outcome: str, at: datetime.datetime) -> None:
    with time_machine.travel(at, tick=False):
        decision = decision_draft(referral=referral, stage=stage, outcome=outcome, reasons="Reasons.",
                                  evidence_considered="Evidence.", by=world.decider)
        decision_sign_off(decision=decision_send_for_review(decision=decision, by=world.decider), by=world.reviewer)


def _supported_by_the_first_provider(world: World) -> Referral:
    """Referred on 1 April 2026, a positive RG served on 2 April, with the first provider from 3 April."""
    referral = _submitted(world, uk(2026, 4, 1, 10))
    _serve(world, referral, "rg", "positive", uk(2026, 4, 2, 12))
    with time_machine.travel(uk(2026, 4, 3, 14), tick=False):
        allocation_move(support_case=SupportCase.objects.get(referral=referral), provider=world.providers[0],
                        support_type=SupportType.ACCOMMODATION, on=datetime.date(2026, 4, 3), by=world.case_manager)
    return referral


def _first_sent_on(rule: ReminderRule, day: datetime.date, told: list[str]) -> None:
    """The reminder `rule` goes to `told` at the first dispatch of `day`, and to nobody the day before."""
    before = day - datetime.timedelta(days=1)
    dispatch_at(uk(before.year, before.month, before.day, 8, 5))
    assert recipients(rule.label) == []
    dispatch_at(uk(day.year, day.month, day.day, 8, 5))
    assert recipients(rule.label) == told


def test_rg_due_goes_to_the_decision_maker_on_working_day_four_counting_bank_holidays(world, celery_worker):
    # Received Thursday 2 April: Good Friday and Easter Monday do not count, so the target is
    # Monday 13 April and working day 4 is Friday 10 April (Wednesday 8 April without the holidays).
    referral = _submitted(world, uk(2026, 4, 2, 10))
    assert CaseFile.objects.get(pk=referral.pk).rg_due_on == datetime.date(2026, 4, 13)
    for day in (3, 6, 7, 8, 9):
        dispatch_at(uk(2026, 4, day, 8, 5))
        assert reminder_mail(R.RG_DUE.label) == [], f"nothing is due on {day} April"
    dispatch_at(uk(2026, 4, 10, 7, 55))
    assert reminder_mail(R.RG_DUE.label) == [], "reminders about a day go out at 08:00"
    dispatch_at(uk(2026, 4, 10, 8, 5))
    assert recipients(R.RG_DUE.label) == [world.decider.email]
    dispatch_at(uk(2026, 4, 10, 8, 10))
    assert recipients(R.RG_DUE.label) == [world.decider.email], "a rerun sends nothing again"


def test_rg_overdue_escalates_to_the_authority_managers_every_working_day(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 2, 10))
    dispatch_at(uk(2026, 4, 13, 8, 5))  # the due day itself: not overdue yet
    assert recipients(R.RG_OVERDUE.label) == []
    for day, expected in ((14, 1), (15, 2), (16, 3), (17, 4), (18, 4), (19, 4), (20, 5)):  # 18, 19: weekend
        dispatch_at(uk(2026, 4, day, 8, 5))
        assert recipients(R.RG_OVERDUE.label) == [world.manager.email] * expected, f"{day} April"
    # Tomorrow's repeat is already planned; serving the decision cancels it in the same transaction.
    tomorrow = Reminder.objects.get(rule=R.RG_OVERDUE, due_on=datetime.date(2026, 4, 21))
    assert tomorrow.status == ReminderStatus.PENDING
    _serve(world, referral, "rg", "positive", uk(2026, 4, 20, 11))
    tomorrow.refresh_from_db()
    assert tomorrow.status == ReminderStatus.CANCELLED
    dispatch_at(uk(2026, 4, 21, 8, 5))
    assert recipients(R.RG_OVERDUE.label) == [world.manager.email] * 5


def test_an_unallocated_case_reminds_the_managers_and_reallocation_moves_the_reminder(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 2, 10), allocate=False)
    dispatch_at(uk(2026, 4, 9, 12))  # plans tomorrow's reminder to the managers
    assert Reminder.objects.get(rule=R.RG_DUE).recipient == world.manager
    with time_machine.travel(uk(2026, 4, 9, 15), tick=False):
        case_allocate(referral=referral, to=world.other_decider, by=world.manager)
    assert Reminder.objects.get(rule=R.RG_DUE, recipient=world.manager).status == ReminderStatus.CANCELLED
    dispatch_at(uk(2026, 4, 10, 8, 5))
    assert recipients(R.RG_DUE.label) == [world.other_decider.email]


def test_a_withdrawn_case_gets_no_more_reminders(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 2, 10))
    dispatch_at(uk(2026, 4, 9, 12))
    assert Reminder.objects.filter(rule=R.RG_DUE, status=ReminderStatus.PENDING).count() == 1
    with time_machine.travel(uk(2026, 4, 9, 16), tick=False):
        case_withdraw(referral=referral, reason="Referred in error.", by=world.manager)
    assert not Reminder.objects.filter(status=ReminderStatus.PENDING).exists()
    for day in (10, 14, 15):
        dispatch_at(uk(2026, 4, day, 8, 5))
    assert deadline_mail() == []


def test_a_decision_waiting_for_review_goes_to_independent_reviewers_after_two_working_days(world, celery_worker):
    """Not to a reviewer who declared involvement, and not to the decision's author, who here also holds
    the second reviewer role (an authority may give a decision maker both)."""
    author = UserFactory(organisation=world.ukhtc, roles=[Role.DECISION_MAKER, Role.SECOND_REVIEWER])
    referral = _submitted(world, uk(2026, 4, 1, 10), allocate=False)
    with time_machine.travel(uk(2026, 4, 2, 15), tick=False):
        case_allocate(referral=referral, to=author, by=world.manager)
        involvement_declare(referral=referral, details="I decided their asylum claim.", by=world.involved_reviewer)
        decision = decision_draft(referral=referral, stage="rg", outcome="positive", reasons="Reasons.",
                                  evidence_considered="Evidence.", by=author)
        decision_send_for_review(decision=decision, by=author)
    # Sent Thursday 2 April; Tuesday 7 and Wednesday 8 are the two working days it may wait.
    dispatch_at(uk(2026, 4, 8, 17))
    assert recipients(R.REVIEW_WAITING.label) == []
    dispatch_at(uk(2026, 4, 9, 8, 5))
    assert recipients(R.REVIEW_WAITING.label) == [world.reviewer.email]
    assert not Reminder.objects.filter(rule=R.REVIEW_WAITING, recipient=author).exists()


def test_minimum_recovery_reminders_tell_the_decision_maker_a_cg_can_be_made(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 1, 10))
    _serve(world, referral, "rg", "positive", uk(2026, 4, 2, 12))  # minimum recovery period ends 17 May
    case = CaseFile.objects.get(pk=referral.pk)
    assert case.recovery_period_ends_on == datetime.date(2026, 5, 17)
    assert case.cg_possible_from == datetime.date(2026, 5, 18)
    assert SupportCase.objects.filter(referral=referral).exists()
    # Support does not end with the minimum period, so the prime contractor is not told it is ending.
    decision_maker = [world.decider.email]
    _first_sent_on(R.RECOVERY_ENDING, datetime.date(2026, 5, 10), decision_maker)
    dispatch_at(uk(2026, 5, 17, 8, 5))
    assert recipients(R.RECOVERY_LAST_DAY.label) == decision_maker
    assert all("support" not in body.lower() or "support continues" in body.lower()
               for _, body in reminder_mail(R.RECOVERY_ENDING.label))
    assert recipients(R.CG_OVERDUE.label) == []
    dispatch_at(uk(2026, 5, 18, 8, 5))
    assert recipients(R.CG_OVERDUE.label) == sorted([world.decider.email, world.manager.email])
    dispatch_at(uk(2026, 5, 19, 8, 5))
    assert len(recipients(R.CG_OVERDUE.label)) == 2, "the escalation is sent once"


def test_reconsideration_window_closing_goes_to_the_referring_first_responder(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 1, 10))
    _serve(world, referral, "rg", "negative", uk(2026, 4, 2, 12))  # may ask until 2 May
    assert CaseFile.objects.get(pk=referral.pk).reconsideration_due_by == datetime.date(2026, 5, 2)
    _first_sent_on(R.RECONSIDERATION_CLOSING, datetime.date(2026, 4, 27), [world.referrer.email])


def test_provider_reminders_follow_the_person_to_their_current_provider(world, celery_worker):
    referral = _submitted(world, uk(2026, 4, 1, 10))
    _serve(world, referral, "rg", "positive", uk(2026, 4, 2, 12))
    support_case = SupportCase.objects.get(referral=referral)
    dispatch_at(uk(2026, 4, 3, 11))  # waiting 23 hours: not yet
    assert recipients(R.AWAITING_ALLOCATION.label) == []
    dispatch_at(uk(2026, 4, 3, 12, 5))
    assert recipients(R.AWAITING_ALLOCATION.label) == [world.case_manager.email]
    first, second = world.providers
    with time_machine.travel(uk(2026, 4, 3, 14), tick=False):
        allocation_move(support_case=support_case, provider=first, support_type=SupportType.ACCOMMODATION,
                        on=datetime.date(2026, 4, 3), by=world.case_manager)
        support_case.refresh_from_db()
        care_entry_add(support_case=support_case, kind=EntryKind.CARE_PLAN, text="Plan.", by=world.workers[0],
                       review_due_on=datetime.date(2026, 4, 20))
    # No contact recorded: due 7 days after the provider took the person on.
    dispatch_at(uk(2026, 4, 9, 8, 5))
    assert recipients(R.CONTACT_OVERDUE.label) == []
    dispatch_at(uk(2026, 4, 10, 8, 5))
    assert recipients(R.CONTACT_OVERDUE.label) == [world.workers[0].email]
    with time_machine.travel(uk(2026, 4, 14, 10), tick=False):
        care_entry_add(support_case=support_case, kind=EntryKind.CONTACT, text="Visited.", by=world.workers[0])
        allocation_move(support_case=support_case, provider=second, support_type=SupportType.ACCOMMODATION,
                        on=datetime.date(2026, 4, 15), by=world.case_manager)
    dispatch_at(uk(2026, 4, 20, 8, 5))
    assert recipients(R.CARE_PLAN_REVIEW_DUE.label) == [world.workers[1].email], "the provider supporting them now"
    dispatch_at(uk(2026, 4, 21, 8, 5))
    assert recipients(R.CONTACT_OVERDUE.label) == [world.workers[0].email]
    dispatch_at(uk(2026, 4, 22, 8, 5))  # 7 days after the move on 15 April
    assert recipients(R.CONTACT_OVERDUE.label) == sorted([world.workers[0].email, world.workers[1].email])


def test_draft_expiry_warning_and_deletion_notice_go_to_the_author_only(world, celery_worker):
    with time_machine.travel(uk(2026, 4, 1, 10), tick=False):
        draft = referral_start(by=world.referrer)
    dispatch_at(uk(2026, 4, 22, 9, 55))
    assert recipients(R.DRAFT_EXPIRING.label) == []
    dispatch_at(uk(2026, 4, 22, 10, 5))
    assert recipients(R.DRAFT_EXPIRING.label) == [world.referrer.email]
    with time_machine.travel(uk(2026, 4, 29, 10, 30), tick=False):
        assert drafts_expire() == 1
    assert not Referral.objects.filter(pk=draft.pk).exists()
    dispatch_at(uk(2026, 4, 29, 10, 35))
    assert recipients(R.DRAFT_DELETED.label) == [world.referrer.email]
    assert Reminder.objects.get(rule=R.DRAFT_DELETED).due_on == datetime.date(2026, 4, 29)


def test_an_outage_catches_up_every_reminder_that_fell_due(world, celery_worker):
    """Beat down from Thursday 9 to Wednesday 15 April: the first run after it sends all that fell due."""
    _submitted(world, uk(2026, 4, 2, 10))
    dispatch_at(uk(2026, 4, 9, 8, 5))
    assert deadline_mail() == []
    dispatch_at(uk(2026, 4, 15, 9, 0))
    assert recipients(R.RG_DUE.label) == [world.decider.email]
    assert recipients(R.RG_OVERDUE.label) == [world.manager.email] * 2  # 14 and 15 April
    everyone_else = {user.email for user in world.everyone()} - {world.decider.email, world.manager.email}
    assert not everyone_else & {to for to, _ in deadline_mail()}


def test_nothing_is_sent_to_anyone_outside_the_case(world, celery_worker):
    """Deadline reminders; event notifications (the referrer's colleagues hear of a served decision) are
    tested recipient by recipient in tests/reminders/test_events.py."""
    referral = _submitted(world, uk(2026, 4, 1, 10))
    _serve(world, referral, "rg", "positive", uk(2026, 4, 2, 12))
    for moment in (uk(2026, 5, 10, 8, 5), uk(2026, 5, 17, 8, 5), uk(2026, 5, 18, 8, 5)):
        dispatch_at(moment)
    outsiders = {world.other_authority_manager.email, world.other_authority_reviewer.email,
                 world.referrer_colleague.email, world.other_decider.email, *(w.email for w in world.workers)}
    sent_to = {to for to, _ in deadline_mail()}
    assert sent_to and not sent_to & outsiders
    assert len(mail.outbox) >= len(sent_to)


def test_move_on_end_reminds_the_prime_contractor_and_provider_7_days_before_and_on_the_day(world, celery_worker):
    referral = _supported_by_the_first_provider(world)
    _serve(world, referral, "cg", "positive", uk(2026, 6, 1, 12))  # 2011: 14 days of move-on, to 15 June
    assert CaseFile.objects.get(pk=referral.pk).move_on_at == uk(2026, 6, 15, 12)
    told = sorted([world.case_manager.email, world.workers[0].email])
    _first_sent_on(R.MOVE_ON_ENDING, datetime.date(2026, 6, 8), told)
    dispatch_at(uk(2026, 6, 15, 8, 5))
    assert recipients(R.MOVE_ON_LAST_DAY.label) == told
    dispatch_at(uk(2026, 6, 16, 8, 5))
    assert len(recipients(R.MOVE_ON_LAST_DAY.label)) == 2, "once each"
    assert {r.due_on for r in Reminder.objects.filter(rule=R.MOVE_ON_LAST_DAY)} == {datetime.date(2026, 6, 15)}


def test_a_48_hour_move_on_gets_only_the_reminder_on_the_day(world, celery_worker):
    referral = _supported_by_the_first_provider(world)
    _serve(world, referral, "cg", "negative", uk(2026, 6, 1, 12))  # 2011: 48 hours, to 3 June
    dispatch_at(uk(2026, 6, 2, 8, 5))
    dispatch_at(uk(2026, 6, 3, 8, 5))
    assert recipients(R.MOVE_ON_ENDING.label) == []
    assert recipients(R.MOVE_ON_LAST_DAY.label) == sorted([world.case_manager.email, world.workers[0].email])


def test_a_child_turning_18_in_an_open_case_is_flagged_once_30_days_before(world, celery_worker,
                                                                          local_authority):  # noqa: F811
    lead = UserFactory(organisation=local_authority, roles=[Role.LA_SAFEGUARDING_LEAD])
    answers = child_answers(local_authority.pk)
    answers["personal-details"]["date_of_birth"] = "2008-06-15"  # 18 on 15 June 2026
    answers["exploitation"] = answers_before(datetime.date(2026, 4, 1))["exploitation"]
    with time_machine.travel(uk(2026, 4, 1, 10), tick=False):
        referral = referral_submit(referral=completed_draft(world.referrer, answers), by=world.referrer)
        case_file_open(referral)
        case_allocate(referral=referral, to=world.decider, by=world.manager)
    dispatch_at(uk(2026, 5, 15, 8, 5))
    assert recipients(R.TURNING_18.label) == []
    dispatch_at(uk(2026, 5, 16, 8, 5))
    assert recipients(R.TURNING_18.label) == sorted([world.decider.email, lead.email])
    dispatch_at(uk(2026, 5, 17, 8, 5))
    dispatch_at(uk(2026, 5, 20, 8, 5))
    assert len(recipients(R.TURNING_18.label)) == 2, "once"
    assert Reminder.objects.get(rule=R.TURNING_18, recipient=lead).due_on == datetime.date(2026, 6, 15)
