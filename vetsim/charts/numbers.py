"""The numbers behind each chart, as a table a person can open in Excel (图表数据 CSV).

Every chart of the brief and the dashboard has one function here that returns the very rows it
draws (the same data helpers the chart calls: :func:`~vetsim.charts.service.level_rows`,
:func:`~vetsim.charts.network.backlog_frame`, :func:`~vetsim.charts.budget.budget_pivot`, ...), with
the chart's scale (percent, 万元 / million yuan) and its labels. Headers are in the chosen language
with their units; :func:`chart_csv` writes a table as UTF-8 CSV with a byte-order mark (Excel opens it
in Chinese) through :func:`vetsim.files.csv_bytes` (text that would run as a formula is neutralised).

Other packages (the bulletin, the map) reuse :func:`labelled` and :func:`chart_csv` for their own tables.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..files import csv_bytes
from ..wording import tr
from .budget import budget_pivot, government_total
from .data import by_case_type, monthly_utilisation
from .labels import MONEY_DIVISOR, level_short, line_label, money_unit, tier_label
from .network import backlog_frame, staff_by_level
from .service import level_rows, mean_deadlines

__all__ = ["labelled", "chart_csv", "level_numbers", "resolution_numbers", "backlog_numbers",
           "utilisation_numbers", "staff_cost_numbers", "budget_numbers", "COLUMN_KEYS"]

# column -> wording key of its header (headers of value columns come from the chart's axis label)
COLUMN_KEYS: dict[str, str] = {
    "scenario": "scenario", "level": "chartdata.col.level", "site": "chartdata.col.site",
    "site_id": "chartdata.col.site_id", "case_type": "chartdata.col.case_type", "tier": "chartdata.col.tier",
    "line": "chartdata.col.line", "month": "charts.t.month", "date": "charts.t.date", "year": "charts.t.year",
    "ci_low": "chartdata.col.ci_low", "ci_high": "chartdata.col.ci_high",
    "deadline": "chartdata.col.deadline", "funded_staff": "funded_staff", "parttime_staff": "parttime_staff",
}
_MONEY_DECIMALS = {"zh": 4, "en": 6}  # 万元 to the yuan, million yuan to the yuan


def labelled(frame: pd.DataFrame, lang: str, headers: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with its column names as people read them: ``headers`` first (already worded), then
    :data:`COLUMN_KEYS` through the catalogue; a column named in neither keeps its name."""
    names = {c: (headers or {}).get(c) or (tr(COLUMN_KEYS[c], lang) if c in COLUMN_KEYS else c) for c in frame.columns}
    return frame.rename(columns=names)


def chart_csv(frame: pd.DataFrame) -> bytes:
    """A labelled chart table as the bytes of a CSV file (UTF-8 with BOM, formula-safe)."""
    return csv_bytes(frame)


def _series(results: Any, compare: Any | None, lang: str, rows: Any) -> pd.DataFrame:
    """``rows(r)`` of the baseline (and the proposal), with a first column naming the scenario."""
    parts = [rows(results).assign(scenario=tr("charts.t.baseline", lang))]
    if compare is not None:
        parts.append(rows(compare).assign(scenario=tr("brief.proposal", lang)))
    out = pd.concat(parts, ignore_index=True)
    return out[["scenario", *[c for c in out.columns if c != "scenario"]]]


def level_numbers(results: Any, compare: Any | None, metric: str, *, lang: str = "zh", scale: float = 1.0,
                  with_overall: bool = False, value_header: str = "") -> pd.DataFrame:
    """The bars of a by-level chart (waits: ``wait_mean_min``; one trip: ``one_trip_rate`` with
    ``scale=100`` and ``with_overall``): scenario, level, value and its 95% interval."""
    def rows(r: Any) -> pd.DataFrame:
        d = level_rows(r, metric, with_overall, results)
        d = d[d["mean"].notna()]  # a bar is drawn only where there is a value
        return pd.DataFrame({"level": [level_short(lv, lang) for lv in d["level"]], "mean": d["mean"] * scale,
                             "ci_low": d["ci_low"] * scale, "ci_high": d["ci_high"] * scale})

    return labelled(_series(results, compare, lang, rows), lang, {"mean": value_header or tr(f"charts.t.{metric}", lang)})


def resolution_numbers(results: Any, compare: Any | None = None, *, scenario: Any | None = None,
                       lang: str = "zh") -> pd.DataFrame:
    """The bars of the resolution chart: working days to resolve each case type (95% interval) and the
    deadline marker (mean deadline of the baseline's finished cases)."""

    names = {ct: spec.label(lang) for ct, spec in scenario.spec.case_types.items()} if scenario is not None else {}
    order = list(names) or sorted(results.cases["case_type"].astype(str).unique())
    deadlines = mean_deadlines(results)

    def rows(r: Any) -> pd.DataFrame:
        d = by_case_type(r, "resolution_working_days_mean", order)
        d = d[d["mean"].notna()]
        return pd.DataFrame({"case_type": [names.get(c, c) for c in d["case_type"]], "mean": d["mean"],
                             "ci_low": d["ci_low"], "ci_high": d["ci_high"],
                             "deadline": deadlines.reindex(d["case_type"]).to_numpy(dtype=float)})

    return labelled(_series(results, compare, lang, rows), lang, {"mean": tr("charts.t.working_days", lang)})


def backlog_numbers(results: Any, compare: Any | None = None, *, scenario: Any | None = None,
                    lang: str = "zh", what: str = "petition") -> pd.DataFrame:
    """The lines of the burn-down chart: open cases at the end of each day, mean and 95% interval."""
    def rows(r: Any) -> pd.DataFrame:
        d = backlog_frame(r, scenario, what)
        return pd.DataFrame({"date": [x.isoformat() for x in d["date"]], "mean": d["mean"],
                             "ci_low": d["ci_low"], "ci_high": d["ci_high"]})

    header = tr("charts.t.petition_backlog", lang) if what == "petition" else tr("charts.t.open_cases", lang)
    return labelled(_series(results, compare, lang, rows), lang, {"mean": header})


def utilisation_numbers(results: Any, *, scenario: Any | None = None, lang: str = "zh") -> pd.DataFrame:
    """The cells of the utilisation heat map: site, level, month and utilisation (%), village stations
    pooled into one row as on the chart."""
    u = monthly_utilisation(results)
    names = {s.site_id: (s.name_zh if lang == "zh" else s.name_en) for s in scenario.sites} if scenario is not None else {}
    names["village"] = tr("charts.t.villages_mean", lang)
    out = pd.DataFrame({"site_id": u["site_id"], "site": [names.get(s, s) for s in u["site_id"]],
                        "level": [level_short(lv, lang) for lv in u["level"]],
                        "month": [pd.Timestamp(m).strftime("%Y-%m") for m in u["month"]],
                        "value": u["value"].to_numpy(dtype=float) * 100})
    return labelled(out, lang, {"value": tr("charts.t.utilisation", lang)})


def _money(values: Any, lang: str) -> Any:
    return (pd.Series(values, dtype=float) / MONEY_DIVISOR[lang]).round(_MONEY_DECIMALS[lang]).to_numpy()


def staff_cost_numbers(costs: pd.DataFrame, compare: pd.DataFrame | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """The bars of the staff-and-cost chart: funded and part-time staff and the yearly cost per level."""
    def rows(c: pd.DataFrame) -> pd.DataFrame:
        g = staff_by_level(c)
        return pd.DataFrame({"level": [level_short(lv, lang) for lv in g.index], "funded_staff": g["funded_staff"].to_numpy(),
                             "parttime_staff": g["parttime_staff"].to_numpy(), "cost": _money(g["total_yuan"], lang)})

    cost = tr("charts.axis_with_unit", lang, label=tr("charts.t.site_cost", lang), unit=money_unit(lang, True))
    return labelled(_series(costs, compare, lang, rows), lang, {"cost": cost})


def budget_numbers(budget: Any, *, by: str = "tier", lang: str = "zh") -> pd.DataFrame:
    """The stacks of a budget chart (government money per year and tier, or line) and, per year, the
    total with its P10-P90 band, in 万元 (million yuan in English)."""
    pivot = budget_pivot(budget.table, by)
    name = tier_label if by == "tier" else line_label
    long = pivot.reset_index().melt(id_vars="year", var_name=by, value_name="value")
    order = {c: i for i, c in enumerate(pivot.columns)}
    long = long.sort_values(["year", by], key=lambda s: s.map(order) if s.name == by else s, kind="stable")
    parts = pd.DataFrame({"year": long["year"].astype(int).to_numpy(), by: [name(c, lang) for c in long[by]],
                          "value": _money(long["value"], lang)})
    totals = government_total(budget.table)
    total = pd.DataFrame({"year": totals["year"].astype(int).to_numpy(), by: tr("total", lang),
                          "value": _money(totals["value"], lang), "p10": _money(totals["p10"], lang),
                          "p90": _money(totals["p90"], lang)})
    out = pd.concat([parts, total], ignore_index=True).sort_values("year", kind="stable").reset_index(drop=True)
    unit = money_unit(lang)
    return labelled(out, lang, {"value": tr("charts.amount", lang, unit=unit),
                                "p10": tr("chartdata.col.p10", lang, unit=unit),
                                "p90": tr("chartdata.col.p90", lang, unit=unit)})
