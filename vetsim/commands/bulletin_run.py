"""``vetsim bulletin``: the bulletin of a period from the imported ledger records (PDF, Word, Excel annex)."""

from __future__ import annotations

import argparse
from typing import Any

from ..bulletin.build import build_bulletin
from ..bulletin.compare import compare_periods, period_lines
from ..bulletin.text import headlines, township_table
from ..bulletin.write import file_names, write_bulletin
from ..cliparser import outcome
from ..files import check_output_target, display_path
from ..ledgerfit.records_io import read_records
from ..tables import table_lines
from ..wording import tr

__all__ = ["run"]


def _ranking_lines(b: Any, lang: str) -> list[str]:
    shown, _ = township_table(b, lang)
    cols = list(shown.columns[:2]) + [shown.columns[-3], shown.columns[-2]]
    return [tr("bulletin.cli.ranking", lang, period=b.period.label(lang)),
            *table_lines(cols, [[str(v) for v in row] for row in shown[cols].itertuples(index=False)], max_width=40)]


def run(args: argparse.Namespace) -> int:
    """``vetsim bulletin``: the bulletin of a period, its headlines and ranking printed, the files written."""
    inputs = (*args.records, args.scenario, *(p for p in (args.notes, args.rules) if p))
    check_output_target(args.out, "folder", args.force, inputs=inputs)  # before any work
    b = build_bulletin(args.records, args.scenario, args.period, notes=args.notes, rules=args.rules,
                       tasks=not args.no_tasks, replications=args.replications, seed=args.seed, history=args.history)
    for line in headlines(b, args.lang):
        print(line)
    print("\n".join(_ranking_lines(b, args.lang)))
    if args.against is not None:  # any earlier period, not only the one before (vetsim.bulletin.compare)
        c = compare_periods(read_records(args.records), b.scenario, args.against, b.period, rules=b.rules)
        print("\n".join(period_lines(c, b.scenario, b.rules, args.lang)))
    out = write_bulletin(b, args.out, args.lang, force=args.force)
    print(tr("bulletin.cli.wrote", args.lang, path=display_path(out), files=", ".join(file_names(b).values())))
    return outcome(0, "bulletin.cli.closing", args.lang, period=b.period.label(args.lang))
