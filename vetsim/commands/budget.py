"""``vetsim budget PATH [--draws N] [--seed S] [--xlsx FILE] [--csv FILE] [--lang en]``: its arguments
(the handler is ``budget_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import add_scenario_arg, bi
from ..wording import both

__all__ = ["register"]


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("budget", help=bi(*both("fiscal.cmd.help")),
                              description=bi(*both("fiscal.cmd.description")))
    add_scenario_arg(p)
    p.add_argument("--draws", type=cliargs.draws, default=0,
                   help=bi(*both("fiscal.arg.draws")))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi(*both("sim.arg.seed")))
    p.add_argument("--xlsx", default=None,
                   help=bi(*both("fiscal.arg.excel")))
    p.add_argument("--csv", default=None,
                   help=bi(*both("fiscal.arg.csv")))
    p.add_argument("--explain", action="append", metavar="LINE[:YEAR]", help=bi(*both("explain.cli_help")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.budget_run:run")
