"""When a decision is likely: pure functions over counts and dates (no database), so that they can be
checked by hand and replayed over history by the backtest (bench/forecast_backtest.py). The counts are
gathered by decisions/waiting.py in a fixed number of queries. docs/forecasts.md explains
the method and its limits in plain English.

Conclusive Grounds (CG): the competent authority decided c_1 .. c_12 CG cases in each of the last 12
weeks (mean m, variance v, v at least m: never less spread than a Poisson process), and k cases stand in
the queue up to and including this one (the ready cases received before it, plus itself). In w weeks the
authority decides S(w) cases, taken as normal with mean w*m and variance w*v + w*w*v/12: the first term
is week-to-week variation, the second the uncertainty of the rate itself, estimated from 12 weeks. The
case's decision comes when S(w) reaches k; the 10th and 90th percentiles of that time solve
w*m +/- z*sqrt(w*v + w*w*v/12) = k with z = 1.28 (a quadratic in w). The middle is k / m weeks.

Cases are not decided strictly in turn. The waits (from the end of the recovery period to served) of the
CG decisions served in the same 12 weeks show how long cases really waited: of those that waited longer
than this case has so far, the 10th and 90th percentiles of the time they still waited widen the range,
on each side, when they are wider. An authority that decides in turn has waits close to the queue's
own; one that does not gets a range as wide as its recent waits. A case not yet ready cannot be decided
before it is.

Reasonable Grounds (RG): the due date (5 working days from receipt) and the share of the authority's RG
decisions served in the last 12 weeks that were served on or before their due date."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist

WEEKS = 12
Z = NormalDist().inv_cdf(0.9)  # 1.2816: the 10th and 90th percentiles are the mean -/+ Z standard deviations
MIN_DECISIONS = WEEKS  # fewer CG decisions than one a week on average: not enough history to forecast
MIN_RG_DECISIONS = 5

RG_METHOD = ("A Reasonable Grounds decision is due 5 working days after the competent authority receives the "
             "referral. The share on time is worked out from the authority's Reasonable Grounds decisions "
             "served in the last 12 weeks.")
CG_METHOD = ("This is worked out from how many Conclusive Grounds decisions the competent authority made each "
             "week over the last 12 weeks, and how many cases ready for a decision were referred before this "
             "one. The range is where 8 in 10 decisions are expected to fall if the authority keeps working at "
             "the same rate. It widens when the weekly numbers vary, and when recent cases were not decided in "
             "the order they were referred. It is an estimate, not a promise: a request for more information, "
             "a transfer or a change in staffing can move it.")
NO_HISTORY = "Not enough history to forecast"
NO_HISTORY_METHOD = ("A forecast needs at least 12 Conclusive Grounds decisions by this competent authority in the "
                     "last 12 weeks, so that the rate it works at is known.")


@dataclass(frozen=True)
class Throughput:
    """Decisions served in each of the last weeks, oldest first."""

    weekly: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.weekly)

    @property
    def mean(self) -> float:
        return self.total / len(self.weekly) if self.weekly else 0.0

    @property
    def variance(self) -> float:
        """The sample variance of the weekly counts, never below the mean (a Poisson process's)."""
        n = len(self.weekly)
        if n < 2:
            return self.mean
        sample = sum((c - self.mean) ** 2 for c in self.weekly) / (n - 1)
        return max(sample, self.mean)


MIN_WAITS = 5  # fewer recent waits longer than this case's so far: the queue's range alone


def remaining_wait_range(waits: Sequence[float], waited: int) -> tuple[float, float] | None:
    """The 10th and 90th percentile of the days this case may still wait, judged from the recent CG
    decisions' waits (days from the end of the recovery period to served) that were longer than this
    case's wait so far (`waited`, the same count; 0 or less while the recovery period runs)."""
    longer = [wait - waited for wait in waits if wait > waited]
    if len(longer) < MIN_WAITS:
        return None
    return percentile(longer, 0.1), percentile(longer, 0.9)


def weeks_to_clear(k: int, throughput: Throughput) -> tuple[float, float, float] | None:
    """10th percentile, middle and 90th percentile of the weeks until k more cases are decided, or
    None when the rate is unknown or too uncertain to bound the wait (see the module's docstring)."""
    m, v, n = throughput.mean, throughput.variance, len(throughput.weekly)
    if m <= 0 or k <= 0:
        return None
    middle = k / m
    # (w*m - k)^2 = Z^2 (w*v + w^2*v/n)  <=>  a*w^2 - b*w + k^2 = 0
    a = m * m - Z * Z * v / n
    b = 2 * m * k + Z * Z * v
    if a <= 0:
        return None  # the rate could be near zero: no upper bound
    root = math.sqrt(b * b - 4 * a * k * k)
    return (b - root) / (2 * a), middle, (b + root) / (2 * a)


@dataclass(frozen=True)
class Forecast:
    """What one open case can expect. `kind`: "cg" (a date range), "rg" (a due date and the share on
    time), "no_history" (a CG wait with no rate to forecast from)."""

    kind: str
    summary: str
    method: str
    ready: bool = False
    ready_on: datetime.date | None = None
    information_outstanding: bool = False
    cases_ahead: int | None = None
    weekly_rate: float | None = None
    earliest: datetime.date | None = None
    middle: datetime.date | None = None
    latest: datetime.date | None = None
    due_on: datetime.date | None = None
    on_time_share: float | None = None

    @property
    def range_text(self) -> str:
        return month_range(self.earliest, self.latest) if self.earliest and self.latest else ""

    def as_json(self) -> dict:
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, datetime.date):
                data[name] = value.isoformat()
        data["range_text"] = self.range_text
        return data


def month_range(start: datetime.date, end: datetime.date) -> str:
    """'in March 2027', 'between March and June 2027', 'between November 2026 and February 2027'."""
    if (start.year, start.month) == (end.year, end.month):
        return f"in {start:%B %Y}"
    if start.year == end.year:
        return f"between {start:%B} and {end:%B %Y}"
    return f"between {start:%B %Y} and {end:%B %Y}"


def _day(today: datetime.date, weeks: float) -> datetime.date:
    return today + datetime.timedelta(days=round(weeks * 7))


def cg_forecast(*, today: datetime.date, throughput: Throughput, cases_ahead: int, ready_on: datetime.date | None,
                ready: bool, waits: Sequence[float] | None = None, information_outstanding: bool = False) -> Forecast:
    """The expected date range of a CG decision for a case with `cases_ahead` ready cases before it."""
    weeks = weeks_to_clear(cases_ahead + 1, throughput) if throughput.total >= MIN_DECISIONS else None
    if weeks is None:
        return Forecast("no_history", NO_HISTORY, NO_HISTORY_METHOD, ready=ready, ready_on=ready_on,
                        information_outstanding=information_outstanding, cases_ahead=cases_ahead,
                        weekly_rate=round(throughput.mean, 1))
    low, middle, high = weeks
    remaining = remaining_wait_range(waits, (today - ready_on).days + 1) if waits and ready_on else None
    if remaining is not None:
        low, high = min(low, remaining[0] / 7), max(high, remaining[1] / 7)
    floor = max(today, ready_on) if ready_on else today
    earliest, mid, latest = (max(floor, _day(today, w)) for w in (low, middle, high))
    return Forecast("cg", f"A decision is expected {month_range(earliest, latest)}", CG_METHOD, ready=ready,
                    ready_on=ready_on, information_outstanding=information_outstanding, cases_ahead=cases_ahead,
                    weekly_rate=round(throughput.mean, 1), earliest=earliest, middle=mid, latest=latest)


def rg_forecast(*, due_on: datetime.date, served: int, on_time: int, today: datetime.date | None = None,
                reconsidering: bool = False) -> Forecast:
    """A RG decision's due date, and the share of the authority's recent RG decisions made on time. A
    reconsidered decision has no time target, so no due date is given for it; a date already past is
    said to be overdue."""
    if reconsidering:
        return Forecast("rg", "The Reasonable Grounds decision is being reconsidered: a reconsideration has no "
                              "time target.", RG_METHOD)
    if today is not None and due_on < today:
        due = f"A Reasonable Grounds decision was due by {due_on.day} {due_on:%B %Y} and is overdue"
    else:
        due = f"A Reasonable Grounds decision is due by {due_on.day} {due_on:%B %Y}"
    if served < MIN_RG_DECISIONS:
        return Forecast("rg", f"{due}.", RG_METHOD, due_on=due_on)
    share = on_time / served
    return Forecast("rg", f"{due}. In the last 12 weeks, {round(100 * share)}% of this authority's Reasonable "
                          f"Grounds decisions were made on time.", RG_METHOD, due_on=due_on,
                    on_time_share=round(share, 3))


def backlog_clears_on(*, today: datetime.date, backlog: int, throughput: Throughput) -> datetime.date | None:
    """The date the ready CG backlog would clear at the current rate (no new cases), or None."""
    if throughput.mean <= 0 or throughput.total < MIN_DECISIONS:
        return None
    return _day(today, backlog / throughput.mean)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (as PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
