"""The KPI table of the brief: which KPIs, read from the Results, judged against the scenario's targets.

One formatter per kind of number, used by the table, the headlines and the tests alike, so that
every number on the page is the number in the Results, shown the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from .. import formats
from ..charts.data import Estimate, day_to_date, has_kpi, kpi
from ..kpis import KPIS, meets, target_value
from ..wording import LabelColumns, both, tr

__all__ = ["KpiSpec", "BRIEF_KPIS", "PAGE_KEYS", "kpi_table", "fmt_value", "kpi_value", "KPI_COLUMNS"]

Kind = Literal["minutes", "share", "date", "count", "days", "money", "hours"]
Direction = Literal["max", "min", None]  # "max": the value must stay at or below the target


@dataclass(frozen=True)
class KpiSpec(LabelColumns):
    """One row of the brief's KPI table: a summary metric at a level, and how to show it.

    Direction and target come from the one KPI table (:mod:`vetsim.kpis`) through ``metric``; only
    the site cost, which is not a simulation KPI, sets them here (it has none).
    """

    key: str
    label_zh: str
    label_en: str
    kind: Kind
    metric: str = ""
    level: str | None = None
    case_type: str | None = None


    @property
    def direction(self) -> Direction:
        k = KPIS.get(self.metric)
        if k is None or k.target is None:
            return None
        return "max" if k.capped or k.direction == "lower" else "min"

    def target(self, targets: Any) -> Any:
        return target_value(self.metric, targets) if self.metric else None


BRIEF_KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("wait_township", *both("brief.kpi.wait_township"), "minutes", "wait_mean_min", "township"),
    KpiSpec("wait_county", *both("brief.kpi.wait_county"), "minutes", "wait_mean_min", "county_center"),
    KpiSpec("wait_village", *both("brief.kpi.wait_village"), "minutes", "wait_mean_min", "village"),
    KpiSpec("service_level", *both("kpi.service_level"), "share", "service_level"),
    KpiSpec("wasted_trip", *both("kpi.wasted_trip_share"), "share", "wasted_trip_share"),
    KpiSpec("one_trip", *both("kpi.one_trip_rate"), "share", "one_trip_rate"),
    KpiSpec("on_time", *both("kpi.on_time_share"), "share", "on_time_share"),
    KpiSpec("finish_rate", *both("kpi.finish_rate"), "share", "finish_rate"),
    KpiSpec("overdue_open", *both("brief.kpi.overdue_open"), "count", "overdue_open"),
    KpiSpec("days_in_process", *both("kpi.resolution_working_days_mean"), "days", "resolution_working_days_mean"),
    KpiSpec("on_time_backlog", *both("kpi.on_time_share_backlog"), "share", "on_time_share_backlog"),
    KpiSpec("days_in_process_backlog", *both("kpi.resolution_working_days_backlog"), "days",
            "resolution_working_days_backlog"),
    KpiSpec("duty_township", *both("brief.kpi.duty_township"), "share", "duty_coverage", "township"),
    KpiSpec("duty_village", *both("brief.kpi.duty_village"), "share", "duty_coverage", "village"),
    KpiSpec("campaign", *both("kpi.campaign_on_time"), "share", "campaign_on_time"),
    KpiSpec("pressure_township", *both("brief.kpi.pressure_township"), "share", "workload_pressure", "township"),
    KpiSpec("util_county", *both("brief.kpi.util_county"), "share", "utilisation", "county_center"),
    KpiSpec("util_township", *both("brief.kpi.util_township"), "share", "utilisation", "township"),
    KpiSpec("petition_zero", *both("brief.kpi.petition_zero"), "date", "petition_backlog_zero_day"),
    KpiSpec("petition_chance", *both("brief.kpi.petition_chance"), "share", "petition_target_met"),
    KpiSpec("petition_not_resolvable", *both("brief.kpi.petition_not_resolvable"), "count",
            "petition_backlog_not_resolvable"),
    KpiSpec("backlog_end", *both("brief.kpi.backlog_end"), "count", "backlog_end"),
    KpiSpec("site_cost", *both("brief.kpi.site_cost"), "money"),
    # overtime per post a month (issue 23): what must-do work costs in evenings and weekends
    KpiSpec("overtime_township", *both("brief.kpi.overtime_township"), "hours", "overtime_h_per_post_month", "township"),
    KpiSpec("overtime_county", *both("brief.kpi.overtime_county"), "hours", "overtime_h_per_post_month", "county_center"),
    KpiSpec("overtime_village", *both("brief.kpi.overtime_village"), "hours", "overtime_h_per_post_month", "village"),
)

# the rows the one-page brief shows (the dashboard and the full table keep every row): what a leader
# reads first, one row per question
PAGE_KEYS: tuple[str, ...] = ("wait_township", "wait_county", "service_level", "wasted_trip", "one_trip", "on_time",
                              "finish_rate", "days_in_process", "duty_township", "campaign", "pressure_township",
                              "util_county", "petition_zero", "petition_chance", "site_cost")

KPI_COLUMNS = ["key", "label", "target", "target_text", "direction", "kind",
               "baseline", "baseline_text", "baseline_ok", "proposal", "proposal_text", "proposal_ok",
               "baseline_ci", "proposal_ci"]


def fmt_value(value: Any, kind: Kind, lang: str = "zh") -> str:
    """How a KPI value is written everywhere on the brief (table, headlines)."""
    if formats.is_missing(value):
        return formats.MISSING
    if isinstance(value, float) and math.isinf(value):  # a level with no staff time at all: said, never "—"
        return tr("kpi.no_staff", lang)
    if kind in ("minutes", "count", "days", "hours"):
        return formats.number(value, lang, 1, group=False)
    if kind == "share":
        return formats.share(value, lang, 1)
    if kind == "date":
        return formats.date(value, lang) if isinstance(value, dt.date) else str(value)
    if kind == "money":
        return formats.money(value, lang, per_year=True)
    raise ValueError(f"unknown KPI kind {kind!r}")


def kpi_value(spec: KpiSpec, results: Any, site_cost: pd.DataFrame | None = None) -> Any:
    """The value of one KPI from the Results (a date for the backlog-clearing day, yuan for the site cost)."""
    if spec.kind == "money":
        return float(site_cost["total_yuan"].sum()) if site_cost is not None else None
    est: Estimate | None = kpi(results, spec.metric, spec.level, spec.case_type)
    if est is None:
        return None
    if spec.kind == "date":
        return day_to_date(results, est.mean)
    return est.mean


def _half_cleared_day(results: Any, metric: str) -> float | None:
    """The day by which more than half of the runs had cleared the backlog, counting the runs that never
    cleared it (as later than any day): NaN when half or more never did; None without per-run values."""
    per = getattr(results, "per_replication", None)
    if per is None or "metric" not in per:
        return None
    days = per.loc[per["metric"] == metric, "value"].astype(float).to_numpy()
    if not len(days):
        return None
    days = sorted(math.inf if math.isnan(d) else d for d in days)
    day = days[len(days) // 2]  # the upper median: more than half the runs cleared by then
    return math.nan if math.isinf(day) else day


def _zero_day(spec: KpiSpec, results: Any, lang: str) -> tuple[Any, str | None, bool | None]:
    """The backlog-clearing date, judged against its target, and a note when some runs never cleared it.

    The summary averages the clearing day over the runs that cleared the backlog. When some did not,
    the date shown and judged is the day by which more than half of all runs had cleared it (runs
    that never cleared count as later than any day), with "n/N cleared": a date target is met when
    that day is no later than the target (earlier is better); when half the runs or more never
    clear, the backlog is "not cleared" and misses the target.
    """
    total = int(results.meta.get("replications") or 0)
    est = kpi(results, spec.metric, spec.level, spec.case_type)
    left = kpi(results, "petition_backlog_end")
    if est is None:
        if left is not None and left.mean > 0:
            return None, (tr("brief.not_cleared", lang)), False
        return None, None, None
    day = day_to_date(results, est.mean)
    if total and est.replications and est.replications < total:
        half = _half_cleared_day(results, spec.metric)
        if half is not None and math.isnan(half):
            text = tr("brief.not_cleared", lang)
            return None, tr("brief.cleared", lang, fmt_value_day_date=text, replications=est.replications,
                            total=total), False
        if half is not None:
            day = day_to_date(results, half)
        elif 2 * est.replications <= total:  # no per-run values: half the runs or more never cleared
            return day, tr("brief.cleared", lang, fmt_value_day_date=fmt_value(day, "date"),
                           replications=est.replications, total=total), False
        note = tr("brief.cleared", lang, fmt_value_day_date=fmt_value(day, "date"), replications=est.replications,
                  total=total)
        return day, note, None  # judged on the date, by the KPI's direction
    return day, None, None


def _meets(spec: KpiSpec, value: Any, target: Any, present: bool) -> bool | None:
    """Judged by the KPI table's rule; a KPI that applies (a summary row exists) but has no value fails."""
    if spec.direction is None:
        return None
    return meets(spec.metric, value, target, known=present)


def _target_text(spec: KpiSpec, target: Any, lang: str) -> str:
    """The target as a user writes it: "≤ 30", "≥ 95%", "不晚于 2027-09-30"; a bound that cannot be passed
    (a share of 100% to reach, a count of 0 to stay at) without its sign: "100%", "0"."""
    if target is None:
        return "—"
    if spec.kind == "date":
        return f"{tr('brief.by', lang)}{fmt_value(target, spec.kind, lang)}"
    at_limit = (spec.direction == "min" and spec.kind == "share" and target >= 1) or \
        (spec.direction == "max" and target <= 0)
    sign = "" if at_limit else ("≤ " if spec.direction == "max" else "≥ ")
    if spec.kind == "minutes":
        return f"{sign}{formats.number(target, lang, 0)}"
    if spec.kind == "share":
        return f"{sign}{formats.share(target, lang, 0)}"
    return f"{sign}{fmt_value(target, spec.kind, lang)}"


def kpi_table(baseline: Any, targets: Any, *, lang: str = "zh", proposal: Any | None = None,
              baseline_cost: pd.DataFrame | None = None, proposal_cost: pd.DataFrame | None = None,
              specs: tuple[KpiSpec, ...] = BRIEF_KPIS) -> pd.DataFrame:
    """Tidy KPI table (columns ``KPI_COLUMNS``): values, texts and whether each meets its target.

    KPIs that neither run produced (e.g. no petition backlog) are left out.
    """
    rows = []
    for spec in specs:
        target = spec.target(targets) if spec.target is not None and targets is not None else None
        cells = {}
        seen = False
        for which, res, cost in (("baseline", baseline, baseline_cost), ("proposal", proposal, proposal_cost)):
            if res is None:
                cells[which] = (None, "", None, None)
                continue
            value, note, missed = (_zero_day(spec, res, lang) if spec.kind == "date"
                                   else (kpi_value(spec, res, cost), None, None))
            present = spec.kind != "money" and has_kpi(res, spec.metric, spec.level, spec.case_type)
            seen = seen or present or spec.kind == "money"
            ok = missed if missed is not None else _meets(spec, value, target, present)
            est = kpi(res, spec.metric, spec.level, spec.case_type) if spec.kind not in ("money", "date") else None
            ci = (est.lo, est.hi) if est is not None and not (math.isnan(est.lo) or math.isnan(est.hi)) else None
            cells[which] = (value, note or fmt_value(value, spec.kind, lang), ok, ci)
        if not seen and all(v[0] is None and v[1] in ("", "—") for v in cells.values()):
            continue
        rows.append({
            "key": spec.key, "label": spec.label(lang), "target": target,
            "target_text": _target_text(spec, target, lang), "direction": spec.direction, "kind": spec.kind,
            "baseline": cells["baseline"][0], "baseline_text": cells["baseline"][1],
            "baseline_ok": cells["baseline"][2],
            "proposal": cells["proposal"][0], "proposal_text": cells["proposal"][1],
            "proposal_ok": cells["proposal"][2],
            "baseline_ci": cells["baseline"][3], "proposal_ci": cells["proposal"][3],
        })
    return pd.DataFrame(rows, columns=KPI_COLUMNS)
