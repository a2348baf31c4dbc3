"""``vetsim simulate PATH [--replications N] [--seed S] [--workers K] [--out DIR] [--lang en]`` and
``vetsim policies PATH``: their arguments (the handlers are in ``simulate_run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .. import cliargs
from ..cliparser import add_scenario_arg, bi
from ..wording import both

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``simulate`` to the ``vetsim`` command line (``calibrate`` comes from ``vetsim.commands.calibrate``)."""
    p = subparsers.add_parser("simulate", help=bi(*both("sim.cmd.help")),
                              description=bi(*both("sim.cmd.description")))
    add_scenario_arg(p)
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi(*both("brief.arg.replications")))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi(*both("sim.arg.seed")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("sim.arg.workers")))
    p.add_argument("--out", default=None,
                   help=bi(*both("sim.arg.out")))
    cliargs.add_force(p, bi(*both("staffing.arg.force")), bi(*both("files.help_replace_foreign")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.simulate_run:simulate")
    p = subparsers.add_parser("policies", help=bi(*both("sim.policies.help")), description=bi(*both("sim.policies.description")))
    add_scenario_arg(p)
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi(*both("brief.arg.replications")))
    p.add_argument("--seed", type=cliargs.seed, default=None, help=bi(*both("sim.arg.seed")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("sim.arg.workers")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.simulate_run:policies")
