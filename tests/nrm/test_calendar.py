"""Working days for England and Wales, and the deadlines built on them."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from core.working_days import (
    add_working_days,
    is_working_day,
    move_on_date,
    reconsideration_deadline,
    recovery_period_end,
    rg_target,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")


def test_christmas_2011_bank_holidays_are_not_working_days():
    for day in (datetime.date(2011, 12, 26), datetime.date(2011, 12, 27), datetime.date(2012, 1, 2)):
        assert not is_working_day(day)
    assert is_working_day(datetime.date(2011, 12, 23))


def test_rg_target_across_the_2011_christmas_bank_holidays():
    received = datetime.datetime(2011, 12, 22, 15, 30, tzinfo=LONDON)  # Thursday
    assert rg_target(received) == datetime.date(2012, 1, 3)  # Tuesday


def test_rg_target_in_an_ordinary_week():
    received = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)  # Monday
    assert rg_target(received) == datetime.date(2026, 11, 30)


def test_received_late_evening_uk_time_counts_from_the_uk_date():
    received = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 June in London
    assert rg_target(received) == add_working_days(datetime.date(2026, 6, 2), 5)


def test_working_days_between_counts_both_ways():
    assert working_days_between(datetime.date(2011, 12, 22), datetime.date(2012, 1, 3)) == 5
    assert working_days_between(datetime.date(2012, 1, 3), datetime.date(2011, 12, 22)) == -5


def test_recovery_period_is_45_calendar_days_by_default(settings):
    served = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=LONDON)
    assert recovery_period_end(served) == datetime.date(2026, 2, 24)
    settings.NRM_RECOVERY_PERIOD_DAYS = 30
    assert recovery_period_end(served) == datetime.date(2026, 2, 9)


def test_reconsideration_window_and_move_on(settings):
    served = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=LONDON)
    assert reconsideration_deadline(served) == datetime.date(2026, 3, 31)
    assert move_on_date(served, positive=True) == served + datetime.timedelta(days=14)
    assert move_on_date(served, positive=False) == served + datetime.timedelta(hours=48)


@pytest.mark.parametrize("year", [2011, 2020, 2026])
def test_every_year_has_eight_bank_holidays_or_more(year):
    from core.working_days import _bank_holidays

    assert len(_bank_holidays(year)) >= 8
