"""Competent-authority pages: the work queue, the case (overview, referral, timeline) and its
actions, second review, reconsideration requests from first responders, and quality audits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core import working_days
from core.charts import grouped_columns
from core.errors import attempt, attempt_or_message
from core.paging import page_number
from core.search import search_posted, search_term
from decisions import flow, forms, permissions, waiting
from decisions.dispatch import Route, where_to_send
from decisions.letters import letter_for, letter_pdf
from decisions.models import Decision, DecisionStatus, Stage
from decisions.selectors.case import case_for, days_waiting_for_cg, next_deadline
from decisions.selectors.letters import letter_decision_for, letter_dispatch_for, letters_to_send
from decisions.selectors.quality import audit_for, audits_for
from decisions.selectors.queue import QUEUE_FILTERS, case_queue
from decisions.selectors.staff import decision_makers, decision_makers_with_caseload, transfer_destinations
from decisions.selectors.timeline import timeline
from decisions.services.case import (
    case_allocate,
    case_close,
    case_transfer,
    case_withdraw,
    involvement_declare,
    note_add,
)
from decisions.services.decision import decision_draft, decision_return, decision_send_for_review, decision_sign_off
from decisions.services.letters import letter_dispatch_record
from decisions.services.quality import quality_audit_record
from decisions.services.reconsideration import reconsideration_request
from decisions.workflow import Action, allowed_actions
from referrals import selectors as referral_selectors
from referrals.models import ReferralStatus, SupportRoute
from referrals.permissions import may_assign_guardian, may_request_reconsideration
from referrals.presenters import summarise_section
from referrals.sections import sections_for
from referrals.services import information_request_create


def _form_page(request: HttpRequest, referral, form, *, title: str, button: str, intro: str = "",
               status: int = 200) -> HttpResponse:
    return render(request, "decisions/action_form.html", {
        "referral": referral, "form": form, "title": title, "button": button, "intro": intro,
    }, status=status)


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.may_use_casework(request.user):
        raise PermissionDenied
    searched = search_posted(request, "cases")
    if searched is not None:
        return searched
    if request.method == "POST":
        raise PermissionDenied
    search = search_term(request, "cases")
    filters = {key: request.GET.get(key, "") for key in QUEUE_FILTERS}
    order = request.GET.get("order", "due")
    return render(request, "decisions/queue.html", {
        "cases": case_queue(request.user, filters=filters, order=order, search=search,
                            page=page_number(request.GET.get("page")), query=request.GET),
        "filters": filters, "order": order, "search": search,
        "statuses": [(s.value, s.label) for s in ReferralStatus if s not in (ReferralStatus.DRAFT,
                                                                            ReferralStatus.RECORDED)],
        "decision_makers": decision_makers(request.user),
    })


def _case_context(request: HttpRequest, referral) -> dict[str, Any]:
    user = request.user
    case = referral.case_file
    decisions = list(case.decisions.all())
    deadline = next_deadline(referral, case)
    return {
        "referral": referral, "case": case, "decisions": decisions,
        "deadline": deadline,
        # Each date once: the next deadline already names the RG target while it is pending.
        "show_rg_target": not (deadline and deadline.due_on == case.rg_due_on),
        "waiting_for_cg": days_waiting_for_cg(referral, case, decisions),
        "cg_can_be_drafted": referral.status == ReferralStatus.RG_POSITIVE and (
            case.cg_possible_from is None or case.cg_possible_from <= working_days.today()),
        "may_close": Action.CLOSE in allowed_actions(referral.status),
        "may_manage": permissions.may_manage(user, referral),
        "may_decide": permissions.may_decide(user, referral),
        "may_record": permissions.may_record(user, referral),
        "may_assign_guardian": may_assign_guardian(user, referral),
        "reviewable": [d for d in decisions if d.status == DecisionStatus.AWAITING_REVIEW
                       and permissions.may_review(user, d)],
        "open_decision": next((d for d in decisions if d.is_open), None),
        "statuses": ReferralStatus,
        "support_routes": SupportRoute,
        "declared": any(d.user_id == user.pk for d in case.involvement_declarations.all()),
    }


def case_overview(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = case_for(request.user, pk, parts=("overview",),
                        annotations=waiting.position_annotations())
    context = _case_context(request, referral)
    context["note_form"] = forms.NoteForm()
    context["tab"] = "overview"
    context["forecast"] = waiting.forecast_for(referral)
    return render(request, "decisions/case_overview.html", context)


def _referral_summaries(referral) -> list:
    return [summarise_section(referral, s) for s in sections_for(referral) if s.slug in referral.answers]


def case_referral(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = case_for(request.user, pk, parts=("referral",))
    return render(request, "decisions/case_referral.html", {
        "referral": referral, "tab": "referral", "summaries": _referral_summaries(referral),
    })


def case_timeline(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = case_for(request.user, pk, parts=("timeline",))
    return render(request, "decisions/case_timeline.html", {
        "referral": referral, "tab": "timeline", "entries": timeline(referral),
    })


@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Choose a decision maker by name, seeing each one's open cases and who is away."""
    referral = case_for(request.user, pk, parts=())
    if not permissions.may_manage(request.user, referral):
        raise PermissionDenied
    form = forms.AllocateForm(request.POST if request.method == "POST" else None,
                              decision_makers=decision_makers(request.user))
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: case_allocate(
            referral=referral, to=form.cleaned_data["decision_maker"], by=request.user)):
        messages.success(request, f"Case allocated to {form.cleaned_data['decision_maker'].full_name}")
        return redirect("decisions:case", pk)
    chosen = form["decision_maker"].value()
    if not chosen and referral.case_file.allocated_to_id:
        chosen = referral.case_file.allocated_to_id
    return render(request, "decisions/allocate.html", {
        "referral": referral, "case": referral.case_file, "form": form,
        "people": decision_makers_with_caseload(request.user),
        "chosen": str(chosen or ""),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = case_for(request.user, pk)
    if not permissions.may_manage(request.user, referral):
        raise PermissionDenied
    # The manager chooses among the authorities with active casework staff (never "whichever sorts first").
    form = forms.TransferForm(request.POST or None, destinations=transfer_destinations(referral))
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: case_transfer(
            referral=referral, to_authority=form.cleaned_data["to_authority"], reason=form.cleaned_data["reason"],
            by=request.user)):
        messages.success(request, f"{referral.reference} transferred to {form.cleaned_data['to_authority'].name}")
        return redirect("decisions:queue")
    return _form_page(request, referral, form, title="Transfer the case to another competent authority",
                      button="Transfer", status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, pk: uuid.UUID, stage: str) -> HttpResponse:
    referral = case_for(request.user, pk)
    if stage not in Stage.values:
        raise Http404("No such stage")
    if not permissions.may_decide(request.user, referral):
        raise PermissionDenied
    existing = next((d for d in referral.case_file.decisions.all() if d.stage == stage and d.is_open), None)
    initial = ({"outcome": existing.outcome, "reasons": existing.reasons,
                "evidence_considered": existing.evidence_considered} if existing else {})
    form = forms.DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: decision_draft(
            referral=referral, stage=stage, by=request.user, **form.cleaned_data)):
        messages.success(request, "Decision saved as a draft")
        return redirect("decisions:case", pk)
    return render(request, "decisions/decision_form.html", {
        "rg_threshold": settings.NRM_RG_THRESHOLD_TEXT, "cg_threshold": settings.NRM_CG_THRESHOLD_TEXT,
        "referral": referral, "form": form, "stage": Stage(stage), "existing": existing,
        "summaries": _referral_summaries(referral),
    }, status=400 if request.method == "POST" else 200)


def _decision(referral, decision_id: int) -> Decision:
    decision = next((d for d in referral.case_file.decisions.all() if d.pk == decision_id), None)
    if decision is None:
        raise Http404("No such decision")
    return decision


@require_POST
def decision_send(request: HttpRequest, pk: uuid.UUID, decision_id: int) -> HttpResponse:
    referral = case_for(request.user, pk)
    decision = _decision(referral, decision_id)
    if not (permissions.may_decide(request.user, referral) and decision.author_id == request.user.pk):
        raise PermissionDenied  # only the decision's author sends it on (the API answers 403 too)
    done, sent = attempt_or_message(
        request, lambda: decision_send_for_review(decision=decision, by=request.user))
    if not done:
        return redirect("decisions:case", pk)
    messages.success(request, "Decision served" if sent.status == DecisionStatus.SERVED
                     else "Decision sent for second review")
    return redirect("decisions:case", pk)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: uuid.UUID, decision_id: int) -> HttpResponse:
    referral = case_for(request.user, pk)
    decision = _decision(referral, decision_id)
    if not permissions.may_review_decisions(request.user):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["review"] == "sign_off":
            call = lambda: decision_sign_off(decision=decision, by=request.user,  # noqa: E731
                                             comments=form.cleaned_data["comments"])
            done = "Decision signed off and served"
        else:
            call = lambda: decision_return(decision=decision, by=request.user,  # noqa: E731
                                           comments=form.cleaned_data["comments"])
            done = "Decision returned to the decision maker"
        if attempt(form, call):
            messages.success(request, done)
            return redirect("decisions:case", pk)
    return render(request, "decisions/review.html", {
        "referral": referral, "decision": decision, "form": form,
        "independent": permissions.may_review(request.user, decision),
        "summaries": _referral_summaries(referral),
    }, status=400 if request.method == "POST" else 200)


def _case_form_view(form_class: type[django_forms.Form], service: Callable[..., Any], *,
                    allowed: Callable[[Any, Any], bool], title: str, button: str, done: str,
                    intro: str = "") -> Callable[[HttpRequest, uuid.UUID], HttpResponse]:
    """The view of a page with one form on a case whose answers go to one service, named as the service's
    arguments: `service(referral=..., by=..., **answers)`. Access is `allowed(user, referral)`, on every
    request."""

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
        referral = case_for(request.user, pk)
        if not allowed(request.user, referral):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid() and attempt(
                form, lambda: service(referral=referral, by=request.user, **form.cleaned_data)):
            messages.success(request, done)
            return redirect("decisions:case", pk)
        return _form_page(request, referral, form, title=title, button=button, intro=intro,
                          status=400 if request.method == "POST" else 200)

    return view


add_note = _case_form_view(forms.NoteForm, note_add, allowed=permissions.may_record,
                           title="Add a note", button="Add note", done="Note added")

# A second reviewer must not review decisions on a case they declared involvement in.
declare_involvement = _case_form_view(
    forms.DeclarationForm, involvement_declare, allowed=permissions.works_on,
    title="Declare involvement in an asylum or immigration decision", button="Declare involvement",
    done="Your involvement is recorded: you will not review decisions on this case",
    intro="A second reviewer must not have been involved in an asylum or immigration decision about the person.")

request_information = _case_form_view(
    forms.InformationRequestForm, information_request_create, allowed=permissions.may_record,
    title="Ask the first responder for more information", button="Send request",
    done="Request sent to the first responder")

withdraw = _case_form_view(forms.WithdrawForm, case_withdraw, allowed=permissions.may_record,
                           title="Record withdrawal from the NRM", button="Record withdrawal",
                           done="Withdrawal recorded")

# Decision makers and managers close a case after a decision, with a reason; reviewers and auditors may not.
close = _case_form_view(forms.CloseForm, case_close, allowed=permissions.may_record,
                        title="Close the case", button="Close the case", done="Case closed")


@require_http_methods(["GET", "POST"])
def reconsider(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The first responder asks for a negative decision to be reconsidered (from their referral page)."""
    referral = referral_selectors.referral_for(request.user, pk)
    if not may_request_reconsideration(request.user, referral):
        raise PermissionDenied  # the referring first responder or the supporting provider only
    form = forms.ReconsiderationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: reconsideration_request(
            referral=referral, by=request.user, **form.cleaned_data)):
        messages.success(request, "Reconsideration requested: the competent authority will make a new decision")
        return redirect("referrals:detail", pk)
    return render(request, "decisions/reconsider.html", {"referral": referral, "form": form},
                  status=400 if request.method == "POST" else 200)


def audits(request: HttpRequest) -> HttpResponse:
    if not permissions.may_audit(request.user):
        raise PermissionDenied
    return render(request, "decisions/audits.html", {"audits": audits_for(request.user)})


@require_http_methods(["GET", "POST"])
def audit_finding(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = audit_for(request.user, audit_id)  # logged, or 404 (logged)
    form = forms.AuditFindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: quality_audit_record(
            audit=audit, by=request.user, **form.cleaned_data)):
        messages.success(request, "Finding recorded and sent to the decision maker")
        return redirect("decisions:audits")
    return render(request, "decisions/audit_finding.html", {"audit": audit, "form": form},
                  status=400 if request.method == "POST" else 200)


def flow_dashboard(request: HttpRequest) -> HttpResponse:
    """Competent-authority managers: the queue's shape, its speed and who waits longest."""
    if not permissions.may_view_flow(request.user):
        raise PermissionDenied
    figures = flow.cached_flow_for(request.user.organisation_id)
    labels = [f"{week:%-d %b}" for week in figures.weeks]
    return render(request, "decisions/flow.html", {
        "flow": figures, "age_bands": [band[0] for band in flow.AGE_BANDS],
        "chart": grouped_columns(labels, [("Referrals received", figures.intake),
                                          ("Decisions served", [rg + cg for rg, cg in zip(
                                              figures.rg_decisions, figures.cg_decisions, strict=True)])]),
        "weekly_rows": list(zip(figures.weeks, figures.intake, figures.rg_decisions, figures.cg_decisions,
                                strict=True)),
        "ready": flow.ready_cases(request.user, request.user.organisation_id, total=figures.ready_total,
                                  page=page_number(request.GET.get("page")), query=request.GET),
    })


def letter(request: HttpRequest, pk: uuid.UUID, decision_id: int) -> HttpResponse:
    """The decision letter as an accessible page, for whoever sees the decision in full."""
    decision = letter_decision_for(request.user, pk, decision_id)
    referral = decision.case.referral
    return render(request, "decisions/letter.html", {
        "letter": letter_for(decision, decision.case, referral), "referral": referral, "decision": decision})


def letter_download(request: HttpRequest, pk: uuid.UUID, decision_id: int) -> HttpResponse:
    """The same letter as a PDF (fpdf2, tagged). The file name holds the reference, never the name."""
    decision = letter_decision_for(request.user, pk, decision_id)
    referral = decision.case.referral
    response = HttpResponse(letter_pdf(letter_for(decision, decision.case, referral)),
                            content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="decision-{referral.reference}-'
                                       f'{decision.stage}-{decision.pk}.pdf"')
    response["X-Content-Type-Options"] = "nosniff"
    return response


def letters_list(request: HttpRequest) -> HttpResponse:
    """The competent authority's "Letters to send": each served decision's letter and how to send it."""
    if not permissions.may_send_letters(request.user, request.user.organisation_id):
        raise PermissionDenied
    sent = request.GET.get("show") == "sent"
    rows = []
    for dispatch in letters_to_send(request.user, sent=sent):
        referral = dispatch.decision.case.referral
        route = Route(dispatch.channel, dispatch.method)
        rows.append({"dispatch": dispatch, "referral": referral, "route": route,
                     "where": where_to_send(referral, route)})
    return render(request, "decisions/letters.html", {"rows": rows, "sent": sent,
                                                      "dispatch_days": settings.NRM_LETTER_DISPATCH_WORKING_DAYS})


@require_http_methods(["GET", "POST"])
def letter_sent(request: HttpRequest, decision_id: int) -> HttpResponse:
    dispatch = letter_dispatch_for(request.user, decision_id)
    referral = dispatch.decision.case.referral
    form = forms.LetterSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: letter_dispatch_record(
            dispatch=dispatch, by=request.user, **form.cleaned_data)):
        messages.success(request, f"Letter for {referral.reference} recorded as sent")
        return redirect("decisions:letters")
    route = Route(dispatch.channel, dispatch.method)
    return render(request, "decisions/letter_sent.html", {
        "referral": referral, "dispatch": dispatch, "route": route, "where": where_to_send(referral, route),
        "form": form}, status=400 if request.method == "POST" else 200)
