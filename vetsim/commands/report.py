"""``vetsim report BASELINE [--compare PROPOSAL] [--out brief.pdf|brief.png|brief.html]``: its arguments
(the handler is ``report_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import bi
from ..cliparser import parser_lang as _lang
from ..fiscal.draws import RANGE_DRAWS as DEFAULT_DRAWS
from ..wording import both
from .tasks import parse_date

__all__ = ["register"]


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim report`` to the CLI."""
    p = subparsers.add_parser(
        "report", help=bi(*both("brief.cmd.help")),
        description=bi(*both("brief.cmd.description")))
    lang = _lang(p)
    p.add_argument("baseline", metavar=bi(*both("brief.baseline")).pick(lang),
                   help=bi(*both("brief.baseline_scenario_folder")))
    p.add_argument("--compare", metavar=bi(*both("brief.arg.proposal_metavar")).pick(lang),
                   help=bi(*both("brief.arg.proposal")))
    p.add_argument("--out", default="brief.pdf",
                   help=bi(*both("brief.arg.out")))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi(*both("brief.arg.replications_until_sure")))
    p.add_argument("--seed", type=cliargs.seed,
                   help=bi(*both("brief.arg.seed")))
    p.add_argument("--workers", type=cliargs.workers, default=None, help=bi(*both("brief.arg.workers_every_core")))
    p.add_argument("--draws", type=cliargs.draws, default=DEFAULT_DRAWS,
                   help=bi(*both("brief.arg.draws", DEFAULT_DRAWS=DEFAULT_DRAWS)))
    p.add_argument("--paper", choices=("16:9", "a4"), default="16:9",
                   help=bi(*both("brief.arg.paper")))
    p.add_argument("--tasks", action="store_true", help=bi(*both("tasks.brief_cli.tasks")))
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD", help=bi(*both("tasks.brief_cli.as_of")))
    p.add_argument("--history", help=bi(*both("tasks.brief_cli.history")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    p.add_argument("--chart-data", metavar="FOLDER", help=bi(*both("chartdata.cli_help")))
    cliargs.add_force(p, bi(*both("chartdata.force_help")), bi(*both("files.help_replace_foreign")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.report_run:run")
