"""``vetsim report``: build the meeting brief, print its title and headlines, say where it went."""

from __future__ import annotations

import argparse

from ..brief.brief import TASK_PAGE_SUFFIX
from ..brief.run import report
from ..files import check_output_target, display_path
from ..tasks.text import all_headlines
from ..wording import tr

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """``vetsim report BASELINE [--compare PROPOSAL]``: the brief, written to ``--out``."""
    if args.chart_data:  # the folder is checked before the simulation, like the brief's file
        check_output_target(args.chart_data, "folder", args.force)
    brief = report(args.baseline, args.compare, out=args.out, lang=args.lang, replications=args.replications,
                   seed=args.seed, workers=args.workers, draws=args.draws, progress=not args.quiet and args.lang,
                   paper=args.paper, tasks=args.tasks, as_of=args.as_of, history=args.history)
    print(brief.title)
    for line in brief.headlines:
        print(f"  - {line}")
    print((tr("brief.written", args.lang)) + display_path(brief.path))
    if args.chart_data:
        print(tr("chartdata.written_to", args.lang) + display_path(brief.save_chart_data(args.chart_data, args.force)))
    if args.tasks:
        for line in all_headlines(brief.inputs.tasks, brief.inputs.proposal_tasks, args.lang):
            print(f"  - {line}")
        if brief.path is not None and brief.path.suffix.lower() in (".png", ".svg"):
            second = brief.path.with_name(f"{brief.path.stem}{TASK_PAGE_SUFFIX}{brief.path.suffix}")
            print(tr("tasks.cli.second_page", args.lang, path=display_path(second)))
    return 0
