"""Changes to a case as a whole: opening its case file, allocation, transfer, withdrawal, closure
(by hand and by the daily job), notes and declarations of involvement. Each locks the referral row, checks
the workflow table and the actor's rights, and lets the database triggers write the history."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from core import working_days
from core.errors import Conflict, Invalid, NotAllowed
from decisions import permissions
from decisions.models import CaseFile, CaseNote, InvolvementDeclaration, Transfer
from decisions.selectors.staff import transfer_destinations
from decisions.signals import case_allocated, case_ended
from decisions.workflow import CASE, Action
from organisations.models import Organisation, OrgRole, User
from referrals.models import Referral, ReferralKind, ReferralStatus

logger = logging.getLogger(__name__)


def case_file_open(referral: Referral) -> CaseFile:
    """The case file of a routed referral, created with its RG deadline on first need."""
    case, _ = CaseFile.objects.get_or_create(
        referral=referral,
        defaults={"received_at": referral.submitted_at, "rg_due_on": working_days.rg_target(referral.submitted_at)},
    )
    return case


def on_referral_submitted(sender, referral_id, **kwargs) -> None:
    """referrals.signals.referral_submitted: open the case file of an NRM referral."""
    referral = Referral.objects.filter(pk=referral_id, kind=ReferralKind.NRM).first()
    if referral is not None:
        case_file_open(referral)


def lock_case(referral: Referral) -> tuple[Referral, CaseFile]:
    """The referral locked for update, with its case file: every change to a case starts here."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    return locked, case_file_open(locked)


def move_case(referral: Referral, action: Action) -> None:
    """Move the referral through the case workflow table (Conflict if the table does not allow it) and save."""
    CASE.move(referral, action)
    referral.save(update_fields=["status", "updated_at"])


def require(allowed: bool, message: str) -> None:
    """The access check every service makes: NotAllowed with the message unless allowed."""
    if not allowed:
        raise NotAllowed(message)


def case_allocate(*, referral: Referral, to: User, by: User) -> CaseFile:
    """Allocate (or reallocate) a case to a decision maker, moving the per-case grant with it."""
    with transaction.atomic():
        locked, case = lock_case(referral)
        require(permissions.may_manage(by, locked), "Only the competent authority's managers allocate cases.")
        if not permissions.may_be_allocated(to, locked):
            raise Invalid("Cases are allocated to decision makers of the deciding competent authority.",
                          fields={"to": ["Choose a decision maker of the deciding competent authority."]})
        if locked.status == ReferralStatus.SUBMITTED:
            move_case(locked, Action.ALLOCATE)
        elif locked.status in (ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN):
            raise CASE.refusal(Action.ALLOCATE, locked.status)
        if case.allocated_to_id and case.allocated_to_id != to.pk:
            remove_perm(f"referrals.{permissions.DECIDE}", case.allocated_to, locked)
        assign_perm(f"referrals.{permissions.DECIDE}", to, locked)
        previous_id = case.allocated_to_id
        case.allocated_to, case.allocated_at, case.allocated_by = to, timezone.now(), by
        case.save(update_fields=["allocated_to", "allocated_at", "allocated_by"])
        if previous_id != to.pk:
            case_allocated.send(sender=CaseFile, case=case, previous_id=previous_id)
    return case


def case_transfer(*, referral: Referral, to_authority: Organisation, reason: str, by: User) -> Transfer:
    """Send a case not yet decided to the other competent authority, with a reason."""
    with transaction.atomic():
        locked, case = lock_case(referral)
        require(permissions.may_manage(by, locked), "Only the competent authority's managers transfer cases.")
        same = to_authority.pk == locked.competent_authority_id
        if not to_authority.holds(OrgRole.COMPETENT_AUTHORITY) or same:
            raise Invalid("Transfer to another competent authority.",
                          fields={"to_authority": ["Choose another competent authority."]})
        if not transfer_destinations(locked).filter(pk=to_authority.pk).exists():
            message = f"{to_authority.name} has no active casework staff: choose another competent authority"
            raise Invalid(message, fields={"to_authority": [message]})
        move_case(locked, Action.TRANSFER)
        transfer = Transfer.objects.create(case=case, from_authority_id=locked.competent_authority_id,
                                           to_authority=to_authority, reason=reason, transferred_by=by)
        if case.allocated_to_id:
            remove_perm(f"referrals.{permissions.DECIDE}", case.allocated_to, locked)
        case.allocated_to, case.allocated_at = None, None
        case.save(update_fields=["allocated_to", "allocated_at"])
        locked.competent_authority = to_authority
        locked.save(update_fields=["competent_authority", "updated_at"])
    return transfer


def case_withdraw(*, referral: Referral, reason: str, by: User) -> CaseFile:
    """An adult withdraws from the NRM: recorded with reasons, the case ends and support ends the same day."""
    with transaction.atomic():
        locked, case = lock_case(referral)
        require(permissions.may_record(by, locked), "Only the deciding competent authority records withdrawal.")
        if locked.is_child:
            raise Conflict("A child's referral cannot be withdrawn.")
        move_case(locked, Action.WITHDRAW)
        now = timezone.now()
        case.withdrawn_at, case.withdrawal_reason, case.closed_at = now, reason, now
        case.save(update_fields=["withdrawn_at", "withdrawal_reason", "closed_at"])
        case_ended.send(sender=CaseFile, case=case, on=working_days.local_date(now), withdrawn=True)
    return case


def _close(locked: Referral, case: CaseFile, *, reason: str, now: datetime) -> CaseFile:
    move_case(locked, Action.CLOSE)
    case.closed_at, case.close_reason = now, reason
    case.save(update_fields=["closed_at", "close_reason"])
    case_ended.send(sender=CaseFile, case=case, on=working_days.local_date(now), withdrawn=False)
    return case


def case_close(*, referral: Referral, reason: str, by: User) -> CaseFile:
    """The competent authority closes a case after a decision, with a reason."""
    if not reason.strip():
        raise Invalid("Say why the case is being closed.", fields={"reason": ["Enter why the case is being closed"]})
    with transaction.atomic():
        locked, case = lock_case(referral)
        require(permissions.may_record(by, locked), "Only the deciding competent authority closes cases.")
        return _close(locked, case, reason=reason, now=timezone.now())


CLOSED_AFTER_WINDOW = "No reconsideration was asked for within the window."
CLOSED_AFTER_MOVE_ON = "Move-on ended after the Conclusive Grounds decision."


def _due_for_closing(now: datetime) -> Q:
    """A negative decision whose reconsideration window has passed (and, after a CG, whose move-on has
    ended); a positive CG whose move-on has ended."""
    today = working_days.local_date(now)
    window_passed = Q(case_file__reconsideration_due_by__lt=today)
    move_on_over = Q(case_file__move_on_at__isnull=True) | Q(case_file__move_on_at__lte=now)
    return (Q(status=ReferralStatus.RG_NEGATIVE) & window_passed
            | Q(status=ReferralStatus.CG_NEGATIVE) & window_passed & move_on_over
            | Q(status=ReferralStatus.CG_POSITIVE, case_file__move_on_at__lte=now))


def cases_close_due(*, now: datetime | None = None) -> int:
    """The daily job: close every case whose course has run. Each case is closed in its own transaction
    under a row lock taken with SKIP LOCKED and the state checked again under it, so a rerun, or two
    workers at once, close each case exactly once."""
    now = now or timezone.now()
    closed = 0
    for referral_id in Referral.objects.filter(_due_for_closing(now)).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            locked = (Referral.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(_due_for_closing(now), pk=referral_id).first())
            if locked is None:
                continue
            case = CaseFile.objects.get(referral=locked)
            reason = CLOSED_AFTER_MOVE_ON if locked.status == ReferralStatus.CG_POSITIVE else CLOSED_AFTER_WINDOW
            _close(locked, case, reason=reason, now=now)
            closed += 1
    if closed:
        logger.info("Closed %d cases whose course has run", closed)
    return closed


def involvement_declare(*, referral: Referral, details: str, by: User) -> InvolvementDeclaration:
    with transaction.atomic():
        _locked, case = lock_case(referral)
        require(permissions.works_on(by, referral), "Only staff of the deciding competent authority can declare.")
        declaration, _ = InvolvementDeclaration.objects.get_or_create(case=case, user=by,
                                                                       defaults={"details": details})
    return declaration


def note_add(*, referral: Referral, text: str, by: User) -> CaseNote:
    require(permissions.may_record(by, referral), "Only the deciding competent authority keeps notes.")
    return CaseNote.objects.create(case=case_file_open(referral), author=by, text=text)

