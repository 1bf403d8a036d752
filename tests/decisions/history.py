"""Case histories written straight to the tables (the services would take minutes for hundreds of cases):
referrals at a status, with their case file and served decisions at given dates."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, Stage
from referrals.models import Referral, ReferralKind, ReferralStatus

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def case(*, authority, responder, status: str, received: datetime.date, recovery_ends: datetime.date | None = None,
         rg_served: datetime.date | None = None, cg_served: datetime.date | None = None,
         rg_due: datetime.date | None = None,
         gender: str = "female", is_child: bool | None = False, nationality: str = "NG",
         allocated_to=None) -> Referral:
    """One NRM case. `rg_served` and `cg_served` add served positive decisions by `responder` (any user
    will do as the author of a row written for a test)."""
    referral = Referral.objects.create(
        reference=f"T-{next(_numbers):06d}", kind=ReferralKind.NRM, status=status, nation="england",
        first_responder_organisation=responder.organisation, created_by=responder, competent_authority=authority,
        submitted_at=at(received), gender=gender, is_child=is_child, nationality=nationality,
        age_at_exploitation="adult" if is_child is False else "child" if is_child else "unknown")
    file = CaseFile.objects.create(referral=referral, received_at=at(received),
                                   rg_due_on=rg_due or received + datetime.timedelta(days=7),
                                   recovery_period_ends_on=recovery_ends, allocated_to=allocated_to,
                                   allocated_at=at(received) if allocated_to else None)
    for stage, served in ((Stage.RG, rg_served), (Stage.CG, cg_served)):
        if served:
            Decision.objects.create(case=file, stage=stage, outcome=Outcome.POSITIVE, reasons="r",
                                    evidence_considered="e", status=DecisionStatus.SERVED, author=responder,
                                    served_at=at(served))
    return referral


def steady_history(*, authority, responder, today: datetime.date, per_week: int, weeks: int = 12,
                   wait_days: int = 100) -> list[Referral]:
    """`per_week` CG decisions served in each of the last `weeks` weeks, each `wait_days` after the case
    was ready, and its RG on time."""
    made = []
    start = today - datetime.timedelta(days=7 * weeks)
    for week in range(weeks):
        for number in range(per_week):
            served = start + datetime.timedelta(days=7 * week + number % 7)
            ready = served - datetime.timedelta(days=wait_days)
            received = ready - datetime.timedelta(days=60)
            made.append(case(authority=authority, responder=responder, status=ReferralStatus.CLOSED,
                             received=received, recovery_ends=ready - datetime.timedelta(days=1),
                             rg_served=received + datetime.timedelta(days=3), cg_served=served))
    return made
