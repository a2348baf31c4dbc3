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

import hashlib
import math
from dataclasses import astuple, dataclass
from typing import Any, Literal

import numpy as np

from .wording import both

__all__ = ["Kpi", "KPIS", "kpi_def", "meets", "target_value", "cut_interval", "definition_fingerprints"]

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
    over_one: bool = False  # a ratio written as a share that can exceed 1 (work due over time present)
    binary: bool = False  # 0 or 1 in each run (a chance across runs): its interval is Wilson's, not Student's
    until_end: bool = False  # a day that exists only in the runs where it happened ("n of N runs")

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the KPI can take: never below 0; a share at most 1 (unless ``over_one``)."""
        return 0.0, (1.0 if self.unit == "share" and not self.over_one else math.inf)


_K = Kpi
KPIS: dict[str, Kpi] = {k.id: k for k in (
    _K("wait_mean_min", "minute", "lower", *both("kpi.wait_mean_min"),
       *both("kpi.wait_mean_min.formula"),
       "wait_minutes"),
    _K("wait_p90_min", "minute", "lower", *both("kpi.wait_p90_min"),
       *both("kpi.wait_p90_min.formula"), "wait_minutes"),
    _K("service_level", "share", "higher", *both("kpi.service_level"),
       *both("kpi.service_level.formula"), "service_level"),
    _K("wasted_trip_share", "share", "lower", *both("kpi.wasted_trip_share"),
       *both("kpi.wasted_trip_share.formula"),
       "wasted_trip_share"),
    _K("one_trip_rate", "share", "higher", *both("kpi.one_trip_rate"),
       *both("kpi.one_trip_rate.formula"),
       "one_trip_rate"),
    _K("on_time_share", "share", "higher", *both("kpi.on_time_share"),
       *both("kpi.on_time_share.formula"),
       "on_time_share"),
    _K("finish_rate", "share", "higher", *both("kpi.finish_rate"),
       *both("kpi.finish_rate.formula"),
       "finish_rate"),
    _K("overdue_open", "case", "lower", *both("kpi.overdue_open"),
       *both("kpi.overdue_open.formula")),
    _K("backlog_growth", "case", "lower", *both("kpi.backlog_growth"),
       *both("kpi.backlog_growth.formula")),
    _K("on_time_share_backlog", "share", "higher", *both("kpi.on_time_share_backlog"),
       *both("kpi.on_time_share_backlog.formula")),
    _K("resolution_working_days_mean", "working day", "lower", *both("kpi.resolution_working_days_mean"),
       *both("kpi.resolution_working_days_mean.formula")),
    _K("resolution_working_days_backlog", "working day", "lower", *both("kpi.resolution_working_days_backlog"),
       *both("kpi.resolution_working_days_backlog.formula")),
    _K("on_spot_share", "share", "higher", *both("kpi.on_spot_share"),
       *both("kpi.on_spot_share.formula")),
    _K("utilisation", "share", None, *both("kpi.utilisation"),
       *both("kpi.utilisation.formula"),
       "max_utilisation", capped=True, over_one=True),  # work due at sites with no staff counts: may exceed 1
    _K("workload_pressure", "share", "lower", *both("kpi.workload_pressure"),
       *both("kpi.workload_pressure.formula"),
       "max_utilisation", over_one=True),
    _K("duty_coverage", "share", "higher", *both("kpi.duty_coverage"),
       *both("kpi.duty_coverage.formula"), "duty_coverage"),
    _K("campaign_on_time", "share", "higher", *both("kpi.campaign_on_time"),
       *both("kpi.campaign_on_time.formula"), "campaign_on_time"),
    _K("campaign_done_day", "day", "lower", *both("kpi.campaign_done_day"),
       *both("kpi.campaign_done_day.formula"), until_end=True),
    _K("cases_arrived", "case", None, *both("kpi.cases_arrived"), *both("kpi.cases_arrived.formula")),
    _K("backlog_start", "case", None, *both("kpi.backlog_start"), *both("kpi.backlog_start.formula")),
    _K("cases_finished", "case", "higher", *both("kpi.cases_finished"), *both("kpi.cases_finished.formula")),
    _K("cases_open", "case", "lower", *both("kpi.cases_open"), *both("kpi.cases_open.formula")),
    _K("backlog_end", "case", "lower", *both("kpi.backlog_end"), *both("kpi.backlog_end.formula")),
    _K("petition_backlog_end", "case", "lower", *both("kpi.petition_backlog_end"),
       *both("kpi.petition_backlog_end.formula")),
    _K("petition_backlog_zero_day", "day", "lower", *both("kpi.petition_backlog_zero_day"),
       *both("kpi.petition_backlog_zero_day.formula"),
       "petition_backlog_zero_by", until_end=True),
    _K("petition_target_met", "share", "higher", *both("kpi.petition_target_met"),
       *both("kpi.petition_target_met.formula"), binary=True),
    _K("petition_backlog_not_resolvable", "case", None, *both("kpi.petition_backlog_not_resolvable"),
       *both("kpi.petition_backlog_not_resolvable.formula")),
)}


# -- staff time under pressure (issue 23): overtime as finite surge capacity --------------------------
# no better direction: overtime is a cost of meeting must-do dates, not service; less of it is no
# success when the work is left undone (a station with no staff works no overtime)
KPIS.update({k.id: k for k in (
    _K("overtime_h_per_post_month", "hour", None, *both("kpi.overtime_h_per_post_month"),
       *both("kpi.overtime_h_per_post_month.formula")),
    _K("overtime_weeks_over_cap", "week", None, *both("kpi.overtime_weeks_over_cap"),
       *both("kpi.overtime_weeks_over_cap.formula")),
)})


def definition_fingerprints() -> dict[str, str]:
    """Each KPI's definition (unit, direction, formula in both languages, flags) as a short hash: stamped in the
    results' metadata, so that comparing two runs can tell a KPI whose method changed from one that moved."""

    return {k.id: hashlib.sha256(repr(astuple(k)[:1] + astuple(k)[1:3] + astuple(k)[5:]).encode()).hexdigest()[:12]
            for k in KPIS.values()}


def cut_interval(metric: str, low, high):
    """A confidence interval of ``metric`` cut to the values it can take (:attr:`Kpi.bounds`; numbers or arrays).

    The one rule for every interval shown (a county's, a region's): a t-interval around a count near 0
    would otherwise show "-1 cases", and one around a share near 1 "103%".
    """
    lo, hi = KPIS[metric].bounds if metric in KPIS else (0.0, math.inf)
    return np.clip(low, lo, hi), np.clip(high, lo, hi)


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
