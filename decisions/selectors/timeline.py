"""A case's history for its timeline page, from the records and their change history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F

from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, Stage
from organisations.models import User
from referrals.models import Referral


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
