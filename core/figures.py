"""Figures as the Home Office publishes them: money in pounds with thousands separators (to the penny in
tables, whole pounds on dashboards), counts with thousands separators, and no float artefacts (money is
kept in whole pence and only ever divided for display)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, order=True)
class Money:
    """An amount of money held in whole pence. `str()` is the published table form, £2,000,000.00."""

    pence: int

    def __str__(self) -> str:
        return pounds(self.pence)

    def __add__(self, other: Money) -> Money:
        return Money(self.pence + other.pence)

    def __radd__(self, other: object) -> Money:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented

    @property
    def decimal(self) -> Decimal:
        """Pounds, exactly (for spreadsheet cells)."""
        return Decimal(self.pence) / 100

    def __float__(self) -> float:
        return self.pence / 100


def pounds(pence: int, *, whole: bool = False) -> str:
    """£2,000,000.00 (tables) or, with whole=True, £2,000,000 (dashboards), from whole pence."""
    sign = "-" if pence < 0 else ""
    amount = Decimal(abs(int(pence))) / 100
    if whole:
        return f"{sign}£{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"{sign}£{amount.quantize(Decimal('0.01')):,}"


def count(value: object) -> str:
    """A count with thousands separators (3,146); a rounded figure keeps one decimal place (87.5); any
    other value (a symbol such as [c]) as it is."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def bar_width(value: int, scale_max: int, width: int) -> int:
    """A bar's length for `value` on a scale whose longest bar (scale_max) is `width` long."""
    if scale_max <= 0 or value <= 0:
        return 0
    return max(1, round(width * value / scale_max))
