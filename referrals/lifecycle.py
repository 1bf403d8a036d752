"""A referral's first step, as a table: a complete draft is submitted into the NRM or recorded as a
Duty to Notify. From there the case's life is decisions/workflow.py's table."""

from __future__ import annotations

from enum import StrEnum

from core.lifecycle import Lifecycle
from referrals.models import ReferralStatus as S


class SubmissionAction(StrEnum):
    SUBMIT = "submit"
    RECORD_DUTY_TO_NOTIFY = "record_duty_to_notify"


SUBMISSION = Lifecycle("referral", S, {
    SubmissionAction.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    SubmissionAction.RECORD_DUTY_TO_NOTIFY: (frozenset({S.DRAFT}), S.RECORDED),
})
