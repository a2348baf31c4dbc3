"""``vetsim report BASELINE [--compare PROPOSAL] [--out brief.pdf|brief.png|brief.html]``: its arguments
(the handler is ``report_run.run``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cliparser import bi
from ..cliparser import parser_lang as _lang
from ..fiscal.draws import RANGE_DRAWS as DEFAULT_DRAWS
from ..wording import both
from .tasks import parse_date

__all__ = ["register"]


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim report`` to the CLI."""
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
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD", help=bi(*both("tasks.brief_cli.as_of")))
    p.add_argument("--history", help=bi(*both("tasks.brief_cli.history")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    add_common(p)
    p.set_defaults(handler="vetsim.commands.report_run:run")
