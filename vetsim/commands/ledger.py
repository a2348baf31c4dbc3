"""``vetsim ledger import FILE --scenario S --out DIR [--kind K] [--mapping MAP.yaml] [--lang en]``: its
arguments (the handler is ``ledger_run.import_file``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import bi
from ..ledger.records import KINDS
from ..wording import both

__all__ = ["register"]


def _b(key: str) -> Any:
    return bi(*both(key))


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``ledger import`` to the ``vetsim`` command line."""
    group = subparsers.add_parser("ledger", help=_b("ledger.cli.group"), description=_b("ledger.cli.group_desc"))
    lang = getattr(group, "lang", "zh")
    sub = group.add_subparsers(dest="ledger_command", required=True, metavar=_b("ledger.cli.metavar_action").pick(lang),
                               help=_b("ledger.cli.action"))
    p = sub.add_parser("import", help=_b("ledger.cli.import"), description=_b("ledger.cli.import_desc"))
    p.add_argument("file", metavar=_b("ledger.cli.metavar_file").pick(lang), help=_b("ledger.cli.file"))
    p.add_argument("--scenario", required=True, metavar=_b("ledger.cli.metavar_scenario").pick(lang),
                   help=_b("ledger.cli.scenario"))
    p.add_argument("--out", required=True, metavar=_b("ledger.cli.metavar_dir").pick(lang), help=_b("ledger.cli.out"))
    p.add_argument("--kind", choices=KINDS, default=None, help=_b("ledger.cli.kind"))
    p.add_argument("--mapping", default=None, metavar="MAP.yaml", help=_b("ledger.cli.mapping"))
    cliargs.add_force(p, bi(*both("ledger.cli.force")), bi(*both("files.help_replace_foreign")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.ledger_run:import_file")
