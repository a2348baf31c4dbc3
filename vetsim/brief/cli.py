"""``vetsim report BASELINE [--compare PROPOSAL] [--out brief.pdf|brief.png|brief.html]``: the meeting brief."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ..files import display_path
    from .run import report

    brief = report(args.baseline, args.compare, out=args.out, lang=args.lang, replications=args.replications,
                   seed=args.seed, workers=args.workers, draws=args.draws, progress=not args.quiet,
                   paper=args.paper)
    zh = args.lang == "zh"
    print(brief.title)
    for line in brief.headlines:
        print(f"  - {line}")
    print(("简报已保存：" if zh else "Brief written to ") + display_path(brief.path))
    return 0


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim report`` to the CLI."""
    from ..fiscal import RANGE_DRAWS as DEFAULT_DRAWS

    p = subparsers.add_parser(
        "report", help="one-page meeting brief (PDF/PNG/HTML): baseline, or baseline vs proposal",
        description="Simulate the scenario(s) with the same seed and write a one-page brief: KPI table "
                    "against the targets, headline sentences and charts. Chinese by default (--lang en).")
    p.add_argument("baseline", help="baseline scenario folder")
    p.add_argument("--compare", metavar="PROPOSAL", help="proposal scenario folder to compare with")
    p.add_argument("--out", default="brief.pdf", help="output file: .pdf, .png, .html or .svg (default brief.pdf)")
    p.add_argument("--replications", type=cliargs.replications, help="simulation replications (default: the scenario's)")
    p.add_argument("--seed", type=cliargs.seed, help="random seed for both scenarios (default: the baseline's)")
    p.add_argument("--workers", type=cliargs.workers, default=1, help="worker processes for the simulation")
    p.add_argument("--draws", type=cliargs.draws, default=DEFAULT_DRAWS,
                   help=f"Monte Carlo draws of the budget range (default {DEFAULT_DRAWS}; 0 = exact, no range)")
    p.add_argument("--paper", choices=("16:9", "a4"), default="16:9",
                   help="page: 16:9 for the projector (default) or a4 (A4 landscape, for printing)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_common(p)
    p.set_defaults(handler=_run)
