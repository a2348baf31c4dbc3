"""``vetsim ledger import FILE --scenario S --out DIR [--kind K] [--mapping MAP.yaml] [--lang en]``.

Prints the import summary (rows read, used, rejected by reason, the first problems) in the user's
language and writes the records and the full problem list as one output folder. Exit code 0 when
the file was imported (rejected rows are listed in the summary and problems.csv, not an error), 2
when nothing could be imported or the input was refused.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from .. import cliargs
from ..cli import bi, outcome
from ..wording import both, tr
from .records import KINDS

__all__ = ["register"]


def _b(key: str) -> Any:
    return bi(*both(key))


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from .importer import import_ledger, write_import
    from .personal import check_key_location
    from .mapping import load_mapping

    check_output_target(args.out, "folder", args.force, inputs=(args.file,))  # before reading the file, not after
    check_key_location(forbidden=(Path(args.out),), ledgers=(args.file,))  # the key's place too, before any work
    mapping = load_mapping(args.mapping)
    result = import_ledger(args.file, args.scenario, kind=args.kind, mapping=mapping, out=args.out)
    print(result.text(args.lang))
    out = write_import(result, args.out, force=args.force, lang=args.lang)
    print(tr("ledger.summary.written", args.lang, path=display_path(out)))
    s = result.summary
    return outcome(0, "ledger.closing", args.lang, used=s["rows_used"], rejected=s["rows_rejected"])


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
    p.set_defaults(handler=_run)
