"""The work queue of a competent authority, and the short lists on casework staff's home pages: each
page of cases read in a fixed number of queries and logged as listed."""

from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.http import QueryDict

from audit.services import record_list_access
from core import working_days
from core.paging import ListPage, page_of
from decisions.models import Decision, DecisionStatus, InvolvementDeclaration
from decisions.selectors.case import cases_visible_to, next_deadline
from organisations.models import User
from referrals.models import (
    CASE_OVER,
    RG_PENDING,
    WAITING_FOR_FIRST_CG,
    InformationRequest,
    PossibleDuplicate,
    Referral,
)
from referrals.search import referral_search

QUEUE_FILTERS = {"status", "deadline", "decision_maker"}
QUEUE_ORDER = {"received": "case_file__received_at", "-received": "-case_file__received_at",
               "due": "case_file__rg_due_on", "-due": "-case_file__rg_due_on"}  # each has an index on CaseFile


def case_queue_queryset(user: User, *, filters: dict[str, str] | None = None, order: str = "due",
                        search: str = "") -> QuerySet[Referral]:
    """The work queue, filtered and ordered, not yet read: callers read one page of it and pass what
    they show to `shown_in_queue`. The flags are EXISTS subqueries, worked out for the rows of the page
    only, where a COUNT over joins would group every open case of the authority first. A `search`
    (referrals.search: reference, name or date of birth) looks through closed cases too, unless a
    status is chosen."""
    filters = filters or {}
    queryset = (
        cases_visible_to(user)
        .filter(case_file__isnull=False)
        .select_related("case_file", "case_file__allocated_to")
        .annotate(duplicate_flags=Exists(PossibleDuplicate.objects.filter(
                      referral_id=OuterRef("pk"), matches__in=cases_visible_to(user))),
                  open_information_requests=Exists(InformationRequest.objects.filter(
                      referral_id=OuterRef("pk"), answered_at=None)))
    )
    if search:
        queryset = queryset.filter(referral_search(search))
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    elif not search:
        queryset = queryset.exclude(status__in=CASE_OVER)
    if filters.get("decision_maker") == "unallocated":
        queryset = queryset.filter(case_file__allocated_to__isnull=True)
    elif filters.get("decision_maker", "").isdigit():
        queryset = queryset.filter(case_file__allocated_to_id=int(filters["decision_maker"]))
    today = working_days.today()
    if filters.get("deadline") == "overdue":
        queryset = queryset.filter(status__in=RG_PENDING, case_file__rg_due_on__lt=today)
    elif filters.get("deadline") == "due_soon":
        queryset = queryset.filter(status__in=RG_PENDING, case_file__rg_due_on__gte=today,
                                   case_file__rg_due_on__lte=working_days.add_working_days(today, 2))
    return queryset.order_by(QUEUE_ORDER.get(order, "case_file__rg_due_on"), "case_file__pk")


def shown_in_queue(user: User, cases: list[Referral]) -> list[Referral]:
    """The cases one page of the queue shows, with their next deadline, logged as listed."""
    today = working_days.today()
    for referral in cases:
        referral.deadline = next_deadline(referral, referral.case_file)
        referral.days_since_referral = (today - working_days.local_date(referral.case_file.received_at)).days
    record_list_access(user=user, records=cases, model=Referral)
    return cases


def case_queue(user: User, *, filters: dict[str, str] | None = None, order: str = "due", page: int = 1,
               query: QueryDict | None = None, search: str = "") -> ListPage:
    """One page of the work queue: the same number of queries however long the queue is."""
    listed = page_of(case_queue_queryset(user, filters=filters, order=order, search=search), number=page,
                     query=query)
    shown_in_queue(user, listed.items)
    return listed


def allocated_to_me(user: User, *, limit: int = 20) -> tuple[list[Referral], bool]:
    """A decision maker's open cases for their home panel, the most urgent first: Reasonable Grounds
    decisions by due date (overdue first), then first Conclusive Grounds decisions by the day they can be
    made, then the rest oldest first. At most `limit`, logged as listed, and whether more are allocated:
    a panel cut short in any other order could leave an overdue case off the page."""
    urgency = Case(When(status__in=RG_PENDING, then=Value(0)),
                   When(status__in=WAITING_FOR_FIRST_CG, then=Value(1)), default=Value(2))
    next_date = Case(When(status__in=RG_PENDING, then=F("case_file__rg_due_on")),
                     When(status__in=WAITING_FOR_FIRST_CG, then=F("case_file__recovery_period_ends_on")), default=None)
    mine = list(cases_visible_to(user).filter(case_file__allocated_to=user)
                .exclude(status__in=CASE_OVER)
                .select_related("case_file")
                .order_by(urgency, next_date.asc(nulls_last=True), "case_file__received_at", "pk")[:limit + 1])
    record_list_access(user=user, records=mine[:limit], model=Referral)
    return mine[:limit], len(mine) > limit


def reviews_waiting_for(user: User, *, limit: int = 20) -> list[Referral]:
    """Cases with a decision this reviewer may sign off (not theirs, and no involvement declared on the case),
    Reasonable Grounds decisions first by their due date, then the longest waiting; at most `limit`, logged.
    Each carries `waiting_since`, when its decision was sent for review."""
    # A case file's key is its referral's: OuterRef("pk") is the case file without a join.
    reviewable = (Decision.objects.filter(case_id=OuterRef("pk"), status=DecisionStatus.AWAITING_REVIEW)
                  .exclude(author=user).order_by("sent_for_review_at"))
    involved = InvolvementDeclaration.objects.filter(case_id=OuterRef("pk"), user=user)
    rg_first = Case(When(status__in=RG_PENDING, then=F("case_file__rg_due_on")), default=None)
    waiting = list(cases_visible_to(user)
                   .filter(Exists(reviewable)).exclude(Exists(involved))
                   .annotate(waiting_since=Subquery(reviewable.values("sent_for_review_at")[:1]))
                   .order_by(rg_first.asc(nulls_last=True), "waiting_since", "pk")[:limit])
    record_list_access(user=user, records=waiting, model=Referral)
    return waiting
