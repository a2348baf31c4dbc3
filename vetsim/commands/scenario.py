"""``vetsim validate PATH`` and ``vetsim show PATH``: their arguments (the handlers are in ``scenario_run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..cliparser import add_scenario_arg, bi
from ..wording import both

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``validate`` and ``show`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("validate", help=bi(*both("cli.validate.help")),
                              description=bi(*both("cli.validate.description")))
    add_scenario_arg(p)
    add_common(p)
    p.set_defaults(handler="vetsim.commands.scenario_run:validate")
    p = subparsers.add_parser("show", help=bi(*both("cli.show.help")),
                              description=bi(*both("cli.show.description")))
    add_scenario_arg(p)
    add_common(p)
    p.set_defaults(handler="vetsim.commands.scenario_run:show")
