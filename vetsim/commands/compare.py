"""``vetsim compare BEFORE AFTER [--out changes.csv|.xlsx|.html] [--replications N] [--seed S] [--lang en]``: its
arguments (the handler is ``compare_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import bi
from ..wording import both, tr

__all__ = ["register"]


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim compare`` to the CLI."""
    p = subparsers.add_parser("compare", help=bi(*both("compare.cli.help")), description=bi(*both("compare.cli.description")))
    lang = getattr(p, "lang", "zh")
    p.add_argument("before", metavar=tr("compare.cli.before_metavar", lang), help=bi(*both("compare.cli.before")))
    p.add_argument("after", metavar=tr("compare.cli.after_metavar", lang), help=bi(*both("compare.cli.after")))
    p.add_argument("--out", help=bi(*both("compare.cli.out")))
    p.add_argument("--replications", type=cliargs.replications, help=bi(*both("compare.cli.replications")))
    p.add_argument("--seed", type=cliargs.seed, help=bi(*both("compare.cli.seed")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("brief.arg.workers")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.compare_run:run")
