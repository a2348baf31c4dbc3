"""Recurring duties (常态化工作): staff time a site spends every week that no walk-in triggers.

Why: most of a station's staff time goes to household contact and visits to every veteran
(走访慰问、联系服务), information collection and record keeping (信息采集、建档立卡), the annual
verification of entitled people (优抚对象年审), ledgers, reports, meetings and policy outreach
(台账、报表、会议、政策宣传). Without them the network looks idle and an optimizer cuts posts that
are in fact needed (domain brief §2: staffing is the binding constraint).

The optional ``duties:`` section of scenario.yaml gives, per site level, hours per veteran and year
(applied to the site's ``veterans`` column) and hours per site and week; every number a
``Quantity`` with unit, labels and source. A scenario without the section has no duties.

:func:`duty_minutes_per_open_day` is the one place that turns these rates into minutes of staff
time per site and open day (spread evenly over the open days of the simulated window); both the
simulation (``vetsim.sim.network.compile_network`` -> the engine's daily staff budget) and the
staffing estimate (``derive_demand``: casework hours) read it from the compiled network.

Staff-time policy of a day (counter first, then duties, then casework), see :func:`split_day`.

This module lives in ``vetsim.staffing`` (lazy package) because ``vetsim.scenario.spec`` imports the
schema while the scenario package is still initialising.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import model_validator

from ..scenario.params import Frozen, Quantity, invalid

__all__ = ["LevelDuties", "DutySettings", "duty_minutes_per_open_day", "yearly_duty_hours", "split_day",
           "split_days", "DAYS_PER_YEAR"]

DAYS_PER_YEAR = 365.0
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7.0


class LevelDuties(Frozen):
    """Recurring duties of one site level; a missing rate counts as 0."""

    hours_per_veteran_year: Quantity | None = None
    hours_per_site_week: Quantity | None = None

    @model_validator(mode="after")
    def _non_negative(self) -> "LevelDuties":
        for name in ("hours_per_veteran_year", "hours_per_site_week"):
            q = getattr(self, name)
            if q is not None and q.value < 0:
                raise invalid(f"duties.{name}：应不小于 0，实际为 {q.value}", f"duties.{name}: must be >= 0, got {q.value}")
        wk = self.hours_per_site_week
        if wk is not None and wk.value > 7 * 24:
            raise invalid(f"duties.hours_per_site_week：{wk.value} 小时超过一周的总小时数",
                          f"duties.hours_per_site_week: {wk.value} hours is more than a week has")
        return self

    def yearly_hours(self, veterans: float) -> float:
        """Staff-hours a year for a site with ``veterans`` veterans."""
        v = self.hours_per_veteran_year.value if self.hours_per_veteran_year else 0.0
        w = self.hours_per_site_week.value if self.hours_per_site_week else 0.0
        return v * veterans + w * WEEKS_PER_YEAR


class DutySettings(Frozen):
    """The ``duties:`` section: recurring duties per site level (levels not given have none)."""

    village: LevelDuties | None = None
    township: LevelDuties | None = None
    county_center: LevelDuties | None = None

    def level(self, name: str) -> LevelDuties | None:
        return getattr(self, name, None) if name in ("village", "township", "county_center") else None


def yearly_duty_hours(duties: DutySettings | None, sites: Sequence[Any]) -> NDArray[np.float64]:
    """Staff-hours of recurring duties a year per site (``sites``: rows with ``level`` and ``veterans``)."""
    out = np.zeros(len(sites))
    if duties is None:
        return out
    for i, s in enumerate(sites):
        lv = duties.level(s.level)
        if lv is not None:
            out[i] = lv.yearly_hours(float(s.veterans))
    return out


def duty_minutes_per_open_day(duties: DutySettings | None, sites: Sequence[Any],
                              open_days: NDArray[np.float64], window_days: int) -> NDArray[np.float64]:
    """Minutes of duties per site on each of its open days, spread evenly over the window's open days.

    ``open_days[s]`` is the number of days site ``s`` is open in the simulated window of
    ``window_days`` days; the window carries ``window_days / 365`` of the yearly hours. A site that is
    never open in the window gets 0 (its duties cannot be done there).
    """
    yearly = yearly_duty_hours(duties, sites)
    due = yearly * 60.0 * (window_days / DAYS_PER_YEAR)
    od = np.asarray(open_days, dtype=float)
    return np.divide(due, od, out=np.zeros(len(sites)), where=od > 0)


def split_day(avail: float, counter: float, duty: float) -> tuple[float, float]:
    """One site-day, counter first, then duties, then casework: (duty minutes done, minutes left for casework).

    Duties that do not fit after the counter are not carried over (they are recorded as missed).
    """
    free = avail - counter
    if free <= 0.0:
        return 0.0, 0.0
    done = duty if duty < free else free
    return done, free - done


def split_days(avail: NDArray[np.float64], counter: NDArray[np.float64],
               duty: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised :func:`split_day` (same rule, for the records)."""
    free = np.maximum(avail - counter, 0.0)
    done = np.minimum(duty, free)
    return done, free - done
