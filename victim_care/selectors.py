"""Reads for victim care, scoped: a provider sees the people it supports now, and of those it
supported before only the care record entries it wrote itself."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AccessAction
from audit.services import record_access, refused
from organisations.models import Role, User
from victim_care.models import CareRecordEntry, SupportCase


def people_supported_by(user: User) -> QuerySet[SupportCase]:
    if not (user.is_authenticated and user.has_role(Role.SUPPORT_WORKER) and user.organisation_id):
        return SupportCase.objects.none()
    return (SupportCase.objects.filter(allocations__provider_id=user.organisation_id,
                                       allocations__end_on__isnull=True)
            .select_related("referral").distinct())


def care_entries_for(user: User, support_case_id: Any) -> list[CareRecordEntry]:
    """The whole record for the provider supporting the person now; an earlier provider's own entries."""
    if not (user.is_authenticated and user.has_role(Role.SUPPORT_WORKER)):
        raise refused(user=user, record_type=SupportCase, record_id=support_case_id)
    entries = CareRecordEntry.objects.filter(support_case_id=support_case_id).select_related("author", "corrects")
    if not people_supported_by(user).filter(pk=support_case_id).exists():
        entries = entries.filter(provider_id=user.organisation_id)
        if not entries.exists():
            raise refused(user=user, record_type=SupportCase, record_id=support_case_id)
    record_access(user=user, action=AccessAction.VIEW, record_type=SupportCase, record_id=support_case_id)
    return list(entries)


def awaiting_allocation() -> list[SupportCase]:
    return list(SupportCase.objects.filter(status="awaiting_allocation").select_related("referral")
                .order_by("opened_at")[:200])


def supported_now() -> list[SupportCase]:
    return list(SupportCase.objects.filter(status="supported").select_related("referral")
                .prefetch_related("allocations__provider").order_by("opened_at")[:500])


def recovery_ending_within(*, days: int) -> list[SupportCase]:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    return list(SupportCase.objects.filter(
        status="supported", referral__case_file__recovery_period_ends_on__gte=today,
        referral__case_file__recovery_period_ends_on__lte=today + datetime.timedelta(days=days),
    ).select_related("referral__case_file")[:200])


def providers_that_fit(*, gender: str, region: str = "", service: str = "") -> list[dict]:
    """Providers with a profile, filtered by region and service, with their free bed spaces for
    the person's gender (accommodation allocations open now count against capacity)."""
    from django.db.models import Count, Q

    from victim_care.models import ProviderProfile

    profiles = ProviderProfile.objects.select_related("organisation").annotate(
        accommodated=Count("organisation__allocations", filter=Q(organisation__allocations__end_on__isnull=True,
                                                                  organisation__allocations__support_type="accommodation")))
    if region:
        profiles = profiles.filter(regions__contains=[region])
    if service:
        profiles = profiles.filter(services__contains=[service])
    rows = []
    for profile in profiles.order_by("organisation__name"):
        beds = {"female": profile.women_only_beds, "male": profile.men_only_beds}.get(gender, 0) + profile.family_beds
        total = profile.women_only_beds + profile.men_only_beds + profile.family_beds
        rows.append({"provider": profile.organisation, "regions": profile.regions, "services": profile.services,
                     "suitable_beds": beds, "free_beds": max(total - profile.accommodated, 0),
                     "has_space": beds > 0 and total > profile.accommodated})
    return rows


def provider_dashboard(user: User) -> list[dict]:
    """For each person the provider supports now: the next care-plan review and whether contact is overdue."""
    import datetime

    from django.conf import settings
    from django.db.models import Max, Q
    from django.utils import timezone

    today = timezone.localdate()
    contact_due_after = timezone.now() - datetime.timedelta(days=settings.NRM_CONTACT_INTERVAL_DAYS)
    people = people_supported_by(user).annotate(
        last_contact=Max("care_entries__created_at", filter=Q(care_entries__kind="contact")),
        next_review=Max("care_entries__review_due_on", filter=Q(care_entries__kind="care_plan")),
    )
    rows = []
    for case in people:
        rows.append({"case": case, "next_review": case.next_review,
                     "review_due": case.next_review is not None and case.next_review <= today
                     + datetime.timedelta(days=7),
                     "last_contact": case.last_contact,
                     "contact_overdue": case.last_contact is None or case.last_contact < contact_due_after})
    return rows


def capacity_by_provider() -> list[dict]:
    from django.db.models import Count, Q

    from victim_care.models import ProviderProfile

    profiles = ProviderProfile.objects.select_related("organisation").annotate(
        accommodated=Count("organisation__allocations", filter=Q(organisation__allocations__end_on__isnull=True,
                                                                  organisation__allocations__support_type="accommodation")),
        outreach=Count("organisation__allocations", filter=Q(organisation__allocations__end_on__isnull=True,
                                                             organisation__allocations__support_type="outreach")))
    return [{"provider": p.organisation, "beds": p.women_only_beds + p.men_only_beds + p.family_beds,
             "accommodated": p.accommodated, "outreach": p.outreach} for p in profiles.order_by("organisation__name")]
