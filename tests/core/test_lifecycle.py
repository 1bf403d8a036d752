"""Lifecycles as tables: every status a record can reach is in its table, each move checks it, and
nothing outside the table's one function writes the status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.lifecycle import TransitionNotAllowed
from decisions.models import DecisionStatus
from decisions.workflow import CASE, DECISION, DecisionAction
from referrals.lifecycle import SUBMISSION, SubmissionAction
from referrals.models import ReferralStatus
from victim_care.lifecycle import SUPPORT, SupportAction
from victim_care.models import SupportStatus

ROOT = Path(__file__).resolve().parents[2]


class _Record:
    def __init__(self, status: str) -> None:
        self.status = status


def test_a_returned_decision_can_be_edited_or_sent_again_but_never_returned_twice():
    decision = _Record(DecisionStatus.RETURNED)
    assert DECISION.allowed_actions(decision.status) == {DecisionAction.EDIT, DecisionAction.SEND_FOR_REVIEW,
                                                          DecisionAction.SERVE}
    with pytest.raises(TransitionNotAllowed, match="'return' is not allowed while the decision is 'Returned"):
        DECISION.move(decision, DecisionAction.RETURN)
    assert decision.status == DecisionStatus.RETURNED


def test_a_served_decision_is_final():
    assert DECISION.allowed_actions(DecisionStatus.SERVED) == set()


def test_submission_starts_only_from_a_draft():
    draft = _Record(ReferralStatus.DRAFT)
    SUBMISSION.move(draft, SubmissionAction.SUBMIT)
    assert draft.status == ReferralStatus.SUBMITTED
    with pytest.raises(TransitionNotAllowed, match="while the referral is 'Submitted'"):
        SUBMISSION.move(draft, SubmissionAction.RECORD_DUTY_TO_NOTIFY)


def test_exit_from_support_is_final():
    case = _Record(SupportStatus.SUPPORTED)
    SUPPORT.move(case, SupportAction.EXIT)
    assert case.status == SupportStatus.EXITED
    for action in SupportAction:
        with pytest.raises(TransitionNotAllowed, match="while the support case is 'Exited'"):
            SUPPORT.move(case, action)


@pytest.mark.parametrize("lifecycle", [CASE, DECISION, SUBMISSION, SUPPORT], ids=lambda lc: lc.record)
def test_every_table_leads_only_to_statuses_that_exist(lifecycle):
    for allowed_from, to in lifecycle.transitions.values():
        assert to in lifecycle.statuses.values
        assert allowed_from <= set(lifecycle.statuses.values)


_WRITERS = {  # (model's status enum, the only modules that may write it by assignment)
    "DecisionStatus": {"decisions/workflow.py"},
    "SupportStatus": {"victim_care/lifecycle.py"},
    "ReferralStatus": {"decisions/workflow.py", "referrals/lifecycle.py"},
}
# Modules that build records already in a past state rather than moving a live record (as the historic
# import does through constructors): the demo's two years of history.
_BUILDERS_OF_PAST_RECORDS = {"monitoring/demo_history.py"}


def _status_assignments(path: Path) -> set[str]:
    """Enum names assigned to a `.status` attribute in this file (a, b.status = X.Y counts too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Assign):
            continue
        targets = [t for target in node.targets
                   for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for target, value in zip(targets, values, strict=False):
            if (isinstance(target, ast.Attribute) and target.attr == "status" and isinstance(value, ast.Attribute)
                    and isinstance(value.value, ast.Name)):
                found.add(value.value.id)
    return found


def test_no_code_outside_the_tables_assigns_a_status():
    offenders = []
    for package in ("referrals", "decisions", "victim_care", "reminders", "monitoring", "data_protection"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            relative = str(path.relative_to(ROOT))
            if relative in _BUILDERS_OF_PAST_RECORDS:
                continue
            for enum in _status_assignments(path) & set(_WRITERS):
                if relative not in _WRITERS[enum]:
                    offenders.append(f"{relative} assigns {enum}")
    assert offenders == []
