"""``vetsim sensitivity SCENARIO [--method morris|sobol] [--out chart.png|table.xlsx] [--lang en]``.

Prints the tornado's top assumptions per output and the global ranking of the fiscal model (and
whether their top 3 agree), and writes the tornado chart (.png/.pdf/.svg) or the tables
(.xlsx/.csv). The output target is checked before any model runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import cliargs
from ..cli import add_scenario_arg, bi
from ..wording import both, tr
from ..sensitivity.globalsa import DEFAULT_SAMPLES, MAX_MODEL_SAMPLES, METHODS, SensitivityError
from ..sensitivity.outputs import OUTPUTS
from ..sensitivity.tornado import SIM_REPLICATIONS

__all__ = ["register", "CHART_SUFFIXES", "TABLE_SUFFIXES"]

CHART_SUFFIXES = (".png", ".pdf", ".svg")
TABLE_SUFFIXES = (".xlsx", ".csv")
MAX_DAYS = 366
MAX_REPLICATIONS = 20


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from ..scenario import load_scenario
    from ..sensitivity.report import analyse, save_tables, summary_lines

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
            from ..charts import save_figure, tornado_chart

            path = save_figure(tornado_chart(a.tornado, args.output, lang=lang), args.out, lang=lang)
        print(tr("sens.written", lang, path=display_path(path)))
    print(tr("sens.runtime", lang, seconds=time.perf_counter() - start))
    return 0


def _h(key: str, **fields: Any) -> Any:
    return bi(*both(key, **fields))


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim sensitivity`` to the CLI."""
    p = subparsers.add_parser("sensitivity", help=_h("sens.help.command"), description=_h("sens.help.description"))
    add_scenario_arg(p)
    p.add_argument("--method", choices=METHODS, default="morris", help=_h("sens.help.method"))
    p.add_argument("--samples", type=cliargs.whole_number(2, MAX_MODEL_SAMPLES, *both("sens.arg.samples")), default=None,
                   help=_h("sens.help.samples", n=f"morris {DEFAULT_SAMPLES['morris']}, sobol {DEFAULT_SAMPLES['sobol']}"))
    p.add_argument("--out", default=None, help=_h("sens.help.out"))
    p.add_argument("--output", choices=tuple(OUTPUTS), default="budget_total",
                   help=_h("sens.help.output", allowed=", ".join(OUTPUTS)))
    p.add_argument("--fiscal-only", action="store_true", help=_h("sens.help.fiscal_only"))
    p.add_argument("--days", type=cliargs.whole_number(7, MAX_DAYS, *both("sens.arg.days")), default=None,
                   help=_h("sens.help.days"))
    p.add_argument("--replications", type=cliargs.whole_number(1, MAX_REPLICATIONS, *both("sens.arg.replications")),
                   default=SIM_REPLICATIONS, help=_h("sens.help.replications", n=SIM_REPLICATIONS))
    p.add_argument("--seed", type=cliargs.seed, default=None, help=_h("sens.help.seed"))
    add_common(p)
    p.set_defaults(handler=_run)
