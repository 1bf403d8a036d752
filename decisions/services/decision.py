"""A decision's course: drafted by the allocated decision maker, sent for second review (or served at once
where the review policy needs none), signed off and served, or returned to its author."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import working_days
from core.errors import Conflict, Invalid
from core.outbox import publish_on_commit
from decisions import permissions
from decisions.dispatch import route_for
from decisions.letters import letter_for
from decisions.models import OPEN_DECISION_STATUSES, CaseFile, Decision, DecisionStatus, LetterDispatch, Outcome, Stage
from decisions.services.case import lock_case, move_case, require
from decisions.signals import decision_returned, decision_sent_for_review, decision_served
from decisions.workflow import DECISION, Action, DecisionAction
from organisations.models import User
from referrals.models import Referral, ReferralStatus


class DecisionConflict(Conflict):
    """Someone else changed the decision first (another reviewer signed it off, say)."""


class RecoveryPeriodNotOver(Conflict):
    """A Conclusive Grounds decision drafted before the minimum recovery period has run."""


RECONSIDERING = (ReferralStatus.RG_RECONSIDERATION, ReferralStatus.CG_RECONSIDERATION)


def _open_decision(case: CaseFile, stage: Stage) -> Decision | None:
    return case.decisions.filter(stage=stage, status__in=OPEN_DECISION_STATUSES).first()


def decision_draft(*, referral: Referral, stage: Stage, outcome: Outcome, reasons: str, evidence_considered: str,
                   by: User) -> Decision:
    """Start or revise the open decision of a stage. A CG waits for the recovery period to run,
    unless the case came back through reconsideration of a negative decision."""
    with transaction.atomic():
        locked, case = lock_case(referral)
        require(permissions.may_decide(by, locked), "Only the decision maker allocated this case can draft.")
        existing = _open_decision(case, stage)
        if existing is not None:
            if existing.status == DecisionStatus.AWAITING_REVIEW:
                raise DecisionConflict("This decision is with the second reviewer.")
            existing.outcome, existing.reasons, existing.evidence_considered = outcome, reasons, evidence_considered
            DECISION.move(existing, DecisionAction.EDIT)
            existing.save()
            return existing
        cg_from = case.cg_possible_from
        too_early = cg_from is not None and working_days.today() < cg_from
        if stage == Stage.CG and locked.status == ReferralStatus.RG_POSITIVE and too_early:
            raise RecoveryPeriodNotOver(
                f"A Conclusive Grounds decision can be made from {cg_from:%-d %B %Y}, when the minimum recovery "
                "period has run.")
        reconsidering = locked.status in RECONSIDERING
        reconsidered_stage = Stage.RG if locked.status == ReferralStatus.RG_RECONSIDERATION else Stage.CG
        if reconsidering and stage != reconsidered_stage:
            raise Conflict(f"A reconsidered {reconsidered_stage.label} decision is retaken as a new "
                           f"{reconsidered_stage.label} decision.")
        move_case(locked, Action.DRAFT_RG if stage == Stage.RG else Action.DRAFT_CG)
        return Decision.objects.create(case=case, stage=stage, outcome=outcome, reasons=reasons,
                                       evidence_considered=evidence_considered, author=by,
                                       is_reconsideration=reconsidering)


def review_required(decision: Decision) -> bool:
    """The review policy: every decision (2011) or only negative ones (today); a decision on reconsideration
    always goes through second review."""
    return (settings.NRM_SECOND_REVIEW_POLICY == "all" or decision.outcome == Outcome.NEGATIVE
            or decision.is_reconsideration)


def _locked_decision(decision: Decision) -> tuple[Decision, Referral, CaseFile]:
    referral, case = lock_case(decision.case.referral)
    return Decision.objects.select_for_update().get(pk=decision.pk), referral, case


def decision_send_for_review(*, decision: Decision, by: User) -> Decision:
    """The author finishes the draft: it goes to a second reviewer, or (when the policy needs no
    review of this outcome) takes effect at once."""
    with transaction.atomic():
        locked, referral, case = _locked_decision(decision)
        require(permissions.may_decide(by, referral) and locked.author_id == by.pk,
                "Only the decision's author can send it on.")
        if locked.status not in (DecisionStatus.DRAFT, DecisionStatus.RETURNED):
            raise DecisionConflict("This decision has already been sent on.")
        if not review_required(locked):
            return _serve(locked, referral, case)
        move_case(referral, Action.SEND_RG_FOR_REVIEW if locked.stage == Stage.RG else Action.SEND_CG_FOR_REVIEW)
        DECISION.move(locked, DecisionAction.SEND_FOR_REVIEW)
        locked.sent_for_review_at = timezone.now()
        locked.save(update_fields=["status", "sent_for_review_at"])
        decision_sent_for_review.send(sender=Decision, decision=locked)
    return locked


def _serve(decision: Decision, referral: Referral, case: CaseFile) -> Decision:
    now = timezone.now()
    positive = decision.outcome == Outcome.POSITIVE
    if decision.stage == Stage.RG:
        move_case(referral, Action.SERVE_RG_POSITIVE if positive else Action.SERVE_RG_NEGATIVE)
        if positive:
            case.recovery_period_ends_on = working_days.recovery_period_end(now)
    else:
        move_case(referral, Action.SERVE_CG_POSITIVE if positive else Action.SERVE_CG_NEGATIVE)
        case.move_on_at = working_days.move_on_date(now, positive=positive)
    case.reconsideration_due_by = None if positive else working_days.reconsideration_deadline(now)
    case.save()
    DECISION.move(decision, DecisionAction.SERVE)
    decision.served_at = now
    decision.letter = letter_for(decision, case, referral).as_text()
    decision.save(update_fields=["status", "served_at", "reviewer", "reviewed_at", "review_comments", "letter"])
    route = route_for(referral)
    LetterDispatch.objects.create(
        decision=decision, competent_authority_id=referral.competent_authority_id, channel=route.channel,
        method=route.method, due_by=working_days.add_working_days(working_days.local_date(now),
                                                                  settings.NRM_LETTER_DISPATCH_WORKING_DAYS))
    decision_served.send(sender=Decision, decision=decision)
    publish_on_commit("decisions.tasks.send_decision_notice", decision.pk)
    return decision


def _locked_for_review(decision: Decision, by: User) -> tuple[Decision, Referral, CaseFile]:
    """The decision locked for its second reviewer, who must be independent of it, while it still awaits
    review: of two reviewers at once, the second is told it has been reviewed already."""
    locked, referral, case = _locked_decision(decision)
    permissions.check_reviewer_independent(by, locked)
    if locked.status != DecisionStatus.AWAITING_REVIEW:
        raise DecisionConflict("This decision is not awaiting review: someone may have reviewed it already.")
    return locked, referral, case


def decision_sign_off(*, decision: Decision, by: User, comments: str = "") -> Decision:
    """The second reviewer agrees: the decision takes effect and is served. Two reviewers at once
    get one sign-off; the second is told the decision has already been reviewed."""
    with transaction.atomic():
        locked, referral, case = _locked_for_review(decision, by)
        locked.reviewer, locked.reviewed_at, locked.review_comments = by, timezone.now(), comments
        return _serve(locked, referral, case)


def decision_return(*, decision: Decision, by: User, comments: str) -> Decision:
    """The second reviewer sends the decision back to its author with comments."""
    if not comments.strip():
        raise Invalid("Say why the decision is being returned.",
                      fields={"comments": ["Say why the decision is being returned."]})
    with transaction.atomic():
        locked, referral, _case = _locked_for_review(decision, by)
        move_case(referral, Action.RETURN_RG if locked.stage == Stage.RG else Action.RETURN_CG)
        DECISION.move(locked, DecisionAction.RETURN)
        locked.reviewer = by
        locked.reviewed_at, locked.review_comments = timezone.now(), comments
        locked.save(update_fields=["status", "reviewer", "reviewed_at", "review_comments"])
        decision_returned.send(sender=Decision, decision=locked)
    return locked

