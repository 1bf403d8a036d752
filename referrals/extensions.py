"""What downstream apps show on a referral's page and in its API answer, without referrals importing them:
the decisions app registers a reader of the served decisions in its AppConfig.ready(), and the referral
page and `GET /api/v1/referrals/{id}/` ask here. Each reader decides what the user may see and logs it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from organisations.models import User
from referrals.models import Referral


@dataclass(frozen=True)
class ServedDecision:
    """A served decision as one reader of the referral may see it. `full` is false for the provider
    supporting the person: then only the stage, the outcome and the dates are filled in."""

    id: int
    stage: str
    stage_label: str
    outcome: str
    outcome_label: str
    served_on: datetime.date
    full: bool
    recovery_period_ends_on: datetime.date | None = None
    move_on_on: datetime.date | None = None
    reconsideration_due_by: datetime.date | None = None
    reasons: str = ""
    next_steps: list[str] = field(default_factory=list)
    letter_url: str = ""
    letter_pdf_url: str = ""
    reconsideration_url: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, datetime.date):
                data[name] = value.isoformat()
        if not self.full:
            for name in ("reasons", "next_steps", "letter_url", "letter_pdf_url"):
                data.pop(name)
        return data


_readers: list[Callable[[User, Referral], list[ServedDecision]]] = []


def register_decision_reader(reader: Callable[[User, Referral], list[ServedDecision]]) -> None:
    if reader not in _readers:
        _readers.append(reader)


def served_decisions(user: User, referral: Referral) -> list[ServedDecision]:
    return [decision for reader in _readers for decision in reader(user, referral)]
