"""Writes for victim care: opening a support case, allocation to a provider, moves and exit."""

from __future__ import annotations

import contextlib
import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from core import working_days
from core.errors import Conflict, Invalid, NotAllowed
from organisations.models import Organisation, OrgRole, Role, User
from referrals.models import Referral, SupportRoute
from victim_care.lifecycle import SUPPORT, SupportAction
from victim_care.models import Allocation, CareRecordEntry, ProviderProfile, SupportCase, SupportStatus, Tariff
from victim_care.permissions import is_case_manager, may_write_care_record
from victim_care.signals import support_allocated, support_case_opened


class NotInContract(Conflict):
    """Children, and people referred in Scotland or Northern Ireland, are supported elsewhere."""


def support_case_open(*, referral: Referral) -> SupportCase:
    """After a served positive RG: an adult referred in England or Wales who wants support."""
    route = referral.support_route
    if route != SupportRoute.VICTIM_CARE_CONTRACT:
        raise NotInContract(f"Not in the adult victim care contract: {route.label}.")
    answers = referral.answers
    needs = "\n".join(filter(None, [
        answers.get("consent", {}).get("wants_support") == "yes" and "Wants support while the case is decided.",
        answers.get("personal-details", {}).get("needs_interpreter") == "yes"
        and f"Interpreter: {answers['personal-details'].get('interpreter_language', '')}",
        answers.get("personal-details", {}).get("dependants", ""),
        answers.get("exploitation", {}).get("living_conditions", ""),
    ]))
    risks = "\n".join(filter(None, [
        answers.get("risk", {}).get("future_risk", ""),
        answers.get("exploiters", {}).get("exploiter_location_known") == "yes"
        and f"Exploiters' location known: {answers['exploiters'].get('exploiter_location', '')}",
        answers.get("exploitation", {}).get("still_exploited") in ("yes", "not_sure") and "May still be exploited.",
    ]))
    support_case, created = SupportCase.objects.get_or_create(referral=referral,
                                                              defaults={"needs": needs, "risks": risks})
    if created:
        support_case_opened.send(sender=SupportCase, support_case=support_case)
    return support_case


SUPPORT_GRANT = "referrals.support_referral"


def on_decision_served(sender, decision, **kwargs) -> None:
    """decisions.signals.decision_served: a positive RG opens a support case when the contract covers the person."""
    if decision.stage == "rg" and decision.outcome == "positive":
        # Children: their local authority; Scotland and Northern Ireland: their own arrangements.
        with contextlib.suppress(NotInContract):
            support_case_open(referral=decision.case.referral)


def provider_group(provider: Organisation) -> Group:
    """The group whose members are the provider's support workers: per-person grants go to it, so a
    worker who joins later sees the people the provider supports, and one who leaves stops seeing them."""
    group, _ = Group.objects.get_or_create(name=f"Support provider {provider.pk} workers")
    return group


def sync_provider_membership(user: User) -> None:
    """Keep a user in exactly the provider group their organisation and role call for."""
    wanted = None
    if (user.is_active and user.organisation_id and user.organisation.holds(OrgRole.SUPPORT_PROVIDER)
            and user.groups.filter(name=Role.SUPPORT_WORKER.label).exists()):
        wanted = provider_group(user.organisation)
    stale = user.groups.filter(name__startswith="Support provider ").exclude(pk=getattr(wanted, "pk", None))
    if stale.exists():
        user.groups.remove(*stale)
    if wanted is not None and not user.groups.filter(pk=wanted.pk).exists():
        user.groups.add(wanted)


def on_user_saved(sender, instance: User, **kwargs) -> None:
    sync_provider_membership(instance)


def on_user_groups_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        sync_provider_membership(instance)


def _require_case_manager(user: User) -> None:
    if not is_case_manager(user):
        raise NotAllowed("Only the prime contractor's case managers allocate support.")


def _require_rate(provider: Organisation, support_type: str, on: datetime.date) -> None:
    if not Tariff.objects.filter(provider=provider, support_type=support_type, valid_from__lte=on).exists():
        message = f"{provider.name} has no {support_type} rate in force on {on:%-d %B %Y}."
        raise Invalid(message, fields={"provider": [message]})


def allocation_move(*, support_case: SupportCase, provider: Organisation, support_type: str, on: datetime.date,
                    by: User) -> Allocation:
    """Allocate the person to a provider from `on`, ending any current allocation the same day."""
    _require_case_manager(by)
    if not provider.holds(OrgRole.SUPPORT_PROVIDER):
        raise Invalid("Allocate to a support provider.", fields={"provider": ["Choose a support provider."]})
    _require_rate(provider, support_type, on)
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=support_case.pk)
        if locked.status == SupportStatus.EXITED:
            raise Conflict("The person has left support.")
        SUPPORT.move(locked, SupportAction.ALLOCATE)
        current = locked.allocations.filter(end_on__isnull=True).select_related("provider").first()
        if current is not None and on <= current.start_on:
            message = (f"The move must start after the current allocation started "
                       f"({current.start_on:%-d %B %Y}): enter a later date")
            raise Invalid(message, fields={"start_on": [message]})
        previous_provider_id = current.provider_id if current is not None else None
        if current is not None:
            current.end_on = on
            current.save(update_fields=["end_on"])
            if current.provider_id != provider.pk:
                # The old provider keeps what it wrote (care records it authored), not the person's file.
                remove_perm(SUPPORT_GRANT, provider_group(current.provider), locked.referral)
        assign_perm(SUPPORT_GRANT, provider_group(provider), locked.referral)
        allocation = Allocation.objects.create(support_case=locked, provider=provider, support_type=support_type,
                                               start_on=on, created_by=by)
        locked.save(update_fields=["status"])
        support_allocated.send(sender=Allocation, allocation=allocation, previous_provider_id=previous_provider_id)
    return allocation


def _exit(locked: SupportCase, on: datetime.date, reason: str) -> SupportCase:
    """End support on `on`: the open allocation ends that day (the day itself is no longer paid); one that
    starts that day or later keeps a single day (an allocation cannot be empty). Care records are kept."""
    SUPPORT.move(locked, SupportAction.EXIT)  # refuses a person who has already left support
    for allocation in locked.allocations.filter(end_on__isnull=True).select_related("provider"):
        remove_perm(SUPPORT_GRANT, provider_group(allocation.provider), locked.referral)
        if allocation.start_on < on:
            allocation.end_on = on
            allocation.save(update_fields=["end_on"])
        else:
            allocation.end_on = allocation.start_on + datetime.timedelta(days=1)
            allocation.save(update_fields=["end_on"])
    locked.exited_on, locked.exit_reason = on, reason
    locked.save(update_fields=["status", "exited_on", "exit_reason"])
    return locked


def support_exit(*, support_case: SupportCase, on: datetime.date, reason: str, by: User) -> SupportCase:
    """End support: the last allocation ends on `on` (move-on, withdrawal, disappearance, transfer)."""
    _require_case_manager(by)
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().select_related("referral").get(pk=support_case.pk)
        return _exit(locked, on, reason)


EXIT_MOVE_ON_ENDED = "move-on ended"
EXIT_WITHDRAWN = "withdrew from the NRM"
EXIT_CASE_CLOSED = "case closed"


def on_case_ended(sender, case, on: datetime.date, withdrawn: bool, **kwargs) -> None:
    """decisions.signals.case_ended: a withdrawal or closure ends support the same day (inside the same
    transaction). A case closed after its move-on has already left support at the move-on's end."""
    locked = (SupportCase.objects.select_for_update().select_related("referral")
              .filter(referral_id=case.referral_id).exclude(status=SupportStatus.EXITED).first())
    if locked is None:
        return
    if not withdrawn and case.move_on_at is not None and working_days.local_date(case.move_on_at) <= on:
        _exit(locked, working_days.local_date(case.move_on_at), EXIT_MOVE_ON_ENDED)
    else:
        _exit(locked, on, EXIT_WITHDRAWN if withdrawn else EXIT_CASE_CLOSED)


def support_exit_move_on_ended(*, now: datetime.datetime | None = None) -> int:
    """The daily job: everyone whose move-on period has ended leaves support with the reason "move-on ended"
    on the day it ended, keeping every record. One transaction per person, rows claimed with SKIP LOCKED, so
    a rerun or a second worker exits nobody twice."""
    now = now or timezone.now()
    due = Q(referral__case_file__move_on_at__lte=now) & ~Q(status=SupportStatus.EXITED)
    exited = 0
    for support_case_id in SupportCase.objects.filter(due).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            locked = (SupportCase.objects.select_for_update(skip_locked=True, of=("self",))
                      .select_related("referral__case_file").filter(due, pk=support_case_id).first())
            if locked is None:
                continue
            _exit(locked, working_days.local_date(locked.referral.case_file.move_on_at), EXIT_MOVE_ON_ENDED)
            exited += 1
    return exited


def current_provider_id(support_case: SupportCase) -> int | None:
    allocation = support_case.allocations.filter(end_on__isnull=True).only("provider_id").first()
    return allocation.provider_id if allocation else None


def care_entry_add(*, support_case: SupportCase, kind: str, text: str, by: User,
                   review_due_on: datetime.date | None = None, corrects: CareRecordEntry | None = None
                   ) -> CareRecordEntry:
    """Only the provider supporting the person now may write; a correction is a new entry."""
    if not may_write_care_record(by, current_provider_id(support_case)):
        raise NotAllowed("Only the provider supporting the person now can add to their care record.")
    if corrects is not None and corrects.support_case_id != support_case.pk:
        raise Invalid("A correction belongs to the same person's record.",
                      fields={"corrects": ["Choose an entry of this person's record."]})
    return CareRecordEntry.objects.create(support_case=support_case, provider_id=by.organisation_id, author=by,
                                          kind=kind, text=text, review_due_on=review_due_on, corrects=corrects)


def provider_profile_save(*, provider: Organisation, by: User, **fields) -> ProviderProfile:
    """The prime contractor keeps each provider's regions, services and bed spaces."""
    _require_case_manager(by)
    if not provider.holds(OrgRole.SUPPORT_PROVIDER):
        raise Invalid("Only support providers have a profile.")
    profile, _ = ProviderProfile.objects.update_or_create(organisation=provider, defaults=fields)
    return profile


def tariff_set(*, provider: Organisation, support_type: str, daily_rate_pence: int, valid_from: datetime.date,
               by: User) -> Tariff:
    """A new daily rate from a date; earlier days keep the rate that was in force then."""
    _require_case_manager(by)
    if not provider.holds(OrgRole.SUPPORT_PROVIDER):
        raise Invalid("Only support providers have tariffs.")
    tariff, _ = Tariff.objects.update_or_create(provider=provider, support_type=support_type, valid_from=valid_from,
                                                defaults={"daily_rate_pence": daily_rate_pence})
    return tariff


def support_case_assess(*, support_case: SupportCase, needs: str, risks: str, by: User) -> SupportCase:
    """The case manager's needs and risk assessment, before allocation and as it changes."""
    _require_case_manager(by)
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=support_case.pk)
        locked.needs, locked.risks = needs, risks
        locked.save(update_fields=["needs", "risks"])
    return locked
