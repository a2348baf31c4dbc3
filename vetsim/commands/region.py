"""``vetsim region validate|simulate|allocate DIR`` and ``vetsim experiment FILE --scheduler ADDRESS|local --out DIR``:
their arguments (the handlers are in ``region_run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .. import cliargs
from ..cliparser import bi
from ..wording import both

__all__ = ["register"]

_days = cliargs.whole_number(1, 3660, *both("sens.arg.days"))


def _run_options(p: argparse.ArgumentParser, default_reps: int) -> None:
    p.add_argument("--replications", type=cliargs.whole_number(0, 10_000, *both("cli.replications")), default=default_reps,
                   help=bi(*both("region.help.replications", n=default_reps)))
    p.add_argument("--seed", type=cliargs.seed, default=None, help=bi(*both("region.help.seed")))
    p.add_argument("--days", type=_days, default=None, help=bi(*both("region.help.days")))
    p.add_argument("--workers", type=cliargs.workers, default=1,
                   help=bi(*both("region.help.workers")))
    p.add_argument("--scheduler", default=None,
                   help=bi(*both("region.help.scheduler")))


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``region`` (validate, simulate, allocate) and ``experiment`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("region", help=bi(*both("region.help.command")),
                              description=bi(*both("region.help.description")))
    sub = p.add_subparsers(dest="region_command", required=True, metavar=bi(*both("region.metavar.subcommand")).pick(getattr(p, "lang", "zh")),
                           help=bi(*both("region.help.subcommands")))
    specs = (("validate", bi(*both("region.help.validate")), None),
             ("simulate", bi(*both("region.help.simulate")), 5),
             ("allocate", bi(*both("region.help.allocate")), 3))
    for name, text, reps in specs:
        q = sub.add_parser(name, help=bi(text.zh.replace("%", "%%"), text.en.replace("%", "%%")), description=text)
        q.add_argument("path", metavar=bi(*both("region.metavar.region")).pick(getattr(q, "lang", "zh")),
                       help=bi(*both("region.help.path")))
        if reps is not None:
            _run_options(q, reps)
        if name == "allocate":
            g = q.add_mutually_exclusive_group(required=True)
            g.add_argument("--posts", type=cliargs.whole_number(0, 100_000, *both("region.arg.posts")),
                           help=bi(*both("region.help.posts")))
            g.add_argument("--budget", type=cliargs.money, help=bi(*both("region.help.budget")))
        add_common(q)
        q.set_defaults(handler=f"vetsim.commands.region_run:{name}")
    e = subparsers.add_parser("experiment", help=bi(*both("experiment.help.command")),
                              description=bi(*both("experiment.help.description")))
    e.add_argument("file", metavar=bi(*both("experiment.metavar.file")).pick(getattr(e, "lang", "zh")), help=bi(*both("experiment.cli.file_help")))
    e.add_argument("--scheduler", default="local",
                   help=bi(*both("experiment.help.scheduler")))
    e.add_argument("--workers", type=cliargs.workers, default=2, help=bi(*both("experiment.help.workers")))
    e.add_argument("--out", required=True, help=bi(*both("experiment.help.out")))
    cliargs.add_force(e, bi(*both("experiment.help.force")), bi(*both("files.help_replace_foreign")))
    add_common(e)
    e.set_defaults(handler="vetsim.commands.region_run:experiment")
