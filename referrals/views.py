"""The first responder's pages: referral list, the question pages behind a task list, evidence,
check your answers, submission, and answering information requests. Views parse input and call
services and selectors; the rules live there."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import refused
from core.errors import attempt
from core.paging import page_number
from core.search import search_posted, search_term
from organisations.models import Role
from referrals import permissions, selectors, services
from referrals.documents import ACCEPTED_EXTENSIONS
from referrals.extensions import served_decisions
from referrals.forecasts import forecast_for
from referrals.forms import GuardianAssignForm, GuardianEndForm, InformationAnswerForm
from referrals.models import Referral, ReferralKind, ReferralStatus
from referrals.presenters import summarise, summarise_section
from referrals.sections import SECTIONS_BY_SLUG, next_section, sections_for


def _require_first_responder(request: HttpRequest) -> None:
    if not permissions.may_make_referrals(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if permissions.may_make_referrals(user):
        searched = search_posted(request, "referrals")
        if searched is not None:
            return searched
        search = search_term(request, "referrals")
        drafts, submitted = selectors.referral_lists_for(
            user, drafts_page=page_number(request.GET.get("drafts_page")), page=page_number(request.GET.get("page")),
            query=request.GET, search=search)
        return render(request, "referrals/list.html", {"drafts": drafts, "submitted": submitted, "search": search})
    if request.method == "POST":
        raise PermissionDenied
    if user.has_role(Role.LA_SAFEGUARDING_LEAD):
        return render(request, "referrals/shared_list.html", {
            "referrals": selectors.child_referral_list_for(user),
        })
    if user.has_role(Role.CHILD_GUARDIAN) and permissions.guardians_enabled():
        return render(request, "referrals/guardian_list.html", {
            "assignments": selectors.children_of_guardian_service(user),
        })
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
def referral_start(request: HttpRequest) -> HttpResponse:
    _require_first_responder(request)
    if request.method == "POST":
        referral = services.referral_start(by=request.user)
        return redirect("referrals:task-list", referral.pk)
    return render(request, "referrals/start.html")


def _editable_referral(request: HttpRequest, pk: uuid.UUID):
    referral = selectors.referral_for(request.user, pk)
    if not permissions.may_edit(request.user, referral):
        if referral.is_draft:
            raise PermissionDenied
        raise _submitted_redirect(referral)
    return referral


class _Redirect(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _submitted_redirect(referral) -> _Redirect:
    return _Redirect(redirect("referrals:detail", referral.pk))


def _redirecting(view):
    """Let views bail out to another page (a submitted referral's summary) by raising."""
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Redirect as bail_out:
            return bail_out.response
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_redirecting
def task_list(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _editable_referral(request, pk)
    summaries = summarise(referral)
    completed = sum(1 for summary in summaries if summary.complete)
    return render(request, "referrals/task_list.html", {
        "referral": referral,
        "summaries": summaries,
        "completed": completed,
        "all_complete": completed == len(summaries),
        "is_duty_to_notify": referral.kind == ReferralKind.DUTY_TO_NOTIFY,
        "document_count": len(referral.documents.all()),
    })


@_redirecting
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: uuid.UUID, slug: str) -> HttpResponse:
    referral = _editable_referral(request, pk)
    current = SECTIONS_BY_SLUG.get(slug)
    if current is None or current not in sections_for(referral):
        raise Http404("No such section for this referral")
    if request.method == "POST":
        form = services.referral_section_save(referral=referral, section_slug=slug, data=request.POST,
                                              by=request.user)
        if form.is_valid():
            if "save_and_return" in request.POST:
                messages.success(request, f"Your answers to '{current.title}' have been saved")
                return redirect("referrals:task-list", referral.pk)
            following = next_section(referral, current)
            if following is not None:
                return redirect("referrals:section", referral.pk, following.slug)
            if referral.kind == ReferralKind.NRM:
                return redirect("referrals:documents", referral.pk)
            return redirect("referrals:check", referral.pk)
        status = 400
    else:
        saved = referral.answers.get(slug)
        if saved:
            initial = current.form_class.initial_from_answers(saved)
        else:
            earlier = selectors.latest_answers_of_author(request.user, slug, excluding=referral.pk)
            initial = current.form_class.initial_for_new_answers(user=request.user, earlier=earlier)
        form = current.form_class(initial=initial)
        status = 200
    return render(request, "referrals/section.html",
                  {"referral": referral, "section": current, "form": form}, status=status)


@_redirecting
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _editable_referral(request, pk)
    if referral.kind != ReferralKind.NRM:
        raise Http404("A Duty to Notify has no evidence documents")
    errors: list[str] = []
    if request.method == "POST":
        # GOV.UK file upload pattern: a file chosen here is never thrown away. Continue uploads it too,
        # and only moves on once every chosen file is stored; Upload stays on this page to add more.
        uploads = request.FILES.getlist("documents")
        continuing = "continue" in request.POST
        if not uploads and not continuing:
            errors.append("Select a file to upload")
        for upload in uploads:
            try:
                services.referral_document_add(referral=referral, upload=upload, by=request.user)
            except services.DocumentRejected as rejected:
                errors.append(f"{upload.name}: {rejected.message}")
        if not errors:
            if uploads:
                messages.success(request, f"{len(uploads)} file{'s' if len(uploads) != 1 else ''} uploaded")
            if continuing:
                return redirect("referrals:check", referral.pk)
            return redirect("referrals:documents", referral.pk)
        referral = selectors.referral_for(request.user, pk, log=False)
    return render(request, "referrals/documents.html", {
        "referral": referral, "errors": errors, "error_summary": bool(errors),
        "error_links": [("#documents", error) for error in errors], "accept": ",".join(ACCEPTED_EXTENSIONS),
    }, status=400 if errors else 200)


@require_POST
def document_remove(request: HttpRequest, pk: uuid.UUID, document_id: uuid.UUID) -> HttpResponse:
    document = selectors.document_for(request.user, pk, document_id)
    if not permissions.may_edit(request.user, document.referral):
        raise PermissionDenied
    services.referral_document_remove(document=document, by=request.user)
    messages.success(request, f"{document.original_name} removed")
    return redirect("referrals:documents", pk)


def document_download(request: HttpRequest, pk: uuid.UUID, document_id: uuid.UUID) -> FileResponse:
    document = selectors.document_for(request.user, pk, document_id)
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@_redirecting
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _editable_referral(request, pk)
    incomplete: list[str] = []
    if request.method == "POST":
        try:
            submitted = services.referral_submit(referral=referral, by=request.user)
        except services.ReferralIncomplete as missing:
            incomplete = missing.incomplete
        else:
            return redirect("referrals:confirmation", submitted.pk)
    summaries = summarise(referral)
    if request.method == "GET":
        incomplete = [summary.section.slug for summary in summaries if not summary.complete]
    sections = [SECTIONS_BY_SLUG[slug] for slug in incomplete]
    return render(request, "referrals/check_answers.html", {
        "referral": referral,
        "summaries": summaries,
        "incomplete": sections,
        "error_links": [(reverse("referrals:section", args=[referral.pk, section.slug]),
                         f"Complete the section: {section.title}") for section in sections],
        "submit_attempted": request.method == "POST",
        "is_duty_to_notify": referral.kind == ReferralKind.DUTY_TO_NOTIFY,
    }, status=400 if request.method == "POST" else 200)


def confirmation(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    if referral.is_draft or not permissions.is_referring_organisation(request.user, referral):
        raise refused(user=request.user, record_type=Referral, record_id=pk)  # a 404, logged as an attempt
    return render(request, "referrals/confirmation.html", {
        "referral": referral, "is_duty_to_notify": referral.kind == ReferralKind.DUTY_TO_NOTIFY,
    })


def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    if referral.is_draft and permissions.may_edit(request.user, referral):
        return redirect("referrals:task-list", referral.pk)
    return render(request, "referrals/detail.html", {
        "referral": referral,
        "summaries": [summarise_section(referral, s) for s in sections_for(referral)
                      if s.slug in referral.answers],
        "may_answer": permissions.may_answer_information_requests(request.user, referral),
        "may_reconsider": permissions.may_request_reconsideration(request.user, referral),
        "is_duty_to_notify": referral.kind == ReferralKind.DUTY_TO_NOTIFY,
        "statuses": ReferralStatus,
        "forecast": forecast_for(request.user, referral),
        "served_decisions": served_decisions(request.user, referral),
        "guardian": selectors.current_guardian_of(referral),
        "guardians_enabled": permissions.guardians_enabled(),
        "may_assign_guardian": permissions.may_assign_guardian(request.user, referral),
    })


@require_http_methods(["GET", "POST"])
def answer_information_request(request: HttpRequest, pk: uuid.UUID, request_id: int) -> HttpResponse:
    information_request = selectors.information_request_for(request.user, pk, request_id)
    referral = information_request.referral
    if not permissions.may_answer_information_requests(request.user, referral) or information_request.is_answered:
        raise PermissionDenied
    form = InformationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.information_request_answer(request=information_request, answer=form.cleaned_data["answer"],
                                            by=request.user)
        messages.success(request, "Your answer has been sent to the competent authority")
        return redirect(reverse("referrals:detail", args=[referral.pk]))
    return render(request, "referrals/answer_request.html", {
        "referral": referral, "information_request": information_request, "form": form,
    }, status=400 if request.method == "POST" else 200)


def _guardian_page(request: HttpRequest, pk: uuid.UUID, *, assign_form=None, end_form=None,
                   status: int = 200) -> HttpResponse:
    """The child's guardian now and before, with the forms to assign or replace one and to end it: for the
    people referrals.permissions.may_assign_guardian names (403 for others who see the referral)."""
    referral, assignments = selectors.guardian_history_for(request.user, pk)
    if not permissions.may_assign_guardian(request.user, referral):
        raise PermissionDenied
    current = next((assignment for assignment in assignments if assignment.is_current), None)
    assign_form = assign_form or GuardianAssignForm(
        initial={"guardian_service": current.guardian_service_id, "guardian": current.guardian_id} if current else None,
        services=selectors.guardian_services(), guardians=selectors.named_guardians())
    return render(request, "referrals/guardian.html", {
        "referral": referral, "current": current, "assignments": assignments, "assign_form": assign_form,
        "end_form": end_form or GuardianEndForm(prefix="end"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def guardian(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Assign a guardian service (and its named guardian, once known) to a child, or replace the one assigned."""
    if request.method == "GET":
        return _guardian_page(request, pk)
    referral = selectors.referral_for(request.user, pk, log=False)
    if not permissions.may_assign_guardian(request.user, referral):
        raise PermissionDenied
    form = GuardianAssignForm(request.POST, services=selectors.guardian_services(),
                              guardians=selectors.named_guardians())
    if form.is_valid() and attempt(form, lambda: services.guardian_assign(
            referral=referral, guardian_service=form.cleaned_data["guardian_service"],
            guardian=form.cleaned_data["guardian"], by=request.user)):
        messages.success(request, f"{form.cleaned_data['guardian_service'].name} is assigned as the child's guardian "
                                  "service")
        return redirect("referrals:detail", referral.pk)
    return _guardian_page(request, pk, assign_form=form, status=400)


@require_POST
def guardian_end(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """End the child's current guardian assignment, with the reason."""
    referral = selectors.referral_for(request.user, pk, log=False)
    if not permissions.may_assign_guardian(request.user, referral):
        raise PermissionDenied
    form = GuardianEndForm(request.POST, prefix="end")
    if form.is_valid() and attempt(form, lambda: services.guardian_assignment_end(
            referral=referral, reason=form.cleaned_data["reason"], by=request.user)):
        messages.success(request, "The guardian assignment has ended")
        return redirect("referrals:detail", referral.pk)
    return _guardian_page(request, pk, end_form=form, status=400)
