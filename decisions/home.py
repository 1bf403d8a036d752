"""What casework staff see first on their home page: their cases, reviews waiting, audit feedback."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.home_panels import Panel, PanelItem
from decisions.selectors.case import next_deadline
from decisions.selectors.quality import audit_feedback_for, audits_waiting_for
from decisions.selectors.queue import allocated_to_me, reviews_waiting_for
from organisations.models import Role
from referrals.models import Referral, ReferralStatus

HOME_PANEL_SIZE = 20


def casework_panels(user) -> list:
    panels = []
    if user.has_role(Role.DECISION_MAKER):
        # The panel is a read of personal records: logged like the queue.
        mine, more = allocated_to_me(user, limit=HOME_PANEL_SIZE)
        items = []
        for referral in mine:
            items.append(PanelItem(referral.reference, reverse("decisions:case", args=[referral.pk]),
                                   _what_is_next(referral)))
        if more:
            items.append(PanelItem("See all the cases allocated to you",
                                   f"{reverse('decisions:queue')}?decision_maker={user.pk}"))
        panels.append(Panel("Cases allocated to you", items, "No cases are allocated to you."))
        feedback = [PanelItem(f"{audit.decision.case.referral.reference}: {audit.get_finding_display().lower()}",
                              reverse("decisions:case", args=[audit.decision.case.referral_id]), audit.feedback)
                    for audit in audit_feedback_for(user)]
        panels.append(Panel("Quality audit feedback on your decisions", feedback, "No feedback yet."))
    if user.has_role(Role.SECOND_REVIEWER):
        waiting = reviews_waiting_for(user)
        panels.append(Panel("Decisions waiting for second review",
                            [PanelItem(r.reference, reverse("decisions:case", args=[r.pk]),
                                       f"{r.get_status_display()}, sent on "
                                       f"{timezone.localtime(r.waiting_since):%-d %B %Y}")
                             for r in waiting], "No decisions are waiting for review."))
    if user.has_role(Role.CA_MANAGER):
        panels.append(Panel("Case flow", [PanelItem(
            "Where the queue is and who waits longest", reverse("decisions:flow"),
            "Open cases by stage and age, intake against decisions, cases ready for a Conclusive Grounds "
            "decision, and when the backlog would clear")]))
    if user.has_role(Role.QUALITY_AUDITOR):
        to_audit = audits_waiting_for(user)
        panels.append(Panel("Sampled decisions waiting for your finding",
                            [PanelItem(audit.decision.case.referral.reference,
                                       reverse("decisions:audit-finding", args=[audit.pk]),
                                       f"{audit.decision.get_stage_display()} decision, {audit.quarter} sample")
                             for audit in to_audit], "No sampled decision is waiting for a finding."))
    return panels


def _what_is_next(referral: Referral) -> str:
    """The next deadline; or, once the recovery period is over, that the Conclusive Grounds decision can be
    made (no deadline, but the work waiting); or else where the case stands."""
    case = referral.case_file
    deadline = next_deadline(referral, case)
    if deadline:
        return f"{deadline.label}: {deadline.due_on:%-d %B %Y}{' (overdue)' if deadline.overdue else ''}"
    if referral.status == ReferralStatus.RG_POSITIVE and case.cg_possible_from:
        return f"Conclusive Grounds decision can now be made (since {case.cg_possible_from:%-d %B %Y})"
    return referral.get_status_display()
