"""Reminders for the competent authority's casework: the Reasonable Grounds target and its escalation,
decisions waiting for second review, the end of the minimum recovery period and the Conclusive Grounds
decision after it, a child turning 18, and decision letters not yet sent."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, InvolvementDeclaration, LetterDispatch, Stage
from organisations.models import Role
from referrals.models import OPEN_CASE, RG_PENDING, WAITING_FOR_FIRST_CG, ReferralKind
from reminders.models import ReminderRule
from reminders.rules.planning import (
    CASE_VALUES,
    Audience,
    Planned,
    Window,
    case_link,
    morning_of,
    narrowed,
    to_each,
)
from victim_care.models import SupportCase, SupportStatus


def rg_pending_cases(referral_ids):
    """Routed cases with no Reasonable Grounds decision served yet (a reconsideration has no target)."""
    served_rg = Decision.objects.filter(case=OuterRef("pk"), stage=Stage.RG, status=DecisionStatus.SERVED)
    cases = CaseFile.objects.filter(referral__status__in=RG_PENDING, referral__kind=ReferralKind.NRM)
    return narrowed(cases, "referral_id", referral_ids).exclude(Exists(served_rg))


def plan_rg_due(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """Working day 4 of 5: the decision maker (the authority's managers while nobody holds the case)."""
    lead = settings.NRM_RG_DUE_LEAD_WORKING_DAYS
    horizon = window.last_day + datetime.timedelta(days=lead * 2 + 14)
    cases = (rg_pending_cases(referral_ids).filter(rg_due_on__gte=window.catch_up_from, rg_due_on__lte=horizon)
             .values("referral_id", "rg_due_on", "allocated_to_id", **CASE_VALUES))
    for case in cases:
        send_at = morning_of(working_days.working_days_before(case["rg_due_on"], lead))
        if window.covers(send_at):
            recipients = audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
            yield from to_each(ReminderRule.RG_DUE, case, case["rg_due_on"], send_at, recipients,
                               case_link(case["referral_id"]))


def plan_rg_overdue(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """Escalation: the competent authority's managers, every working day while the decision is overdue."""
    cases = (rg_pending_cases(referral_ids).filter(rg_due_on__lt=window.last_day)
             .values("referral_id", "rg_due_on", **CASE_VALUES))
    for case in cases:
        recipients = audience.members(Role.CA_MANAGER, case["authority_id"])
        day = max(case["rg_due_on"] + datetime.timedelta(days=1), window.catch_up_from)
        while day <= window.last_day:
            if working_days.is_working_day(day) and window.covers(morning_of(day)):
                yield from to_each(ReminderRule.RG_OVERDUE, case, day, morning_of(day), recipients,
                                   case_link(case["referral_id"]))
            day += datetime.timedelta(days=1)


def plan_review_waiting(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A decision waiting more than NRM_REVIEW_WAITING_WORKING_DAYS: the authority's independent reviewers."""
    waiting_days = settings.NRM_REVIEW_WAITING_WORKING_DAYS
    decisions = narrowed(Decision.objects.filter(status=DecisionStatus.AWAITING_REVIEW,
                                                 sent_for_review_at__lt=window.until - datetime.timedelta(days=1)),
                         "case_id", referral_ids)
    rows = list(decisions.values("case_id", "author_id", "sent_for_review_at", referral_id=F("case_id"),
                                 reference=F("case__referral__reference"),
                                 authority_id=F("case__referral__competent_authority_id")))
    involved = set(InvolvementDeclaration.objects.filter(case_id__in=[row["case_id"] for row in rows])
                   .values_list("case_id", "user_id"))
    for row in rows:
        sent_on = working_days.local_date(row["sent_for_review_at"])
        send_at = morning_of(working_days.add_working_days(sent_on, waiting_days + 1))
        if not window.covers(send_at):
            continue
        reviewers = [user for user in audience.members(Role.SECOND_REVIEWER, row["authority_id"])
                     if user != row["author_id"] and (row["case_id"], user) not in involved]
        yield from to_each(ReminderRule.REVIEW_WAITING, row, sent_on, send_at, reviewers, case_link(row["referral_id"]))


def _recovery_cases(referral_ids):
    open_support = SupportCase.objects.filter(referral_id=OuterRef("referral_id")).exclude(status=SupportStatus.EXITED)
    cases = CaseFile.objects.filter(referral__status__in=WAITING_FOR_FIRST_CG, recovery_period_ends_on__isnull=False)
    return (narrowed(cases, "referral_id", referral_ids)
            .values("referral_id", "allocated_to_id", "recovery_period_ends_on", supported=Exists(open_support),
                    **CASE_VALUES))


def plan_recovery_ending(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """7 days before and on the last day of the minimum recovery period: the decision maker, who may make
    the Conclusive Grounds decision after it. Not the prime contractor: support does not end with it."""
    lead = datetime.timedelta(days=settings.NRM_RECOVERY_ENDING_LEAD_DAYS)
    cases = _recovery_cases(referral_ids).filter(recovery_period_ends_on__gte=window.catch_up_from,
                                                  recovery_period_ends_on__lte=window.last_day + lead)
    for case in cases:
        ends_on = case["recovery_period_ends_on"]
        recipients = audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
        link = case_link(case["referral_id"])
        for rule, send_day in ((ReminderRule.RECOVERY_ENDING, ends_on - lead),
                               (ReminderRule.RECOVERY_LAST_DAY, ends_on)):
            if window.covers(morning_of(send_day)) and (
                    rule == ReminderRule.RECOVERY_LAST_DAY or send_day >= window.catch_up_from):
                yield from to_each(rule, case, ends_on, morning_of(send_day), recipients, link)


def plan_cg_overdue(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """The day after the minimum recovery period with no Conclusive Grounds decision: a CG can now be made
    (decision maker and managers)."""
    cases = _recovery_cases(referral_ids).filter(
        recovery_period_ends_on__lt=window.last_day,
        recovery_period_ends_on__gte=window.catch_up_from - datetime.timedelta(days=1))
    for case in cases:
        ends_on = case["recovery_period_ends_on"]
        send_at = morning_of(ends_on + datetime.timedelta(days=1))
        if window.covers(send_at):
            recipients = (audience.decision_maker_or_managers(case["allocated_to_id"], None)
                          + audience.members(Role.CA_MANAGER, case["authority_id"]))
            yield from to_each(ReminderRule.CG_OVERDUE, case, ends_on, send_at, recipients,
                               case_link(case["referral_id"]))


def _eighteenth_birthday(born: datetime.date) -> datetime.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February: the birthday is taken as 1 March
        return datetime.date(born.year + 18, 3, 1)


def plan_turning_18(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """NRM_TURNING_18_LEAD_DAYS before a child in an open case turns 18, once: the decision maker (the
    authority's managers while nobody holds the case) and the local authority's safeguarding leads."""
    lead = datetime.timedelta(days=settings.NRM_TURNING_18_LEAD_DAYS)
    first, last = window.catch_up_from + lead, window.last_day + lead  # birthdays whose reminder falls due now
    cases = narrowed(CaseFile.objects.filter(
        referral__is_child=True, referral__kind=ReferralKind.NRM, referral__status__in=OPEN_CASE,
        referral__date_of_birth__gte=datetime.date(first.year - 18, first.month, 1) - datetime.timedelta(days=1),
        referral__date_of_birth__lte=datetime.date(last.year - 18, last.month, 1) + datetime.timedelta(days=32)),
        "referral_id", referral_ids)
    for case in cases.values("referral_id", "allocated_to_id", born=F("referral__date_of_birth"),
                             local_authority_id=F("referral__local_authority_id"), **CASE_VALUES):
        birthday = _eighteenth_birthday(case["born"])
        send_at = morning_of(birthday - lead)
        if not (first <= birthday <= last) or not window.covers(send_at):
            continue
        recipients = (audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
                      + audience.members(Role.LA_SAFEGUARDING_LEAD, case["local_authority_id"]))
        yield from to_each(ReminderRule.TURNING_18, case, birthday, send_at, recipients,
                           case_link(case["referral_id"]))


def plan_letter_unsent(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A decision letter not recorded as sent NRM_LETTER_DISPATCH_WORKING_DAYS working days after service:
    the competent authority's managers, the next working morning."""
    letters = narrowed(LetterDispatch.objects.filter(recorded_at__isnull=True, due_by__lt=window.last_day,
                                                     due_by__gte=window.catch_up_from - datetime.timedelta(days=7)),
                       "decision__case_id", referral_ids)
    for row in letters.values("due_by", referral_id=F("decision__case_id"),
                              reference=F("decision__case__referral__reference"),
                              authority_id=F("competent_authority_id")):
        send_at = morning_of(working_days.add_working_days(row["due_by"], 1))
        if window.covers(send_at):
            yield from to_each(ReminderRule.LETTER_UNSENT, row, row["due_by"], send_at,
                               audience.members(Role.CA_MANAGER, row["authority_id"]), reverse("decisions:letters"))
