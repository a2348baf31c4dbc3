"""``vetsim bulletin RECORDS --scenario SCENARIO --period 2027-04 --out DIR [--notes FILE] [--rules FILE]``: its
arguments (the handler is ``bulletin_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..bulletin.period import PeriodError, parse_period
from ..cliparser import bi
from ..wording import both, tr

__all__ = ["register"]


def _period(text: str) -> Any:
    """``type=`` of ``--period``: refused in both languages."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(f"{exc.zh}{cliargs.LANG_SEP}{exc.en}") from None


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim bulletin`` to the CLI."""
    p = subparsers.add_parser("bulletin", help=bi(*both("bulletin.cli.help")), description=bi(*both("bulletin.cli.description")))
    lang = getattr(p, "lang", "zh")
    p.add_argument("records", nargs="+", metavar=tr("bulletin.cli.records_metavar", lang), help=bi(*both("bulletin.cli.records")))
    p.add_argument("--scenario", required=True, metavar=tr("ledger.cli.metavar_scenario", lang), help=bi(*both("bulletin.cli.scenario")))
    p.add_argument("--period", required=True, type=_period, metavar="2027-04|2027Q2", help=bi(*both("bulletin.cli.period")))
    p.add_argument("--out", required=True, metavar=tr("ledger.cli.metavar_dir", lang), help=bi(*both("bulletin.cli.out")))
    p.add_argument("--notes", metavar="notes.csv", help=bi(*both("bulletin.cli.notes")))
    p.add_argument("--rules", metavar="rules.csv", help=bi(*both("bulletin.cli.rules")))
    p.add_argument("--against", type=_period, metavar="2027-01|2027Q1", help=bi(*both("compare.periods.against")))
    p.add_argument("--no-tasks", action="store_true", help=bi(*both("bulletin.cli.no_tasks")))
    p.add_argument("--replications", type=cliargs.replications, help=bi(*both("brief.arg.replications")))
    p.add_argument("--seed", type=cliargs.seed, help=bi(*both("sim.arg.seed")))
    p.add_argument("--history", metavar=tr("tasks.cli.history_metavar", lang), help=bi(*both("bulletin.cli.history")))
    p.add_argument("--force", action="store_true", help=bi(*both("bulletin.cli.force")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.bulletin_run:run")
