"""``vetsim report BASELINE [--compare PROPOSAL] [--out brief.pdf|brief.png|brief.html]``: the meeting brief."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .. import cliargs
from ..cli import bi, parser_lang as _lang

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ..files import display_path
    from .run import report

    brief = report(args.baseline, args.compare, out=args.out, lang=args.lang, replications=args.replications,
                   seed=args.seed, workers=args.workers, draws=args.draws, progress=not args.quiet,
                   paper=args.paper, tasks=args.tasks, as_of=args.as_of, history=args.history)
    zh = args.lang == "zh"
    print(brief.title)
    for line in brief.headlines:
        print(f"  - {line}")
    print(("简报已保存：" if zh else "Brief written to ") + display_path(brief.path))
    if args.tasks:
        from ..tasks.text import all_headlines
        from ..wording import tr

        for line in all_headlines(brief.inputs.tasks, brief.inputs.proposal_tasks, args.lang):
            print(f"  - {line}")
        if brief.path is not None and brief.path.suffix.lower() in (".png", ".svg"):
            from .brief import TASK_PAGE_SUFFIX

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
        "report", help=bi("一页会议简报（PDF/PNG/HTML）：基线，或基线与方案对比",
                          "one-page meeting brief (PDF/PNG/HTML): baseline, or baseline vs proposal"),
        description=bi("用同一随机种子仿真情景，生成一页简报：指标与目标对照表、要点句和图表。"
                       "仿真结果会缓存，再次生成同一简报时直接读取。",
                       "Simulate the scenario(s) with the same seed and write a one-page brief: KPI table against "
                       "the targets, headline sentences and charts. Results are cached for the next run."))
    lang = _lang(p)
    p.add_argument("baseline", metavar=bi("基线情景", "BASELINE").pick(lang),
                   help=bi("基线情景文件夹", "baseline scenario folder"))
    p.add_argument("--compare", metavar=bi("方案情景", "PROPOSAL").pick(lang),
                   help=bi("要对比的方案情景文件夹", "proposal scenario folder to compare with"))
    p.add_argument("--out", default="brief.pdf",
                   help=bi("输出文件：.pdf、.png、.html 或 .svg（默认 brief.pdf）",
                           "output file: .pdf, .png, .html or .svg (default brief.pdf)"))
    p.add_argument("--replications", type=cliargs.replications,
                   help=bi("重复模拟次数（默认取情景设置）", "simulation replications (default: the scenario's)"))
    p.add_argument("--seed", type=cliargs.seed,
                   help=bi("两个情景共用的随机种子（默认取基线设置）", "random seed for both scenarios (default: the baseline's)"))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi("仿真并行进程数", "worker processes for the simulation"))
    p.add_argument("--draws", type=cliargs.draws, default=DEFAULT_DRAWS,
                   help=bi(f"预算区间的蒙特卡洛抽样次数（默认 {DEFAULT_DRAWS}；0 为精确值，不给区间）",
                           f"Monte Carlo draws of the budget range (default {DEFAULT_DRAWS}; 0 = exact, no range)"))
    p.add_argument("--paper", choices=("16:9", "a4"), default="16:9",
                   help=bi("版面：16:9 供投影（默认），a4 为 A4 横向供打印", "page: 16:9 for the projector (default) or a4 (A4 landscape, for printing)"))
    p.add_argument("--tasks", action="store_true",
                   help=bi("加第二页：重点工作推进表（PDF 第 2 页；PNG/SVG 另存为 名称-tasks）",
                           "add a second page, the key-task progress table (page 2 of a PDF; PNG/SVG: a second file NAME-tasks)"))
    p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                   help=bi("推进表的截至日期 YYYY-MM-DD（默认：表中最近的填报日期）", "as-of date of the task table (default: the latest report date)"))
    p.add_argument("--history", help=bi("推进表快照文件夹（用于显示变化 ↑ ↓ →）", "snapshot folder of the task table (for the change ↑ ↓ →)"))
    p.add_argument("--quiet", action="store_true", help=bi("不显示进度条", "no progress bar"))
    add_common(p)
    p.set_defaults(handler=_run)
