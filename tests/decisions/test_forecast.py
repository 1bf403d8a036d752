"""The forecast's arithmetic on constructed queues, with the dates worked out by hand in the comments
(decisions/forecast.py states the formula; Z = 1.2816, the 90th percentile of the standard normal)."""

from __future__ import annotations

import datetime

import pytest

from decisions.forecast import (
    NO_HISTORY,
    Throughput,
    backlog_clears_on,
    cg_forecast,
    month_range,
    percentile,
    remaining_wait_range,
    rg_forecast,
    weeks_to_clear,
)

TODAY = datetime.date(2027, 1, 4)  # a Monday
READY = datetime.date(2026, 12, 1)


def test_a_steady_queue_gives_a_range_around_the_queue_over_the_rate():
    """10 CG decisions every week for 12 weeks; 99 ready cases ahead, so this case is the 100th.
    Mean 10, sample variance 0, floored at the Poisson variance 10. a = 100 - 1.6424*10/12 = 98.631,
    b = 2*10*100 + 1.6424*10 = 2016.42; w = (b -/+ sqrt(b^2 - 4*a*100^2)) / 2a = (2016.42 -/+ 347.44) / 197.26
    = 8.46 and 11.98 weeks, i.e. 59 and 84 days; the middle is 100/10 = 10 weeks, 70 days.
    4 January 2027 + 59 days = 4 March, + 70 = 15 March, + 84 = 29 March."""
    steady = Throughput((10,) * 12)
    assert steady.mean == 10 and steady.variance == 10
    low, middle, high = weeks_to_clear(100, steady)
    assert (round(low, 2), middle, round(high, 2)) == (8.46, 10.0, 11.98)
    result = cg_forecast(today=TODAY, throughput=steady, cases_ahead=99, ready_on=READY, ready=True)
    assert result.kind == "cg"
    assert (result.earliest, result.middle, result.latest) == (
        datetime.date(2027, 3, 4), datetime.date(2027, 3, 15), datetime.date(2027, 3, 29))
    assert result.summary == "A decision is expected in March 2027"
    assert result.weekly_rate == 10.0 and result.cases_ahead == 99 and result.ready


def test_a_growing_queue_pushes_the_decision_later_and_widens_the_range():
    """Same rate, a queue four times as long: 399 ahead, this case the 400th. Middle 400/10 = 40 weeks,
    280 days: 4 January 2027 + 280 = 11 October 2027. a = 98.631, b = 2*10*400 + 16.42 = 8016.42,
    b^2 - 4*a*400^2 = 64,262,990 - 63,124,032 = 1,138,958, square root 1067.2; w = (8016.42 -/+ 1067.2) / 197.26
    = 35.23 and 46.05 weeks, 247 and 322 days: 8 September and 22 November 2027. The range is 75 days
    wide against 25 for the queue of 100: the rate's own uncertainty grows with the wait."""
    steady = Throughput((10,) * 12)
    short = cg_forecast(today=TODAY, throughput=steady, cases_ahead=99, ready_on=READY, ready=True)
    long = cg_forecast(today=TODAY, throughput=steady, cases_ahead=399, ready_on=READY, ready=True)
    assert long.middle == datetime.date(2027, 10, 11)
    assert (long.earliest, long.latest) == (datetime.date(2027, 9, 8), datetime.date(2027, 11, 22))
    assert ((long.latest - long.earliest).days, (short.latest - short.earliest).days) == (75, 25)
    assert long.summary == "A decision is expected between September and November 2027"


def test_uneven_weeks_widen_the_range_beyond_a_poisson_process():
    """Weeks of 4, 6, ... 26 decisions: mean 15, sample variance 52 (more than the mean, so used as it
    is). 99 ahead: middle 100/15 = 6.67 weeks = 47 days (20 February 2027); the 10th and 90th
    percentiles are 5.02 and 9.14 weeks (35 and 64 days: 8 February and 9 March 2027)."""
    uneven = Throughput(tuple(range(4, 28, 2)))
    assert (uneven.mean, uneven.variance) == (15.0, 52.0)
    result = cg_forecast(today=TODAY, throughput=uneven, cases_ahead=99, ready_on=READY, ready=True)
    assert (result.earliest, result.middle, result.latest) == (
        datetime.date(2027, 2, 8), datetime.date(2027, 2, 20), datetime.date(2027, 3, 9))


def test_an_authority_with_no_history_shows_no_number():
    """No CG decision in 12 weeks (or fewer than one a week on average): no dates at all."""
    for weekly in ((0,) * 12, (0,) * 11 + (11,)):
        result = cg_forecast(today=TODAY, throughput=Throughput(weekly), cases_ahead=3, ready_on=READY, ready=True)
        assert result.kind == "no_history" and result.summary == NO_HISTORY == "Not enough history to forecast"
        assert result.earliest is result.middle is result.latest is None
    assert weeks_to_clear(5, Throughput((0,) * 12)) is None
    assert backlog_clears_on(today=TODAY, backlog=10, throughput=Throughput((0,) * 12)) is None


def test_a_case_not_yet_ready_is_never_forecast_before_its_recovery_period_ends():
    """1 case ahead at 10 a week would be decided within days; the recovery period ends on 30 April,
    so the decision can come on 1 May 2027 at the earliest."""
    result = cg_forecast(today=TODAY, throughput=Throughput((10,) * 12), cases_ahead=1,
                         ready_on=datetime.date(2027, 5, 1), ready=False)
    assert result.earliest == result.middle == result.latest == datetime.date(2027, 5, 1)
    assert not result.ready and result.summary == "A decision is expected in May 2027"


def test_cases_taken_out_of_turn_widen_the_range_by_the_recent_waits_longer_than_this_one():
    """Recent CG decisions waited 50, 100, 150, 200, 300 and 400 days after the recovery period; this case
    has waited 40 (ready since 26 November 2026). All six waited longer, and still had 10, 60, 110, 160,
    260 and 360 days to go: 10th percentile 10 + 0.5 x 50 = 35 days, 90th 260 + 0.5 x 100 = 310 days
    (interpolated as PostgreSQL's percentile_cont). Wider than the queue's 59 to 84 days on both sides:
    4 January 2027 + 35 = 8 February 2027, + 310 = 10 November 2027; the middle stays the queue's."""
    waits = (50, 100, 150, 200, 300, 400)
    ready_on = datetime.date(2026, 11, 26)
    assert remaining_wait_range(waits, (TODAY - ready_on).days + 1) == (35, 310)
    result = cg_forecast(today=TODAY, throughput=Throughput((10,) * 12), cases_ahead=99, ready_on=ready_on,
                         ready=True, waits=waits)
    assert (result.earliest, result.middle, result.latest) == (
        datetime.date(2027, 2, 8), datetime.date(2027, 3, 15), datetime.date(2027, 11, 10))
    assert result.summary == "A decision is expected between February and November 2027"


def test_a_case_that_has_outwaited_almost_every_recent_decision_keeps_the_queue_range():
    """Waited 250 days: only 2 of the recent waits were longer, fewer than 5, so they say nothing."""
    waits = (50, 100, 150, 200, 300, 400)
    assert remaining_wait_range(waits, 250) is None
    ready_on = TODAY - datetime.timedelta(days=249)
    result = cg_forecast(today=TODAY, throughput=Throughput((10,) * 12), cases_ahead=99, ready_on=ready_on,
                         ready=True, waits=waits)
    assert (result.earliest, result.latest) == (datetime.date(2027, 3, 4), datetime.date(2027, 3, 29))


def test_the_reasonable_grounds_forecast_is_its_due_date_and_the_share_on_time():
    result = rg_forecast(due_on=datetime.date(2027, 1, 11), served=40, on_time=30)
    assert result.kind == "rg" and result.on_time_share == 0.75
    assert result.summary == ("A Reasonable Grounds decision is due by 11 January 2027. In the last 12 weeks, 75% "
                              "of this authority's Reasonable Grounds decisions were made on time.")
    assert rg_forecast(due_on=datetime.date(2027, 1, 11), served=2, on_time=2).on_time_share is None


def test_a_past_due_date_is_overdue_and_a_reconsideration_has_no_target():
    late = rg_forecast(due_on=datetime.date(2027, 1, 1), served=0, on_time=0, today=TODAY)
    assert late.summary == "A Reasonable Grounds decision was due by 1 January 2027 and is overdue."
    again = rg_forecast(due_on=datetime.date(2026, 6, 1), served=40, on_time=30, today=TODAY, reconsidering=True)
    assert again.due_on is None and "no time target" in again.summary


def test_the_backlog_clears_at_the_current_rate():
    """150 ready cases at 10 a week: 15 weeks, 105 days from 4 January 2027 = 19 April 2027."""
    assert backlog_clears_on(today=TODAY, backlog=150, throughput=Throughput((10,) * 12)) == datetime.date(2027, 4, 19)


@pytest.mark.parametrize(("start", "end", "text"), [
    (datetime.date(2027, 3, 1), datetime.date(2027, 3, 30), "in March 2027"),
    (datetime.date(2027, 3, 1), datetime.date(2027, 6, 30), "between March and June 2027"),
    (datetime.date(2026, 11, 1), datetime.date(2027, 2, 1), "between November 2026 and February 2027"),
])
def test_the_range_is_said_in_months(start, end, text):
    assert month_range(start, end) == text


def test_percentiles_interpolate_as_postgresql_does():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5 and percentile([10], 0.9) == 10 and percentile([], 0.5) == 0
