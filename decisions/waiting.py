"""Reads behind the forecasts (decisions/forecast.py): each authority's recent throughput and the queue
ahead of a case, in a fixed small number of queries whatever the size of the queue. The callers have
already checked that the user may see the case; these reads return counts and dates, no personal data."""

from __future__ import annotations

import datetime

from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from core import working_days
from decisions import forecast, permissions
from decisions.models import Decision, DecisionStatus, Stage
from referrals.models import InformationRequest, Referral, ReferralKind, ReferralStatus
from referrals.permissions import is_referring_organisation

RG_WAITING = (ReferralStatus.SUBMITTED, ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED,
              ReferralStatus.RG_AWAITING_REVIEW)
CG_WAITING = (ReferralStatus.RG_POSITIVE, ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW)


class PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class DaysBetween(Func):
    """Whole days from the second date to the first (PostgreSQL's date - date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def waiting_for_cg() -> Q:
    """Cases whose next decision is a CG: after a positive RG, or a CG negative being reconsidered."""
    return Q(status__in=CG_WAITING) | Q(status=ReferralStatus.RECONSIDERATION,
                                         case_file__recovery_period_ends_on__isnull=False)


def waiting_for_rg() -> Q:
    return Q(status__in=RG_WAITING) | Q(status=ReferralStatus.RECONSIDERATION,
                                        case_file__recovery_period_ends_on__isnull=True)


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


def cg_wait_spread(authority_id: int, today: datetime.date) -> forecast.WaitSpread | None:
    """Percentiles of the days from ready (the day after the recovery period) to served (one query)."""
    start, end = _window(today)
    waited = DaysBetween(TruncDate("served_at"), F("case__recovery_period_ends_on"))
    row = (_served(authority_id, Stage.CG, start, end).filter(case__recovery_period_ends_on__isnull=False)
           .annotate(waited=waited)
           .aggregate(n=Count("pk"), p10=PercentileCont(F("waited"), 0.1), p50=PercentileCont(F("waited"), 0.5),
                      p90=PercentileCont(F("waited"), 0.9)))
    if not row["n"] or not row["p50"]:
        return None
    return forecast.WaitSpread(row["p10"], row["p50"], row["p90"])


def rg_on_time(authority_id: int, today: datetime.date) -> tuple[int, int]:
    """(RG decisions served in the last 12 weeks, of which on or before their due date), one query."""
    start, end = _window(today)
    row = (_served(authority_id, Stage.RG, start, end).annotate(served_on=TruncDate("served_at"))
           .aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(served_on__lte=F("case__rg_due_on")))))
    return row["n"], row["on_time"]


def forecast_for(referral: Referral, *, today: datetime.date | None = None) -> forecast.Forecast | None:
    """The forecast of an open case's next decision, or None when no decision is pending. At most four
    queries: whether a request for information is open, and the stage's figures."""
    case = getattr(referral, "case_file", None)
    if case is None or referral.kind != ReferralKind.NRM or not referral.competent_authority_id:
        return None
    today = today or working_days.today()
    status = referral.status
    reconsidering = status == ReferralStatus.RECONSIDERATION
    if status in RG_WAITING or (reconsidering and not case.recovery_period_ends_on):
        served, on_time = rg_on_time(referral.competent_authority_id, today)
        return forecast.rg_forecast(due_on=case.rg_due_on, served=served, on_time=on_time)
    if not (status in CG_WAITING or reconsidering) or not case.recovery_period_ends_on:
        return None
    ready_on = case.recovery_period_ends_on + datetime.timedelta(days=1)
    information_open = InformationRequest.objects.filter(referral_id=referral.pk, answered_at=None).exists()
    ready = ready_on <= today and not information_open
    ahead = (authority_cases(referral.competent_authority_id)
             .filter(ready_for_cg(today), case_file__received_at__lt=case.received_at).count())
    return forecast.cg_forecast(today=today, throughput=cg_throughput(referral.competent_authority_id, today),
                                cases_ahead=ahead, ready_on=ready_on, ready=ready,
                                spread=cg_wait_spread(referral.competent_authority_id, today),
                                information_outstanding=information_open)


def forecast_reader(user, referral: Referral) -> forecast.Forecast | None:
    """The referral page's forecast (registered with referrals.forecasts): for the referring first
    responder and the case's competent authority."""
    if not (is_referring_organisation(user, referral) or permissions.works_on(user, referral)):
        return None
    return forecast_for(referral)
