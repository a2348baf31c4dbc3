"""``vetsim staff PATH [--budget YUAN | --headcount N] [--may-cut-funded] [--out DIR]``: its arguments
(the handler is ``staff_run.staff``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import add_scenario_arg, bi
from ..cliparser import parser_lang as _lang
from ..wording import both

__all__ = ["register"]


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("staff", help=bi(*both("staffing.cmd.help")),
                              description=bi(*both("staffing.cmd.description")))
    add_scenario_arg(p)
    limit = p.add_mutually_exclusive_group()
    limit.add_argument("--budget", type=cliargs.money, default=None, metavar=bi(*both("staffing.yuan")).pick(_lang(p)),
                       help=bi(*both("staffing.arg.budget")))
    limit.add_argument("--headcount", type=cliargs.headcount, default=None, metavar="N",
                       help=bi(*both("staffing.arg.headcount")))
    p.add_argument("--out", default=None, metavar="DIR",
                   help=bi(*both("staffing.arg.out")))
    cliargs.add_force(p, bi(*both("staffing.arg.force")), bi(*both("files.help_replace_foreign")))
    p.add_argument("--no-confirm", action="store_true", help=bi(*both("staffing.arg.no_confirm")))
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi(*both("staffing.arg.replications")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("brief.arg.workers")))
    p.add_argument("--may-cut-funded", action="store_true",
                   help=bi(*both("staffing.arg.may_cut_funded")))
    p.add_argument("--max-rounds", type=cliargs.rounds, default=4,
                   help=bi(*both("staffing.arg.max_rounds")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.staff_run:staff")
