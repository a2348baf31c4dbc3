"""``vetsim tasks SCENARIO [--as-of DATE] [--compare PROPOSAL] [--excel OUT.xlsx] [--snapshot] [--history DIR]``."""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cli import add_scenario_arg, bi, parser_lang
from ..wording import both, tr

__all__ = ["register", "format_board", "parse_date"]


def parse_date(text: str) -> dt.date:
    """``type=`` of an as-of date: YYYY-MM-DD, refused in both languages."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        zh, en = both("tasks.cli.bad_date", text=text[:40])
        raise argparse.ArgumentTypeError(f"{zh}{cliargs.LANG_SEP}{en}") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


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
    widths = [min(max(_width(h), *(_width(r[i]) for r in body)), 44) for i, h in enumerate(heads)]
    lines = [tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat())]
    if proposal is not None:
        lines.append(tr("tasks.cli.compare", lang, name=proposal.label[0 if lang == "zh" else 1]))
    counts = board.counts()
    lines.append("  ".join(f"{status_text(s, lang)} {counts[s]}" for s in ("late", "at_risk", "on_track", "done")))
    lines.append("  ".join(_pad(h, w) for h, w in zip(heads, widths)))
    why_col = head("why", lang)
    for row, why in zip(body, frame[why_col]):
        lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())
        if why:
            lines.append(f"      {head('why', lang)}：{why}" if lang == "zh" else f"      {head('why', lang)}: {why}")
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
                          workers=args.workers, progress=not args.quiet, history=args.history, snapshot=args.snapshot)
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
        "tasks", help=bi("重点工作推进表：各项任务的推进情况（已完成/正常推进/有风险/滞后）",
                         "key-task progress table: status of each task (done / on track / at risk / late)"),
        description=bi("按情景的重点工作表（tasks.csv 或 tasks.xlsx）判断各项任务的推进情况：与模型关联的任务给出"
                       "按期达成概率（模拟次数中按期达到目标的比例）和预计完成日期；五有检查按情景数据；其余按填报的进展。"
                       "滞后和有风险的任务排在前面。",
                       "Judge each task of the scenario's key-task table (tasks.csv or tasks.xlsx): tasks tied to "
                       "the model get the share of simulation runs meeting the target by the deadline and the "
                       "expected completion date; five-haves checks come from the scenario; the others from the "
                       "progress reported. Late and at-risk tasks come first."))
    lang = parser_lang(p)
    add_scenario_arg(p)
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD",
                   help=bi("截至日期 YYYY-MM-DD（默认：表中最近的填报日期，没有则为今天）",
                           "as-of date YYYY-MM-DD (default: the latest report date in the table, else today)"))
    p.add_argument("--compare", metavar=bi("方案情景", "PROPOSAL").pick(lang),
                   help=bi("同时按此方案情景判断各项任务（相同随机种子）", "also judge the tasks under this proposal (same seed)"))
    p.add_argument("--excel", metavar="OUT.xlsx", help=bi("导出 Excel 推进表（有方案时为方案的推进情况）",
                                                          "write the table as an Excel 推进表 (the proposal's, if given)"))
    p.add_argument("--snapshot", action="store_true",
                   help=bi("把本次结果存为带日期的快照，下次显示变化（↑ ↓ →）", "save this table as a dated snapshot; the next run shows the change (↑ ↓ →)"))
    p.add_argument("--history", metavar=bi("文件夹", "DIR").pick(lang),
                   help=bi("快照文件夹（默认 $VETSIM_TASK_HISTORY 或 ~/.local/share/vetsim/task_history/情景名；不能在情景文件夹内）",
                           "snapshot folder (default $VETSIM_TASK_HISTORY or ~/.local/share/vetsim/task_history/<scenario>; never inside a scenario folder)"))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi("重复模拟次数（默认取情景设置）", "simulation replications (default: the scenario's)"))
    p.add_argument("--seed", type=cliargs.seed, help=bi("随机种子（默认取情景设置）", "random seed (default: the scenario's)"))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi("仿真并行进程数", "worker processes for the simulation"))
    p.add_argument("--quiet", action="store_true", help=bi("不显示进度条", "no progress bar"))
    add_common(p)
    p.set_defaults(handler=_run)
