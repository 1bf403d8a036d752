"""Every reminder rule in one place: what it is about, who hears, how far ahead, who it escalates to.

A rule's `plan` lists the reminders that the records' current state calls for and whose send time
falls inside the planning window. The dispatcher inserts them (the unique key makes a rerun a
no-op) and, just before sending, plans again for the same records: a reminder that is no longer
planned (the decision was served, the case reallocated or withdrawn) is cancelled instead.
The lead times and repeats are settings (NRM_REMINDER_* in nrm/settings.py)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import DateField, Exists, F, OuterRef, Subquery
from django.db.models.functions import Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone

from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, InvolvementDeclaration, LetterDispatch, Stage
from organisations.models import Organisation, OrgRole, Role, User
from referrals.models import Referral, ReferralKind, ReferralStatus
from reminders.models import ReminderRule
from victim_care.models import Allocation, CareRecordEntry, EntryKind, SupportCase, SupportStatus

S = ReferralStatus
RG_PENDING = (S.SUBMITTED, S.ALLOCATED, S.RG_DRAFTED, S.RG_AWAITING_REVIEW)
CG_PENDING = (S.RG_POSITIVE, S.CG_DRAFTED, S.CG_AWAITING_REVIEW)
NEGATIVE_SERVED = (S.RG_NEGATIVE, S.CG_NEGATIVE)
OPEN_CASE_STATES = tuple(set(S) - {S.DRAFT, S.CLOSED, S.WITHDRAWN, S.RECORDED, S.HISTORIC})

Key = tuple[str, str, datetime.date, int]


@dataclass(frozen=True)
class Planned:
    rule: str
    referral_id: uuid.UUID
    reference: str
    link: str
    competent_authority_id: int | None
    due_on: datetime.date
    recipient_id: int
    send_at: datetime.datetime

    @property
    def key(self) -> Key:
        return (self.rule, str(self.referral_id), self.due_on, self.recipient_id)


@dataclass(frozen=True)
class Window:
    """Plan what falls due up to `until`; repeats missed during an outage go back to `catch_up_from`."""

    now: datetime.datetime
    until: datetime.datetime

    @classmethod
    def starting(cls, now: datetime.datetime) -> Window:
        return cls(now=now, until=now + datetime.timedelta(hours=settings.NRM_REMINDER_PLAN_AHEAD_HOURS))

    @property
    def today(self) -> datetime.date:
        return working_days.local_date(self.now)

    @property
    def last_day(self) -> datetime.date:
        return working_days.local_date(self.until)

    @property
    def catch_up_from(self) -> datetime.date:
        return self.today - datetime.timedelta(days=settings.NRM_REMINDER_CATCH_UP_DAYS)

    def covers(self, send_at: datetime.datetime) -> bool:
        return send_at <= self.until


def morning_of(day: datetime.date) -> datetime.datetime:
    """Reminders about a day go out at the start of the UK working day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(settings.NRM_REMINDER_SEND_HOUR)))


class Audience:
    """Who holds which role in which organisation, loaded once per planning run (two queries)."""

    @cached_property
    def _members(self) -> dict[tuple[str, int], list[int]]:
        labels = {role.label: role for role in Role}
        members: dict[tuple[str, int], list[int]] = defaultdict(list)
        rows = (User.objects.filter(is_active=True, organisation__isnull=False, groups__name__in=list(labels))
                .values_list("pk", "organisation_id", "groups__name").order_by("pk"))
        for user_id, organisation_id, group in rows:
            members[(labels[group], organisation_id)].append(user_id)
        return members

    @cached_property
    def active_users(self) -> set[int]:
        return set(User.objects.filter(is_active=True).values_list("pk", flat=True))

    @cached_property
    def _prime_contractors(self) -> list[int]:
        return list(Organisation.objects.holding(OrgRole.PRIME_CONTRACTOR).values_list("pk", flat=True))

    def members(self, role: Role, organisation_id: int | None) -> list[int]:
        return list(self._members.get((role, organisation_id), [])) if organisation_id else []

    def case_managers(self) -> list[int]:
        return [user for org in self._prime_contractors for user in self.members(Role.PC_CASE_MANAGER, org)]

    def decision_maker_or_managers(self, allocated_to: int | None, authority_id: int | None) -> list[int]:
        if allocated_to and allocated_to in self.active_users:
            return [allocated_to]
        return self.members(Role.CA_MANAGER, authority_id)


def _case_link(referral_id: uuid.UUID) -> str:
    return reverse("decisions:case", args=[referral_id])


def _support_link(support_case_id: int) -> str:
    return reverse("victim_care:case", args=[support_case_id])


def _filtered(queryset, field: str, referral_ids: Collection[uuid.UUID] | None):
    return queryset if referral_ids is None else queryset.filter(**{f"{field}__in": list(referral_ids)})


def _each(rule: ReminderRule, row: dict, due_on: datetime.date, send_at: datetime.datetime, recipients: list[int],
          link: str) -> Iterator[Planned]:
    for recipient in dict.fromkeys(recipients):
        yield Planned(rule=rule, referral_id=row["referral_id"], reference=row["reference"] or "", link=link,
                      competent_authority_id=row.get("authority_id"), due_on=due_on, recipient_id=recipient,
                      send_at=send_at)


_CASE_VALUES = {"reference": F("referral__reference"), "authority_id": F("referral__competent_authority_id")}


def _rg_pending_cases(referral_ids):
    """Routed cases with no Reasonable Grounds decision served yet (a reconsideration has no target)."""
    served_rg = Decision.objects.filter(case=OuterRef("pk"), stage=Stage.RG, status=DecisionStatus.SERVED)
    cases = CaseFile.objects.filter(referral__status__in=RG_PENDING, referral__kind=ReferralKind.NRM)
    return _filtered(cases, "referral_id", referral_ids).exclude(Exists(served_rg))


def plan_rg_due(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """Working day 4 of 5: the decision maker (the authority's managers while nobody holds the case)."""
    lead = settings.NRM_RG_DUE_LEAD_WORKING_DAYS
    horizon = window.last_day + datetime.timedelta(days=lead * 2 + 14)
    cases = (_rg_pending_cases(referral_ids).filter(rg_due_on__gte=window.catch_up_from, rg_due_on__lte=horizon)
             .values("referral_id", "rg_due_on", "allocated_to_id", **_CASE_VALUES))
    for case in cases:
        send_at = morning_of(working_days.working_days_before(case["rg_due_on"], lead))
        if window.covers(send_at):
            recipients = audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
            yield from _each(ReminderRule.RG_DUE, case, case["rg_due_on"], send_at, recipients,
                             _case_link(case["referral_id"]))


def plan_rg_overdue(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """Escalation: the competent authority's managers, every working day while the decision is overdue."""
    cases = (_rg_pending_cases(referral_ids).filter(rg_due_on__lt=window.last_day)
             .values("referral_id", "rg_due_on", **_CASE_VALUES))
    for case in cases:
        recipients = audience.members(Role.CA_MANAGER, case["authority_id"])
        day = max(case["rg_due_on"] + datetime.timedelta(days=1), window.catch_up_from)
        while day <= window.last_day:
            if working_days.is_working_day(day) and window.covers(morning_of(day)):
                yield from _each(ReminderRule.RG_OVERDUE, case, day, morning_of(day), recipients,
                                 _case_link(case["referral_id"]))
            day += datetime.timedelta(days=1)


def plan_review_waiting(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A decision waiting more than NRM_REVIEW_WAITING_WORKING_DAYS: the authority's independent reviewers."""
    waiting_days = settings.NRM_REVIEW_WAITING_WORKING_DAYS
    decisions = _filtered(Decision.objects.filter(status=DecisionStatus.AWAITING_REVIEW,
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
        yield from _each(ReminderRule.REVIEW_WAITING, row, sent_on, send_at, reviewers, _case_link(row["referral_id"]))


def _recovery_cases(referral_ids):
    open_support = SupportCase.objects.filter(referral_id=OuterRef("referral_id")).exclude(status=SupportStatus.EXITED)
    cases = CaseFile.objects.filter(referral__status__in=CG_PENDING, recovery_period_ends_on__isnull=False)
    return (_filtered(cases, "referral_id", referral_ids)
            .values("referral_id", "allocated_to_id", "recovery_period_ends_on", supported=Exists(open_support),
                    **_CASE_VALUES))


def plan_recovery_ending(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """7 days before and on the last day of the minimum recovery period: the decision maker, who may make
    the Conclusive Grounds decision after it. Not the prime contractor: support does not end with it."""
    lead = datetime.timedelta(days=settings.NRM_RECOVERY_ENDING_LEAD_DAYS)
    cases = _recovery_cases(referral_ids).filter(recovery_period_ends_on__gte=window.catch_up_from,
                                                  recovery_period_ends_on__lte=window.last_day + lead)
    for case in cases:
        ends_on = case["recovery_period_ends_on"]
        recipients = audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
        for rule, send_day in ((ReminderRule.RECOVERY_ENDING, ends_on - lead),
                               (ReminderRule.RECOVERY_LAST_DAY, ends_on)):
            if window.covers(morning_of(send_day)) and (
                    rule == ReminderRule.RECOVERY_LAST_DAY or send_day >= window.catch_up_from):
                yield from _each(rule, case, ends_on, morning_of(send_day), recipients, _case_link(case["referral_id"]))


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
            yield from _each(ReminderRule.CG_OVERDUE, case, ends_on, send_at, recipients,
                             _case_link(case["referral_id"]))


def plan_reconsideration_closing(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """5 days before the window to ask for reconsideration closes: the first responder who referred
    (their organisation's first responders if that account has been closed)."""
    lead = datetime.timedelta(days=settings.NRM_RECONSIDERATION_CLOSING_LEAD_DAYS)
    cases = _filtered(CaseFile.objects.filter(
        referral__status__in=NEGATIVE_SERVED, reconsideration_due_by__gte=window.catch_up_from,
        reconsideration_due_by__lte=window.last_day + lead), "referral_id", referral_ids).values(
        "referral_id", "reconsideration_due_by", author_id=F("referral__created_by_id"),
        referrer_id=F("referral__first_responder_organisation_id"), **_CASE_VALUES)
    for case in cases:
        due_by = case["reconsideration_due_by"]
        send_at = morning_of(due_by - lead)
        if not window.covers(send_at):
            continue
        recipients = ([case["author_id"]] if case["author_id"] in audience.active_users
                      else audience.members(Role.FIRST_RESPONDER, case["referrer_id"]))
        yield from _each(ReminderRule.RECONSIDERATION_CLOSING, case, due_by, send_at, recipients,
                         reverse("referrals:detail", args=[case["referral_id"]]))


def plan_move_on_ending(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """7 days before and on the day the move-on period after a CG ends: the prime contractor's case managers
    and the support workers of the provider supporting the person. The 7-day reminder is not sent for a
    move-on shorter than that (48 hours after a negative CG in 2011): the day itself is."""
    lead = datetime.timedelta(days=settings.NRM_MOVE_ON_ENDING_LEAD_DAYS)
    current = Allocation.objects.filter(support_case=OuterRef("pk"), end_on__isnull=True)
    served_cg = Decision.objects.filter(case_id=OuterRef("referral_id"), stage=Stage.CG,
                                        status=DecisionStatus.SERVED).order_by("-served_at")
    cases = _filtered(SupportCase.objects.exclude(status=SupportStatus.EXITED).filter(
        referral__case_file__move_on_at__isnull=False,
        referral__case_file__move_on_at__gte=window.now - datetime.timedelta(days=settings.NRM_REMINDER_CATCH_UP_DAYS),
        referral__case_file__move_on_at__lte=window.until + lead), "referral_id", referral_ids).annotate(
        provider_id=Subquery(current.values("provider_id")[:1]),
        cg_served_at=Subquery(served_cg.values("served_at")[:1]))
    for case in cases.values("pk", "referral_id", "provider_id", "cg_served_at",
                             move_on_at=F("referral__case_file__move_on_at"), reference=F("referral__reference"),
                             authority_id=F("referral__competent_authority_id")):
        ends_on = working_days.local_date(case["move_on_at"])
        recipients = audience.case_managers() + audience.members(Role.SUPPORT_WORKER, case["provider_id"])
        served_on = working_days.local_date(case["cg_served_at"]) if case["cg_served_at"] else ends_on
        for rule, send_day in ((ReminderRule.MOVE_ON_ENDING, ends_on - lead), (ReminderRule.MOVE_ON_LAST_DAY, ends_on)):
            if rule == ReminderRule.MOVE_ON_ENDING and (send_day < served_on or send_day < window.catch_up_from):
                continue
            if window.covers(morning_of(send_day)):
                yield from _each(rule, case, ends_on, morning_of(send_day), recipients, _support_link(case["pk"]))


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
    cases = _filtered(CaseFile.objects.filter(
        referral__is_child=True, referral__kind=ReferralKind.NRM, referral__status__in=OPEN_CASE_STATES,
        referral__date_of_birth__gte=datetime.date(first.year - 18, first.month, 1) - datetime.timedelta(days=1),
        referral__date_of_birth__lte=datetime.date(last.year - 18, last.month, 1) + datetime.timedelta(days=32)),
        "referral_id", referral_ids)
    for case in cases.values("referral_id", "allocated_to_id", born=F("referral__date_of_birth"),
                             local_authority_id=F("referral__local_authority_id"), **_CASE_VALUES):
        birthday = _eighteenth_birthday(case["born"])
        send_at = morning_of(birthday - lead)
        if not (first <= birthday <= last) or not window.covers(send_at):
            continue
        recipients = (audience.decision_maker_or_managers(case["allocated_to_id"], case["authority_id"])
                      + audience.members(Role.LA_SAFEGUARDING_LEAD, case["local_authority_id"]))
        yield from _each(ReminderRule.TURNING_18, case, birthday, send_at, recipients,
                         _case_link(case["referral_id"]))


def _supported(referral_ids):
    current = Allocation.objects.filter(support_case=OuterRef("pk"), end_on__isnull=True)
    supported = SupportCase.objects.filter(status=SupportStatus.SUPPORTED).annotate(
        provider_id=Subquery(current.values("provider_id")[:1]),
        support_started_on=Subquery(current.values("start_on")[:1]),
    )
    return _filtered(supported, "referral_id", referral_ids)


def _provider_rows(cases) -> Iterator[dict]:
    for case in cases.values("pk", "referral_id", "provider_id", "due_on", reference=F("referral__reference"),
                             authority_id=F("referral__competent_authority_id")):
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
            yield from _each(ReminderRule.CARE_PLAN_REVIEW_DUE, case, case["due_on"], send_at,
                             audience.members(Role.SUPPORT_WORKER, case["provider_id"]), _support_link(case["pk"]))


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
            yield from _each(ReminderRule.CONTACT_OVERDUE, case, due_on, send_at,
                             audience.members(Role.SUPPORT_WORKER, case["provider_id"]), _support_link(case["pk"]))


def plan_awaiting_allocation(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A person waiting more than NRM_AWAITING_ALLOCATION_HOURS for a provider: the prime contractor."""
    wait = datetime.timedelta(hours=settings.NRM_AWAITING_ALLOCATION_HOURS)
    cases = _filtered(SupportCase.objects.filter(status=SupportStatus.AWAITING_ALLOCATION,
                                                 opened_at__lte=window.until - wait), "referral_id", referral_ids)
    for case in cases.values("pk", "referral_id", "opened_at", reference=F("referral__reference"),
                             authority_id=F("referral__competent_authority_id")):
        yield from _each(ReminderRule.AWAITING_ALLOCATION, case, working_days.local_date(case["opened_at"]),
                         case["opened_at"] + wait, audience.case_managers(), _support_link(case["pk"]))


def plan_draft_expiring(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A draft untouched for NRM_DRAFT_WARNING_DAYS: its author, before it is deleted at NRM_DRAFT_EXPIRY_DAYS."""
    warn_after = datetime.timedelta(days=settings.NRM_DRAFT_WARNING_DAYS)
    delete_after = datetime.timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)
    drafts = _filtered(Referral.objects.filter(status=ReferralStatus.DRAFT, updated_at__lte=window.until - warn_after,
                                               updated_at__gt=window.now - delete_after), "pk", referral_ids)
    for draft in drafts.values("created_by_id", "updated_at", "reference", referral_id=F("pk")):
        if draft["created_by_id"] in audience.active_users:
            deleted_on = working_days.local_date(draft["updated_at"] + delete_after)
            yield from _each(ReminderRule.DRAFT_EXPIRING, draft, deleted_on,
                             draft["updated_at"] + warn_after, [draft["created_by_id"]],
                             reverse("referrals:task-list", args=[draft["referral_id"]]))


def plan_letter_unsent(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A decision letter not recorded as sent NRM_LETTER_DISPATCH_WORKING_DAYS working days after service:
    the competent authority's managers, the next working morning."""
    letters = _filtered(LetterDispatch.objects.filter(recorded_at__isnull=True, due_by__lt=window.last_day,
                                                      due_by__gte=window.catch_up_from - datetime.timedelta(days=7)),
                        "decision__case_id", referral_ids)
    for row in letters.values("due_by", referral_id=F("decision__case_id"),
                              reference=F("decision__case__referral__reference"),
                              authority_id=F("competent_authority_id")):
        send_at = morning_of(working_days.add_working_days(row["due_by"], 1))
        if window.covers(send_at):
            yield from _each(ReminderRule.LETTER_UNSENT, row, row["due_by"], send_at,
                             audience.members(Role.CA_MANAGER, row["authority_id"]), reverse("decisions:letters"))


@dataclass(frozen=True)
class RuleSpec:
    rule: ReminderRule
    audience: str
    lead: str
    escalation: str
    plan: Callable[..., Iterator[Planned]] | None  # None: raised by an event, never planned or cancelled


RULES: dict[str, RuleSpec] = {spec.rule: spec for spec in [
    RuleSpec(ReminderRule.RG_DUE, "Decision maker holding the case (managers if unallocated)",
             "Working day 4 of the 5-working-day target", "RG overdue", plan_rg_due),
    RuleSpec(ReminderRule.RG_OVERDUE, "Competent authority managers", "First working day after the target",
             "Repeated every working day while overdue", plan_rg_overdue),
    RuleSpec(ReminderRule.REVIEW_WAITING, "Second reviewers of the authority (not the author, not anyone involved)",
             "More than 2 working days waiting", "", plan_review_waiting),
    RuleSpec(ReminderRule.RECOVERY_ENDING, "Decision maker (managers if unallocated)",
             "7 days before the minimum recovery period ends", "Minimum recovery period last day",
             plan_recovery_ending),
    RuleSpec(ReminderRule.RECOVERY_LAST_DAY, "Decision maker (managers if unallocated)",
             "Last day of the minimum recovery period", "CG can now be made", plan_recovery_ending),
    RuleSpec(ReminderRule.CG_OVERDUE, "Decision maker and competent authority managers",
             "The day after the minimum recovery period ends", "", plan_cg_overdue),
    RuleSpec(ReminderRule.MOVE_ON_ENDING, "Prime contractor case managers and the current provider's workers",
             "7 days before the move-on period ends", "Move-on last day", plan_move_on_ending),
    RuleSpec(ReminderRule.MOVE_ON_LAST_DAY, "Prime contractor case managers and the current provider's workers",
             "The day the move-on period ends", "", plan_move_on_ending),
    RuleSpec(ReminderRule.TURNING_18, "Decision maker (managers if unallocated) and the local authority's "
             "safeguarding leads", "30 days before a child in an open case turns 18", "", plan_turning_18),
    RuleSpec(ReminderRule.RECONSIDERATION_CLOSING, "The first responder who referred",
             "5 days before the reconsideration window closes", "", plan_reconsideration_closing),
    RuleSpec(ReminderRule.CARE_PLAN_REVIEW_DUE, "Support workers of the current provider",
             "On the care plan's review date", "", plan_care_plan_review_due),
    RuleSpec(ReminderRule.CONTACT_OVERDUE, "Support workers of the current provider",
             "7 days after the last recorded contact", "", plan_contact_overdue),
    RuleSpec(ReminderRule.AWAITING_ALLOCATION, "Prime contractor case managers",
             "24 hours after the support case opened", "", plan_awaiting_allocation),
    RuleSpec(ReminderRule.DRAFT_EXPIRING, "The draft's author", "21 days untouched", "Draft deleted at 28 days",
             plan_draft_expiring),
    RuleSpec(ReminderRule.DRAFT_DELETED, "The draft's author", "When the draft is deleted at 28 days", "", None),
    RuleSpec(ReminderRule.LETTER_UNSENT, "Competent authority managers",
             "The working day after the letter was due to be sent (2 working days after service)", "",
             plan_letter_unsent),
    *(RuleSpec(rule, audience, "When it happens", "", None) for rule, audience in [
        (ReminderRule.CASE_ALLOCATED, "The decision maker the case is allocated (or reallocated) to"),
        (ReminderRule.DECISION_AWAITING_REVIEW, "The authority's second reviewers, never the decision's author "
                                                "or anyone who declared involvement"),
        (ReminderRule.DECISION_RETURNED, "The decision's author"),
        (ReminderRule.DECISION_SERVED, "The referring organisation's first responders; a child's local "
                                       "authority; for a person in support, the prime contractor's case "
                                       "managers and the current provider's support workers"),
        (ReminderRule.INFORMATION_REQUESTED, "The referring organisation's first responders"),
        (ReminderRule.INFORMATION_ANSWERED, "The decision maker holding the case (the requester if none)"),
        (ReminderRule.RECONSIDERATION_REQUESTED, "The competent authority's managers and the decision maker"),
        (ReminderRule.SUPPORT_CASE_OPENED, "The prime contractor's case managers"),
        (ReminderRule.SUPPORT_ALLOCATED, "The receiving provider's support workers"),
        (ReminderRule.SUPPORT_MOVED_AWAY, "The previous provider's support workers"),
    ]),
]}


def plan(window: Window, audience: Audience, *, rules: Collection[str] | None = None,
         referral_ids: Collection[uuid.UUID] | None = None) -> Iterator[Planned]:
    """Every reminder the rules call for in the window; `referral_ids` narrows it to some records."""
    seen: set[Callable] = set()
    for spec in RULES.values():
        if spec.plan is None or spec.plan in seen or (rules is not None and spec.rule not in rules):
            continue
        seen.add(spec.plan)
        for planned in spec.plan(window, audience, referral_ids):
            if rules is None or planned.rule in rules:
                yield planned


__all__ = ["RULES", "Audience", "Planned", "Window", "morning_of", "plan"]
