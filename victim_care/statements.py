"""Monthly payment statements per provider (CSV and XLSX) and the year's budget position.

Statement lines are the same day-by-rate pieces the spend report adds up, so a statement's total
always equals the provider's spend for the month."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook

from core.errors import Invalid
from core.figures import bar_width, pounds
from core.spreadsheets import append_typed_row, safe_text
from victim_care.funding import (
    budget_pence,
    committed,
    financial_year_start,
    rate_segments,
    spend,
    tariffs_by_provider_and_type,
    total_pence,
)
from victim_care.models import Allocation


@dataclass(frozen=True)
class StatementLine:
    reference: str
    support_type: str
    first_day: datetime.date
    last_day: datetime.date
    days: int
    daily_rate_pence: int
    amount_pence: int


# Statements exist from the NRM's start (April 2009) to next year: anything else is a mistyped address, and
# years like 0000 or 9999 would run off the calendar.
FIRST_STATEMENT_YEAR = 2009


def statement_period_check(year: int, month: int) -> None:
    """Refuse a period no statement can cover, with the field at fault (a 400, never a 500)."""
    last_year = timezone.localdate().year + 1
    if not FIRST_STATEMENT_YEAR <= year <= last_year:
        message = f"Enter a year from {FIRST_STATEMENT_YEAR} to {last_year}"
        raise Invalid(message, fields={"year": [message]})
    if not 1 <= month <= 12:
        message = "Enter a month from 01 to 12"
        raise Invalid(message, fields={"month": [message]})


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return start, end


def statement_lines(*, provider_id: int, year: int, month: int) -> list[StatementLine]:
    statement_period_check(year, month)
    start, end = month_bounds(year, month)
    allocations = (Allocation.objects.filter(provider_id=provider_id, start_on__lt=end)
                   .filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
                   .select_related("support_case__referral").order_by("start_on", "pk"))
    tariffs = tariffs_by_provider_and_type([provider_id])
    lines = []
    for allocation in allocations:
        piece_start, piece_end = max(start, allocation.start_on), min(end, allocation.end_on or end)
        for first, after_last, rate in rate_segments(tariffs[(provider_id, allocation.support_type)], piece_start,
                                                     piece_end):
            days = (after_last - first).days
            lines.append(StatementLine(allocation.support_case.referral.reference, allocation.support_type, first,
                                       after_last - datetime.timedelta(days=1), days, rate, days * rate))
    return lines


HEADER = ["Reference", "Support type", "First day", "Last day", "Days", "Daily rate (pence)", "Amount (pence)"]


def _row(line: StatementLine) -> list:
    return [line.reference, line.support_type, line.first_day.isoformat(), line.last_day.isoformat(), line.days,
            line.daily_rate_pence, line.amount_pence]


def statement_csv(lines: list[StatementLine]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    # A reference can come from a historic import: escaped like the report exports (core.spreadsheets).
    writer.writerows([safe_text(value) for value in _row(line)] for line in lines)
    writer.writerow(["Total", "", "", "", sum(line.days for line in lines), "",
                     sum(line.amount_pence for line in lines)])
    return buffer.getvalue()


def statement_xlsx(lines: list[StatementLine]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statement"
    append_typed_row(sheet, HEADER)
    for line in lines:
        append_typed_row(sheet, _row(line))  # text cells typed as text: "=..." never runs
    sheet.append(["Total", "", "", "", sum(line.days for line in lines), "",
                  sum(line.amount_pence for line in lines)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class BudgetPosition:
    year_start: datetime.date
    budget_pence: int
    spent_pence: int
    committed_pence: int

    @property
    def forecast_pence(self) -> int:
        return self.spent_pence + self.committed_pence

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.forecast_pence

    def bars(self, width: int = 150) -> list[dict[str, object]]:
        """The budget, spend, commitments and forecast as bars on one scale (the largest of them `width` long,
        so a forecast over budget shows longer than the budget), each with its figure in whole pounds."""
        measures = [("Budget", self.budget_pence, "#505a5f"), ("Spent", self.spent_pence, "#1d70b8"),
                    ("Committed", self.committed_pence, "#85994b"), ("Forecast", self.forecast_pence, "#f47738")]
        scale = max(pence for _, pence, _ in measures)
        return [{"label": label, "pence": pence, "width": bar_width(pence, scale, width), "colour": colour,
                 "figure": pounds(pence, whole=True), "y": 4 + 26 * index}
                for index, (label, pence, colour) in enumerate(measures)]


def budget_position(*, today: datetime.date) -> BudgetPosition:
    """Spend to date this financial year, and what the allocations open at the end of `today` commit from
    tomorrow to each person's expected CG decision plus move-on (or the year's end, whichever is first).
    For a past day, both are as they stood that day."""
    year_start = financial_year_start(today)
    year_end = datetime.date(year_start.year + 1, 4, 1)
    tomorrow = today + datetime.timedelta(days=1)
    spent = total_pence(spend(start=year_start, end=tomorrow))
    still_to_pay = total_pence(committed(tomorrow=tomorrow, year_end=year_end))
    return BudgetPosition(year_start, budget_pence(year_start), spent, still_to_pay)
