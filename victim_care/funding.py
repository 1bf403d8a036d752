"""Funding follows the victim: supported days times the rate in force on each day, per provider
and support type, in integer pence. Periods are half-open: `start` included, `end` not."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.db_router import replica_alias
from core.errors import Conflict
from victim_care.models import BudgetYear, Tariff


class MissingTariff(Conflict):
    """A supported day has no rate in force: the provider cannot be paid for it (409: set the rate first)."""


def financial_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def budget_pence(year_start: datetime.date) -> int:
    row = BudgetYear.objects.filter(starts_on=year_start).first()
    return row.amount_pence if row else settings.NRM_ANNUAL_BUDGET_PENCE


@dataclass(frozen=True)
class SpendLine:
    provider_id: int
    support_type: str
    days: int
    pence: int


def rate_segments(tariffs: list[Tariff], start: datetime.date, end: datetime.date):
    """(from, to, rate) pieces covering [start, end) from tariffs sorted by valid_from."""
    segments = []
    for index, tariff in enumerate(tariffs):
        valid_to = tariffs[index + 1].valid_from if index + 1 < len(tariffs) else datetime.date.max
        piece_start, piece_end = max(start, tariff.valid_from), min(end, valid_to)
        if piece_start < piece_end:
            segments.append((piece_start, piece_end, tariff.daily_rate_pence))
    covered = sum((b - a).days for a, b, _ in segments)
    if covered != (end - start).days:
        raise MissingTariff(f"No rate in force for every day from {start} to {end}.")
    return segments


def tariffs_by_provider_and_type(provider_ids) -> dict[tuple[int, str], list[Tariff]]:
    """Every rate of these providers, oldest first, keyed by (provider, support type): one query."""
    tariffs: dict[tuple[int, str], list[Tariff]] = defaultdict(list)
    for tariff in Tariff.objects.filter(provider_id__in=set(provider_ids)).order_by("valid_from"):
        tariffs[(tariff.provider_id, tariff.support_type)].append(tariff)
    return tariffs


# Each tariff with the day its successor takes over ('infinity' for the rate in force now).
_TARIFF_PERIODS = """
    SELECT provider_id, support_type, daily_rate_pence AS rate, valid_from,
           LEAD(valid_from, 1, 'infinity'::date) OVER (PARTITION BY provider_id, support_type
                                                        ORDER BY valid_from) AS valid_to
    FROM victim_care_tariff
"""

# Supported days (half-open [lo, hi) per allocation piece) priced by the tariffs in force on each day,
# per provider and support type, beside the days themselves: where the two day counts differ, some
# supported day has no rate.
_PRICED = """
    WITH tariff AS ({tariffs}), piece AS ({pieces}),
    supported AS (
        SELECT provider_id, support_type, SUM(hi - lo) AS days FROM piece WHERE hi > lo GROUP BY 1, 2
    ),
    priced AS (
        SELECT p.provider_id, p.support_type,
               SUM(LEAST(p.hi, t.valid_to) - GREATEST(p.lo, t.valid_from)) AS days,
               SUM((LEAST(p.hi, t.valid_to) - GREATEST(p.lo, t.valid_from))::bigint * t.rate) AS pence
        FROM piece p JOIN tariff t ON t.provider_id = p.provider_id AND t.support_type = p.support_type
                                   AND t.valid_from < p.hi AND t.valid_to > p.lo
        WHERE p.hi > p.lo
        GROUP BY 1, 2
    )
    SELECT s.provider_id, s.support_type, s.days, COALESCE(p.days, 0), COALESCE(p.pence, 0)
    FROM supported s LEFT JOIN priced p USING (provider_id, support_type)
    ORDER BY 1, 2
"""


def _priced(pieces: str, params: dict) -> list[SpendLine]:
    """Price allocation pieces in the database: GROUP BY over the rows, so the time grows with the
    allocations in the period, and Python handles one line per provider and support type."""
    with connections[replica_alias()].cursor() as cursor:  # the replica while the monitoring report runs
        cursor.execute(_PRICED.format(tariffs=_TARIFF_PERIODS, pieces=pieces), params)
        rows = cursor.fetchall()
    lines = []
    for provider_id, support_type, days, priced_days, pence in rows:
        if priced_days != days:
            raise MissingTariff(f"No {support_type} rate in force for every supported day of provider {provider_id}.")
        lines.append(SpendLine(provider_id, support_type, int(days), int(pence)))
    return lines


def spend(*, start: datetime.date, end: datetime.date, provider_id: int | None = None) -> list[SpendLine]:
    """Spend for supported days in [start, end); open allocations count up to `end`."""
    pieces = """
        SELECT provider_id, support_type, GREATEST(%(start)s, start_on) AS lo,
               LEAST(%(end)s, COALESCE(end_on, %(end)s)) AS hi
        FROM victim_care_allocation
        WHERE start_on < %(end)s AND (end_on IS NULL OR end_on > %(start)s)
              AND (%(provider)s::bigint IS NULL OR provider_id = %(provider)s::bigint)
    """
    return _priced(pieces, {"start": start, "end": end, "provider": provider_id})


# Each competent authority's median days from a positive RG to the CG served after it, over the CGs served
# in the 12 months up to the as-of day (the time of day ignored: UK dates).
_MEDIAN_WAIT = """
    SELECT r.competent_authority_id AS authority_id,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY
               (cg.served_at AT TIME ZONE 'Europe/London')::date
               - (rg.served_at AT TIME ZONE 'Europe/London')::date) AS days
    FROM decisions_decision cg
    JOIN referrals_referral r ON r.id = cg.case_id
    JOIN LATERAL (SELECT max(served_at) AS served_at FROM decisions_decision
                  WHERE case_id = cg.case_id AND stage = 'rg' AND outcome = 'positive' AND status = 'served'
                    AND served_at < cg.served_at) rg ON rg.served_at IS NOT NULL
    WHERE cg.stage = 'cg' AND cg.status = 'served'
      AND cg.served_at >= %(window_start)s AND cg.served_at < %(as_of_end)s
    GROUP BY 1
"""


def median_days_to_cg(*, as_of: datetime.date) -> dict[int, float]:
    """competent authority id -> median days from positive RG to served CG over the 12 months to `as_of`."""
    window_start = _day_start(as_of + _ONE_DAY) - datetime.timedelta(days=365)
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_MEDIAN_WAIT, {"window_start": window_start, "as_of_end": _day_start(as_of + _ONE_DAY)})
        return {authority_id: float(days) for authority_id, days in cursor.fetchall()}


_ONE_DAY = datetime.timedelta(days=1)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# Open allocations (as at the as-of day) priced from tomorrow, never before they start, to the end of the
# person's support as it could be seen that day: the move-on end of a CG served by then, otherwise the expected
# CG (positive RG, or the support case's opening without one, + the authority's median wait, or
# NRM_EXPECTED_CG_DAYS without CGs in the last 12 months; tomorrow if already past) plus the
# move-on after a positive CG; never beyond the financial year.
_COMMITTED_PIECES = """
    SELECT a.provider_id, a.support_type, GREATEST(%(tomorrow)s::date, a.start_on) AS lo,
           LEAST(%(year_end)s::date, CASE
               WHEN cg.served_at IS NOT NULL AND c.move_on_at IS NOT NULL
                   THEN (c.move_on_at AT TIME ZONE 'Europe/London')::date
               ELSE GREATEST(%(tomorrow)s::date,
                             (COALESCE(rg.served_at, s.opened_at) AT TIME ZONE 'Europe/London')::date
                             + ROUND(COALESCE(m.days, %(default_days)s))::int)
                    + %(move_on_days)s
           END) AS hi
    FROM victim_care_allocation a
    JOIN victim_care_supportcase s ON s.id = a.support_case_id
    JOIN referrals_referral r ON r.id = s.referral_id
    LEFT JOIN decisions_casefile c ON c.referral_id = s.referral_id
    LEFT JOIN LATERAL (SELECT max(served_at) AS served_at FROM decisions_decision
                       WHERE case_id = s.referral_id AND stage = 'rg' AND outcome = 'positive'
                         AND status = 'served' AND served_at < %(as_of_end)s) rg ON TRUE
    LEFT JOIN LATERAL (SELECT min(served_at) AS served_at FROM decisions_decision
                       WHERE case_id = s.referral_id AND stage = 'cg' AND status = 'served'
                         AND served_at < %(as_of_end)s) cg ON TRUE
    LEFT JOIN ({medians}) m ON m.authority_id = r.competent_authority_id
    WHERE (a.end_on IS NULL OR a.end_on > %(as_of)s::date)
      AND (a.start_on <= %(as_of)s::date OR %(planned)s)
      AND COALESCE(s.exited_on, 'infinity'::date) > %(as_of)s::date
"""


def committed(*, tomorrow: datetime.date, year_end: datetime.date) -> list[SpendLine]:
    """What the allocations open at the end of the day before `tomorrow` will cost from `tomorrow` until
    each person's support is expected to end (see _COMMITTED_PIECES), or `year_end`, whichever is first.
    As at a past day, only what was known that day counts: decisions served by then, allocations open then."""
    as_of = tomorrow - _ONE_DAY
    window_start = _day_start(tomorrow) - datetime.timedelta(days=365)
    medians = _MEDIAN_WAIT.replace("%(window_start)s", "%(median_start)s")
    pieces = _COMMITTED_PIECES.format(medians=medians)
    return _priced(pieces, {
        "tomorrow": tomorrow, "year_end": year_end, "as_of": as_of, "as_of_end": _day_start(tomorrow),
        "median_start": window_start, "default_days": settings.NRM_EXPECTED_CG_DAYS,
        "move_on_days": settings.NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS,
        "planned": as_of >= timezone.localdate(),  # allocations planned to start later count only as at today
    })


def total_pence(lines: list[SpendLine]) -> int:
    return sum(line.pence for line in lines)
