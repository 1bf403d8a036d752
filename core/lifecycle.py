"""A record's life as one table: for each action, the statuses it may start from and the status it
leads to. Each app keeps its tables beside its models (decisions/workflow.py, referrals/lifecycle.py,
victim_care/lifecycle.py) and writes a status only through `Lifecycle.move`, so the table is the
whole truth about what may happen next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from core.errors import Conflict


class TransitionNotAllowed(Conflict):
    """The record is not in a status from which this action may start (409)."""

    def __init__(self, action: str, status: str, *, record: str = "case", label: str = "") -> None:
        super().__init__(f"'{action}' is not allowed while the {record} is '{label or status}'.")
        self.action, self.status = action, status


@dataclass(frozen=True)
class Lifecycle:
    """`transitions` maps an action to (the statuses it may start from, the status it leads to)."""

    record: str
    statuses: type[models.TextChoices]
    transitions: Mapping[str, tuple[frozenset[str], str]]
    field: str = "status"

    def next_status(self, action: str, current: str) -> str:
        allowed_from, to = self.transitions[action]
        if current not in allowed_from:
            raise self.refusal(action, current)
        return to

    def refusal(self, action: str, current: str) -> TransitionNotAllowed:
        """The error for `action` from `current`, for a rule the table alone cannot say (the latest
        decision must be negative to ask for reconsideration, say)."""
        label = self.statuses(current).label if current in self.statuses.values else current
        return TransitionNotAllowed(action, current, record=self.record, label=label)

    def allowed_actions(self, current: str) -> set[str]:
        return {action for action, (allowed_from, _) in self.transitions.items() if current in allowed_from}

    def move(self, record: Any, action: str) -> str:
        """Set the record's status by the table (the caller saves it, inside its transaction)."""
        new = self.next_status(action, getattr(record, self.field))
        setattr(record, self.field, new)
        return new
