"""Reminders for victim care: the end of the move-on period, care plan reviews, contact with the person,
and a person waiting for a support provider."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Greatest, TruncDate

from core import working_days
from decisions.models import Decision, DecisionStatus, Stage
from organisations.models import Role
from reminders.models import ReminderRule
from reminders.rules.planning import CASE_VALUES, Audience, Planned, Window, morning_of, narrowed, support_link, to_each
from victim_care.models import Allocation, CareRecordEntry, EntryKind, SupportCase, SupportStatus


def plan_move_on_ending(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """7 days before and on the day the move-on period after a CG ends: the prime contractor's case managers
    and the support workers of the provider supporting the person. The 7-day reminder is not sent for a
    move-on shorter than that (48 hours after a negative CG in 2011): the day itself is."""
    lead = datetime.timedelta(days=settings.NRM_MOVE_ON_ENDING_LEAD_DAYS)
    served_cg = Decision.objects.filter(case_id=OuterRef("referral_id"), stage=Stage.CG,
                                        status=DecisionStatus.SERVED).order_by("-served_at")
    cases = narrowed(SupportCase.objects.exclude(status=SupportStatus.EXITED).filter(
        referral__case_file__move_on_at__isnull=False,
        referral__case_file__move_on_at__gte=window.now - datetime.timedelta(days=settings.NRM_REMINDER_CATCH_UP_DAYS),
        referral__case_file__move_on_at__lte=window.until + lead), "referral_id", referral_ids).annotate(
        provider_id=Subquery(_current_allocation().values("provider_id")[:1]),
        cg_served_at=Subquery(served_cg.values("served_at")[:1]))
    for case in cases.values("pk", "referral_id", "provider_id", "cg_served_at",
                             move_on_at=F("referral__case_file__move_on_at"), **CASE_VALUES):
        ends_on = working_days.local_date(case["move_on_at"])
        recipients = audience.case_managers() + audience.members(Role.SUPPORT_WORKER, case["provider_id"])
        served_on = working_days.local_date(case["cg_served_at"]) if case["cg_served_at"] else ends_on
        for rule, send_day in ((ReminderRule.MOVE_ON_ENDING, ends_on - lead), (ReminderRule.MOVE_ON_LAST_DAY, ends_on)):
            if rule == ReminderRule.MOVE_ON_ENDING and (send_day < served_on or send_day < window.catch_up_from):
                continue
            if window.covers(morning_of(send_day)):
                yield from to_each(rule, case, ends_on, morning_of(send_day), recipients, support_link(case["pk"]))


def _current_allocation():
    """The support case's allocation now (at most one: the database refuses overlapping allocations)."""
    return Allocation.objects.filter(support_case=OuterRef("pk"), end_on__isnull=True)


def _supported(referral_ids):
    """Support cases now supported, with their current provider and the day that provider took the person on."""
    current = _current_allocation()
    supported = SupportCase.objects.filter(status=SupportStatus.SUPPORTED).annotate(
        provider_id=Subquery(current.values("provider_id")[:1]),
        support_started_on=Subquery(current.values("start_on")[:1]),
    )
    return narrowed(supported, "referral_id", referral_ids)


def _provider_rows(cases) -> Iterator[dict]:
    """The rows of the cases that have a provider now: theirs are the support workers told."""
    for case in cases.values("pk", "referral_id", "provider_id", "due_on", **CASE_VALUES):
        if case["provider_id"] is not None:
            yield case


def plan_care_plan_review_due(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """On the review date of the latest care plan: the support workers of the provider supporting the person."""
    lead = datetime.timedelta(days=settings.NRM_CARE_PLAN_REVIEW_LEAD_DAYS)
    latest_plan = CareRecordEntry.objects.filter(support_case=OuterRef("pk"), kind=EntryKind.CARE_PLAN).order_by(
        "-created_at", "-pk")
    cases = _supported(referral_ids).annotate(due_on=Subquery(latest_plan.values("review_due_on")[:1])).filter(
        due_on__gte=window.catch_up_from, due_on__lte=window.last_day + lead)
    for case in _provider_rows(cases):
        send_at = morning_of(case["due_on"] - lead)
        if window.covers(send_at):
            yield from to_each(ReminderRule.CARE_PLAN_REVIEW_DUE, case, case["due_on"], send_at,
                               audience.members(Role.SUPPORT_WORKER, case["provider_id"]), support_link(case["pk"]))


def plan_contact_overdue(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """NRM_CONTACT_INTERVAL_DAYS after the last recorded contact (or after this provider took the person
    on, if later): the provider's support workers."""
    interval = datetime.timedelta(days=settings.NRM_CONTACT_INTERVAL_DAYS)
    last_contact = CareRecordEntry.objects.filter(support_case=OuterRef("pk"), kind=EntryKind.CONTACT).order_by(
        "-created_at").values("created_at")[:1]
    cases = _supported(referral_ids).annotate(
        contact_base=Greatest(TruncDate(Subquery(last_contact)), F("support_started_on"), output_field=DateField()),
    ).annotate(due_on=F("contact_base")).filter(
        due_on__gte=window.catch_up_from - interval, due_on__lte=window.last_day - interval)
    for case in _provider_rows(cases):
        due_on = case["due_on"] + interval
        send_at = morning_of(due_on)
        if window.covers(send_at):
            yield from to_each(ReminderRule.CONTACT_OVERDUE, case, due_on, send_at,
                               audience.members(Role.SUPPORT_WORKER, case["provider_id"]), support_link(case["pk"]))


def plan_awaiting_allocation(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A person waiting more than NRM_AWAITING_ALLOCATION_HOURS for a provider: the prime contractor."""
    wait = datetime.timedelta(hours=settings.NRM_AWAITING_ALLOCATION_HOURS)
    cases = narrowed(SupportCase.objects.filter(status=SupportStatus.AWAITING_ALLOCATION,
                                                opened_at__lte=window.until - wait), "referral_id", referral_ids)
    for case in cases.values("pk", "referral_id", "opened_at", **CASE_VALUES):
        yield from to_each(ReminderRule.AWAITING_ALLOCATION, case, working_days.local_date(case["opened_at"]),
                           case["opened_at"] + wait, audience.case_managers(), support_link(case["pk"]))
