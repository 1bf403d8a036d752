"""Reads behind the forecasts (decisions/forecast.py): each authority's recent throughput and the queue
ahead of a case, in a fixed small number of queries whatever the size of the queue. The callers have
already checked that the user may see the case; these reads return counts and dates, no personal data.

At national scale an authority's CG queue holds tens of thousands of cases, and counting those ahead of
one case on every page would cost more than the page. So the queue is read once, as the sorted
submission times of its ready cases, and kept for READY_QUEUE_SECONDS; a case's place is a binary search
in it. A case file's `received_at` is its referral's `submitted_at` (case_file_open opens it so), and
the queue is read in that order through the referral's `referral_cg_queue_idx`."""

from __future__ import annotations

import datetime
from array import array
from bisect import bisect_left
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from core import working_days
from decisions import forecast, permissions
from decisions.models import Decision, DecisionStatus, Stage
from referrals.models import AWAITING_CG, InformationRequest, Referral, ReferralKind, ReferralStatus
from referrals.permissions import is_referring_organisation

RG_WAITING = (ReferralStatus.SUBMITTED, ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED,
              ReferralStatus.RG_AWAITING_REVIEW)
CACHE_SECONDS = 24 * 60 * 60
# How old the snapshot of an authority's ready queue may be: a forecast in weeks does not move with the
# cases decided in the last few minutes (the flow dashboard's figures are as old).
READY_QUEUE_SECONDS = 10 * 60
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class DaysBetween(Func):
    """Whole days from the second date to the first (PostgreSQL's date - date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class EpochMicroseconds(Func):
    """A moment as whole microseconds since the epoch (Django's Extract would read it in local time)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def waiting_for_cg() -> Q:
    """Cases whose next decision is a CG: after a positive RG, or a CG negative being reconsidered (one
    IN list, so that PostgreSQL matches it to the queue's partial index)."""
    return Q(status__in=AWAITING_CG)


def waiting_for_rg() -> Q:
    return Q(status__in=RG_WAITING) | Q(status=ReferralStatus.RG_RECONSIDERATION)


def ready_for_cg(today: datetime.date) -> Q:
    """Minimum recovery period over and no request for information outstanding."""
    return waiting_for_cg() & Q(case_file__recovery_period_ends_on__lt=today) & ~Q(
        pk__in=InformationRequest.objects.filter(answered_at=None).values("referral_id"))


def authority_cases(authority_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(competent_authority_id=authority_id, kind=ReferralKind.NRM)


def _window(today: datetime.date, weeks: int = forecast.WEEKS) -> tuple[datetime.date, datetime.date]:
    """The last `weeks` whole weeks, ending yesterday: the figures do not change through the day."""
    return today - datetime.timedelta(days=7 * weeks), today


def _served(authority_id: int, stage: str, start: datetime.date, end: datetime.date) -> QuerySet[Decision]:
    return (Decision.objects.filter(stage=stage, status=DecisionStatus.SERVED,
                                    case__referral__competent_authority_id=authority_id,
                                    served_at__gte=start_of_day(start),
                                    served_at__lt=start_of_day(end)))


def cg_throughput(authority_id: int, today: datetime.date, weeks: int = forecast.WEEKS) -> forecast.Throughput:
    """CG decisions served per week over the last `weeks` weeks (one query)."""
    start, end = _window(today, weeks)
    counts = [0] * weeks
    for row in (_served(authority_id, Stage.CG, start, end).annotate(day=TruncDate("served_at"))
                .values("day").annotate(n=Count("pk")).order_by()):
        counts[min((row["day"] - start).days // 7, weeks - 1)] += row["n"]
    return forecast.Throughput(tuple(counts))


def cg_recent_waits(authority_id: int, today: datetime.date) -> list[int]:
    """Days from the end of the recovery period to served, of each CG decision of the last 12 weeks (one
    query; a few thousand small numbers at national scale, cached for the day by authority_figures)."""
    start, end = _window(today)
    return sorted(_served(authority_id, Stage.CG, start, end).filter(case__recovery_period_ends_on__isnull=False)
                  .annotate(waited=DaysBetween(TruncDate("served_at"), F("case__recovery_period_ends_on")))
                  .values_list("waited", flat=True))


def rg_on_time(authority_id: int, today: datetime.date) -> tuple[int, int]:
    """(RG decisions served in the last 12 weeks, of which on or before their due date), one query."""
    start, end = _window(today)
    row = (_served(authority_id, Stage.RG, start, end).annotate(served_on=TruncDate("served_at"))
           .aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(served_on__lte=F("case__rg_due_on")))))
    return row["n"], row["on_time"]


def authority_figures(authority_id: int, today: datetime.date) -> dict:
    """The authority's CG throughput, recent CG waits and RG timeliness over the 12 weeks that end yesterday.
    They cannot change during the day (a decision served today falls outside the window), so they are
    cached for the day: a case page reads them without a query once one page has."""
    key = f"forecast:authority:{authority_id}:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    served, on_time = rg_on_time(authority_id, today)
    figures = {"weekly": cg_throughput(authority_id, today).weekly, "waits": cg_recent_waits(authority_id, today),
               "rg_served": served, "rg_on_time": on_time}
    cache.set(key, figures, timeout=CACHE_SECONDS)
    return figures


def microseconds(moment: datetime.datetime) -> int:
    """A moment as whole microseconds since the epoch, as ready_queue holds them."""
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def ready_queue(authority_id: int, today: datetime.date) -> array:
    """The submission times of the authority's cases ready for a CG decision today, ascending, in
    microseconds since the epoch: one query, then kept for READY_QUEUE_SECONDS (8 bytes a case)."""
    key = f"forecast:ready-queue:{authority_id}:{today.isoformat()}"
    cached = cache.get(key)
    times = array("q")
    if cached is not None:
        times.frombytes(cached)
        return times
    times.extend(authority_cases(authority_id).filter(ready_for_cg(today)).order_by("submitted_at")
                 .annotate(at=EpochMicroseconds("submitted_at"))
                 .values_list("at", flat=True))
    cache.set(key, times.tobytes(), timeout=READY_QUEUE_SECONDS)
    return times


def position_annotations() -> dict[str, Any]:
    """What queue_position needs of the case beyond the authority's ready queue, as an annotation, so that
    a page reads it with the case itself."""
    return {"forecast_information_open": Exists(InformationRequest.objects.filter(referral_id=OuterRef("pk"),
                                                                                  answered_at=None))}


def queue_position(referral: Referral, today: datetime.date) -> tuple[int, bool]:
    """(ready cases of the authority referred before this one, whether a request for information is open):
    the first from the authority's ready queue, the second from the annotation when the case was read with
    it, otherwise in one query."""
    ahead = bisect_left(ready_queue(referral.competent_authority_id, today), microseconds(referral.submitted_at))
    if hasattr(referral, "forecast_information_open"):
        return ahead, referral.forecast_information_open
    return ahead, InformationRequest.objects.filter(referral_id=referral.pk, answered_at=None).exists()


def forecast_for(referral: Referral, *, today: datetime.date | None = None) -> forecast.Forecast | None:
    """The forecast of an open case's next decision, or None when no decision is pending. For a CG wait, one
    query (whether a request for information is open) unless the case was read with position_annotations,
    once the authority's figures and ready queue are cached; none for a RG decision."""
    case = getattr(referral, "case_file", None)
    if case is None or referral.kind != ReferralKind.NRM or not referral.competent_authority_id:
        return None
    today = today or working_days.today()
    status = referral.status
    if status in RG_WAITING or status == ReferralStatus.RG_RECONSIDERATION:
        figures = authority_figures(referral.competent_authority_id, today)
        return forecast.rg_forecast(due_on=case.rg_due_on, served=figures["rg_served"], on_time=figures["rg_on_time"],
                                    today=today, reconsidering=status == ReferralStatus.RG_RECONSIDERATION)
    if status not in AWAITING_CG or not case.recovery_period_ends_on:
        return None
    figures = authority_figures(referral.competent_authority_id, today)
    ready_on = case.cg_possible_from  # the day after the minimum recovery period
    ahead, information_open = queue_position(referral, today)
    return forecast.cg_forecast(today=today, throughput=forecast.Throughput(tuple(figures["weekly"])),
                                cases_ahead=ahead, ready_on=ready_on, ready=ready_on <= today and not information_open,
                                waits=figures["waits"],
                                information_outstanding=information_open)


def forecast_reader(user, referral: Referral) -> forecast.Forecast | None:
    """The referral page's forecast (registered with referrals.forecasts): for the referring first
    responder and the case's competent authority."""
    if not (is_referring_organisation(user, referral) or permissions.works_on(user, referral)):
        return None
    return forecast_for(referral)
