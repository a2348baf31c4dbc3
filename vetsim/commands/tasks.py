"""``vetsim tasks SCENARIO [--as-of DATE] [--compare PROPOSAL] [--excel OUT.xlsx] [--snapshot] [--history DIR]``:
its arguments (the handler is ``tasks_run.run``)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import LANG_SEP, add_scenario_arg, bi, parser_lang
from ..wording import both, tr

__all__ = ["register", "parse_date"]


def parse_date(text: str) -> dt.date:
    """``type=`` of an as-of date: YYYY-MM-DD, refused in both languages."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        zh, en = both("tasks.cli.bad_date", text=text[:40])
        raise argparse.ArgumentTypeError(f"{zh}{LANG_SEP}{en}") from None


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim tasks`` to the CLI."""
    p = subparsers.add_parser(
        "tasks", help=bi(*both("tasks.cli.help")), description=bi(*both("tasks.cli.description")))
    lang = parser_lang(p)
    add_scenario_arg(p)
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD",
                   help=bi(*both("tasks.cli.as_of")))
    p.add_argument("--compare", metavar=tr("brief.arg.proposal_metavar", lang), help=bi(*both("tasks.cli.compare_help")))
    p.add_argument("--excel", metavar="OUT.xlsx", help=bi(*both("tasks.cli.excel_help")))
    p.add_argument("--snapshot", action="store_true",
                   help=bi(*both("tasks.cli.snapshot_help")))
    p.add_argument("--history", metavar=tr("tasks.cli.history_metavar", lang), help=bi(*both("tasks.cli.history_help")))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi(*both("brief.arg.replications")))
    p.add_argument("--seed", type=cliargs.seed, help=bi(*both("sim.arg.seed")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("brief.arg.workers")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.tasks_run:run")
