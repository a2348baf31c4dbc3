"""``vetsim tasks SCENARIO [--as-of DATE] [--compare PROPOSAL] [--excel OUT.xlsx] [--snapshot] [--history DIR]``."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cli import add_scenario_arg, bi, parser_lang
from ..tables import table_lines
from ..wording import both, tr

__all__ = ["register", "format_board", "parse_date"]


def parse_date(text: str) -> dt.date:
    """``type=`` of an as-of date: YYYY-MM-DD, refused in both languages."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        zh, en = both("tasks.cli.bad_date", text=text[:40])
        raise argparse.ArgumentTypeError(f"{zh}{cliargs.LANG_SEP}{en}") from None


def format_board(board: Any, lang: str = "zh", proposal: Any = None) -> str:
    """The board as terminal text: one line per task (worst first), the reasons below it, then the headlines."""
    from .text import all_headlines, board_frame, chance_text, head, status_text

    frame = board_frame(board, lang)
    cols = ["seq", "status", "change", "task", "owner_unit", "deadline", "target", "actual", "chance", "expected"]
    heads = [head(c, lang) for c in cols]
    body = [[str(v) for v in row] for row in frame[heads].itertuples(index=False)]
    by_id = {r.task.task: r for r in proposal.rows} if proposal is not None else {}
    if proposal is not None:
        heads.append(tr("tasks.cli.proposal", lang))
        for row, task in zip(body, frame["_task"]):
            r = by_id.get(task)
            row.append(f"{status_text(r.status, lang)} {chance_text(r, lang)}" if r is not None else "—")
    lines = [tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat())]
    if proposal is not None:
        lines.append(tr("tasks.cli.compare", lang, name=proposal.label[0 if lang == "zh" else 1]))
    counts = board.counts()
    lines.append("  ".join(f"{status_text(s, lang)} {counts[s]}" for s in ("late", "at_risk", "on_track", "done")))
    header, rule, *shown = table_lines(heads, body, align="left", max_width=44)
    lines += [header, rule]
    why_col = head("why", lang)
    for line, why in zip(shown, frame[why_col]):
        lines.append(line)
        if why:
            lines.append("      " + tr("tasks.cli.why", lang, head=head("why", lang), why=why))
    if board.meta.get("since"):
        lines.append(tr("tasks.cli.since", lang, date=board.meta["since"]))
    said = all_headlines(board, proposal, lang)
    if said:
        lines.append(tr("tasks.cli.points", lang))
        lines += [f"  - {s}" for s in said]
    if board.runs:
        lines.append(tr("tasks.cli.runs", lang, runs=board.runs, seed=board.meta.get("seed", "—")))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from .run import progress_boards

    if args.excel:
        check_output_target(args.excel, "file")  # before the simulation
    run = progress_boards(args.path, args.compare, as_of=args.as_of, replications=args.replications, seed=args.seed,
                          workers=args.workers, progress=not args.quiet and args.lang, history=args.history, snapshot=args.snapshot)
    print(format_board(run.baseline, args.lang, run.proposal))
    if args.excel:
        from .excel import write_tasks_excel

        out = write_tasks_excel(run.proposal if run.proposal is not None else run.baseline, args.excel, args.lang)
        print(tr("tasks.cli.excel", args.lang, path=display_path(out)))
    if run.snapshot is not None:
        print(tr("tasks.cli.snapshot", args.lang, path=display_path(run.snapshot)))
    return 0


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``vetsim tasks`` to the CLI."""
    p = subparsers.add_parser(
        "tasks", help=bi(*both("tasks.cli.help")), description=bi(*both("tasks.cli.description")))
    lang = parser_lang(p)
    add_scenario_arg(p)
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD",
                   help=bi(*both("tasks.cli.as_of")))
    p.add_argument("--compare", metavar=tr("brief.proposal_2", lang), help=bi(*both("tasks.cli.compare_help")))
    p.add_argument("--excel", metavar="OUT.xlsx", help=bi(*both("tasks.cli.excel_help")))
    p.add_argument("--snapshot", action="store_true",
                   help=bi(*both("tasks.cli.snapshot_help")))
    p.add_argument("--history", metavar=tr("tasks.cli.history_metavar", lang), help=bi(*both("tasks.cli.history_help")))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi(*both("brief.simulation_replications_default_the_scenario")))
    p.add_argument("--seed", type=cliargs.seed, help=bi(*both("sim.random_seed_default_the_scenario")))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi(*both("brief.worker_processes_for_the_simulation")))
    p.add_argument("--quiet", action="store_true", help=bi(*both("brief.no_progress_bar")))
    add_common(p)
    p.set_defaults(handler=_run)
