"""The table of reminder rules: for each, who hears, how far ahead, what it escalates to, and the function
that plans it. The reminder desk shows this table; `plan` runs every planning function in it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from reminders.models import ReminderRule
from reminders.rules.casework import (
    plan_cg_overdue,
    plan_letter_unsent,
    plan_recovery_ending,
    plan_review_waiting,
    plan_rg_due,
    plan_rg_overdue,
    plan_turning_18,
)
from reminders.rules.first_responders import plan_draft_expiring, plan_reconsideration_closing
from reminders.rules.planning import Audience, Planned, Window
from reminders.rules.support import (
    plan_awaiting_allocation,
    plan_care_plan_review_due,
    plan_contact_overdue,
    plan_move_on_ending,
)


@dataclass(frozen=True)
class RuleSpec:
    rule: ReminderRule
    audience: str
    lead: str
    plan: Callable[..., Iterator[Planned]] | None  # None: raised by an event, never planned or cancelled
    escalation: str = ""


# Who hears, where several rules reach the same people (the same Audience method finds them).
DECISION_MAKER_OR_MANAGERS = "Decision maker (managers if unallocated)"
CA_MANAGERS = "Competent authority managers"
MOVE_ON_AUDIENCE = "Prime contractor case managers and the current provider's workers"
SUPPORT_WORKERS = "Support workers of the current provider"
DRAFT_AUTHOR = "The draft's author"

RULES: dict[str, RuleSpec] = {spec.rule: spec for spec in [
    RuleSpec(ReminderRule.RG_DUE, "Decision maker holding the case (managers if unallocated)",
             "Working day 4 of the 5-working-day target", plan_rg_due, escalation="RG overdue"),
    RuleSpec(ReminderRule.RG_OVERDUE, CA_MANAGERS, "First working day after the target", plan_rg_overdue,
             escalation="Repeated every working day while overdue"),
    RuleSpec(ReminderRule.REVIEW_WAITING, "Second reviewers of the authority (not the author, not anyone involved)",
             "More than 2 working days waiting", plan_review_waiting),
    RuleSpec(ReminderRule.RECOVERY_ENDING, DECISION_MAKER_OR_MANAGERS,
             "7 days before the minimum recovery period ends", plan_recovery_ending,
             escalation="Minimum recovery period last day"),
    RuleSpec(ReminderRule.RECOVERY_LAST_DAY, DECISION_MAKER_OR_MANAGERS, "Last day of the minimum recovery period",
             plan_recovery_ending, escalation="CG can now be made"),
    RuleSpec(ReminderRule.CG_OVERDUE, "Decision maker and competent authority managers",
             "The day after the minimum recovery period ends", plan_cg_overdue),
    RuleSpec(ReminderRule.MOVE_ON_ENDING, MOVE_ON_AUDIENCE, "7 days before the move-on period ends",
             plan_move_on_ending, escalation="Move-on last day"),
    RuleSpec(ReminderRule.MOVE_ON_LAST_DAY, MOVE_ON_AUDIENCE, "The day the move-on period ends", plan_move_on_ending),
    RuleSpec(ReminderRule.TURNING_18, f"{DECISION_MAKER_OR_MANAGERS} and the local authority's safeguarding leads",
             "30 days before a child in an open case turns 18", plan_turning_18),
    RuleSpec(ReminderRule.RECONSIDERATION_CLOSING, "The first responder who referred",
             "5 days before the reconsideration window closes", plan_reconsideration_closing),
    RuleSpec(ReminderRule.CARE_PLAN_REVIEW_DUE, SUPPORT_WORKERS, "On the care plan's review date",
             plan_care_plan_review_due),
    RuleSpec(ReminderRule.CONTACT_OVERDUE, SUPPORT_WORKERS, "7 days after the last recorded contact",
             plan_contact_overdue),
    RuleSpec(ReminderRule.AWAITING_ALLOCATION, "Prime contractor case managers",
             "24 hours after the support case opened", plan_awaiting_allocation),
    RuleSpec(ReminderRule.DRAFT_EXPIRING, DRAFT_AUTHOR, "21 days untouched", plan_draft_expiring,
             escalation="Draft deleted at 28 days"),
    RuleSpec(ReminderRule.DRAFT_DELETED, DRAFT_AUTHOR, "When the draft is deleted at 28 days", None),
    RuleSpec(ReminderRule.LETTER_UNSENT, CA_MANAGERS,
             "The working day after the letter was due to be sent (2 working days after service)", plan_letter_unsent),
    *(RuleSpec(rule, audience, "When it happens", None) for rule, audience in [
        (ReminderRule.CASE_ALLOCATED, "The decision maker the case is allocated (or reallocated) to"),
        (ReminderRule.DECISION_AWAITING_REVIEW, "The authority's second reviewers, never the decision's author "
                                                "or anyone who declared involvement"),
        (ReminderRule.DECISION_RETURNED, "The decision's author"),
        (ReminderRule.DECISION_SERVED, "The referring organisation's first responders; a child's local "
                                       "authority and guardian; for a person in support, the prime contractor's case "
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
