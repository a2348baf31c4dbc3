"""``vetsim simulate PATH [--replications N] [--seed S] [--workers K] [--out DIR] [--lang en]``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import cliargs, formats
from ..cli import add_scenario_arg, bi
from ..scenario.levels import level_label
from ..wording import both, tr

__all__ = ["register", "format_kpis", "format_work", "yearbook_calibration"]

_KPIS = ("wait_mean_min", "wait_p90_min", "service_level", "wasted_trip_share", "one_trip_rate", "on_time_share",
         "finish_rate", "overdue_open", "resolution_working_days_mean", "utilisation", "workload_pressure",
         "duty_coverage", "campaign_on_time", "cases_arrived", "cases_finished", "backlog_end", "petition_backlog_end",
         "petition_backlog_zero_day", "petition_target_met")


_UNITS = {"minute": both("sim.units.minute"), "case": both("sim.units.case"), "day": both("sim.units.day"),
          "working day": both("sim.units.working_day")}


def _fmt(value: float, unit: str, lang: str = "zh") -> str:
    if pd.isna(value):
        return formats.MISSING
    if unit == "share":
        return formats.share(value, lang)
    return formats.count(value, lang) if unit in ("case", "day") else formats.number(value, lang, 1)


def format_kpis(summary: pd.DataFrame, lang: str = "zh") -> str:
    """The leaders' KPIs (all case types) per level: mean and 95% CI, as plain text."""
    zh = lang == "zh"
    s = summary[(summary["case_type"] == "all") & summary["metric"].isin(_KPIS)]
    lines = []
    for metric in _KPIS:
        rows = s[s["metric"] == metric]
        if rows.empty:
            continue
        first = rows.iloc[0]
        unit = _UNITS.get(first["unit"], ("", ""))[0 if zh else 1]
        lines.append(f"{first['label_zh'] if zh else first['label_en']}{unit}")
        for _, r in rows.iterrows():
            name = level_label(str(r["level"]), lang)
            ci = "" if pd.isna(r["ci_low"]) else f"  (95% CI {_fmt(r['ci_low'], r['unit'])} – {_fmt(r['ci_high'], r['unit'])})"
            lines.append(f"  {name}: {_fmt(r['mean'], r['unit'])}{ci}")
    return "\n".join(lines)


def format_work(summary: pd.DataFrame, scenario, lang: str = "zh") -> str:
    """Duties done by their due date per level and duty, and each campaign's completion day against its deadline."""
    zh = lang == "zh"
    lines = []
    duties = {r.duty: (r.label_zh if zh else r.label_en) for r in scenario.table("duties.csv")}
    cov = summary[(summary["metric"] == "duty_coverage") & (summary["case_type"] != "all") & (summary["level"] != "all")]
    if not cov.empty:
        lines.append(tr("sim.duties_done_by_their_due", lang))
        for _, r in cov.iterrows():
            name = level_label(str(r["level"]), lang)
            ci = "" if pd.isna(r["ci_low"]) else f"  (95% CI {_fmt(r['ci_low'], 'share')} – {_fmt(r['ci_high'], 'share')})"
            lines.append(f"  {name} · {duties.get(r['case_type'], r['case_type'])}: {_fmt(r['mean'], 'share')}{ci}")
    start = scenario.spec.simulation.start_date
    camp: list[str] = []
    for c in scenario.table("campaigns.csv"):
        rows = summary[(summary["metric"] == "campaign_done_day") & (summary["case_type"] == c.campaign)]
        if rows.empty:
            continue
        r = rows.iloc[0]
        label = c.label_zh if zh else c.label_en
        if pd.isna(r["mean"]):
            camp.append(f"  {label}: " + (tr("sim.not_finished_in_the_window", lang)))
            continue
        day = (start + dt.timedelta(days=float(r["mean"]))).isoformat()
        ci = "" if pd.isna(r["ci_low"]) else (tr("sim.95_ci_day", lang, ci_low=r["ci_low"], ci_high=r["ci_high"]))
        camp.append(tr("sim.finished_on_deadline", lang, label=label, day=day, ci=ci, deadline=c.deadline))
    if camp:
        lines += [tr("sim.campaigns_day_finished_at_every", lang), *camp]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path  # lazy: start-up of `vetsim --help` and of the other commands
    from ..scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands
    from .runner import simulate  # lazy: start-up of `vetsim --help` and of the other commands

    from ..work.advice import format_warnings, scenario_warnings  # lazy: start-up of `vetsim --help` and of the other commands

    zh = args.lang == "zh"
    if args.out:
        check_output_target(args.out, "folder", args.force)  # before minutes of simulation, not after
    sc = load_scenario(args.path)
    warned = format_warnings(scenario_warnings(sc), args.lang)
    if warned:
        print(warned, file=sys.stderr)
    res = simulate(sc, replications=args.replications, seed=args.seed, workers=args.workers, progress=True)
    m = res.meta
    head = (tr("sim.scenario_replications_seed_hash", args.lang, zh=m["scenario_name"]["zh"], replications=m["replications"], seed=m["seed"], m_scenario_hash_12=m["scenario_hash"][:12], en=m["scenario_name"]["en"]))
    print(head)
    if m.get("calendar_estimated_years"):
        years = ", ".join(str(y) for y in m["calendar_estimated_years"])
        print(tr("sim.note_the_official_holiday_schedule", args.lang, years=years))
    print(format_kpis(res.summary, args.lang))
    print(format_work(res.summary, sc, args.lang))
    if args.out:
        out = res.to_parquet(Path(args.out), force=args.force)
        print(tr("sim.results_written_to", args.lang, display_path_out=display_path(out)))
    return 0


def yearbook_calibration(args: argparse.Namespace) -> int:
    """``vetsim calibrate SCENARIO`` without ``--ledger``: the yearbook figures of calibration.csv
    beside the simulation (the command itself is registered by ``vetsim.backtest.cli``)."""
    from ..scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands
    from .calibration import calibration_table  # lazy: start-up of `vetsim --help` and of the other commands
    from .runner import simulate  # lazy: start-up of `vetsim --help` and of the other commands

    zh = args.lang == "zh"
    sc = load_scenario(args.path)
    rows = sc.table("calibration.csv")
    if not rows:
        print(tr("sim.the_scenario_has_no_calibration", args.lang))
        return 2
    res = simulate(sc, replications=args.replications, seed=args.seed, workers=args.workers, progress=True)
    table = calibration_table(res, rows)
    print(tr("sim.calibration_yearbook_figures_and_simulated", args.lang))
    miss = 0
    for r in table.itertuples():
        share = r.figure < 1
        f = (lambda v: formats.share(v, args.lang) if share else formats.number(v, args.lang, 1))
        mark = (tr("sim.within", args.lang)) if r.within else (tr("sim.outside", args.lang))
        miss += not r.within
        print(f"  {r.label_zh if zh else r.label_en}: {f(r.figure)} | {f(r.simulated)} ({f(r.ci_low)} – {f(r.ci_high)}) "
              f"| {r.distance:+.1%} ({mark} ±{r.tolerance:.0%})")
    return 1 if miss else 0


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``simulate`` to the ``vetsim`` command line (``calibrate`` comes from ``vetsim.backtest.cli``)."""
    p = subparsers.add_parser("simulate", help=bi(*both("sim.simulate_the_caseload_flow")),
                              description=bi(*both("sim.simulate_the_caseload_flow_of")))
    add_scenario_arg(p)
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi(*both("brief.simulation_replications_default_the_scenario")))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi(*both("sim.random_seed_default_the_scenario")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("sim.worker_processes_default_1")))
    p.add_argument("--out", default=None,
                   help=bi(*both("sim.folder_for_the_parquet_results")))
    cliargs.add_force(p, bi(*both("staffing.write_into_out_even_if")), bi(*both("files.help_replace_foreign")))
    add_common(p)
    p.set_defaults(handler=_run)
