"""``vetsim bulletin RECORDS --scenario SCENARIO --period 2027-04 --out DIR [--notes FILE] [--rules FILE]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cli import bi, outcome
from ..wording import both, tr

__all__ = ["register"]


def _period(text: str) -> Any:
    """``type=`` of ``--period``: refused in both languages."""
    from .period import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(f"{exc.zh}{cliargs.LANG_SEP}{exc.en}") from None


def _ranking_lines(b: Any, lang: str) -> list[str]:
    from ..tables import table_lines
    from .text import township_table

    shown, _ = township_table(b, lang)
    cols = list(shown.columns[:2]) + [shown.columns[-3], shown.columns[-2]]
    return [tr("bulletin.cli.ranking", lang, period=b.period.label(lang)),
            *table_lines(cols, [[str(v) for v in row] for row in shown[cols].itertuples(index=False)], max_width=40)]


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from .build import build_bulletin
    from .text import headlines
    from .write import file_names, write_bulletin

    inputs = (*args.records, args.scenario, *(p for p in (args.notes, args.rules) if p))
    check_output_target(args.out, "folder", args.force, inputs=inputs)  # before any work
    b = build_bulletin(args.records, args.scenario, args.period, notes=args.notes, rules=args.rules,
                       tasks=not args.no_tasks, replications=args.replications, seed=args.seed, history=args.history)
    for line in headlines(b, args.lang):
        print(line)
    print("\n".join(_ranking_lines(b, args.lang)))
    if args.against is not None:  # any earlier period, not only the one before (vetsim.bulletin.compare)
        from ..ledgerfit.records_io import read_records
        from .compare import compare_periods, period_lines

        c = compare_periods(read_records(args.records), b.scenario, args.against, b.period, rules=b.rules)
        print("\n".join(period_lines(c, b.scenario, b.rules, args.lang)))
    out = write_bulletin(b, args.out, args.lang, force=args.force)
    print(tr("bulletin.cli.wrote", args.lang, path=display_path(out), files=", ".join(file_names(b).values())))
    return outcome(0, "bulletin.cli.closing", args.lang, period=b.period.label(args.lang))


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
    p.set_defaults(handler=_run)
