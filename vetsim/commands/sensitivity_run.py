"""``vetsim sensitivity SCENARIO [--method morris|sobol] [--out chart.png|table.xlsx] [--lang en]``.

Prints the tornado's top assumptions per output and the global ranking of the fiscal model (and
whether their top 3 agree), and writes the tornado chart (.png/.pdf/.svg) or the tables
(.xlsx/.csv). The output target is checked before any model runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..files import check_output_target, display_path
from ..scenario import load_scenario
from ..sensitivity.globalsa import SensitivityError
from ..sensitivity.report import analyse, save_tables, summary_lines
from ..wording import both, tr
from .sensitivity import CHART_SUFFIXES, TABLE_SUFFIXES

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """``vetsim sensitivity SCENARIO``: the tornado and the global ranking, printed; the chart or tables written."""
    start = time.perf_counter()
    lang = args.lang
    if args.out is not None:
        if Path(args.out).suffix.lower() not in CHART_SUFFIXES + TABLE_SUFFIXES:
            raise SensitivityError(*both("sens.error.bad_out", path=display_path(args.out)))
        check_output_target(args.out, "file")
    scenario = load_scenario(args.path)
    a = analyse(scenario, method=args.method, samples=args.samples, service=not args.fiscal_only, days=args.days,
                replications=args.replications, seed=args.seed)
    print(f"{tr('sens.title', lang)} — {scenario.name(lang)}")
    if not args.fiscal_only:
        print(tr("sens.sim_note", lang, reps=args.replications, days=a.tornado.meta["days"]))
    for line in summary_lines(a, lang):
        print(line)
    if args.out is not None:
        if Path(args.out).suffix.lower() in TABLE_SUFFIXES:
            path = save_tables(a, args.out, lang)
        else:
            from ..charts import save_figure, tornado_chart  # heavy: matplotlib, loaded only when a chart is asked for

            path = save_figure(tornado_chart(a.tornado, args.output, lang=lang), args.out, lang=lang)
        print(tr("sens.written", lang, path=display_path(path)))
    print(tr("sens.runtime", lang, seconds=time.perf_counter() - start))
    return 0
