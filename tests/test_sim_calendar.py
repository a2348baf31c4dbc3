"""Working calendar: official schedule from chinese_calendar, rule-based estimate for unknown years."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

from vetsim.work.calendar import CalendarEstimateWarning, WorkCalendar, year_schedule


def _cal(start: dt.date, days: int, mode: str = "official", first: int = 0) -> WorkCalendar:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarEstimateWarning)
        return WorkCalendar.build(start, first, days - 1, mode)


def test_official_2026_schedule_with_makeup_days():
    cal = _cal(dt.date(2026, 1, 1), 60)
    assert not cal.workday[0]  # 2026-01-01 New Year's Day
    assert not cal.workday[1]  # 2026-01-02 (Friday) day off, made up on Sunday 2026-01-04
    assert cal.workday[3] and cal.makeup[3]  # Sunday 2026-01-04 is a make-up workday (调休)
    assert cal.estimated_years == ()


def test_unknown_year_is_estimated_by_rule_and_flagged():
    off, makeup, official = year_schedule(2027)
    assert not official and makeup == frozenset()
    assert dt.date(2027, 2, 8) in off  # Spring Festival (lunar new year 2027-02-06), a Monday
    assert dt.date(2027, 10, 1) in off  # National Day
    with pytest.warns(CalendarEstimateWarning):
        cal = WorkCalendar.build(dt.date(2027, 1, 1), 0, 364, "official")
    assert cal.estimated_years == (2027,)
    weekend = cal.weekday >= 5
    assert not cal.workday[weekend].any()  # no make-up Saturdays can be predicted
    assert cal.workday.sum() < np.busday_count("2027-01-01", "2028-01-01")


def test_working_day_arithmetic_by_hand():
    cal = _cal(dt.date(2027, 1, 4), 30, "weekdays", first=-3)  # Monday 2027-01-04 is day 0
    # Friday (day 4) + 1 working day = Monday (day 7); Friday + 0 = Friday
    assert cal.add_working_days(4, 1) == 7
    assert cal.add_working_days(4, 0) == 4
    assert cal.add_working_days(0, 10) == 14
    # working days in (arrival, finish]: Friday -> Monday is 1, same day is 0, backdated days count too
    assert cal.working_days_between(np.array([4, 2, -3]), np.array([7, 2, 0])).tolist() == [1, 0, 1]


def test_continuous_mode_has_no_calendar():
    cal = _cal(dt.date(2027, 1, 1), 50, "continuous")
    assert cal.workday.all() and cal.estimated_years == ()
