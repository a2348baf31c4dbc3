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
from .demand import derive_demand

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["scenario_warnings", "format_warnings"]


def scenario_warnings(scenario: "Scenario") -> list[Problem]:
    """Warnings (not errors) about ``scenario``; empty when nothing looks impossible."""
    out: list[Problem] = []
    volume = sum(r.yearly_volume for r in scenario.caseload if r.level != "partner")
    d = derive_demand(scenario)
    if volume > 0 and float(d.visits.sum()) == 0.0:
        out.append(Problem("sites.csv", "open_days", "open_days",
                           f"每年 {volume:,.0f} 件业务，但没有任何站点在有来访的日子开放，案件永远不会到达；"
                           "请检查 sites.csv 的 open_days、open_hours 和 scenario.yaml 的 simulation.weekday_profile、calendar",
                           f"{volume:,.0f} cases a year, but no site is open on a day that receives visitors, so no "
                           "case can ever arrive; check open_days and open_hours in sites.csv and "
                           "simulation.weekday_profile and calendar in scenario.yaml"))
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
                           f"{len(over)} 个站点高峰时段的窗口负荷估计超过 100%（最高：{site}，{shown}），"
                           "现有人员和开放时间无法接待所有来访；请检查 open_hours 和人员数",
                           f"{len(over)} site(s) have an estimated counter load above 100% at peak hours (highest: "
                           f"{site}, {shown}); the staff and opening hours cannot serve all visitors; "
                           "check open_hours and staff numbers"))
    return out


def format_warnings(problems: list[Problem], lang: str = "zh") -> str:
    """Warning lines for the console (empty text when there are none)."""
    if not problems:
        return ""
    head = f"注意（{len(problems)} 条警告）：" if lang == "zh" else f"Warning ({len(problems)}):"
    return "\n".join([head, *("  - " + p.text(lang) for p in problems)])
