"""Every deadline comes from here: working days for England and Wales (bank holidays from the
`holidays` package) and calendar days otherwise. The figures are settings whose defaults are
the 2011 rules."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year, language="en_GB"))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the day of receipt itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def local_date(moment: datetime.datetime) -> datetime.date:
    """The UK date of an aware datetime."""
    return timezone.localtime(moment).date()


def today() -> datetime.date:
    return timezone.localdate()


def rg_target(received: datetime.datetime) -> datetime.date:
    """Reasonable Grounds decision due: NRM_RG_TARGET_WORKING_DAYS working days after receipt."""
    return add_working_days(local_date(received), settings.NRM_RG_TARGET_WORKING_DAYS)


def recovery_period_end(positive_rg_served: datetime.datetime) -> datetime.date:
    """The last day of the recovery and reflection period (calendar days from a positive RG)."""
    return local_date(positive_rg_served) + datetime.timedelta(days=settings.NRM_RECOVERY_PERIOD_DAYS)


def reconsideration_deadline(negative_served: datetime.datetime) -> datetime.date:
    return local_date(negative_served) + datetime.timedelta(days=settings.NRM_RECONSIDERATION_WINDOW_DAYS)


def move_on_date(cg_served: datetime.datetime, *, positive: bool) -> datetime.datetime:
    """When support ends after a Conclusive Grounds decision: days after a positive, hours after a negative."""
    if positive:
        return cg_served + datetime.timedelta(days=settings.NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS)
    return cg_served + datetime.timedelta(hours=settings.NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS)


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days before `day`."""
    current, remaining = day, days
    while remaining > 0:
        current -= datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
