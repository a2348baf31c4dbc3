"""``vetsim sensitivity SCENARIO [--method morris|sobol] [--out chart.png|table.xlsx] [--lang en]``: its
arguments (the handler is ``sensitivity_run.run``).

The command prints the tornado's top assumptions per output and the global ranking of the fiscal model
(and whether their top 3 agree), and writes the tornado chart (.png/.pdf/.svg) or the tables
(.xlsx/.csv). The output target is checked before any model runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import add_scenario_arg, bi
from ..sensitivity.globalsa import DEFAULT_SAMPLES, MAX_MODEL_SAMPLES, METHODS
from ..sensitivity.outputs import OUTPUTS
from ..sensitivity.tornado import SIM_REPLICATIONS
from ..wording import both

__all__ = ["register", "CHART_SUFFIXES", "TABLE_SUFFIXES"]

CHART_SUFFIXES = (".png", ".pdf", ".svg")
TABLE_SUFFIXES = (".xlsx", ".csv")
MAX_DAYS = 366
MAX_REPLICATIONS = 20


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
    p.set_defaults(handler="vetsim.commands.sensitivity_run:run")
