"""Funding follows the victim: supported days times the rate in force on each day, per provider
and support type, in integer pence. Periods are half-open: `start` included, `end` not."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

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


def committed(*, tomorrow: datetime.date, year_end: datetime.date) -> list[SpendLine]:
    """What open allocations will cost from `tomorrow` until the end of each person's expected recovery
    period (the day after it ends) or `year_end`, whichever is first."""
    pieces = """
        SELECT a.provider_id, a.support_type, %(tomorrow)s::date AS lo,
               LEAST(%(year_end)s::date, COALESCE(c.recovery_period_ends_on + 1, %(year_end)s::date)) AS hi
        FROM victim_care_allocation a
        JOIN victim_care_supportcase s ON s.id = a.support_case_id
        LEFT JOIN decisions_casefile c ON c.referral_id = s.referral_id
        WHERE a.end_on IS NULL
    """
    return _priced(pieces, {"tomorrow": tomorrow, "year_end": year_end})


def total_pence(lines: list[SpendLine]) -> int:
    return sum(line.pence for line in lines)
