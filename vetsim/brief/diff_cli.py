"""``vetsim compare BEFORE AFTER [--out changes.csv|.xlsx|.html] [--replications N] [--seed S] [--lang en]``:
what changed between two runs (scenario folders, or results folders of ``vetsim simulate --out``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import cliargs
from ..cli import bi, outcome
from ..wording import both, tr

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from .diff import compare_paths
    from .diff_text import OUT_FORMATS, CompareFormatError, report_lines
    from .diff_write import write_comparison

    if args.out is not None:  # before minutes of simulation, not after
        if Path(args.out).suffix.lower() not in OUT_FORMATS:
            raise CompareFormatError.of("compare.bad_format", path=args.out, allowed=", ".join(OUT_FORMATS))
        check_output_target(args.out, "file", inputs=(args.before, args.after))
    c = compare_paths(args.before, args.after, replications=args.replications, seed=args.seed, workers=args.workers,
                      progress=not args.quiet and args.lang)
    print("\n".join(report_lines(c, args.lang)))
    if args.out is not None:
        out = write_comparison(c, args.out, args.lang)
        print(tr("compare.cli.wrote", args.lang, path=display_path(out)))
    return outcome(0, "compare.cli.closing_same" if c.nothing_changed else "compare.cli.closing", args.lang)


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
    p.set_defaults(handler=_run)
