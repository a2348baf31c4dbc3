"""Warnings about a valid scenario that cannot work as intended: no case can ever arrive, or staff
cannot possibly serve the arrivals (e.g. sites open one minute a day).

Why: such a scenario passes every field check, and a simulation of it reports waits of 0 minutes
or queues that never end without saying why. ``scenario_warnings`` reads the expected demand of
the work model (``derive_demand``: visits per site, month and hour, and their counter minutes) and
returns bilingual ``Problem`` records; ``vetsim validate`` and ``vetsim simulate`` print them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import Problem
from ..wording import both, tr
from .demand import derive_demand

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["scenario_warnings", "format_warnings"]


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Warnings (not errors) about ``scenario``; empty when nothing looks impossible."""
    out: list[Problem] = []
    volume = sum(r.yearly_volume for r in scenario.caseload if r.level != scenario.levels.partner)
    d = derive_demand(scenario)
    if volume > 0 and float(d.visits.sum()) == 0.0:
        out.append(Problem("sites.csv", "open_days", "open_days",
                           *both("work.no_open_day_for_cases", volume=volume)))
    # the counter alone beyond the staff at the busiest hour: visitors cannot all be served (e.g. open one
    # minute a day). Work beyond staff time (duties, casework) is not a warning: the KPIs and `vetsim staff` show it.
    staff = np.array([s.staff for s in scenario.sites], dtype=float)
    load = (d.arrival_rate * d.service_min[:, :, None]).max(axis=(1, 2))  # busy servers at the peak hour
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = np.where(staff > 0, load / np.where(staff > 0, staff, 1.0), np.where(load > 0, np.inf, 0.0))
    over = np.flatnonzero(peak > 1.0)
    if len(over):
        top = int(over[np.argmax(peak[over])])
        site, share = d.site_ids[top], peak[top]
        shown = f"{share:.0%}" if np.isfinite(share) else "∞"
        out.append(Problem("sites.csv", "open_hours", "open_hours",
                           *both("work.counter_overloaded", len_over=len(over), site=site, shown=shown)))
    return out


def format_warnings(problems: list[Problem], lang: str = "zh") -> str:
    """Warning lines for the console (empty text when there are none)."""
    if not problems:
        return ""
    head = tr("work.warning", lang, len_problems=len(problems))
    return "\n".join([head, *("  - " + p.text(lang) for p in problems)])
