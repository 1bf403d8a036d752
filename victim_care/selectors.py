"""Reads for victim care, scoped: a provider sees the people it supports now, and of those it
supported before only the care record entries it wrote itself."""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from core.paging import ListPage, page_number, page_of
from decisions.permissions import OUTCOME
from decisions.selectors.letters import served_decisions_shown_to
from organisations.models import Organisation, OrgRole, Role, User
from referrals.extensions import ServedDecision
from victim_care.models import Allocation, CareRecordEntry, ProviderProfile, SupportCase, SupportStatus
from victim_care.permissions import is_case_manager
from victim_care.person import Person, person_of
from victim_care.statements import BudgetPosition, budget_position

logger = logging.getLogger(__name__)


def people_supported_by(user: User) -> QuerySet[SupportCase]:
    """The people the user's provider supports now. A person has at most one open allocation (the
    no-overlap constraint), so the join needs no DISTINCT, which would sort every row before a page."""
    if not (user.is_authenticated and user.has_role(Role.SUPPORT_WORKER) and user.organisation_id):
        return SupportCase.objects.none()
    return (SupportCase.objects.filter(allocations__provider_id=user.organisation_id,
                                       allocations__end_on__isnull=True)
            .select_related("referral", "referral__case_file"))


def support_cases_visible_to(user: User) -> QuerySet[SupportCase]:
    """Everyone for the prime contractor's case managers, newest first; for a provider's workers the
    people it supports now, newest allocation first (both orders read from an index)."""
    if is_case_manager(user):
        return SupportCase.objects.select_related("referral", "referral__case_file").order_by("-opened_at", "-pk")
    return people_supported_by(user).order_by("-allocations__start_on", "-allocations__pk")


def support_case_known_to(user: User, support_case_id: Any) -> bool:
    """Whether the user may see this person at all: a case manager always; a provider's worker while the
    provider supports them, or afterwards where it wrote entries in their record. Others get a 404."""
    if is_case_manager(user):
        return SupportCase.objects.filter(pk=support_case_id).exists()
    if not (user.is_authenticated and user.has_role(Role.SUPPORT_WORKER) and user.organisation_id):
        return False
    return (people_supported_by(user).filter(pk=support_case_id).exists()
            or CareRecordEntry.objects.filter(support_case_id=support_case_id,
                                              provider_id=user.organisation_id).exists())


def support_case_for(user: User, support_case_id: Any) -> SupportCase:
    """One person's support case for someone who may see it (logged), or 404 (logged as an attempt)."""
    if not support_case_known_to(user, support_case_id):
        raise refused(user=user, record_type=SupportCase, record_id=support_case_id)
    record_access(user=user, action=AccessAction.VIEW, record_type=SupportCase, record_id=support_case_id)
    return SupportCase.objects.select_related("referral__first_responder_organisation").get(pk=support_case_id)


def sees_the_person(user: User, support_case: SupportCase) -> bool:
    """The prime contractor's case managers and the provider supporting the person now; not an earlier
    provider (it keeps its own care record entries only), not a monitor, nobody else."""
    return is_case_manager(user) or people_supported_by(user).filter(pk=support_case.pk).exists()


def person_for(user: User, support_case: SupportCase) -> Person | None:
    """Who the person is (name, age, language, contact, needs, risks, places to avoid), for those who
    support them; None for anyone else. Each look is logged against the person's referral."""
    if not sees_the_person(user, support_case):
        return None
    record_access(user=user, action=AccessAction.VIEW, record=support_case.referral)
    return person_of(support_case, today=timezone.localdate())


def decision_outcomes_for(user: User, support_case: SupportCase) -> list[ServedDecision]:
    """The served decisions' stage, outcome and dates (never the reasons of a negative one) for those who
    see the person; logged."""
    if not sees_the_person(user, support_case):
        return []
    return served_decisions_shown_to(user, support_case.referral, view=OUTCOME)


def allocations_visible_to(user: User, support_case: SupportCase) -> QuerySet:
    """The allocations of a person the user may see: every one for the prime contractor's case managers; a
    provider's workers only their own provider's. Who supports the person now, or did before, is what an
    exploiter wants to know, so a former (or current) provider does not learn it from this table."""
    allocations = support_case.allocations.select_related("provider").order_by("start_on")
    if is_case_manager(user):
        return allocations
    if user.is_authenticated and user.organisation_id:
        return allocations.filter(provider_id=user.organisation_id)
    return allocations.none()


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


DASHBOARD_PAGE_SIZE = 20  # three lists on one page: each short, each paged


def _listed(user: User, *pages: ListPage) -> None:
    """Log the people the pages show as listed, in one INSERT whatever the number of lists."""
    shown = {row["case"].pk if isinstance(row, dict) else row.pk: row["case"] if isinstance(row, dict) else row
             for listed in pages for row in listed.items}
    record_list_access(user=user, records=list(shown.values()), model=SupportCase)


@dataclass(frozen=True)
class ManagerDashboard:
    awaiting: ListPage
    supported: ListPage
    waiting_for_cg: ListPage
    in_move_on: ListPage


def manager_dashboard(user: User, *, query: QueryDict, figures: ManagerFigures,
                      today: datetime.date) -> ManagerDashboard:
    """The prime contractor's lists of people, each a page, logged as listed in one INSERT."""
    dashboard = ManagerDashboard(
        awaiting=awaiting_allocation(page=page_number(query.get("awaiting_page")), query=query,
                                     total=figures.awaiting),
        supported=supported_now(page=page_number(query.get("page")), query=query, total=figures.supported),
        waiting_for_cg=waiting_for_cg(today=today, page=page_number(query.get("waiting_page")), query=query,
                                      total=figures.waiting_for_cg),
        in_move_on=in_move_on(order=figures.in_move_on_order, page=page_number(query.get("move_on_page")), query=query),
    )
    _listed(user, dashboard.awaiting, dashboard.supported, dashboard.waiting_for_cg, dashboard.in_move_on)
    return dashboard


def awaiting_allocation(*, page: int = 1, query: QueryDict | None = None, total: int | None = None) -> ListPage:
    """One page of the people waiting for a support provider, longest waiting first; logged as listed by
    `user`."""
    queryset = (SupportCase.objects.filter(status="awaiting_allocation").select_related("referral")
                .order_by("opened_at", "pk"))
    return page_of(queryset, number=page, per_page=DASHBOARD_PAGE_SIZE, query=query, parameter="awaiting_page",
                   total=total)


def supported_now(*, page: int = 1, query: QueryDict | None = None, total: int | None = None) -> ListPage:
    """One page of everyone supported now, longest supported first."""
    queryset = SupportCase.objects.filter(status="supported").select_related("referral").order_by("opened_at", "pk")
    return page_of(queryset, number=page, per_page=DASHBOARD_PAGE_SIZE, query=query, total=total)


def _waiting_for_cg() -> QuerySet[SupportCase]:
    """People in support (or waiting for a provider) whose Conclusive Grounds decision has not been served:
    removal stays suspended and support goes on, however long past the minimum recovery period."""
    return SupportCase.objects.exclude(status=SupportStatus.EXITED).filter(
        referral__case_file__move_on_at__isnull=True)


def _in_move_on() -> QuerySet[SupportCase]:
    """People still in support after their CG: their support ends when the move-on period does."""
    return SupportCase.objects.exclude(status=SupportStatus.EXITED).filter(
        referral__case_file__move_on_at__isnull=False)


def support_course(case: SupportCase, today: datetime.date) -> dict[str, Any]:
    """Where the person's support stands: waiting for the CG (days since the positive RG), or in move-on
    (when it ends). Support lasts until the move-on period after the CG ends, never the minimum recovery."""
    case_file = getattr(case.referral, "case_file", None)
    move_on_ends = case_file.move_on_at if case_file is not None else None
    waiting = None if move_on_ends else (today - timezone.localtime(case.opened_at).date()).days
    return {"move_on_ends": move_on_ends, "waiting_days": waiting}


def waiting_for_cg(*, today: datetime.date, page: int = 1, query: QueryDict | None = None,
                   total: int | None = None) -> ListPage:
    """One page of the people waiting for a Conclusive Grounds decision, longest waiting first, each with
    the days since their positive RG (when their support case opened)."""
    queryset = _waiting_for_cg().select_related("referral").order_by("opened_at", "pk")
    listed = page_of(queryset, number=page, per_page=DASHBOARD_PAGE_SIZE, query=query, parameter="waiting_page",
                     total=total)
    listed.items = [{"case": case, "days": (today - timezone.localtime(case.opened_at).date()).days}
                    for case in listed.items]
    return listed


def in_move_on_order() -> tuple[int, ...]:
    """The support cases of the people in their move-on period, soonest end first. Working the order out
    joins every open support case with its case file (most of both tables at national scale), so it is
    done with the dashboard's figures, cached until a support case or case file changes."""
    return tuple(_in_move_on().order_by("referral__case_file__move_on_at", "pk").values_list("pk", flat=True))


def in_move_on(*, order: tuple[int, ...], page: int = 1, query: QueryDict | None = None) -> ListPage:
    """One page of the people in their move-on period, in `order` (in_move_on_order): one query, for the
    page's own rows."""
    offset = (page - 1) * DASHBOARD_PAGE_SIZE
    shown = order[offset:offset + DASHBOARD_PAGE_SIZE]
    by_pk = SupportCase.objects.select_related("referral__case_file").in_bulk(shown)
    return ListPage(items=[by_pk[pk] for pk in shown if pk in by_pk], number=page, per_page=DASHBOARD_PAGE_SIZE,
                    has_next=len(order) > offset + DASHBOARD_PAGE_SIZE, total=len(order),
                    query=query if query is not None else QueryDict(), parameter="move_on_page")


def providers_that_fit(*, gender: str, region: str = "", service: str = "") -> list[dict]:
    """Providers with a profile, filtered by region and service, with their free bed spaces for
    the person's gender (accommodation allocations open now count against capacity)."""


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


def contact_overdue(*, last_contact: datetime.datetime | None, allocated_on: datetime.date | None,
                    today: datetime.date, interval: datetime.timedelta) -> bool:
    """Contact is due one interval after the later of the allocation's first day and the last contact;
    a person allocated minutes ago is not overdue. Without an open allocation nothing is owed."""
    since = [day for day in (allocated_on, last_contact and timezone.localdate(last_contact)) if day is not None]
    return bool(since) and today > max(since) + interval


def provider_dashboard(user: User, *, page: int = 1, query: QueryDict | None = None) -> ListPage:
    """One page of the people the provider supports now, newest allocation first (read from the index
    of open allocations), each with the next care-plan review and whether contact is overdue. The two
    dates are subqueries worked out for the page's rows only: a MAX over a join would group every care
    record entry of every person first."""

    today = timezone.localdate()
    interval = datetime.timedelta(days=settings.NRM_CONTACT_INTERVAL_DAYS)
    entries = CareRecordEntry.objects.filter(support_case_id=OuterRef("pk"))
    open_allocations = Allocation.objects.filter(support_case_id=OuterRef("pk"), end_on__isnull=True)
    people = support_cases_visible_to(user).annotate(
        last_contact=Subquery(entries.filter(kind="contact").order_by("-created_at").values("created_at")[:1]),
        next_review=Subquery(entries.filter(kind="care_plan", review_due_on__isnull=False)
                             .order_by("-review_due_on").values("review_due_on")[:1]),
        allocated_on=Subquery(open_allocations.order_by("-start_on").values("start_on")[:1]),
    )
    listed = page_of(people, number=page, query=query)
    listed.items = [{"case": case, "next_review": case.next_review,
                     "review_due": case.next_review is not None and case.next_review <= today
                     + datetime.timedelta(days=7),
                     "last_contact": case.last_contact,
                     "contact_overdue": contact_overdue(last_contact=case.last_contact,
                                                        allocated_on=case.allocated_on, today=today,
                                                        interval=interval),
                     **support_course(case, today)}
                    for case in listed.items]
    _listed(user, listed)  # the people the page shows, logged
    return listed


def capacity_by_provider() -> list[dict]:


    profiles = ProviderProfile.objects.select_related("organisation").annotate(
        accommodated=Count("organisation__allocations", filter=Q(organisation__allocations__end_on__isnull=True,
                                                                  organisation__allocations__support_type="accommodation")),
        outreach=Count("organisation__allocations", filter=Q(organisation__allocations__end_on__isnull=True,
                                                             organisation__allocations__support_type="outreach")))
    return [{"provider": p.organisation, "beds": p.women_only_beds + p.men_only_beds + p.family_beds,
             "accommodated": p.accommodated, "outreach": p.outreach} for p in profiles.order_by("organisation__name")]


@dataclass(frozen=True)
class ManagerFigures:
    budget: BudgetPosition
    capacity: list[dict]
    providers: list[Organisation]
    awaiting: int
    waiting_for_cg: int
    in_move_on: int
    supported: int
    in_move_on_order: tuple[int, ...]  # in_move_on_order(): the move-on list's order, its length in_move_on


# What the dashboard's figures are worked out from, in one cheap query: the newest pghistory event of
# allocations, support cases, case files (recovery period ends) and organisations, which the
# database's triggers write on every change, bulk updates included, and a digest of the small tariff,
# budget and profile tables. The figures are cached under it, so they are never stale and are
# computed once per change.
_FIGURES_FINGERPRINT = """
    SELECT concat_ws(':',
        (SELECT oid FROM pg_database WHERE datname = current_database()),  -- a restored or new database
        (SELECT max(pgh_id) FROM victim_care_allocationevent),
        (SELECT max(pgh_id) FROM victim_care_supportcaseevent),
        (SELECT max(pgh_id) FROM decisions_casefileevent),
        (SELECT max(pgh_id) FROM organisations_organisationevent),
        (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM victim_care_tariff t),
        (SELECT md5(coalesce(string_agg(b::text, ',' ORDER BY b.id), '')) FROM victim_care_budgetyear b),
        (SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY p.organisation_id), ''))
           FROM victim_care_providerprofile p))
"""


def manager_figures(*, today: datetime.date) -> ManagerFigures:
    """The prime contractor's budget position, capacity by provider, the providers themselves and how
    many people are waiting for a provider, waiting for a CG, in move-on and supported. The budget and the
    capacity add up every open allocation, which at national scale takes longer than the rest of the
    dashboard together, so all of these are cached until a row they come from changes (or the day
    does). Without the cache (Redis unreachable) they are computed each time."""

    with connection.cursor() as cursor:
        cursor.execute(_FIGURES_FINGERPRINT)
        fingerprint = cursor.fetchone()[0]
    # The fields' names are in the key too: figures cached by an earlier release have another shape.
    shape = ",".join(ManagerFigures.__dataclass_fields__)
    digest = hashlib.sha256(f"{shape}|{fingerprint}".encode()).hexdigest()
    key = f"victim-care-figures:{today.isoformat()}:{digest}"
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the dashboard down
        logger.warning("victim care figures: cache unreachable, computing them without it")
        cached = None
    if cached is not None:
        return cached
    by_status = dict(SupportCase.objects.order_by().values_list("status").annotate(n=Count("pk")))
    move_on_order = in_move_on_order()
    figures = ManagerFigures(budget=budget_position(today=today), capacity=capacity_by_provider(),
                             providers=list(Organisation.objects.holding(OrgRole.SUPPORT_PROVIDER)
                                            .order_by("name")),
                             awaiting=by_status.get("awaiting_allocation", 0),
                             waiting_for_cg=_waiting_for_cg().count(), in_move_on=len(move_on_order),
                             supported=by_status.get("supported", 0), in_move_on_order=move_on_order)
    try:
        cache.set(key, figures, timeout=24 * 60 * 60)
    except Exception:  # noqa: BLE001
        logger.warning("victim care figures: cache unreachable, not kept")
    return figures
