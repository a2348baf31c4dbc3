"""``vetsim simulate PATH [--replications N] [--seed S] [--workers K] [--out DIR] [--lang en]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..cli import add_scenario_arg, bi

__all__ = ["register", "format_kpis"]

_LEVELS = {"all": ("全县", "All levels"), "county_center": ("县级服务中心", "County center"),
           "township": ("乡镇（街道）服务站", "Township stations"), "village": ("村（社区）服务站", "Village stations"),
           "partner": ("合作部门", "Partner departments")}
_KPIS = ("wait_mean_min", "wait_p90_min", "service_level", "one_trip_rate", "utilisation", "on_time_share",
         "resolution_working_days_mean", "cases_arrived", "cases_finished", "backlog_end", "petition_backlog_end",
         "petition_backlog_zero_day")


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
        lines.append(f"{first['label_zh'] if zh else first['label_en']}")
        for _, r in rows.iterrows():
            name = _LEVELS.get(r["level"], (r["level"], r["level"]))[0 if zh else 1]
            ci = "" if pd.isna(r["ci_low"]) else f"  (95% CI {_fmt(r['ci_low'], r['unit'])} – {_fmt(r['ci_high'], r['unit'])})"
            lines.append(f"  {name}: {_fmt(r['mean'], r['unit'])}{ci}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..scenario import load_scenario
    from .runner import simulate

    zh = args.lang == "zh"
    sc = load_scenario(args.path)
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
    if args.out:
        out = res.to_parquet(Path(args.out))
        print(f"结果已写入 {out}" if zh else f"Results written to {out}")
    return 0


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``simulate`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("simulate", help=bi("仿真业务流转（等待、办结、积案）", "simulate the caseload flow"),
                              description=bi("按情景仿真各站点的业务流转，输出各层级关键指标的均值和 95% 置信区间。",
                                             "Simulate the caseload flow of a scenario; prints the key indicators "
                                             "per level with 95% confidence intervals."))
    add_scenario_arg(p)
    p.add_argument("--replications", type=int, default=None,
                   help=bi("重复模拟次数（默认取情景设置）", "number of replications (default: the scenario's)"))
    p.add_argument("--seed", type=int, default=None,
                   help=bi("随机种子（默认取情景设置）", "random seed (default: the scenario's)"))
    p.add_argument("--workers", type=int, default=1, help=bi("并行进程数（默认 1）", "worker processes (default 1)"))
    p.add_argument("--out", default=None,
                   help=bi("保存 Parquet 结果的文件夹", "folder for the Parquet results"))
    add_common(p)
    p.set_defaults(handler=_run)
