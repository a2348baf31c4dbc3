"""``vetsim simulate PATH [--replications N] [--seed S] [--workers K] [--out DIR] [--lang en]``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import cliargs
from ..cli import add_scenario_arg, bi
from ..scenario.levels import level_label

__all__ = ["register", "format_kpis", "format_work"]

_KPIS = ("wait_mean_min", "wait_p90_min", "service_level", "wasted_trip_share", "one_trip_rate", "on_time_share",
         "finish_rate", "overdue_open", "resolution_working_days_mean", "utilisation", "workload_pressure",
         "duty_coverage", "campaign_on_time", "cases_arrived", "cases_finished", "backlog_end", "petition_backlog_end",
         "petition_backlog_zero_day", "petition_target_met")


_UNITS = {"minute": ("（分钟）", " (minutes)"), "case": ("（件）", " (cases)"), "day": ("（第几天）", " (day index)"),
          "working day": ("（工作日）", " (working days)")}


def _fmt(value: float, unit: str) -> str:
    if pd.isna(value):
        return "—"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}" if unit in ("case", "day") else f"{value:,.1f}"


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
        lines.append("常态工作按期完成率（按层级和工作）" if zh else "Duties done by their due date (by level and duty)")
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
            camp.append(f"  {label}: " + ("期内未完成" if zh else "not finished in the window"))
            continue
        day = (start + dt.timedelta(days=float(r["mean"]))).isoformat()
        ci = "" if pd.isna(r["ci_low"]) else (f"（95% 区间第 {r['ci_low']:.0f}–{r['ci_high']:.0f} 天）" if zh
                                              else f" (95% CI day {r['ci_low']:.0f}–{r['ci_high']:.0f})")
        camp.append(f"  {label}: 完成于 {day}{ci}，期限 {c.deadline}" if zh
                    else f"  {label}: finished on {day}{ci}, deadline {c.deadline}")
    if camp:
        lines += ["专项任务完成日期（各站点全部完成）" if zh else "Campaigns: day finished at every site", *camp]
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
    head = (f"情景：{m['scenario_name']['zh']}  重复 {m['replications']} 次  随机种子 {m['seed']}  "
            f"情景指纹 {m['scenario_hash'][:12]}" if zh else
            f"Scenario: {m['scenario_name']['en']}  replications {m['replications']}  seed {m['seed']}  "
            f"hash {m['scenario_hash'][:12]}")
    print(head)
    if m.get("calendar_estimated_years"):
        years = ", ".join(str(y) for y in m["calendar_estimated_years"])
        print(f"注意：{years} 年的官方放假安排尚未收录，节假日按法定规则估算，未含调休上班日。" if zh else
              f"Note: the official holiday schedule for {years} is not yet known; holidays are estimated "
              "by rule, without make-up workdays.")
    print(format_kpis(res.summary, args.lang))
    print(format_work(res.summary, sc, args.lang))
    if args.out:
        out = res.to_parquet(Path(args.out), force=args.force)
        print(f"结果已写入 {display_path(out)}" if zh else f"Results written to {display_path(out)}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from ..scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands
    from .calibration import calibration_table  # lazy: start-up of `vetsim --help` and of the other commands
    from .runner import simulate  # lazy: start-up of `vetsim --help` and of the other commands

    zh = args.lang == "zh"
    sc = load_scenario(args.path)
    rows = sc.table("calibration.csv")
    if not rows:
        print("该情景没有 calibration.csv（校准数据），无法校准。" if zh else
              "The scenario has no calibration.csv (calibration figures).")
        return 2
    res = simulate(sc, replications=args.replications, seed=args.seed, workers=args.workers, progress=True)
    table = calibration_table(res, rows)
    print("校准：年鉴数字与仿真均值（95% 置信区间）" if zh else "Calibration: yearbook figures and simulated means (95% CI)")
    miss = 0
    for r in table.itertuples():
        share = r.figure < 1
        f = (lambda v: "—" if pd.isna(v) else (f"{v:.1%}" if share else f"{v:,.1f}"))
        mark = ("符合" if zh else "within") if r.within else ("超出" if zh else "outside")
        miss += not r.within
        print(f"  {r.label_zh if zh else r.label_en}: {f(r.figure)} | {f(r.simulated)} ({f(r.ci_low)} – {f(r.ci_high)}) "
              f"| {r.distance:+.1%} ({mark} ±{r.tolerance:.0%})")
    return 1 if miss else 0


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``simulate`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("simulate", help=bi("仿真业务流转（等待、办结、积案）", "simulate the caseload flow"),
                              description=bi("按情景仿真各站点的业务流转，输出各层级关键指标的均值和 95% 置信区间。",
                                             "Simulate the caseload flow of a scenario; prints the key indicators "
                                             "per level with 95% confidence intervals."))
    add_scenario_arg(p)
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi("重复模拟次数（默认取情景设置）", "number of replications (default: the scenario's)"))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi("随机种子（默认取情景设置）", "random seed (default: the scenario's)"))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi("并行进程数（默认 1）", "worker processes (default 1)"))
    p.add_argument("--out", default=None,
                   help=bi("保存 Parquet 结果的文件夹", "folder for the Parquet results"))
    p.add_argument("--force", action="store_true",
                   help=bi("即使 --out 是非 vetsim 创建的非空文件夹也写入", "write into --out even if it is a non-empty folder vetsim did not create"))
    add_common(p)
    p.set_defaults(handler=_run)
    c = subparsers.add_parser("calibrate", help=bi("校准：仿真结果与年鉴等已知数字对照", "compare the simulation with known figures"),
                              description=bi("按情景的 calibration.csv，把年鉴等已知数字与仿真均值、95% 置信区间和偏差并列；"
                                             "有数字超出容差时退出码为 1。",
                                             "Simulate and print each figure of the scenario's calibration.csv beside the "
                                             "simulated mean, its 95% CI and the distance; exit 1 if one is outside its tolerance."))
    add_scenario_arg(c)
    c.add_argument("--replications", type=cliargs.replications, default=10,
                   help=bi("重复模拟次数（默认 10）", "number of replications (default 10)"))
    c.add_argument("--seed", type=cliargs.seed, default=None, help=bi("随机种子（默认取情景设置）", "random seed (default: the scenario's)"))
    c.add_argument("--workers", type=cliargs.workers, default=1, help=bi("并行进程数（默认 1）", "worker processes (default 1)"))
    add_common(c)
    c.set_defaults(handler=_calibrate)
