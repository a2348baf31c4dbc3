"""``vetsim compare``: what changed between two runs (scenario folders, or results folders of ``vetsim simulate
--out``): changes of method, figures that moved beyond their noise, inputs that changed."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..brief.diff import compare_paths
from ..brief.diff_text import OUT_FORMATS, CompareFormatError, report_lines
from ..brief.diff_write import write_comparison
from ..cliparser import outcome
from ..files import check_output_target, display_path
from ..wording import tr

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """``vetsim compare``: what changed between two runs, printed, and written with ``--out``."""
    if args.out is not None:  # before minutes of simulation, not after
        if Path(args.out).suffix.lower() not in OUT_FORMATS:
            raise CompareFormatError.of("compare.bad_format", path=args.out, allowed=", ".join(OUT_FORMATS))
        check_output_target(args.out, "file", inputs=(args.before, args.after))
    c = compare_paths(args.before, args.after, replications=args.replications, seed=args.seed, workers=args.workers,
                      progress=not args.quiet and args.lang)
    print("\n".join(report_lines(c, args.lang, args.out)))
    if args.out is not None:
        out = write_comparison(c, args.out, args.lang)
        print(tr("compare.cli.wrote", args.lang, path=display_path(out)))
    return outcome(0, "compare.cli.closing_same" if c.nothing_changed else "compare.cli.closing", args.lang)
