"""Subject access: everything the service holds about one person, as JSON and as a printable page.

It spans referrals, decisions and victim care, so it lives in the top-layer data_protection app.
Only the competent authority's managers may produce it for a case routed to their authority (the
request comes to the data controller); every export is written to the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from audit.models import AccessAction, AccessEvent
from audit.services import record_access
from decisions.selectors.case import case_for
from organisations.models import Role
from referrals.models import Referral
from victim_care.models import SupportCase


def _person(user) -> str:
    return f"{user.full_name} ({user.organisation.name if user.organisation_id else 'no organisation'})" \
        if user else ""


def subject_access_record(referral: Referral) -> dict[str, Any]:
    """Everything held about the person in this referral, in plain values."""
    case = referral.case_file
    support = SupportCase.objects.filter(referral=referral).prefetch_related(
        "allocations__provider", "care_entries__provider", "care_entries__author").first()
    return {
        "referral": {
            "reference": referral.reference, "kind": referral.get_kind_display(),
            "status": referral.get_status_display(), "submitted_at": referral.submitted_at,
            "referred_by": referral.first_responder_organisation.name,
            "competent_authority": referral.competent_authority.name if referral.competent_authority_id else "",
            "answers": referral.answers, "date_of_birth": referral.date_of_birth,
            "home_office_reference": referral.home_office_reference,
            "age_at_exploitation": referral.get_age_at_exploitation_display(),
            "gender": referral.get_gender_display(), "nationality": referral.nationality,
            "second_nationality": referral.second_nationality,
            "exploitation_types": referral.exploitation_types,
            "exploitation_location": referral.get_exploitation_location_display(),
            "anonymised_at": referral.anonymised_at,
        },
        "documents": [{"name": d.original_name, "type": d.content_type, "size": d.size, "uploaded_at": d.uploaded_at}
                      for d in referral.documents.all()],
        "information_requests": [{"question": r.question, "asked_at": r.requested_at, "answer": r.answer,
                                  "answered_at": r.answered_at} for r in referral.information_requests.all()],
        "case": {"received_at": case.received_at, "rg_due_on": case.rg_due_on,
                 "recovery_period_ends_on": case.recovery_period_ends_on,
                 "reconsideration_due_by": case.reconsideration_due_by, "withdrawn_at": case.withdrawn_at,
                 "withdrawal_reason": case.withdrawal_reason, "closed_at": case.closed_at,
                 "decision_maker": _person(case.allocated_to)},
        "decisions": [{"stage": d.get_stage_display(), "outcome": d.get_outcome_display(),
                       "status": d.get_status_display(), "reasons": d.reasons,
                       "evidence_considered": d.evidence_considered, "served_at": d.served_at, "letter": d.letter,
                       "author": _person(d.author), "reviewer": _person(d.reviewer)}
                      for d in case.decisions.all()],
        "notes": [{"text": n.text, "by": _person(n.author), "at": n.created_at} for n in case.notes.all()],
        "transfers": [{"from": t.from_authority.name, "to": t.to_authority.name, "reason": t.reason,
                       "at": t.transferred_at} for t in case.transfers.all()],
        "reconsiderations": [{"reasons": r.reasons, "new_evidence": r.new_evidence, "at": r.requested_at}
                             for r in case.reconsiderations.all()],
        # A child's Independent Child Trafficking Guardians, each assignment with who made and ended it.
        "guardians": [{"service": a.guardian_service.name, "guardian": _person(a.guardian),
                       "assigned_at": a.assigned_at, "assigned_by": _person(a.assigned_by), "ended_at": a.ended_at,
                       "ended_by": _person(a.ended_by), "end_reason": a.end_reason}
                      for a in referral.guardian_assignments.select_related(
                          "guardian_service", "guardian__organisation", "assigned_by__organisation",
                          "ended_by__organisation")],
        "support": None if support is None else {
            "status": support.get_status_display(), "opened_at": support.opened_at, "needs": support.needs,
            "risks": support.risks, "exited_on": support.exited_on, "exit_reason": support.exit_reason,
            "allocations": [{"provider": a.provider.name, "support_type": a.get_support_type_display(),
                             "from": a.start_on, "until": a.end_on} for a in support.allocations.all()],
            "care_record": [{"kind": e.get_kind_display(), "text": e.text, "by": e.provider.name,
                             "at": e.created_at} for e in support.care_entries.all()],
        },
        "who_looked": [{"who": _person(event.user), "action": event.get_action_display(), "at": event.occurred_at}
                       for event in AccessEvent.objects.filter(record_type="referrals.referral",
                                                               record_id=str(referral.pk))
                       .select_related("user__organisation").order_by("occurred_at")],
    }


def _allowed(request: HttpRequest, referral_id) -> Referral:
    referral = case_for(request.user, referral_id)  # 404 (logged) unless routed to their authority
    if not request.user.has_role(Role.CA_MANAGER):
        raise PermissionDenied("Only the competent authority's managers can produce a subject access export.")
    record_access(user=request.user, action=AccessAction.EXPORT, record=referral)
    return referral


def subject_access_json(request: HttpRequest, pk) -> JsonResponse:
    referral = _allowed(request, pk)
    response = JsonResponse(subject_access_record(referral), encoder=DjangoJSONEncoder,
                            json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="subject-access-{referral.reference}.json"'
    return response


def subject_access_page(request: HttpRequest, pk) -> HttpResponse:
    referral = _allowed(request, pk)
    return render(request, "data_protection/subject_access.html", {"referral": referral,
                                                             "record": subject_access_record(referral)})
