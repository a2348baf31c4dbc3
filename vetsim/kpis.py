"""The KPI table (指标表): every key performance indicator defined once -- formula, unit, direction, names.

Why one table: the simulation's summary, the CLI, the brief, the dashboard cards and the optimizer
all speak of the same KPIs; each reads its name, unit, direction and target from here, so a KPI
cannot mean one thing on the dashboard and another in the brief.

Honesty rules, built into the formulas (docs/DOMAIN.md §4: "a KPI that counts only finished cases
improves when work stops"): every rate counts every case in its window, open ones included; a case
still open past its deadline counts as late; a case still open after the veteran came counts against
the one-trip rate; a visit that finds the station closed counts against the service level.

``direction``: ``higher`` or ``lower`` is better, ``None`` for plain counts. ``target``: the key in
``scenario.yaml``'s ``targets`` the KPI is judged against (``None``: shown, not judged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Kpi", "KPIS", "kpi_def", "meets", "target_value"]

Direction = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class Kpi:
    """One KPI: id (the ``metric`` of the results), unit, better direction, names, formula, target key."""

    id: str
    unit: str  # minute, share, case, day, working day
    direction: Direction
    zh: str
    en: str
    formula_zh: str
    formula_en: str
    target: str | None = None
    capped: bool = False  # judged as a ceiling against its target although lower is not better in itself

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


_K = Kpi
KPIS: dict[str, Kpi] = {k.id: k for k in (
    _K("wait_mean_min", "minute", "lower", "平均等待时间", "Mean waiting time",
       "每次来访的平均等待分钟：等不及离开者算到离开，站点无人者算到当天关门",
       "mean minutes per visit: those who left until they left, those who found nobody until closing time",
       "wait_minutes"),
    _K("wait_p90_min", "minute", "lower", "90% 分位等待时间", "90th-percentile waiting time",
       "来访等待时间的 90% 分位（同上口径）", "90th percentile of the visits' waits (as above)", "wait_minutes"),
    _K("service_level", "share", "higher", "目标时间内接待比例", "Share served within the target wait",
       "目标等待时间内接待的来访 ÷ 全部来访（含站点无人的来访）",
       "visits served within the target wait / all visits (incl. visits that found nobody)", "service_level"),
    _K("wasted_trip_share", "share", "lower", "来访无人接待比例", "Visits that found nobody",
       "来访时站点无人（只挂牌、不配人或人员外出）÷ 全部来访", "visits finding the station unstaffed / all visits",
       "wasted_trip_share"),
    _K("one_trip_rate", "share", "higher", "最多跑一次比例", "One-trip rate",
       "办结且最多跑一次的案件 ÷（办结案件 + 已来访仍未办结的案件）",
       "cases finished with at most one trip / (finished cases + open cases the veteran already came for)",
       "one_trip_rate"),
    _K("on_time_share", "share", "higher", "按时办结比例", "On-time resolution share",
       "按期办结 ÷（办结案件 + 已超期仍未办结的案件）", "finished within the limit / (finished + open past the limit)",
       "on_time_share"),
    _K("finish_rate", "share", "higher", "办结率", "Share of cases finished",
       "期内办结 ÷ 期内全部案件（期初在办 + 新增）", "finished / all cases of the window (open at start + arrived)",
       "finish_rate"),
    _K("overdue_open", "case", "lower", "超期在办案件", "Open cases past their limit",
       "期末仍未办结且已超过办理时限的案件数", "cases open at the end and past their limit"),
    _K("backlog_growth", "case", "lower", "在办案件增加", "Growth of open cases",
       "期末在办 − 期初在办", "open at the end − open at the start"),
    _K("resolution_working_days_mean", "working day", "lower", "平均办理工作日", "Mean working days in process",
       "办结案件的办理工作日与未办结案件至期末的工作日的平均（未办结者为下限）",
       "mean working days of finished cases and of open cases until the end (a lower bound for those)"),
    _K("on_spot_share", "share", "higher", "当场办结比例", "Resolved on the spot",
       "来访当天在该站办结的案件 ÷ 该层级来访人次", "cases resolved at the site on the day of the visit / visits at that level"),
    _K("utilisation", "share", None, "人员利用率", "Staff utilisation",
       "已用工时 ÷ 在岗工时（在岗人数 × 开放时长）", "staff time used / staff time present (staff present x opening time)",
       "max_utilisation", capped=True),
    _K("workload_pressure", "share", "lower", "工作负荷压力", "Workload pressure",
       "应做工作（窗口、案件、常态工作、专项、代岗）÷ 在岗工时；大于 1 表示做不完",
       "work due (counter, casework, duties, campaigns, cover) / staff time present; above 1: it cannot all be done",
       "max_utilisation"),
    _K("duty_coverage", "share", "higher", "常态工作按期完成率", "Duties done by their due date",
       "到期的常态工作（走访、年审、信息采集、台账）按期完成工时 ÷ 应完成工时",
       "hours of duties due in the window done by the due date / hours owed", "duty_coverage"),
    _K("campaign_on_time", "share", "higher", "专项任务按期完成率", "Campaign work done by the deadline",
       "到期专项任务按期完成工时 ÷ 应完成工时", "campaign hours done by the deadline / hours owed", "campaign_on_time"),
    _K("campaign_done_day", "day", "lower", "专项任务完成日", "Day the campaign is finished everywhere",
       "所有站点完成该专项任务的日子（从起始日算起）", "day index when every site has finished the campaign"),
    _K("cases_arrived", "case", None, "新增案件", "Cases arrived", "期内新增案件数", "new cases in the window"),
    _K("backlog_start", "case", None, "期初在办案件", "Open cases at start", "起始日在办案件数", "cases open on the start date"),
    _K("cases_finished", "case", "higher", "办结案件", "Cases finished", "期内办结案件数", "cases finished in the window"),
    _K("cases_open", "case", "lower", "未办结案件", "Cases still open", "期末未办结案件数（按来源层级）",
       "cases open at the end (by the level where they started)"),
    _K("backlog_end", "case", "lower", "期末在办案件", "Open cases at end", "期末在办案件数（按所在层级）",
       "cases open at the end (by the level where they are)"),
    _K("petition_backlog_end", "case", "lower", "期末信访积案", "Petition backlog at end",
       "起始日的信访积案期末仍未化解的件数", "petitions open at the start that are still open at the end"),
    _K("petition_backlog_zero_day", "day", "lower", "信访积案清零日", "Day the petition backlog reaches zero",
       "信访积案全部化解的日子（从起始日算起）", "first day at whose end no backlog petition is open",
       "petition_backlog_zero_by"),
    _K("petition_target_met", "share", "higher", "按期清零概率", "Chance the backlog is cleared by the target date",
       "信访积案在目标日期前清零的模拟次数比例", "share of runs in which the backlog is cleared by the target date"),
)}


def kpi_def(metric: str) -> Kpi:
    """The definition of ``metric``; a clear KeyError for an unknown one."""
    try:
        return KPIS[metric]
    except KeyError:
        raise KeyError(f"unknown KPI {metric!r}; known: {', '.join(KPIS)}") from None


def target_value(metric: str, targets: Any) -> Any:
    """The target of ``metric`` from the scenario's ``targets`` (a number or a date), or None."""
    key = KPIS[metric].target if metric in KPIS else None
    if key is None or targets is None:
        return None
    q = getattr(targets, key, None)
    if q is None:
        return None
    return getattr(q, "date", None) or q.value


def meets(metric: str, value: Any, target: Any, *, known: bool = True) -> bool | None:
    """Whether ``value`` meets ``target`` for ``metric`` (None: not judged).

    ``known``: the KPI applies (e.g. the level had visits). A missing value of a KPI that applies
    and has a target does not meet it: no figure is no success.
    """
    k = KPIS.get(metric)
    if k is None or target is None:
        return None
    direction = "lower" if k.capped else k.direction
    if direction is None:
        return None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False if known else None
    return bool(value <= target) if direction == "lower" else bool(value >= target)
