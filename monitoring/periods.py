"""Report periods: a quarter ("2023-Q4") or any run of days, inclusive, in UK dates."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    """A period that cannot be reported on; the message says what to change."""


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def quarter(cls, text: str) -> Period:
        match = QUARTER.match(text.strip().upper())
        if not match:
            raise PeriodError("Enter a quarter like 2023-Q4")
        year, number = int(match.group(1)), int(match.group(2))
        if year < 2009 or year > 2100:
            raise PeriodError("Choose a quarter from 2009-Q2 (the NRM started in April 2009) to 2100-Q4")
        start = datetime.date(year, 3 * number - 2, 1)
        return cls(start, _quarter_after(start) - datetime.timedelta(days=1))

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        if end < start:
            raise PeriodError("The end date must be the same as or after the start date")
        if start.year < 2000 or end.year > 2100:
            raise PeriodError("Choose dates between the year 2000 and 2100")
        if (end - start).days > 366 * 20:
            raise PeriodError("A period can be at most 20 years long")
        return cls(start, end)

    @classmethod
    def previous_quarter(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = (this_quarter - datetime.timedelta(days=1)).replace(day=1)
        start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
        return cls(start, this_quarter - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.start.month in (1, 4, 7, 10) and self.end == _quarter_after(
                self.start) - datetime.timedelta(days=1):
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        return self.label.replace(" to ", "_to_")

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes at UK midnight."""
        return _midnight(self.start), _midnight(self.end + datetime.timedelta(days=1))

    def quarters_back(self, count: int) -> list[Period]:
        """The `count` quarters ending with the one holding this period's last day, oldest first."""
        start = datetime.date(self.end.year, 3 * ((self.end.month - 1) // 3) + 1, 1)
        quarters = []
        for _ in range(count):
            quarters.append(Period(start, _quarter_after(start) - datetime.timedelta(days=1)))
            start = (start - datetime.timedelta(days=1)).replace(day=1)
            start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
        return quarters[::-1]


def _quarter_after(start: datetime.date) -> datetime.date:
    return datetime.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
