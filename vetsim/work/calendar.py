"""Working calendar: which days are working days, and when each site is open.

Sources, in order of preference, per calendar year:

1. ``chinese_calendar`` knows the official State Council schedule (public holidays *and* the
   make-up workdays, 调休) for the years it ships (2004-2026 in version 1.11). Used when it has the year.
2. For a year it does not know (e.g. the base year 2027 before the schedule is published, and
   before the package is updated), the ``holidays`` package's China calendar gives the statutory
   holidays by rule (lunar dates included) with its weekend-to-next-workday estimate. Make-up
   workdays cannot be predicted, so weekends stay off in such a year. These years are listed in
   ``WorkCalendar.estimated_years`` and in ``Results.meta["calendar_estimated_years"]``; update the
   packages when the official schedule is out and the estimate goes away by itself.

No holiday dates are typed into vetsim.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..wording import tr

__all__ = ["WorkCalendar", "CalendarEstimateWarning", "year_schedule"]

MINUTES_PER_DAY = 1440


class CalendarEstimateWarning(UserWarning):
    """A year's holidays come from a rule-based estimate, not the official schedule."""


@lru_cache(maxsize=1)
def _official_tables() -> tuple[dict, dict, int, int]:
    """chinese_calendar's holiday and make-up workday tables and the years they cover (read once)."""
    import chinese_calendar  # lazy: holiday tables load only for the official calendar

    hol, work = dict(chinese_calendar.holidays), dict(chinese_calendar.workdays)
    return hol, work, min(hol).year, max(hol).year


@lru_cache(maxsize=64)
def year_schedule(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool]:
    """(holidays on weekdays, make-up workdays on weekends, official?) for one calendar year.

    Reads chinese_calendar's tables directly (its ``is_workday`` re-validates the year range on every
    call, ~0.1 ms a day); same rule: a workday is a listed make-up day, or a weekday not listed as holiday.
    """
    hol, work, lo, hi = _official_tables()
    if lo <= year <= hi:
        off = frozenset(d for d in hol if d.year == year and d.weekday() < 5 and d not in work)
        makeup = frozenset(d for d in work if d.year == year and d.weekday() >= 5)
        return off, makeup, True
    import holidays  # lazy: holiday tables load only for the official calendar

    cn = holidays.country_holidays("CN", years=year, categories=("public",))
    off = frozenset(d for d in cn if d.weekday() < 5 and d.year == year)
    return off, frozenset(), False


def _day_numbers(days: frozenset[dt.date]) -> np.ndarray:
    return np.array(sorted(d.toordinal() for d in days), dtype=np.int64)


@dataclass(frozen=True)
class WorkCalendar:
    """Day-indexed calendar from ``origin`` (day 0 = the simulation start date) over ``n_days``.

    ``first_day`` may be negative (to date backlog cases opened before the start). ``mode`` is
    ``official``, ``weekdays`` or ``continuous`` (every day is a working day).
    """

    start: dt.date
    first_day: int
    n_days: int
    mode: str
    workday: np.ndarray = field(repr=False)  # bool per day from first_day
    makeup: np.ndarray = field(repr=False)  # bool: a weekend day that is a make-up workday (调休)
    weekday: np.ndarray = field(repr=False)  # 0 = Monday
    cum_work: np.ndarray = field(repr=False)  # working days in [first_day, d] inclusive
    estimated_years: tuple[int, ...] = ()

    @classmethod
    def build(cls, start: dt.date, first_day: int, last_day: int, mode: str, warn: bool = True) -> WorkCalendar:
        """Calendar covering day indices ``first_day .. last_day`` (inclusive) around ``start``."""
        n = last_day - first_day + 1
        ordinal = start.toordinal() + first_day + np.arange(n, dtype=np.int64)
        weekday = ((ordinal - 1) % 7).astype(np.int8)  # date.fromordinal(1) is a Monday
        makeup = np.zeros(n, dtype=bool)
        estimated: list[int] = []
        if mode == "continuous":
            workday = np.ones(n, dtype=bool)
        elif mode == "weekdays":
            workday = weekday < 5
        elif mode == "official":
            workday = weekday < 5
            first_year = dt.date.fromordinal(int(ordinal[0])).year
            last_year = dt.date.fromordinal(int(ordinal[-1])).year
            for year in range(first_year, last_year + 1):
                off, extra, official = year_schedule(year)
                if not official:
                    estimated.append(year)
                workday[np.isin(ordinal, _day_numbers(off))] = False
                mk = np.isin(ordinal, _day_numbers(extra))
                workday[mk] = True
                makeup[mk] = True
        else:
            raise ValueError(f"unknown calendar mode {mode!r}")
        if estimated and warn:
            warnings.warn(
                tr("work.calendar_estimated_log", "en", years=estimated), CalendarEstimateWarning, stacklevel=2)
        cum = np.cumsum(workday, dtype=np.int64)
        return cls(start, first_day, n, mode, workday, makeup, weekday, cum, tuple(estimated))

    # -- day arithmetic (day indices relative to start) ----------------------------------------
    def working_days_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Working days in (a, b] for day-index arrays: 0 if finished on the arrival day."""
        cum = self.cum_work  # take: as indexing, negative indices included, at half its cost
        return cum.take(b - self.first_day) - cum.take(a - self.first_day)

    def add_working_days(self, day: int, k: int) -> int:
        """Day index of the k-th working day after ``day`` (``day`` itself if k <= 0); past the end, the last day + 1."""
        if k <= 0:
            return day
        target = self.cum_work[day - self.first_day] + k
        i = int(np.searchsorted(self.cum_work, target))
        return self.first_day + i if i < self.n_days else self.first_day + self.n_days
