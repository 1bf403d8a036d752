"""Funding follows the victim: supported days times the rate in force on each day, per provider
and support type, in integer pence. Periods are half-open: `start` included, `end` not."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from victim_care.models import Allocation, BudgetYear, Tariff


class MissingTariff(Exception):
    """A supported day has no rate in force: the provider cannot be paid for it."""


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


def spend(*, start: datetime.date, end: datetime.date, provider_id: int | None = None) -> list[SpendLine]:
    """Spend for supported days in [start, end); open allocations count up to `end`."""
    allocations = Allocation.objects.filter(start_on__lt=end).filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
    if provider_id is not None:
        allocations = allocations.filter(provider_id=provider_id)
    allocations = list(allocations.only("provider_id", "support_type", "start_on", "end_on"))
    tariffs = tariffs_by_provider_and_type(a.provider_id for a in allocations)
    days: dict[tuple[int, str], int] = defaultdict(int)
    pence: dict[tuple[int, str], int] = defaultdict(int)
    for allocation in allocations:
        key = (allocation.provider_id, allocation.support_type)
        piece_start, piece_end = max(start, allocation.start_on), min(end, allocation.end_on or end)
        for segment_start, segment_end, rate in rate_segments(tariffs[key], piece_start, piece_end):
            length = (segment_end - segment_start).days
            days[key] += length
            pence[key] += length * rate
    return [SpendLine(provider, support_type, days[(provider, support_type)], pence[(provider, support_type)])
            for provider, support_type in sorted(pence)]


def total_pence(lines: list[SpendLine]) -> int:
    return sum(line.pence for line in lines)
