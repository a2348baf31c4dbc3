"""``vetsim simulate`` and ``vetsim policies``: run the caseload model and print its KPIs as tables
(``vetsim calibrate`` without ``--ledger`` runs :func:`yearbook_calibration` from here too)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from .. import formats
from ..cliparser import outcome
from ..files import check_output_target, display_path
from ..kpis import KPIS
from ..scenario import load_scenario
from ..scenario.levels import level_label
from ..sim.calibration import calibration_table
from ..sim.policies import compare_policies, format_policies
from ..sim.runner import simulate as run_simulation
from ..tables import table
from ..wording import both, in_lang, tr
from ..work.advice import format_warnings, scenario_warnings

__all__ = ["simulate", "policies", "format_kpis", "format_work", "format_calibration", "runs_note",
           "yearbook_calibration"]

_KPIS = ("wait_mean_min", "wait_p90_min", "service_level", "wasted_trip_share", "one_trip_rate", "on_time_share",
         "on_time_share_backlog", "finish_rate", "overdue_open", "resolution_working_days_mean",
         "resolution_working_days_backlog", "utilisation", "workload_pressure", "duty_coverage", "campaign_on_time",
         "cases_arrived", "cases_finished", "backlog_end", "petition_backlog_end", "petition_backlog_zero_day",
         "petition_target_met", "petition_backlog_not_resolvable", "overtime_h_per_post_month",
         "overtime_weeks_over_cap")


_UNITS = {"minute": both("sim.units.minute"), "case": both("sim.units.case"), "day": both("sim.units.day"),
          "working day": both("sim.units.working_day"), "hour": both("sim.units.hour"), "week": both("sim.units.week")}


def _isna(value: object) -> bool:
    return bool(pd.isna(value))


def _fmt(value: float, unit: str, lang: str = "zh") -> str:
    if _isna(value):
        return formats.MISSING
    if value == float("inf"):  # a level with no staff time at all: red, never "—"
        return tr("kpi.no_staff", lang)
    if unit == "share":
        return formats.share(value, lang)
    return formats.count(value, lang) if unit in ("case", "day") else formats.number(value, lang, 1)


def _interval(low: float, high: float, unit: str, lang: str) -> str:
    """A 95% interval as ``low – high`` (empty when there is none: one replication)."""
    return "" if _isna(low) else f"{_fmt(low, unit, lang)} – {_fmt(high, unit, lang)}"


def format_kpis(summary: pd.DataFrame, lang: str = "zh") -> str:
    """The leaders' KPIs (all case types) per level as a table: KPI (with its unit), level, mean, 95% CI."""
    zh = lang == "zh"
    s = summary[(summary["case_type"] == "all") & summary["metric"].isin(_KPIS)]
    rows = []
    for metric in _KPIS:
        group = s[s["metric"] == metric]
        for i, (_, r) in enumerate(group.iterrows()):
            unit = _UNITS.get(r["unit"], ("", ""))[0 if zh else 1]
            name = f"{in_lang(r, 'label', lang)}{unit}" if i == 0 else ""
            rows.append([name, level_label(str(r["level"]), lang), _fmt(r["mean"], r["unit"], lang),
                         _interval(r["ci_low"], r["ci_high"], r["unit"], lang) + runs_note(r, lang)])
    head = [tr("brief.col.indicator", lang), tr("level", lang), tr("sim.col.mean", lang), tr("charts.t.ci95", lang)]
    return table(head, rows, align=("left", "left", "right", "right"))


def runs_note(row, lang: str = "zh") -> str:
    """", not reached in 19 of 20 runs (the figure is over the 1 run that did)" for a figure that exists only
    in some runs (the day the backlog reached zero, a campaign's finishing day); "" when every run had it."""
    n, runs = int(row.get("replications", 0) or 0), int(row.get("runs", 0) or 0)
    k = KPIS.get(str(row.get("metric")))
    if runs <= n or k is None or not k.until_end:
        return ""
    return tr("sim.runs_note", lang, missing=runs - n, runs=runs, n=n)


def format_work(summary: pd.DataFrame, scenario, lang: str = "zh") -> str:
    """Duties done by their due date per level and duty, and each campaign's completion day against its
    deadline, as two tables."""
    blocks = []
    duties = {r.duty: r.label(lang) for r in scenario.table("duties.csv")}
    cov = summary[(summary["metric"] == "duty_coverage") & (summary["case_type"] != "all") & (summary["level"] != "all")]
    if not cov.empty:
        rows = [[level_label(str(r["level"]), lang), duties.get(r["case_type"], r["case_type"]), _fmt(r["mean"], "share", lang),
                 _interval(r["ci_low"], r["ci_high"], "share", lang)] for _, r in cov.iterrows()]
        head = [tr("level", lang), tr("ui.duty", lang), tr("ui.done_on_time", lang), tr("charts.t.ci95", lang)]
        blocks.append(tr("sim.duties_table_title", lang) + "\n" + table(head, rows, align=("left", "left", "right", "right")))
    start = scenario.spec.simulation.start_date
    camp: list[list[str]] = []
    for c in scenario.table("campaigns.csv"):
        rows = summary[(summary["metric"] == "campaign_done_day") & (summary["case_type"] == c.campaign)]
        if rows.empty:
            continue
        r = rows.iloc[0]
        if _isna(r["mean"]):
            day = tr("sim.not_finished", lang) + (
                tr("sim.in_no_run", lang, runs=int(r["runs"])) if "runs" in r else "")
            ci = ""
        else:
            day = formats.date(start + dt.timedelta(days=float(r["mean"])), lang)
            ci = "" if _isna(r["ci_low"]) else tr("sim.day_range", lang, low=formats.count(r["ci_low"], lang),
                                                     high=formats.count(r["ci_high"], lang))
            ci += runs_note(r, lang)
        camp.append([c.label(lang), day, ci, formats.date(c.deadline, lang)])
    if camp:
        head = [tr("tasks.measure.campaign", lang), tr("sim.col.finished", lang), tr("sim.col.finished_ci", lang),
                tr("sim.col.deadline", lang)]
        blocks.append(tr("sim.campaigns_table_title", lang) + "\n" + table(head, camp, align="left"))
    return "\n".join(blocks)


def simulate(args: argparse.Namespace) -> int:
    """``vetsim simulate SCENARIO``: the KPIs per level with their intervals, the duties and campaigns."""
    if args.out:
        check_output_target(args.out, "folder", args.force)  # before minutes of simulation, not after
    sc = load_scenario(args.path)
    warned = format_warnings(scenario_warnings(sc), args.lang)
    if warned:
        print(warned, file=sys.stderr)
    res = run_simulation(sc, replications=args.replications, seed=args.seed, workers=args.workers, progress=args.lang)
    m = res.meta
    head = (tr("sim.run_header", args.lang, zh=m["scenario_name"]["zh"], replications=m["replications"], seed=m["seed"], m_scenario_hash_12=m["scenario_hash"][:12], en=m["scenario_name"]["en"]))
    print(head)
    if m.get("calendar_estimated_years"):
        years = ", ".join(str(y) for y in m["calendar_estimated_years"])
        print(tr("sim.holidays_estimated_note", args.lang, years=years))
    print(format_kpis(res.summary, args.lang))
    print(format_work(res.summary, sc, args.lang))
    if args.out:
        out = res.to_parquet(Path(args.out), force=args.force)
        print(tr("sim.results_written", args.lang, display_path_out=display_path(out)))
    return 0


def yearbook_calibration(args: argparse.Namespace) -> int:
    """``vetsim calibrate SCENARIO`` without ``--ledger``: the yearbook figures of calibration.csv
    beside the simulation (the command itself is registered by ``vetsim.commands.calibrate``)."""
    sc = load_scenario(args.path)
    rows = sc.table("calibration.csv")
    if not rows:
        print(tr("sim.no_calibration_file", args.lang))
        return outcome(2, "sim.closing.no_calibration", args.lang)
    res = run_simulation(sc, replications=args.replications, seed=args.seed, workers=args.workers, progress=args.lang)
    cal = calibration_table(res, rows)
    print(tr("sim.calibration_table_title", args.lang))
    print(format_calibration(cal, args.lang))
    miss = int((~cal["within"].astype(bool)).sum())
    if miss:
        return outcome(1, "sim.closing.calibration_outside", args.lang, miss=miss, n=len(cal))
    return outcome(0, "sim.closing.calibration_within", args.lang, n=len(cal))


def format_calibration(table_: pd.DataFrame, lang: str = "zh") -> str:
    """The yearbook figures beside the simulation, one row per figure, with a header: figure, simulated
    mean, 95% CI, distance, tolerance, within or outside."""
    rows = []
    for r in table_.itertuples():
        share = r.figure < 1

        def f(v: float, share: bool = share) -> str:
            return formats.share(v, lang) if share else formats.number(v, lang, 1)
        rows.append([in_lang(r, "label", lang), f(r.figure), f(r.simulated),
                     "" if _isna(r.ci_low) else f"{f(r.ci_low)} – {f(r.ci_high)}", formats.share(r.distance, lang, signed=True),
                     "±" + formats.share(r.tolerance, lang, 0), tr("sim.within" if r.within else "sim.outside", lang)])
    head = [tr("brief.col.indicator", lang), tr("sim.col.figure", lang), tr("sim.col.simulated", lang),
            tr("charts.t.ci95", lang), tr("sim.col.distance", lang), tr("sim.col.tolerance", lang), tr("sim.col.verdict", lang)]
    return table(head, rows, align=("left", "right", "right", "right", "right", "right", "left"))


def policies(args: argparse.Namespace) -> int:
    """``vetsim policies SCENARIO``: every named work policy on the same random numbers, side by side."""
    sc = load_scenario(args.path)
    table = compare_policies(sc, replications=args.replications, seed=args.seed, workers=args.workers)
    print(format_policies(table, sc, args.lang))
    return 0
