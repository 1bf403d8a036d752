"""Reads for casework, scoped to the competent authority the user works for."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from core import working_days
from core.paging import ListPage, page_of
from decisions import permissions
from decisions.models import (
    CaseFile,
    CaseNote,
    Decision,
    DecisionStatus,
    InvolvementDeclaration,
    LetterDispatch,
    Outcome,
    QualityAudit,
    Reconsideration,
    Stage,
    Transfer,
)
from organisations.models import Organisation, OrgRole, Role, User
from referrals.extensions import ServedDecision
from referrals.models import (
    InformationRequest,
    PossibleDuplicate,
    Referral,
    ReferralDocument,
    ReferralKind,
    ReferralStatus,
)
from referrals.permissions import is_referring_organisation, may_request_reconsideration
from referrals.search import referral_search

RG_PENDING = (ReferralStatus.SUBMITTED, ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED,
              ReferralStatus.RG_AWAITING_REVIEW)


def cases_visible_to(user: User) -> QuerySet[Referral]:
    """NRM cases routed to the user's competent authority (organisation scope, index-backed)."""
    if not permissions.may_use_casework(user):
        return Referral.objects.none()
    return (Referral.objects.filter(competent_authority_id=user.organisation_id, kind=ReferralKind.NRM)
            .exclude(status=ReferralStatus.DRAFT))


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: datetime.date
    overdue: bool
    days_remaining: int


def next_deadline(referral: Referral, case: CaseFile | None) -> Deadline | None:
    """The deadline that matters now: the RG target, the end of the recovery period, or the
    reconsideration window."""
    if case is None:
        return None
    today = working_days.today()
    if referral.status in RG_PENDING:
        label, due = "Reasonable Grounds decision due", case.rg_due_on
        return Deadline(label, due, today > due, working_days.working_days_between(today, due))
    if referral.status == ReferralStatus.RG_POSITIVE and case.cg_possible_from and case.cg_possible_from > today:
        due = case.cg_possible_from
        return Deadline("Conclusive Grounds decision can be made from", due, False, (due - today).days)
    if referral.status in (ReferralStatus.RG_NEGATIVE, ReferralStatus.CG_NEGATIVE) and case.reconsideration_due_by:
        due = case.reconsideration_due_by
        return Deadline("Reconsideration can be asked for until", due, False, (due - today).days)
    return None


WAITING_FOR_CG = (ReferralStatus.RG_POSITIVE, ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW)


def days_waiting_for_cg(referral: Referral, case: CaseFile | None, decisions) -> int | None:
    """Days since the positive RG for a person still waiting for their first Conclusive Grounds decision
    (removal stays suspended and support goes on meanwhile); None otherwise."""
    if case is None or referral.status not in WAITING_FOR_CG:
        return None
    served = [d for d in decisions if d.status == DecisionStatus.SERVED]
    if any(d.stage == Stage.CG for d in served):
        return None
    positive_rg = max((d.served_at for d in served if d.stage == Stage.RG and d.outcome == Outcome.POSITIVE),
                      default=None)
    return (working_days.today() - working_days.local_date(positive_rg)).days if positive_rg else None


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
        queryset = queryset.exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN,
                                                ReferralStatus.HISTORIC])
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


def _decisions() -> Prefetch:
    return Prefetch("case_file__decisions", queryset=Decision.objects.select_related("author", "reviewer"))


# What each case page shows, so that each reads only its own related rows: one query per relation,
# with what each row names joined in, so that the count does not grow with the rows.
CASE_PARTS: dict[str, tuple] = {
    "overview": (_decisions,
                 lambda: Prefetch("case_file__involvement_declarations",
                                  queryset=InvolvementDeclaration.objects.select_related("user")),
                 lambda: Prefetch("possible_duplicates", queryset=PossibleDuplicate.objects.select_related("matches"))),
    "referral": (lambda: Prefetch("documents", queryset=ReferralDocument.objects.all()),),
    "timeline": (_decisions,
                 lambda: Prefetch("case_file__notes", queryset=CaseNote.objects.select_related("author")),
                 lambda: Prefetch("case_file__transfers", queryset=Transfer.objects.select_related(
                     "from_authority", "to_authority", "transferred_by")),
                 lambda: Prefetch("case_file__reconsiderations", queryset=Reconsideration.objects.select_related(
                     "requested_by", "decision")),
                 lambda: Prefetch("information_requests",
                                  queryset=InformationRequest.objects.select_related("requested_by", "answered_by"))),
    "decisions": (_decisions,),
}


def case_for(user: User, referral_id: Any, *, parts: tuple[str, ...] = tuple(CASE_PARTS),
             annotations: dict[str, Any] | None = None) -> Referral:
    """One case for its competent authority's staff, with the related rows `parts` name (all of them
    unless told) and any `annotations` (decisions.waiting.position_annotations: the forecast's figures
    in the same query), or 404 (logged)."""
    lookups: dict[str, Any] = {}
    for part in parts:
        for lookup in CASE_PARTS[part]:
            made = lookup() if callable(lookup) else lookup
            lookups[made.prefetch_to if isinstance(made, Prefetch) else made] = made
    if "possible_duplicates" in lookups:
        # A possible duplicate is shown only where the viewer may open it: another authority's case
        # reference is not theirs to learn.
        lookups["possible_duplicates"] = Prefetch(
            "possible_duplicates",
            queryset=PossibleDuplicate.objects.filter(matches__in=cases_visible_to(user)).select_related("matches"))
    referral = (
        cases_visible_to(user)
        .select_related("case_file", "case_file__allocated_to", "first_responder_organisation",
                        "competent_authority", "local_authority", "support_case")
        .prefetch_related(*lookups.values())
        .annotate(**(annotations or {}))
        .filter(pk=referral_id).first()
    )
    if referral is None or not hasattr(referral, "case_file"):
        raise refused(user=user, record_type=Referral, record_id=referral_id)
    record_access(user=user, action=AccessAction.VIEW, record=referral)
    return referral


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


def served_decisions_for_referrer(user: User, referral: Referral) -> list[Decision]:
    """What the first responder sees of the decisions on their own referral."""
    if not is_referring_organisation(user, referral):
        return []
    return list(Decision.objects.filter(case__referral=referral, status=DecisionStatus.SERVED).order_by("served_at"))


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    title: str
    by: str
    detail: str = ""


def timeline(referral: Referral) -> list[TimelineEntry]:
    """Everything that happened to the case, newest first (MoJ timeline). A step with an actor and a
    subject names both: "Allocated to Mark Wilson" by Kwame Mensah."""
    case = referral.case_file
    organisation = referral.first_responder_organisation.name
    entries = [TimelineEntry(referral.submitted_at, "Referral submitted", organisation)]
    entries.extend(_allocation_history(case))
    for request in referral.information_requests.all():
        entries.append(TimelineEntry(request.requested_at, f"Information requested from {organisation}",
                                     request.requested_by.full_name, request.question))
        if request.answered_at:
            by = request.answered_by.full_name if request.answered_by_id else organisation
            entries.append(TimelineEntry(request.answered_at, f"Information received from {organisation}",
                                         by, request.answer))
    entries.extend(_decision_history(case))
    for reconsideration in case.reconsiderations.all():
        decision = reconsideration.decision
        entries.append(TimelineEntry(
            reconsideration.requested_at,
            f"Reconsideration of the {decision.get_outcome_display().lower()} {decision.get_stage_display()} "
            "decision requested", f"{reconsideration.requested_by.full_name} ({organisation})",
            reconsideration.reasons))
    for transfer in case.transfers.all():
        entries.append(TimelineEntry(transfer.transferred_at, f"Transferred from {transfer.from_authority.name} to "
                                     f"{transfer.to_authority.name}", transfer.transferred_by.full_name,
                                     transfer.reason))
    for note in case.notes.all():
        entries.append(TimelineEntry(note.created_at, "Note", note.author.full_name, note.text))
    if case.withdrawn_at:
        entries.append(TimelineEntry(case.withdrawn_at, "Withdrawn from the NRM", "", case.withdrawal_reason))
    if case.closed_at:
        entries.append(TimelineEntry(case.closed_at, "Case closed", ""))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _allocation_history(case: CaseFile) -> list[TimelineEntry]:
    """Each allocation and reallocation from the case file's change history (written by trigger): to whom,
    and by which manager (allocations made before the manager was recorded name only the decision maker).
    One query: the names are joined in."""
    events = list(CaseFile.pgh_event_model.objects.filter(pgh_obj_id=case.pk, allocated_at__isnull=False)
                  .order_by("pgh_id").values("allocated_to_id", "allocated_at", to=F("allocated_to__full_name"),
                                             by=F("allocated_by__full_name")))
    entries, seen = [], set()
    for event in events:
        key = (event["allocated_to_id"], event["allocated_at"])
        if key in seen or not event["allocated_to_id"]:
            continue
        title = "Reallocated" if seen else "Allocated"
        seen.add(key)
        entries.append(TimelineEntry(event["allocated_at"], f"{title} to {event['to']}", event["by"] or ""))
    return entries


def _decision_history(case: CaseFile) -> list[TimelineEntry]:
    """Each decision's steps from its change history (written by trigger), so a decision returned
    and later signed off shows both steps, not only its latest state."""
    decisions = [decision.pk for decision in case.decisions.all()]
    events = Decision.pgh_event_model.objects.filter(pgh_obj_id__in=decisions).order_by("pgh_id")
    people = {user.pk: user.full_name for user in User.objects.filter(
        pk__in={e.author_id for e in events} | {e.reviewer_id for e in events if e.reviewer_id})}
    entries, previous_status = [], {}
    for event in events:
        name = f"{Stage(event.stage).label} decision"
        author = people.get(event.author_id, "")
        if event.pgh_label == "insert":
            entries.append(TimelineEntry(event.pgh_created_at, f"{name} drafted", author))
        elif event.status != previous_status.get(event.pgh_obj_id):
            reviewer = people.get(event.reviewer_id, "") if event.reviewer_id else ""
            if event.status == DecisionStatus.AWAITING_REVIEW:
                entries.append(TimelineEntry(event.pgh_created_at, f"{name} sent for second review", author))
            elif event.status == DecisionStatus.RETURNED:
                entries.append(TimelineEntry(event.pgh_created_at, f"{name} returned to {author}", reviewer,
                                             event.review_comments))
            elif event.status == DecisionStatus.SERVED:
                title = f"{Outcome(event.outcome).label} {name.lower()} signed off and served"
                entries.append(TimelineEntry(event.pgh_created_at, title, reviewer or author,
                                             f"Decision written by {author}" if reviewer else ""))
        previous_status[event.pgh_obj_id] = event.status
    return entries


def _audits_visible_to(user: User) -> QuerySet[QualityAudit]:
    if not permissions.may_audit(user):
        return QualityAudit.objects.none()
    return (QualityAudit.objects.filter(decision__case__referral__competent_authority_id=user.organisation_id)
            .select_related("decision__case__referral", "decision__author"))


def audits_for(user: User) -> list[QualityAudit]:
    """The quality auditor's list (pages and API): the audits of their authority's decisions, logged as
    listed (each row names a case and a decision)."""
    audits = list(_audits_visible_to(user).order_by("completed_at", "-pk")[:200])
    record_list_access(user=user, records=audits, model=QualityAudit)
    return audits


def audit_for(user: User, audit_id: Any) -> QualityAudit:
    """One audit for its auditor (the finding page shows the decision's reasons): logged, or 404 (logged)."""
    audit = _audits_visible_to(user).filter(pk=audit_id).first() if str(audit_id).isdigit() else None
    if audit is None:
        raise refused(user=user, record_type=QualityAudit, record_id=audit_id)
    record_access(user=user, action=AccessAction.VIEW, record=audit)
    return audit


def audit_feedback_for(user: User) -> list[QualityAudit]:
    """Completed audits of a decision maker's own decisions (their home page), logged as listed."""
    audits = list(QualityAudit.objects.filter(decision__author=user, completed_at__isnull=False)
                  .select_related("decision__case__referral").order_by("-completed_at")[:20])
    record_list_access(user=user, records=audits, model=QualityAudit)
    return audits


def allocated_to_me(user: User) -> list[Referral]:
    """A decision maker's open cases for their home panel (at most 20), logged as listed."""
    mine = list(cases_visible_to(user).filter(case_file__allocated_to=user)
                .exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN])
                .select_related("case_file")[:20])
    record_list_access(user=user, records=mine, model=Referral)
    return mine


def reviews_waiting_for(user: User) -> list[Referral]:
    """Cases with a decision waiting for a second reviewer other than its author (at most 20), logged."""
    waiting = list(cases_visible_to(user).filter(case_file__decisions__status=DecisionStatus.AWAITING_REVIEW)
                   .exclude(case_file__decisions__author=user).distinct()[:20])
    record_list_access(user=user, records=waiting, model=Referral)
    return waiting


def transfer_destinations(referral: Referral) -> QuerySet[Organisation]:
    """The competent authorities a case can be sent to: active, not the one holding it, and with active
    casework staff (a manager or a decision maker), so a transferred case lands in a queue someone reads."""
    staff = User.objects.filter(organisation_id=OuterRef("pk"), is_active=True,
                                groups__name__in=[Role.CA_MANAGER.label, Role.DECISION_MAKER.label])
    return (Organisation.objects.holding(OrgRole.COMPETENT_AUTHORITY).filter(is_active=True)
            .exclude(pk=referral.competent_authority_id).filter(Exists(staff)).order_by("name"))


CLOSED_STATUSES = (ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN, ReferralStatus.HISTORIC)


def decision_makers_with_caseload(user: User) -> list[User]:
    """The decision makers of the user's authority by name, each with `open_cases` (cases allocated to
    them and not closed, withdrawn or historic) and `away` (away today): one query, however many."""
    today = working_days.today()
    people = list(decision_makers(user).annotate(open_cases=Count(
        "allocated_cases", filter=~Q(allocated_cases__referral__status__in=CLOSED_STATUSES))))
    for person in people:
        person.away = person.is_away(today)
    return people


def audits_waiting_for(user: User, *, limit: int = 20) -> list[QualityAudit]:
    """The auditor's authority's sampled decisions with no finding yet, oldest sample first."""
    if not user.has_role(Role.QUALITY_AUDITOR):
        return []
    audits = list(QualityAudit.objects.filter(
        decision__case__referral__competent_authority_id=user.organisation_id, completed_at__isnull=True)
        .select_related("decision__case__referral").order_by("quarter", "pk")[:limit])
    record_list_access(user=user, records=audits, model=QualityAudit)  # each names a case: logged as listed
    return audits


def decision_makers(user: User) -> QuerySet[User]:
    return (User.objects.filter(organisation_id=user.organisation_id, groups__name=Role.DECISION_MAKER.label,
                                is_active=True).order_by("full_name"))
