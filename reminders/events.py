"""Event notifications: when work is handed to someone, or a decision reaches the people it concerns, each
of them gets one notification, in the service and by email (a reference and a link, nothing else).

They are reminder rows (reminders.models.Reminder) of an event rule, written in the transaction that made
the change by a handler of the upstream app's signal (connected in ReminderConfig.ready), so they commit
or roll back with it. The row's unique key (rule, record, day, recipient) makes each event notify each
person once however often a handler runs; the dispatch sends each row once (SKIP LOCKED), as it does the
deadline reminders. A task asked for on commit sends them at once instead of at the next five-minute run."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core import working_days
from core.outbox import publish_on_commit
from decisions.models import CaseFile, Decision, InvolvementDeclaration, Reconsideration
from organisations.models import OrgRole, Role, User
from referrals.models import InformationRequest, Referral
from referrals.selectors import current_guardian_of
from reminders.models import ReminderRule
from reminders.rules.planning import Planned
from reminders.services import _upsert
from victim_care.models import Allocation, SupportCase, SupportStatus

EVENT_RULES = frozenset({
    ReminderRule.CASE_ALLOCATED, ReminderRule.DECISION_AWAITING_REVIEW, ReminderRule.DECISION_RETURNED,
    ReminderRule.DECISION_SERVED, ReminderRule.INFORMATION_REQUESTED, ReminderRule.INFORMATION_ANSWERED,
    ReminderRule.RECONSIDERATION_REQUESTED, ReminderRule.SUPPORT_CASE_OPENED, ReminderRule.SUPPORT_ALLOCATED,
    ReminderRule.SUPPORT_MOVED_AWAY,
})


def _active(users: QuerySet[User]) -> list[int]:
    return list(users.filter(is_active=True).order_by("pk").values_list("pk", flat=True).distinct())


def members(role: Role, organisation_id: int | None) -> list[int]:
    if not organisation_id:
        return []
    return _active(User.objects.filter(organisation_id=organisation_id, groups__name=role.label))


def case_managers() -> list[int]:
    return _active(User.objects.filter(groups__name=Role.PC_CASE_MANAGER.label,
                                       organisation__roles__contains=[OrgRole.PRIME_CONTRACTOR]))


def notify(rule: ReminderRule, referral: Referral, recipients: Iterable[int | None], link: str) -> int:
    """One notification of `rule` about `referral` to each recipient, sent as soon as the change commits."""
    now = timezone.now()
    wanted = [recipient for recipient in dict.fromkeys(recipients) if recipient]
    _upsert([Planned(rule=rule, referral_id=referral.pk, reference=referral.reference or "", link=link,
                     competent_authority_id=referral.competent_authority_id,
                     due_on=working_days.local_date(now), recipient_id=recipient, send_at=now)
             for recipient in wanted], now)
    if wanted:
        publish_on_commit("reminders.tasks.deliver_events")
    return len(wanted)


def _case_link(referral: Referral) -> str:
    return reverse("decisions:case", args=[referral.pk])


def _referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _support_link(support_case_id: int) -> str:
    return reverse("victim_care:case", args=[support_case_id])


def on_case_allocated(sender, case: CaseFile, previous_id: int | None = None, **kwargs) -> None:
    notify(ReminderRule.CASE_ALLOCATED, case.referral, [case.allocated_to_id], _case_link(case.referral))


def on_decision_sent_for_review(sender, decision: Decision, **kwargs) -> None:
    referral = decision.case.referral
    involved = set(InvolvementDeclaration.objects.filter(case_id=decision.case_id).values_list("user_id", flat=True))
    reviewers = [user for user in members(Role.SECOND_REVIEWER, referral.competent_authority_id)
                 if user != decision.author_id and user not in involved]
    notify(ReminderRule.DECISION_AWAITING_REVIEW, referral, reviewers, _case_link(referral))


def on_decision_returned(sender, decision: Decision, **kwargs) -> None:
    referral = decision.case.referral
    notify(ReminderRule.DECISION_RETURNED, referral, [decision.author_id], _case_link(referral))


def on_decision_served(sender, decision: Decision, **kwargs) -> None:
    """The referring organisation's first responders; a child's local authority, and the child's guardian
    (the named guardian, or the guardian service's guardians while none is named); for a person in support
    (with a provider now), the prime contractor's case managers and that provider's support workers."""
    referral = decision.case.referral
    notify(ReminderRule.DECISION_SERVED, referral,
           members(Role.FIRST_RESPONDER, referral.first_responder_organisation_id), _referral_link(referral))
    if referral.is_child and referral.local_authority_id:
        notify(ReminderRule.DECISION_SERVED, referral,
               members(Role.LA_SAFEGUARDING_LEAD, referral.local_authority_id), _referral_link(referral))
    guardian = current_guardian_of(referral)
    if guardian is not None:
        guardians = members(Role.CHILD_GUARDIAN, guardian.guardian_service_id)
        named = [guardian.guardian_id] if guardian.guardian_id in guardians else guardians
        notify(ReminderRule.DECISION_SERVED, referral, named, _referral_link(referral))
    support = SupportCase.objects.filter(referral_id=referral.pk, status=SupportStatus.SUPPORTED).first()
    if support is not None:
        notify(ReminderRule.DECISION_SERVED, referral, case_managers(), _support_link(support.pk))
        current = Allocation.objects.filter(support_case=support, end_on__isnull=True).first()
        if current is not None:
            notify(ReminderRule.DECISION_SERVED, referral, members(Role.SUPPORT_WORKER, current.provider_id),
                   _support_link(support.pk))


def on_information_requested(sender, request: InformationRequest, **kwargs) -> None:
    referral = request.referral
    notify(ReminderRule.INFORMATION_REQUESTED, referral,
           members(Role.FIRST_RESPONDER, referral.first_responder_organisation_id), _referral_link(referral))


def on_information_answered(sender, request: InformationRequest, **kwargs) -> None:
    referral = request.referral
    holder = CaseFile.objects.filter(referral_id=referral.pk).values_list("allocated_to_id", flat=True).first()
    notify(ReminderRule.INFORMATION_ANSWERED, referral, [holder or request.requested_by_id], _case_link(referral))


def on_reconsideration_requested(sender, reconsideration: Reconsideration, **kwargs) -> None:
    case = reconsideration.case
    referral = case.referral
    notify(ReminderRule.RECONSIDERATION_REQUESTED, referral,
           [*members(Role.CA_MANAGER, referral.competent_authority_id), case.allocated_to_id], _case_link(referral))


def on_support_case_opened(sender, support_case: SupportCase, **kwargs) -> None:
    notify(ReminderRule.SUPPORT_CASE_OPENED, support_case.referral, case_managers(), _support_link(support_case.pk))


def on_support_allocated(sender, allocation: Allocation, previous_provider_id: int | None = None, **kwargs) -> None:
    """The receiving provider's support workers; on a move, the previous provider's too (told only that the
    person has moved on, never where)."""
    support_case = allocation.support_case
    referral = support_case.referral
    if previous_provider_id == allocation.provider_id:
        return  # a change of support type with the same provider hands nothing over
    notify(ReminderRule.SUPPORT_ALLOCATED, referral, members(Role.SUPPORT_WORKER, allocation.provider_id),
           _support_link(support_case.pk))
    if previous_provider_id:
        notify(ReminderRule.SUPPORT_MOVED_AWAY, referral, members(Role.SUPPORT_WORKER, previous_provider_id),
               reverse("victim_care:home"))
