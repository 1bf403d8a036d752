"""Writes for victim care: opening a support case, allocation to a provider, moves and exit."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from organisations.models import Organisation, OrganisationKind, Role, User
from referrals.models import Nation, Referral
from victim_care.funding import MissingTariff
from victim_care.models import Allocation, SupportCase, SupportStatus, Tariff

CONTRACT_NATIONS = (Nation.ENGLAND, Nation.WALES)


class NotInContract(Exception):
    """Children, and people referred in Scotland or Northern Ireland, are supported elsewhere."""


def support_case_open(*, referral: Referral) -> SupportCase:
    """After a served positive RG: an adult referred in England or Wales who wants support."""
    if referral.is_child is not False:
        raise NotInContract("Children are supported by their local authority, not this contract.")
    if referral.nation not in CONTRACT_NATIONS:
        raise NotInContract("Scotland and Northern Ireland support people under their own arrangements.")
    if referral.wants_support is False:
        raise NotInContract("The person did not want support.")
    support_case, _ = SupportCase.objects.get_or_create(referral=referral)
    return support_case


def _require_case_manager(user: User) -> None:
    if not (user.has_role(Role.PC_CASE_MANAGER) and user.organisation.kind == OrganisationKind.PRIME_CONTRACTOR):
        raise PermissionDenied("Only the prime contractor's case managers allocate support.")


def _require_rate(provider: Organisation, support_type: str, on: datetime.date) -> None:
    if not Tariff.objects.filter(provider=provider, support_type=support_type, valid_from__lte=on).exists():
        raise MissingTariff(f"{provider.name} has no {support_type} rate in force on {on}.")


def allocation_move(*, support_case: SupportCase, provider: Organisation, support_type: str, on: datetime.date,
                    by: User) -> Allocation:
    """Allocate the person to a provider from `on`, ending any current allocation the same day."""
    _require_case_manager(by)
    if provider.kind != OrganisationKind.SUPPORT_PROVIDER:
        raise PermissionDenied("Allocate to a support provider.")
    _require_rate(provider, support_type, on)
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=support_case.pk)
        if locked.status == SupportStatus.EXITED:
            raise PermissionDenied("The person has left support.")
        current = locked.allocations.filter(end_on__isnull=True).first()
        if current is not None:
            current.end_on = on
            current.save(update_fields=["end_on"])
        allocation = Allocation.objects.create(support_case=locked, provider=provider, support_type=support_type,
                                               start_on=on, created_by=by)
        locked.status = SupportStatus.SUPPORTED
        locked.save(update_fields=["status"])
    return allocation


def support_exit(*, support_case: SupportCase, on: datetime.date, reason: str, by: User) -> SupportCase:
    """End support: the last allocation ends on `on` (move-on, withdrawal, disappearance, transfer)."""
    _require_case_manager(by)
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=support_case.pk)
        locked.allocations.filter(end_on__isnull=True).update(end_on=on)
        locked.status, locked.exited_on, locked.exit_reason = SupportStatus.EXITED, on, reason
        locked.save(update_fields=["status", "exited_on", "exit_reason"])
    return locked
