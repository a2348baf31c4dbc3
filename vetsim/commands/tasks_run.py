"""``vetsim tasks SCENARIO``: the progress board as terminal text, and its Excel file and snapshot."""

from __future__ import annotations

import argparse
from typing import Any

from ..files import check_output_target, display_path
from ..tables import table_lines
from ..tasks.run import progress_boards
from ..tasks.text import all_headlines, board_frame, chance_text, head, status_text
from ..wording import tr

__all__ = ["run", "format_board"]


def format_board(board: Any, lang: str = "zh", proposal: Any = None) -> str:
    """The board as terminal text: one line per task (worst first), the reasons below it, then the headlines."""
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


def run(args: argparse.Namespace) -> int:
    """``vetsim tasks SCENARIO``: the board (and a proposal's beside it), the Excel file, the snapshot."""
    if args.excel:
        check_output_target(args.excel, "file")  # before the simulation
    run = progress_boards(args.path, args.compare, as_of=args.as_of, replications=args.replications, seed=args.seed,
                          workers=args.workers, progress=not args.quiet and args.lang, history=args.history, snapshot=args.snapshot)
    print(format_board(run.baseline, args.lang, run.proposal))
    if args.excel:
        from ..tasks.excel import write_tasks_excel  # heavy: openpyxl, loaded only when --excel asks for the workbook

        out = write_tasks_excel(run.proposal if run.proposal is not None else run.baseline, args.excel, args.lang)
        print(tr("tasks.cli.excel", args.lang, path=display_path(out)))
    if run.snapshot is not None:
        print(tr("tasks.cli.snapshot", args.lang, path=display_path(run.snapshot)))
    return 0
