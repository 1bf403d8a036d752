"""The case's allowed state changes, as one table. Every change goes through
decisions.services.transition, which locks the case, checks this table and records the change."""

from __future__ import annotations

from enum import StrEnum

from core.errors import Conflict
from referrals.models import ReferralStatus as S


class Action(StrEnum):
    ALLOCATE = "allocate"
    TRANSFER = "transfer"
    DRAFT_RG = "draft_rg"
    SEND_RG_FOR_REVIEW = "send_rg_for_review"
    RETURN_RG = "return_rg"
    SERVE_RG_POSITIVE = "serve_rg_positive"
    SERVE_RG_NEGATIVE = "serve_rg_negative"
    REQUEST_RECONSIDERATION = "request_reconsideration"
    DRAFT_CG = "draft_cg"
    SEND_CG_FOR_REVIEW = "send_cg_for_review"
    RETURN_CG = "return_cg"
    SERVE_CG_POSITIVE = "serve_cg_positive"
    SERVE_CG_NEGATIVE = "serve_cg_negative"
    CLOSE = "close"
    WITHDRAW = "withdraw"


OPEN_STATES = frozenset(set(S) - {S.DRAFT, S.CLOSED, S.WITHDRAWN, S.RECORDED, S.HISTORIC})

# action: (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[S], S]] = {
    Action.ALLOCATE: (frozenset({S.SUBMITTED}), S.ALLOCATED),
    Action.TRANSFER: (frozenset({S.SUBMITTED, S.ALLOCATED}), S.SUBMITTED),
    Action.DRAFT_RG: (frozenset({S.ALLOCATED, S.RECONSIDERATION}), S.RG_DRAFTED),
    Action.SEND_RG_FOR_REVIEW: (frozenset({S.RG_DRAFTED}), S.RG_AWAITING_REVIEW),
    Action.RETURN_RG: (frozenset({S.RG_AWAITING_REVIEW}), S.RG_DRAFTED),
    # From RG_DRAFTED only when the review policy does not require a review of this outcome.
    Action.SERVE_RG_POSITIVE: (frozenset({S.RG_AWAITING_REVIEW, S.RG_DRAFTED}), S.RG_POSITIVE),
    Action.SERVE_RG_NEGATIVE: (frozenset({S.RG_AWAITING_REVIEW, S.RG_DRAFTED}), S.RG_NEGATIVE),
    Action.REQUEST_RECONSIDERATION: (frozenset({S.RG_NEGATIVE, S.CG_NEGATIVE}), S.RECONSIDERATION),
    Action.DRAFT_CG: (frozenset({S.RG_POSITIVE, S.RECONSIDERATION}), S.CG_DRAFTED),
    Action.SEND_CG_FOR_REVIEW: (frozenset({S.CG_DRAFTED}), S.CG_AWAITING_REVIEW),
    Action.RETURN_CG: (frozenset({S.CG_AWAITING_REVIEW}), S.CG_DRAFTED),
    Action.SERVE_CG_POSITIVE: (frozenset({S.CG_AWAITING_REVIEW, S.CG_DRAFTED}), S.CG_POSITIVE),
    Action.SERVE_CG_NEGATIVE: (frozenset({S.CG_AWAITING_REVIEW, S.CG_DRAFTED}), S.CG_NEGATIVE),
    Action.CLOSE: (frozenset({S.CG_POSITIVE, S.CG_NEGATIVE}), S.CLOSED),
    Action.WITHDRAW: (OPEN_STATES, S.WITHDRAWN),
}


class TransitionNotAllowed(Conflict):
    """The case is not in a state from which this action may start (409)."""

    def __init__(self, action: Action, status: str) -> None:
        super().__init__(f"'{action}' is not allowed while the case is '{S(status).label}'.")
        self.action, self.status = action, status


def next_status(action: Action, current: str) -> S:
    allowed_from, to = TRANSITIONS[action]
    if current not in allowed_from:
        raise TransitionNotAllowed(action, current)
    return to


def allowed_actions(current: str) -> set[Action]:
    return {action for action, (allowed_from, _) in TRANSITIONS.items() if current in allowed_from}
