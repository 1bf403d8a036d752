"""Victim care pages: the prime contractor's list and allocation, a provider's people and their
care records, and monthly payment statements."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessAction
from audit.services import record_access
from core.errors import Invalid, attempt
from core.paging import page_number
from decisions import waiting
from organisations.models import Organisation, OrgRole, Role
from victim_care import selectors, services, statements
from victim_care.forms import (
    AllocationForm,
    AssessmentForm,
    CareEntryForm,
    ExitForm,
    ProviderProfileForm,
    TariffForm,
)
from victim_care.models import ProviderProfile, Region, Service, SupportCase, SupportStatus
from victim_care.permissions import is_case_manager, may_write_care_record


def _is_case_manager(request: HttpRequest) -> bool:
    return is_case_manager(request.user)


def support_home(request: HttpRequest) -> HttpResponse:
    if _is_case_manager(request):
        today = timezone.localdate()
        figures = selectors.manager_figures(today=today)
        dashboard = selectors.manager_dashboard(request.user, query=request.GET, figures=figures, today=today)
        return render(request, "victim_care/manager_home.html", {
            "awaiting": dashboard.awaiting, "supported": dashboard.supported,
            "waiting_for_cg": dashboard.waiting_for_cg, "in_move_on": dashboard.in_move_on,
            "budget": figures.budget,
            "providers": figures.providers,
            "now": timezone.now(), "today": today, "capacity": figures.capacity,
        })
    if request.user.has_role(Role.SUPPORT_WORKER):
        return render(request, "victim_care/provider_home.html", {
            "rows": selectors.provider_dashboard(request.user, page=page_number(request.GET.get("page")),
                                                 query=request.GET)})
    raise PermissionDenied


def _support_case_for(request: HttpRequest, pk: int) -> SupportCase:
    return selectors.support_case_for(request.user, pk)


def _case_to_manage(request: HttpRequest, pk: int) -> SupportCase:
    """The case for a prime contractor's action on it. 404 first: whoever cannot see the person learns nothing."""
    case = _support_case_for(request, pk)
    if not _is_case_manager(request):
        raise PermissionDenied
    return case


@require_http_methods(["GET", "POST"])
def support_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _support_case_for(request, pk)
    manager = _is_case_manager(request)
    writes = may_write_care_record(request.user, services.current_provider_id(case))
    entry_form = CareEntryForm(request.POST or None) if writes else None
    assessment_form = AssessmentForm(request.POST or None, initial={"needs": case.needs, "risks": case.risks}) \
        if manager else None
    if request.method == "POST" and assessment_form is not None:
        if assessment_form.is_valid():
            services.support_case_assess(support_case=case, by=request.user, **assessment_form.cleaned_data)
            messages.success(request, "Needs and risk assessment saved")
            return redirect("victim_care:case", pk)
    elif request.method == "POST":
        if entry_form is None:
            raise PermissionDenied
        if entry_form.is_valid() and attempt(entry_form, lambda: services.care_entry_add(
                support_case=case, by=request.user, **entry_form.cleaned_data)):
            messages.success(request, "Entry added to the care record")
            return redirect("victim_care:case", pk)
    entries = [] if manager else selectors.care_entries_for(request.user, pk)
    region, service = request.GET.get("region", ""), request.GET.get("service", "")
    person = selectors.person_for(request.user, case)
    fits = selectors.providers_that_fit(gender=case.referral.gender, region=region, service=service) \
        if manager else []
    for fit in fits:
        fit["avoid"] = [Region(value).label for value in fit["regions"]
                        if person is not None and value in person.regions_to_avoid]
    return render(request, "victim_care/case.html", {
        "person": person, "decisions": selectors.decision_outcomes_for(request.user, case),
        "fits": fits,
        "regions": Region.choices, "services": Service.choices, "region": region, "service": service,
        "case": case, "manager": manager, "entries": entries, "entry_form": entry_form,
        "course": selectors.support_course(case, timezone.localdate()),
        "assessment_form": assessment_form,
        "allocations": selectors.allocations_visible_to(request.user, case),
        "allocation_form": AllocationForm() if manager and case.status != SupportStatus.EXITED else None,
        "exit_form": ExitForm() if manager and case.status == SupportStatus.SUPPORTED else None,
        "forecast": waiting.forecast_for(case.referral) if manager or writes else None,
    }, status=400 if request.method == "POST" else 200)


@require_POST
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_manage(request, pk)
    form = AllocationForm(request.POST)
    if form.is_valid() and attempt(form, lambda: services.allocation_move(
            support_case=case, provider=form.cleaned_data["provider"], support_type=form.cleaned_data["support_type"],
            on=form.cleaned_data["start_on"], by=request.user)):
        messages.success(request, f"Allocated to {form.cleaned_data['provider'].name}")
        return redirect("victim_care:case", pk)
    return render(request, "victim_care/allocate_error.html", {"case": case, "form": form}, status=400)


@require_POST
def exit_support(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_manage(request, pk)
    form = ExitForm(request.POST)
    if not form.is_valid():
        return render(request, "victim_care/allocate_error.html", {"case": case, "form": form}, status=400)
    # The service counts from the first day not supported; people think in the last day supported.
    first_day_not_supported = form.cleaned_data["last_day"] + datetime.timedelta(days=1)
    services.support_exit(support_case=case, on=first_day_not_supported, reason=form.cleaned_data["reason"],
                          by=request.user)
    messages.success(request, "Support ended")
    return redirect("victim_care:case", pk)


def statement(request: HttpRequest, provider_id: str, year: str, month: str, extension: str) -> HttpResponse:
    if not _is_case_manager(request):
        raise PermissionDenied
    provider_id, year, month = int(provider_id), int(year), int(month)
    if not Organisation.objects.filter(pk=provider_id, roles__contains=[OrgRole.SUPPORT_PROVIDER]).exists():
        raise Http404("No such statement")
    try:
        lines = statements.statement_lines(provider_id=provider_id, year=year, month=month)
    except Invalid as invalid:  # year 0000 or 9999, month 13: a clear error, nothing produced
        form = forms.Form(data={})
        form.is_valid()
        form.add_error(None, invalid.message)
        return render(request, "victim_care/statement_error.html", {"form": form}, status=400)
    record_access(user=request.user, action=AccessAction.EXPORT, record_type=Organisation, record_id=provider_id)
    name = f"statement-{provider_id}-{year}-{month:02d}.{extension}"
    if extension == "csv":
        response = HttpResponse(statements.statement_csv(lines), content_type="text/csv")
    else:
        response = HttpResponse(statements.statement_xlsx(lines), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def provider(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The prime contractor manages a provider's profile (regions, services, beds) and its tariffs."""
    if not _is_case_manager(request):
        raise PermissionDenied
    organisation = Organisation.objects.filter(pk=provider_id, roles__contains=[OrgRole.SUPPORT_PROVIDER]).first()
    if organisation is None:
        raise Http404("No such provider")
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    initial = ({"regions": profile.regions, "services": profile.services, "women_only_beds": profile.women_only_beds,
                "men_only_beds": profile.men_only_beds, "family_beds": profile.family_beds} if profile else {})
    which = request.POST.get("form")
    profile_form = ProviderProfileForm(request.POST if which == "profile" else None, initial=initial)
    tariff_form = TariffForm(request.POST if which == "tariff" else None)
    if which == "profile" and profile_form.is_valid():
        services.provider_profile_save(provider=organisation, by=request.user, **profile_form.cleaned_data)
        messages.success(request, "Provider details saved")
        return redirect("victim_care:provider", provider_id)
    if which == "tariff" and tariff_form.is_valid():
        services.tariff_set(provider=organisation, by=request.user, **tariff_form.cleaned_data)
        messages.success(request, "Rate saved")
        return redirect("victim_care:provider", provider_id)
    return render(request, "victim_care/provider.html", {
        "provider": organisation, "profile_form": profile_form, "tariff_form": tariff_form,
        "tariffs": organisation.tariffs.order_by("support_type", "valid_from"),
    }, status=400 if request.method == "POST" else 200)
