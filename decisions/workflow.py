"""The allowed status changes of a case (the referral's status after submission) and of a decision,
as two tables. decisions.services is their only user: each service locks the rows, checks the actor's
rights and moves the status through `CASE.move` or `DECISION.move`; triggers record the change."""

from __future__ import annotations

from enum import StrEnum

from core.lifecycle import Lifecycle, TransitionNotAllowed
from decisions.models import DecisionStatus as D
from referrals.models import OPEN_CASE
from referrals.models import ReferralStatus as S

__all__ = ["CASE", "DECISION", "TRANSITIONS", "Action", "DecisionAction", "TransitionNotAllowed", "allowed_actions",
           "next_status"]


class Action(StrEnum):
    ALLOCATE = "allocate"
    TRANSFER = "transfer"
    DRAFT_RG = "draft_rg"
    SEND_RG_FOR_REVIEW = "send_rg_for_review"
    RETURN_RG = "return_rg"
    SERVE_RG_POSITIVE = "serve_rg_positive"
    SERVE_RG_NEGATIVE = "serve_rg_negative"
    RECONSIDER_RG = "reconsider_rg"
    RECONSIDER_CG = "reconsider_cg"
    DRAFT_CG = "draft_cg"
    SEND_CG_FOR_REVIEW = "send_cg_for_review"
    RETURN_CG = "return_cg"
    SERVE_CG_POSITIVE = "serve_cg_positive"
    SERVE_CG_NEGATIVE = "serve_cg_negative"
    CLOSE = "close"
    WITHDRAW = "withdraw"


# action: (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[S], S]] = {
    Action.ALLOCATE: (frozenset({S.SUBMITTED}), S.ALLOCATED),
    Action.TRANSFER: (frozenset({S.SUBMITTED, S.ALLOCATED}), S.SUBMITTED),
    # A reconsidered decision is retaken at its own stage: a negative RG only by a new RG, a negative CG
    # only by a new CG.
    Action.DRAFT_RG: (frozenset({S.ALLOCATED, S.RG_RECONSIDERATION}), S.RG_DRAFTED),
    Action.SEND_RG_FOR_REVIEW: (frozenset({S.RG_DRAFTED}), S.RG_AWAITING_REVIEW),
    Action.RETURN_RG: (frozenset({S.RG_AWAITING_REVIEW}), S.RG_DRAFTED),
    # From RG_DRAFTED only when the review policy does not require a review of this outcome.
    Action.SERVE_RG_POSITIVE: (frozenset({S.RG_AWAITING_REVIEW, S.RG_DRAFTED}), S.RG_POSITIVE),
    Action.SERVE_RG_NEGATIVE: (frozenset({S.RG_AWAITING_REVIEW, S.RG_DRAFTED}), S.RG_NEGATIVE),
    Action.RECONSIDER_RG: (frozenset({S.RG_NEGATIVE}), S.RG_RECONSIDERATION),
    Action.RECONSIDER_CG: (frozenset({S.CG_NEGATIVE}), S.CG_RECONSIDERATION),
    Action.DRAFT_CG: (frozenset({S.RG_POSITIVE, S.CG_RECONSIDERATION}), S.CG_DRAFTED),
    Action.SEND_CG_FOR_REVIEW: (frozenset({S.CG_DRAFTED}), S.CG_AWAITING_REVIEW),
    Action.RETURN_CG: (frozenset({S.CG_AWAITING_REVIEW}), S.CG_DRAFTED),
    Action.SERVE_CG_POSITIVE: (frozenset({S.CG_AWAITING_REVIEW, S.CG_DRAFTED}), S.CG_POSITIVE),
    Action.SERVE_CG_NEGATIVE: (frozenset({S.CG_AWAITING_REVIEW, S.CG_DRAFTED}), S.CG_NEGATIVE),
    # Every case ends: a negative decision once its reconsideration window has passed (decisions.services.
    # case.cases_close_due, daily) or when the competent authority closes it with a reason; a positive CG after
    # move-on. Withdrawal ends the case too, from any open state.
    Action.CLOSE: (frozenset({S.RG_NEGATIVE, S.CG_POSITIVE, S.CG_NEGATIVE}), S.CLOSED),
    Action.WITHDRAW: (OPEN_CASE, S.WITHDRAWN),
}


CASE = Lifecycle("case", S, TRANSITIONS)


def next_status(action: Action, current: str) -> str:
    return CASE.next_status(action, current)


def allowed_actions(current: str) -> set[str]:
    return CASE.allowed_actions(current)


class DecisionAction(StrEnum):
    EDIT = "edit"
    SEND_FOR_REVIEW = "send_for_review"
    SERVE = "serve"
    RETURN = "return"


DECISION_TRANSITIONS: dict[DecisionAction, tuple[frozenset[D], D]] = {
    DecisionAction.EDIT: (frozenset({D.DRAFT, D.RETURNED}), D.DRAFT),
    DecisionAction.SEND_FOR_REVIEW: (frozenset({D.DRAFT, D.RETURNED}), D.AWAITING_REVIEW),
    # From a draft only when the review policy does not require a review of this outcome.
    DecisionAction.SERVE: (frozenset({D.AWAITING_REVIEW, D.DRAFT, D.RETURNED}), D.SERVED),
    DecisionAction.RETURN: (frozenset({D.AWAITING_REVIEW}), D.RETURNED),
}

DECISION = Lifecycle("decision", D, DECISION_TRANSITIONS)
