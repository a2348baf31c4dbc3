"""``vetsim ledger import FILE --scenario S --out DIR [--kind K] [--mapping MAP.yaml] [--lang en]``.

Prints the import summary (rows read, used, rejected by reason, the first problems) in the user's
language and writes the records and the full problem list as one output folder. Exit code 0 when
the file was imported (rejected rows are listed in the summary and problems.csv, not an error), 2
when nothing could be imported or the input was refused.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliparser import outcome
from ..files import check_output_target, display_path
from ..ledger.importer import import_ledger, write_import
from ..ledger.mapping import load_mapping
from ..ledger.personal import check_key_location
from ..wording import tr

__all__ = ["import_file"]


def import_file(args: argparse.Namespace) -> int:
    """``vetsim ledger import FILE``: the summary printed, the records and problems written."""
    check_output_target(args.out, "folder", args.force, inputs=(args.file,))  # before reading the file, not after
    check_key_location(forbidden=(Path(args.out),), ledgers=(args.file,))  # the key's place too, before any work
    mapping = load_mapping(args.mapping)
    result = import_ledger(args.file, args.scenario, kind=args.kind, mapping=mapping, out=args.out)
    print(result.text(args.lang))
    out = write_import(result, args.out, force=args.force, lang=args.lang)
    print(tr("ledger.summary.written", args.lang, path=display_path(out)))
    s = result.summary
    return outcome(0, "ledger.closing", args.lang, used=s["rows_used"], rejected=s["rows_rejected"])
