"""``vetsim budget PATH [--draws N] [--seed S] [--xlsx FILE] [--lang en]``: yearly table by tier."""

from __future__ import annotations

import argparse
from typing import Any, Callable

import pandas as pd

from .. import cliargs, formats
from ..i18n import MONEY_DIVISOR, money_unit
from .errors import FiscalError

from ..cli import add_scenario_arg, bi

__all__ = ["register", "format_budget"]


def format_budget(b: Any, lang: str = "zh") -> str:
    """Header lines and the year x tier table in 万元 (million yuan in English); the Excel and CSV files keep
    yuan to the cent."""
    zh = lang == "zh"
    div, unit = MONEY_DIVISOR[lang], money_unit(lang)
    m = b.meta
    name = m["scenario_name"] if zh else m["scenario_name_en"]
    kind = ("精确计算" if m["draws"] == 0 else f"蒙特卡洛 {m['draws']} 次（均值），种子 {m['seed']}") if zh else \
        ("exact" if m["draws"] == 0 else f"Monte Carlo, {m['draws']} draws (mean), seed {m['seed']}")
    head = [f"{'财政负担测算' if zh else 'Fiscal burden'}：{name}" if zh else f"Fiscal burden: {name}",
            f"单位：{unit}（Excel/CSV 中为精确到分的元）；{kind}；情景指纹 {m['scenario_hash'][:12]}" if zh
            else f"{unit} (yuan to the cent in Excel/CSV); {kind}; scenario hash {m['scenario_hash'][:12]}"]
    digits = 2 if zh else 3  # 0.01 万元 = 100 yuan; 0.001 million yuan = 1,000 yuan

    def fmt(x: float) -> str:
        return formats.number(x, lang, digits, missing="NaN")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", fmt):
        body = (b.wide(lang) / div).to_string()
    lines = head + [body]
    if m["draws"] > 0:
        from .labels import COLUMN_LABELS, flabel

        r = b.totals(("year",)).set_index("year")[["p10", "p50", "p90"]] / div
        r.columns = ["P10", "P50", "P90"]  # in the table's unit (万元 / million yuan), said in the header
        r.index.name = flabel(COLUMN_LABELS, "year", lang)
        with pd.option_context("display.float_format", fmt):
            lines += ["", "政府合计区间" if zh else "Government total range", r.to_string()]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from ..scenario import load_scenario
    from .budget import budget

    targets = [(t, w) for t, w in ((args.xlsx, "to_excel"), (args.csv, "to_csv")) if t]
    for target, _ in targets:
        check_output_target(target, "file")  # before the draws, not after
    sc = load_scenario(args.path)
    b = budget(sc, draws=args.draws, seed=args.seed)
    print(format_budget(b, args.lang))
    for target, writer in targets:
        try:
            path = getattr(b, writer)(target, lang=args.lang)
        except OSError as exc:
            raise FiscalError(f"无法写入文件 {display_path(target)}：{exc.strerror or exc}",
                              f"cannot write the file {display_path(target)}: {exc.strerror or exc}") from exc
        print(("已写入 " if args.lang == "zh" else "written: ") + display_path(path))
    return 0


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("budget", help=bi("财政负担测算：各级财政每年负担", "yearly fiscal burden by level of government"),
                              description=bi("按年份和财政层级测算经费负担（元）；可做蒙特卡洛区间并导出 Excel。",
                                             "Yearly fiscal burden by level of government (yuan); optionally a "
                                             "Monte Carlo range and an Excel workbook."))
    add_scenario_arg(p)
    p.add_argument("--draws", type=cliargs.draws, default=0,
                   help=bi("蒙特卡洛抽样次数（默认 0：精确值）", "Monte Carlo draws (default 0: exact values)"))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi("随机种子（默认取情景设置）", "random seed (default: the scenario's seed)"))
    p.add_argument("--xlsx", default=None,
                   help=bi("同时把结果写入此 Excel 文件", "also write an Excel workbook to this file"))
    p.add_argument("--csv", default=None,
                   help=bi("同时把整理好的表格写入此 CSV 文件（UTF-8）", "also write the tidy table as CSV (UTF-8) to this file"))
    add_common(p)
    p.set_defaults(handler=_run)
