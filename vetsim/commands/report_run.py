"""``vetsim report BASELINE [--compare PROPOSAL] [--out brief.pdf|brief.png|brief.html]``: the meeting brief."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cli import bi, parser_lang as _lang
from ..wording import both, tr

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ..files import display_path
    from .run import report

    brief = report(args.baseline, args.compare, out=args.out, lang=args.lang, replications=args.replications,
                   seed=args.seed, workers=args.workers, draws=args.draws, progress=not args.quiet and args.lang,
                   paper=args.paper, tasks=args.tasks, as_of=args.as_of, history=args.history)
    zh = args.lang == "zh"
    print(brief.title)
    for line in brief.headlines:
        print(f"  - {line}")
    print((tr("brief.brief_written_to", args.lang)) + display_path(brief.path))
    if args.tasks:
        from ..tasks.text import all_headlines  # lazy: only a brief with a task page needs it

        for line in all_headlines(brief.inputs.tasks, brief.inputs.proposal_tasks, args.lang):
            print(f"  - {line}")
        if brief.path is not None and brief.path.suffix.lower() in (".png", ".svg"):
            from .brief import TASK_PAGE_SUFFIX  # lazy: start-up of `vetsim --help`

            second = brief.path.with_name(f"{brief.path.stem}{TASK_PAGE_SUFFIX}{brief.path.suffix}")
            print(tr("tasks.cli.second_page", args.lang, path=display_path(second)))
    return 0


def _date(text: str) -> Any:
    from ..tasks.cli import parse_date

    return parse_date(text)


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim report`` to the CLI."""
    from ..fiscal import RANGE_DRAWS as DEFAULT_DRAWS

    p = subparsers.add_parser(
        "report", help=bi(*both("brief.one_page_meeting_brief_pdf")),
        description=bi(*both("brief.simulate_the_scenario_s_with")))
    lang = _lang(p)
    p.add_argument("baseline", metavar=bi(*both("brief.baseline")).pick(lang),
                   help=bi(*both("brief.baseline_scenario_folder")))
    p.add_argument("--compare", metavar=bi(*both("brief.proposal_2")).pick(lang),
                   help=bi(*both("brief.proposal_scenario_folder_to_compare")))
    p.add_argument("--out", default="brief.pdf",
                   help=bi(*both("brief.output_file_pdf_png_html")))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi(*both("brief.simulation_replications_default_the_scenario")))
    p.add_argument("--seed", type=cliargs.seed,
                   help=bi(*both("brief.random_seed_for_both_scenarios")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("brief.worker_processes_for_the_simulation")))
    p.add_argument("--draws", type=cliargs.draws, default=DEFAULT_DRAWS,
                   help=bi(*both("brief.monte_carlo_draws_of_the", DEFAULT_DRAWS=DEFAULT_DRAWS)))
    p.add_argument("--paper", choices=("16:9", "a4"), default="16:9",
                   help=bi(*both("brief.page_16_9_for_the")))
    p.add_argument("--tasks", action="store_true", help=bi(*both("tasks.brief_cli.tasks")))
    p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD", help=bi(*both("tasks.brief_cli.as_of")))
    p.add_argument("--history", help=bi(*both("tasks.brief_cli.history")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    add_common(p)
    p.set_defaults(handler=_run)
