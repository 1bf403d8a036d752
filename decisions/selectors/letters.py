"""Served decisions as each reader may see them (the referrals.extensions reader), the decision letters,
and the competent authority's letters to send."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from core import working_days
from decisions import permissions
from decisions.models import CaseFile, Decision, DecisionStatus, LetterDispatch, Outcome, Stage
from organisations.models import User
from referrals.extensions import ServedDecision
from referrals.models import Referral, ReferralStatus
from referrals.permissions import may_request_reconsideration


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return working_days.local_date(moment) if moment else None


def next_steps_for(decision: Decision, case: CaseFile, referral: Referral) -> list[str]:
    """What happens next, as the referring first responder (or a child's local authority) reads it."""
    positive, rg = decision.outcome == Outcome.POSITIVE, decision.stage == Stage.RG
    if rg and positive:
        steps = ["The recovery period has started: no removal action is taken against the person until the "
                 "Conclusive Grounds decision is served, and support continues until then."]
        if referral.is_child:
            steps.append("The child's local authority children's services lead on their safeguarding and support.")
        elif getattr(referral, "support_case", None) is not None or referral.wants_support:
            steps.append("The Salvation Army (the prime contractor) arranges support for an adult in England or "
                         "Wales who asked for it.")
        steps.append(f"A Conclusive Grounds decision can be made from {case.cg_possible_from:%-d %B %Y}, when the "
                     "minimum recovery period has run." if case.cg_possible_from
                     else "A Conclusive Grounds decision is made after the minimum recovery period.")
        return steps
    if positive:
        return [f"Support continues until {_local(case.move_on_at):%-d %B %Y}, the end of the move-on period."
                if case.move_on_at else "Support continues through a move-on period."]
    steps = []
    if not rg and case.move_on_at:
        steps.append(f"NRM support ends on {_local(case.move_on_at):%-d %B %Y}.")
    if case.reconsideration_due_by:
        steps.append(f"You can ask for the decision to be reconsidered until "
                     f"{case.reconsideration_due_by:%-d %B %Y}, with any new evidence.")
    return steps


def served_decisions_shown_to(user: User, referral: Referral, *, view: str | None = None) -> list[ServedDecision]:
    """The served decisions on a referral as this user may see them (referrals.extensions reader): all of
    it for the referring organisation, a child's local authority and the deciding authority; the stage,
    outcome and dates for the provider supporting the person. Each decision shown is logged. `view`
    (OUTCOME) is for a caller that has checked the user's right itself: victim care's support case page,
    where the prime contractor sees the outcome and dates."""
    view = permissions.decision_view_of(user, referral) if view is None else view
    if view == permissions.NOTHING or referral.is_draft:
        return []
    case = CaseFile.objects.filter(referral_id=referral.pk).first()
    if case is None:
        return []
    decisions = list(Decision.objects.filter(case=case, status=DecisionStatus.SERVED).order_by("served_at", "pk"))
    latest = decisions[-1].pk if decisions else None
    shown = []
    for decision in decisions:
        record_access(user=user, action=AccessAction.VIEW, record=decision)
        is_latest = decision.pk == latest
        negative = decision.outcome == Outcome.NEGATIVE
        dates = {
            "recovery_period_ends_on": case.recovery_period_ends_on if is_latest and decision.stage == Stage.RG
            and not negative else None,
            "move_on_on": _local(case.move_on_at) if is_latest and decision.stage == Stage.CG else None,
            "reconsideration_due_by": case.reconsideration_due_by if is_latest and negative else None,
        }
        common = {"id": decision.pk, "stage": decision.stage, "stage_label": decision.get_stage_display(),
                  "outcome": decision.outcome, "outcome_label": decision.get_outcome_display(),
                  "served_on": working_days.local_date(decision.served_at), **dates}
        if view != permissions.FULL:
            shown.append(ServedDecision(full=False, **common))
            continue
        window_open = bool(dates["reconsideration_due_by"] and working_days.today() <= dates["reconsideration_due_by"]
                           and referral.status in (ReferralStatus.RG_NEGATIVE, ReferralStatus.CG_NEGATIVE))
        shown.append(ServedDecision(
            full=True, reasons=decision.reasons,
            next_steps=next_steps_for(decision, case, referral) if is_latest else [],
            letter_url=reverse("decisions:letter", args=[referral.pk, decision.pk]),
            letter_pdf_url=reverse("decisions:letter-pdf", args=[referral.pk, decision.pk]),
            reconsideration_url=reverse("decisions:reconsider", args=[referral.pk])
            if window_open and may_request_reconsideration(user, referral) else "",
            **common))
    return shown


def letter_decision_for(user: User, referral_id: Any, decision_id: Any) -> Decision:
    """A served decision whose letter the user may read (the full view), logged; otherwise 404, or 403 for
    someone who sees the referral but not the letter (the provider supporting the person)."""
    referral = Referral.objects.filter(pk=referral_id).select_related("competent_authority").first()
    decision = (Decision.objects.filter(pk=decision_id, case__referral_id=referral_id, status=DecisionStatus.SERVED)
                .select_related("case").first() if referral is not None else None)
    view = permissions.decision_view_of(user, referral) if referral is not None else permissions.NOTHING
    if decision is None or view == permissions.NOTHING:
        raise refused(user=user, record_type=Decision, record_id=decision_id)
    if view != permissions.FULL:
        raise PermissionDenied("The letter is for the person, their first responder and the competent authority.")
    record_access(user=user, action=AccessAction.DOWNLOAD, record=decision)
    decision.case.referral = referral
    return decision


def letters_to_send(user: User, *, sent: bool = False) -> list[LetterDispatch]:
    """The authority's "Letters to send" list (or the letters recorded as sent, newest first), logged."""
    if not permissions.may_send_letters(user, user.organisation_id):
        return []
    rows = LetterDispatch.objects.filter(competent_authority_id=user.organisation_id,
                                         recorded_at__isnull=not sent).select_related(
        "decision__case__referral__first_responder_organisation", "sent_by")
    rows = list(rows.order_by("-recorded_at", "pk") if sent else rows.order_by("due_by", "pk"))[:200]
    record_list_access(user=user, records=[row.decision.case.referral for row in rows], model=Referral)
    return rows


def letter_dispatch_for(user: User, decision_id: Any) -> LetterDispatch:
    dispatch = (LetterDispatch.objects.filter(pk=decision_id).select_related(
        "decision__case__referral__first_responder_organisation").first())
    if dispatch is None or dispatch.competent_authority_id != user.organisation_id or not permissions.works_on(
            user, dispatch.decision.case.referral):
        raise refused(user=user, record_type=LetterDispatch, record_id=decision_id)
    if not permissions.may_send_letters(user, dispatch.competent_authority_id):
        raise PermissionDenied("Only decision makers and managers send decision letters.")
    record_access(user=user, action=AccessAction.VIEW, record=dispatch.decision.case.referral)
    return dispatch
