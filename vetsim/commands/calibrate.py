"""``vetsim calibrate SCENARIO [--ledger DIR [DIR ...] --out data/NAME [--report FILE]]``: its arguments
(the handler is ``calibrate_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .. import cliargs
from ..cliparser import add_scenario_arg, bi
from ..wording import both

__all__ = ["register"]


def _h(key: str):
    return bi(*both(key))


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``calibrate`` to the ``vetsim`` command line."""
    c = subparsers.add_parser("calibrate", help=_h("calibration.cli.help"), description=_h("calibration.cli.description"))
    add_scenario_arg(c)
    c.add_argument("--ledger", default=None, nargs="+", metavar="DIR", help=_h("calibration.cli.ledger"))
    c.add_argument("--out", default=None, metavar="DIR", help=_h("calibration.cli.out"))
    c.add_argument("--report", default=None, metavar="FILE", help=_h("calibration.cli.report"))
    c.add_argument("--replications", type=cliargs.replications, default=None, help=_h("calibration.cli.replications"))
    c.add_argument("--seed", type=cliargs.seed, default=None, help=_h("calibration.cli.seed"))
    c.add_argument("--workers", type=cliargs.workers, default=1, help=_h("calibration.cli.workers"))
    cliargs.add_force(c, bi(*both("calibration.cli.force")), bi(*both("files.help_replace_foreign")))
    add_common(c)
    c.set_defaults(handler="vetsim.commands.calibrate_run:run")
