"""Every change to a case: allocation, transfer, decisions and their second review, reconsideration,
withdrawal, closure, notes, declarations and the quality audit. Each locks the case row, checks the
workflow table and the actor's rights, and lets the database triggers write the history."""

from __future__ import annotations

import logging
import math
import random
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from core import working_days
from core.errors import Conflict, Invalid, NotAllowed
from core.outbox import publish_on_commit
from decisions import permissions, selectors
from decisions.dispatch import route_for
from decisions.letters import letter_for
from decisions.models import (
    OPEN_DECISION_STATUSES,
    CaseFile,
    CaseNote,
    Decision,
    DecisionStatus,
    InvolvementDeclaration,
    LetterDispatch,
    Outcome,
    QualityAudit,
    Reconsideration,
    ReconsiderationRequester,
    Stage,
    Transfer,
)
from decisions.signals import (
    case_allocated,
    case_ended,
    decision_returned,
    decision_sent_for_review,
    decision_served,
    reconsideration_requested,
)
from decisions.workflow import CASE, DECISION, Action, DecisionAction
from organisations.models import Organisation, OrgRole, User
from referrals.models import Referral, ReferralKind, ReferralStatus
from referrals.permissions import is_referring_organisation, is_supporting_provider

logger = logging.getLogger(__name__)


class DecisionConflict(Conflict):
    """Someone else changed the decision first (another reviewer signed it off, say)."""


class RecoveryPeriodNotOver(Conflict):
    """A Conclusive Grounds decision drafted before the minimum recovery period has run."""


class ReconsiderationWindowClosed(Conflict):
    """Reconsideration asked for after the window (NRM_RECONSIDERATION_WINDOW_DAYS) closed."""


RECONSIDERING = (ReferralStatus.RG_RECONSIDERATION, ReferralStatus.CG_RECONSIDERATION)


def case_file_open(referral: Referral) -> CaseFile:
    """The case file of a routed referral, created with its RG deadline on first need."""
    case, _ = CaseFile.objects.get_or_create(
        referral=referral,
        defaults={"received_at": referral.submitted_at, "rg_due_on": working_days.rg_target(referral.submitted_at)},
    )
    return case


def on_referral_submitted(sender, referral_id, **kwargs) -> None:
    """referrals.signals.referral_submitted: open the case file of an NRM referral."""
    referral = Referral.objects.filter(pk=referral_id, kind=ReferralKind.NRM).first()
    if referral is not None:
        case_file_open(referral)


def _lock(referral: Referral) -> tuple[Referral, CaseFile]:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    return locked, case_file_open(locked)


def _move(referral: Referral, action: Action) -> None:
    CASE.move(referral, action)
    referral.save(update_fields=["status", "updated_at"])


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def case_allocate(*, referral: Referral, to: User, by: User) -> CaseFile:
    """Allocate (or reallocate) a case to a decision maker, moving the per-case grant with it."""
    with transaction.atomic():
        locked, case = _lock(referral)
        _require(permissions.may_manage(by, locked), "Only the competent authority's managers allocate cases.")
        if not permissions.may_be_allocated(to, locked):
            raise Invalid("Cases are allocated to decision makers of the deciding competent authority.",
                          fields={"to": ["Choose a decision maker of the deciding competent authority."]})
        if locked.status == ReferralStatus.SUBMITTED:
            _move(locked, Action.ALLOCATE)
        elif locked.status in (ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN):
            raise CASE.refusal(Action.ALLOCATE, locked.status)
        if case.allocated_to_id and case.allocated_to_id != to.pk:
            remove_perm(f"referrals.{permissions.DECIDE}", case.allocated_to, locked)
        assign_perm(f"referrals.{permissions.DECIDE}", to, locked)
        previous_id = case.allocated_to_id
        case.allocated_to, case.allocated_at, case.allocated_by = to, timezone.now(), by
        case.save(update_fields=["allocated_to", "allocated_at", "allocated_by"])
        if previous_id != to.pk:
            case_allocated.send(sender=CaseFile, case=case, previous_id=previous_id)
    return case


def case_transfer(*, referral: Referral, to_authority: Organisation, reason: str, by: User) -> Transfer:
    """Send a case not yet decided to the other competent authority, with a reason."""
    with transaction.atomic():
        locked, case = _lock(referral)
        _require(permissions.may_manage(by, locked), "Only the competent authority's managers transfer cases.")
        same = to_authority.pk == locked.competent_authority_id
        if not to_authority.holds(OrgRole.COMPETENT_AUTHORITY) or same:
            raise Invalid("Transfer to another competent authority.",
                          fields={"to_authority": ["Choose another competent authority."]})
        if not selectors.transfer_destinations(locked).filter(pk=to_authority.pk).exists():
            message = f"{to_authority.name} has no active casework staff: choose another competent authority"
            raise Invalid(message, fields={"to_authority": [message]})
        _move(locked, Action.TRANSFER)
        transfer = Transfer.objects.create(case=case, from_authority_id=locked.competent_authority_id,
                                           to_authority=to_authority, reason=reason, transferred_by=by)
        if case.allocated_to_id:
            remove_perm(f"referrals.{permissions.DECIDE}", case.allocated_to, locked)
        case.allocated_to, case.allocated_at = None, None
        case.save(update_fields=["allocated_to", "allocated_at"])
        locked.competent_authority = to_authority
        locked.save(update_fields=["competent_authority", "updated_at"])
    return transfer


def _open_decision(case: CaseFile, stage: Stage) -> Decision | None:
    return case.decisions.filter(stage=stage, status__in=OPEN_DECISION_STATUSES).first()


def decision_draft(*, referral: Referral, stage: Stage, outcome: Outcome, reasons: str, evidence_considered: str,
                   by: User) -> Decision:
    """Start or revise the open decision of a stage. A CG waits for the recovery period to run,
    unless the case came back through reconsideration of a negative decision."""
    with transaction.atomic():
        locked, case = _lock(referral)
        _require(permissions.may_decide(by, locked), "Only the decision maker allocated this case can draft.")
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
        _move(locked, Action.DRAFT_RG if stage == Stage.RG else Action.DRAFT_CG)
        return Decision.objects.create(case=case, stage=stage, outcome=outcome, reasons=reasons,
                                       evidence_considered=evidence_considered, author=by,
                                       is_reconsideration=reconsidering)


def review_required(decision: Decision) -> bool:
    """The review policy: every decision (2011) or only negative ones (today); a decision on reconsideration
    always goes through second review."""
    return (settings.NRM_SECOND_REVIEW_POLICY == "all" or decision.outcome == Outcome.NEGATIVE
            or decision.is_reconsideration)


def _locked_decision(decision: Decision) -> tuple[Decision, Referral, CaseFile]:
    referral, case = _lock(decision.case.referral)
    return Decision.objects.select_for_update().get(pk=decision.pk), referral, case


def decision_send_for_review(*, decision: Decision, by: User) -> Decision:
    """The author finishes the draft: it goes to a second reviewer, or (when the policy needs no
    review of this outcome) takes effect at once."""
    with transaction.atomic():
        locked, referral, case = _locked_decision(decision)
        _require(permissions.may_decide(by, referral) and locked.author_id == by.pk,
                 "Only the decision's author can send it on.")
        if locked.status not in (DecisionStatus.DRAFT, DecisionStatus.RETURNED):
            raise DecisionConflict("This decision has already been sent on.")
        if not review_required(locked):
            return _serve(locked, referral, case)
        _move(referral, Action.SEND_RG_FOR_REVIEW if locked.stage == Stage.RG else Action.SEND_CG_FOR_REVIEW)
        DECISION.move(locked, DecisionAction.SEND_FOR_REVIEW)
        locked.sent_for_review_at = timezone.now()
        locked.save(update_fields=["status", "sent_for_review_at"])
        decision_sent_for_review.send(sender=Decision, decision=locked)
    return locked


def _serve(decision: Decision, referral: Referral, case: CaseFile) -> Decision:
    now = timezone.now()
    positive = decision.outcome == Outcome.POSITIVE
    if decision.stage == Stage.RG:
        _move(referral, Action.SERVE_RG_POSITIVE if positive else Action.SERVE_RG_NEGATIVE)
        if positive:
            case.recovery_period_ends_on = working_days.recovery_period_end(now)
    else:
        _move(referral, Action.SERVE_CG_POSITIVE if positive else Action.SERVE_CG_NEGATIVE)
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


def decision_sign_off(*, decision: Decision, by: User, comments: str = "") -> Decision:
    """The second reviewer agrees: the decision takes effect and is served. Two reviewers at once
    get one sign-off; the second is told the decision has already been reviewed."""
    with transaction.atomic():
        locked, referral, case = _locked_decision(decision)
        permissions.check_reviewer_independent(by, locked)
        if locked.status != DecisionStatus.AWAITING_REVIEW:
            raise DecisionConflict("This decision is not awaiting review: someone may have reviewed it already.")
        locked.reviewer, locked.reviewed_at, locked.review_comments = by, timezone.now(), comments
        return _serve(locked, referral, case)


def decision_return(*, decision: Decision, by: User, comments: str) -> Decision:
    """The second reviewer sends the decision back to its author with comments."""
    if not comments.strip():
        raise Invalid("Say why the decision is being returned.",
                      fields={"comments": ["Say why the decision is being returned."]})
    with transaction.atomic():
        locked, referral, _case = _locked_decision(decision)
        permissions.check_reviewer_independent(by, locked)
        if locked.status != DecisionStatus.AWAITING_REVIEW:
            raise DecisionConflict("This decision is not awaiting review: someone may have reviewed it already.")
        _move(referral, Action.RETURN_RG if locked.stage == Stage.RG else Action.RETURN_CG)
        DECISION.move(locked, DecisionAction.RETURN)
        locked.reviewer = by
        locked.reviewed_at, locked.review_comments = timezone.now(), comments
        locked.save(update_fields=["status", "reviewer", "reviewed_at", "review_comments"])
        decision_returned.send(sender=Decision, decision=locked)
    return locked


def _requester_allowed(requested_for: str) -> None:
    if requested_for not in settings.NRM_RECONSIDERATION_REQUESTERS:
        allowed = ", ".join(ReconsiderationRequester(value).label.lower()
                            for value in settings.NRM_RECONSIDERATION_REQUESTERS)
        raise NotAllowed(f"Reconsideration can only be asked for by the {allowed}.")


def reconsideration_request(*, referral: Referral, reasons: str, new_evidence: str, by: User,
                            requested_for: str = "") -> Reconsideration:
    """Ask for a negative decision to be looked at again, within the window. The first responder or the
    support provider asks for themselves; where the era allows it (NRM_RECONSIDERATION_REQUESTERS) they, or
    the competent authority, record a request made by the person or their legal representative. The original
    decision stays on the record; a new decision of the same stage is drafted and second-reviewed."""
    with transaction.atomic():
        locked, case = _lock(referral)
        if is_referring_organisation(by, locked):
            own = ReconsiderationRequester.FIRST_RESPONDER
        elif is_supporting_provider(by, locked):
            own = ReconsiderationRequester.SUPPORT_PROVIDER
        elif permissions.may_record(by, locked):
            own = None  # the competent authority only records a request made to it
        else:
            raise NotAllowed("Only the referring first responder, the person's support provider or the competent "
                             "authority can record a request for reconsideration.")
        on_behalf = (ReconsiderationRequester.PERSON, ReconsiderationRequester.LEGAL_REPRESENTATIVE)
        if own is None and requested_for not in on_behalf:
            raise NotAllowed("The competent authority records only a request made by the person or their legal "
                             "representative.")
        requested_for = requested_for or own
        if requested_for not in (own, *on_behalf):
            raise Invalid("Say who is asking for reconsideration.", fields={"requested_for": [
                "Select who is asking for the decision to be reconsidered"]})
        _requester_allowed(requested_for)
        latest = case.decisions.filter(status=DecisionStatus.SERVED).order_by("-served_at").first()
        if latest is None or latest.outcome != Outcome.NEGATIVE:
            raise CASE.refusal(Action.RECONSIDER_RG if latest is None or latest.stage == Stage.RG
                               else Action.RECONSIDER_CG, locked.status)
        if case.reconsideration_due_by and working_days.today() > case.reconsideration_due_by:
            raise ReconsiderationWindowClosed(
                f"Reconsideration had to be asked for by {case.reconsideration_due_by:%-d %B %Y}.")
        _move(locked, Action.RECONSIDER_RG if latest.stage == Stage.RG else Action.RECONSIDER_CG)
        try:
            with transaction.atomic():
                reconsideration = Reconsideration.objects.create(case=case, decision=latest, reasons=reasons,
                                                                 new_evidence=new_evidence, requested_by=by,
                                                                 requested_for=requested_for)
        except IntegrityError as duplicate:
            raise DecisionConflict("Reconsideration of this decision has already been asked for.") from duplicate
        reconsideration_requested.send(sender=Reconsideration, reconsideration=reconsideration)
        return reconsideration


def case_withdraw(*, referral: Referral, reason: str, by: User) -> CaseFile:
    """An adult withdraws from the NRM: recorded with reasons, the case ends and support ends the same day."""
    with transaction.atomic():
        locked, case = _lock(referral)
        _require(permissions.may_record(by, locked), "Only the deciding competent authority records withdrawal.")
        if locked.is_child:
            raise Conflict("A child's referral cannot be withdrawn.")
        _move(locked, Action.WITHDRAW)
        now = timezone.now()
        case.withdrawn_at, case.withdrawal_reason, case.closed_at = now, reason, now
        case.save(update_fields=["withdrawn_at", "withdrawal_reason", "closed_at"])
        case_ended.send(sender=CaseFile, case=case, on=working_days.local_date(now), withdrawn=True)
    return case


def _close(locked: Referral, case: CaseFile, *, reason: str, now: datetime) -> CaseFile:
    _move(locked, Action.CLOSE)
    case.closed_at, case.close_reason = now, reason
    case.save(update_fields=["closed_at", "close_reason"])
    case_ended.send(sender=CaseFile, case=case, on=working_days.local_date(now), withdrawn=False)
    return case


def case_close(*, referral: Referral, reason: str, by: User) -> CaseFile:
    """The competent authority closes a case after a decision, with a reason."""
    if not reason.strip():
        raise Invalid("Say why the case is being closed.", fields={"reason": ["Enter why the case is being closed"]})
    with transaction.atomic():
        locked, case = _lock(referral)
        _require(permissions.may_record(by, locked), "Only the deciding competent authority closes cases.")
        return _close(locked, case, reason=reason, now=timezone.now())


CLOSED_AFTER_WINDOW = "No reconsideration was asked for within the window."
CLOSED_AFTER_MOVE_ON = "Move-on ended after the Conclusive Grounds decision."


def _due_for_closing(now: datetime) -> Q:
    """A negative decision whose reconsideration window has passed (and, after a CG, whose move-on has
    ended); a positive CG whose move-on has ended."""
    today = working_days.local_date(now)
    window_passed = Q(case_file__reconsideration_due_by__lt=today)
    move_on_over = Q(case_file__move_on_at__isnull=True) | Q(case_file__move_on_at__lte=now)
    return (Q(status=ReferralStatus.RG_NEGATIVE) & window_passed
            | Q(status=ReferralStatus.CG_NEGATIVE) & window_passed & move_on_over
            | Q(status=ReferralStatus.CG_POSITIVE, case_file__move_on_at__lte=now))


def cases_close_due(*, now: datetime | None = None) -> int:
    """The daily job: close every case whose course has run. Each case is closed in its own transaction
    under a row lock taken with SKIP LOCKED and the state checked again under it, so a rerun, or two
    workers at once, close each case exactly once."""
    now = now or timezone.now()
    closed = 0
    for referral_id in Referral.objects.filter(_due_for_closing(now)).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            locked = (Referral.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(_due_for_closing(now), pk=referral_id).first())
            if locked is None:
                continue
            case = CaseFile.objects.get(referral=locked)
            reason = CLOSED_AFTER_MOVE_ON if locked.status == ReferralStatus.CG_POSITIVE else CLOSED_AFTER_WINDOW
            _close(locked, case, reason=reason, now=now)
            closed += 1
    if closed:
        logger.info("Closed %d cases whose course has run", closed)
    return closed


def letter_dispatch_record(*, dispatch: LetterDispatch, sent_on: date, sent_how: str, by: User) -> LetterDispatch:
    """Staff of the competent authority record that a decision letter was sent: on which day, how, by whom."""
    with transaction.atomic():
        locked = LetterDispatch.objects.select_for_update().select_related("decision__case__referral").get(
            pk=dispatch.pk)
        if not permissions.may_send_letters(by, locked.competent_authority_id):
            raise NotAllowed("Only the competent authority's decision makers and managers send decision letters.")
        if locked.recorded_at is not None:
            raise Conflict("This letter has already been recorded as sent.")
        if sent_on > working_days.today() or sent_on < working_days.local_date(locked.decision.served_at):
            raise Invalid("Enter a date between the day the decision was served and today.",
                          fields={"sent_on": ["Enter a date between the day the decision was served and today"]})
        locked.sent_on, locked.sent_how, locked.sent_by, locked.recorded_at = sent_on, sent_how, by, timezone.now()
        locked.save(update_fields=["sent_on", "sent_how", "sent_by", "recorded_at"])
    return locked


def involvement_declare(*, referral: Referral, details: str, by: User) -> InvolvementDeclaration:
    with transaction.atomic():
        _locked, case = _lock(referral)
        _require(permissions.works_on(by, referral), "Only staff of the deciding competent authority can declare.")
        declaration, _ = InvolvementDeclaration.objects.get_or_create(case=case, user=by,
                                                                       defaults={"details": details})
    return declaration


def note_add(*, referral: Referral, text: str, by: User) -> CaseNote:
    _require(permissions.may_record(by, referral), "Only the deciding competent authority keeps notes.")
    return CaseNote.objects.create(case=case_file_open(referral), author=by, text=text)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    year, number = int(quarter[:4]), int(quarter[-1])
    start = timezone.make_aware(datetime(year, 3 * (number - 1) + 1, 1))
    end = timezone.make_aware(datetime(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1))
    return start, end


def quality_sample_draw(*, quarter: str, rng: random.Random | None = None) -> list[QualityAudit]:
    """Draw the quarter's audit sample of served decisions: NRM_QUALITY_SAMPLE_PERCENT of them
    (rounded up), and at least one per decision maker who decided that quarter. Drawing twice
    adds nothing."""
    if QualityAudit.objects.filter(quarter=quarter).exists():
        return list(QualityAudit.objects.filter(quarter=quarter))
    rng = rng or random.SystemRandom()
    start, end = quarter_bounds(quarter)
    served = list(Decision.objects.filter(status=DecisionStatus.SERVED, served_at__gte=start, served_at__lt=end)
                  .order_by("pk").only("pk", "author_id"))
    if not served:
        return []
    by_author: dict[int, list[Decision]] = {}
    for decision in served:
        by_author.setdefault(decision.author_id, []).append(decision)
    chosen = {rng.choice(decisions).pk for decisions in by_author.values()}
    target = max(math.ceil(len(served) * settings.NRM_QUALITY_SAMPLE_PERCENT / 100), len(chosen))
    remaining = [decision.pk for decision in served if decision.pk not in chosen]
    chosen.update(rng.sample(remaining, min(target - len(chosen), len(remaining))))
    with transaction.atomic():
        return QualityAudit.objects.bulk_create(
            [QualityAudit(decision_id=pk, quarter=quarter) for pk in sorted(chosen)], ignore_conflicts=True)


def quality_audit_record(*, audit: QualityAudit, finding: str, feedback: str, by: User) -> QualityAudit:
    with transaction.atomic():
        locked = QualityAudit.objects.select_for_update().select_related("decision__case__referral").get(pk=audit.pk)
        referral = locked.decision.case.referral
        _require(permissions.may_record_finding(by, referral), "Only quality auditors record findings.")
        if locked.decision.author_id == by.pk:
            raise NotAllowed("You cannot audit your own decision.")
        locked.finding, locked.feedback, locked.auditor, locked.completed_at = finding, feedback, by, timezone.now()
        locked.save()
    return locked


def feedback_for(user: User) -> list[QualityAudit]:
    """Completed audits of a decision maker's decisions: what their home page shows."""
    return list(QualityAudit.objects.filter(decision__author=user, completed_at__isnull=False)
                .select_related("decision__case__referral").order_by("-completed_at")[:20])
