"""Warnings about a valid scenario that cannot work as intended: no case can ever arrive, or staff
cannot possibly serve the arrivals (e.g. sites open one minute a day).

Why: such a scenario passes every field check, and a simulation of it reports waits of 0 minutes
or queues that never end without saying why. ``scenario_warnings`` reads the instant staffing
estimate (``vetsim.estimate_staffing``, the one place utilisation is estimated) and returns
bilingual ``Problem`` records; ``vetsim validate`` and ``vetsim simulate`` print them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["scenario_warnings", "format_warnings"]


def scenario_warnings(scenario: "Scenario") -> list[Problem]:
    """Warnings (not errors) about ``scenario``; empty when nothing looks impossible."""
    from ..staffing import estimate as estimate_staffing  # local: the staffing package imports the scenario package

    out: list[Problem] = []
    volume = sum(r.yearly_volume for r in scenario.caseload if r.level != "partner")
    est = estimate_staffing(scenario)
    if volume > 0 and float(est["visits"].sum()) == 0.0:
        out.append(Problem("sites.csv", "open_days", "open_days",
                           f"每年 {volume:,.0f} 件业务，但没有任何站点在有来访的日子开放，案件永远不会到达；"
                           "请检查 sites.csv 的 open_days、open_hours 和 scenario.yaml 的 simulation.weekday_profile、calendar",
                           f"{volume:,.0f} cases a year, but no site is open on a day that receives visitors, so no "
                           "case can ever arrive; check open_days and open_hours in sites.csv and "
                           "simulation.weekday_profile and calendar in scenario.yaml"))
    # the counter alone beyond the staff at peak hours: visitors cannot all be served (e.g. open one minute a day).
    # Work beyond staff time (duties, casework) is not a warning: it is what the KPIs and `vetsim staff` show.
    over = est[est["peak_occupancy"] > 1.0].sort_values("peak_occupancy", ascending=False)
    if len(over):
        top = over.iloc[0]
        out.append(Problem("sites.csv", "open_hours", "open_hours",
                           f"{len(over)} 个站点高峰时段的窗口负荷估计超过 100%（最高：{top['site_id']}，{top['peak_occupancy']:.0%}），"
                           "现有人员和开放时间无法接待所有来访；请检查 open_hours 和人员数",
                           f"{len(over)} site(s) have an estimated counter load above 100% at peak hours (highest: "
                           f"{top['site_id']}, {top['peak_occupancy']:.0%}); the staff and opening hours cannot serve "
                           "all visitors; check open_hours and staff numbers"))
    return out


def format_warnings(problems: list[Problem], lang: str = "zh") -> str:
    """Warning lines for the console (empty text when there are none)."""
    if not problems:
        return ""
    head = f"注意（{len(problems)} 条警告）：" if lang == "zh" else f"Warning ({len(problems)}):"
    return "\n".join([head, *("  - " + p.text(lang) for p in problems)])
