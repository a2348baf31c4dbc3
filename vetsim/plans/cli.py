"""``vetsim staff PATH [--budget YUAN | --headcount N] [--may-cut-funded] [--out DIR]``: the cheapest staffing
that meets the targets, what it assumed about approved posts, and which constraint binds where."""

from __future__ import annotations

import argparse
import warnings
from typing import Any, Callable

from .. import cliargs
from ..errors import VetsimError

from ..cli import add_scenario_arg, bi, parser_lang as _lang

__all__ = ["register", "StaffArgumentError"]


class StaffArgumentError(VetsimError):
    """A command-line value that cannot be used."""


_COLS = {
    "site_id": ("站点", "site"), "level": ("层级", "level"),
    "funded_before": ("在编(前)", "funded before"), "funded_after": ("在编(后)", "funded after"),
    "parttime_before": ("兼职(前)", "part-time before"), "parttime_after": ("兼职(后)", "part-time after"),
    "cost_after_yuan": ("年成本(后,元)", "cost after (yuan)"),
    "service_level_after": ("目标内接待率(后)", "served in time (after)"),
    "utilisation_after": ("利用率(后)", "utilisation (after)"),
    "wisn_ratio_after": ("WISN比值(后)", "WISN ratio (after)"),
    "binding": ("约束", "binding"),
}


def _handler(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path  # lazy: start-up of `vetsim --help` and of the other commands
    from ..scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands
    from ..i18n import LEVEL_LABELS  # lazy: start-up of `vetsim --help` and of the other commands
    from ..staffing.plan import build_plan  # lazy: start-up of `vetsim --help` and of the other commands
    from ..staffing.solver import BINDING_TEXT, optimal_staff  # lazy: start-up of `vetsim --help` and of the other commands
    from .simcheck import optimize_confirmed  # lazy: start-up of `vetsim --help` and of the other commands

    lang = args.lang
    if (args.budget is not None and args.budget <= 0) or (args.headcount is not None and args.headcount <= 0):
        raise StaffArgumentError("预算和编制总数必须大于 0", "budget and headcount must be greater than 0")
    if args.out:
        check_output_target(args.out, "folder", args.force)  # before the optimisation, not after
    sc = load_scenario(args.path)
    cut = True if args.may_cut_funded else None  # None: the scenario's staffing.may_cut_funded_posts (default no)
    conf = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.no_confirm:
            plan = build_plan(sc, optimal_staff(sc, args.budget, args.headcount, may_cut_funded=cut))
        else:
            plan, conf = optimize_confirmed(sc, args.budget, args.headcount, replications=args.replications,
                                            workers=args.workers, max_rounds=args.max_rounds, may_cut_funded=cut)
    col = 0 if lang == "zh" else 1
    print(plan.summary(lang))
    for line in plan.assumptions(lang):
        print(line)
    print(("各层级站点的约束条件（决定所需人数的因素）：" if lang == "zh" else "What binds, sites per level:"))
    print(plan.binding_counts(lang).to_string())
    changed = plan.changed()
    if len(changed):
        view = changed[list(_COLS)].copy()
        view["level"] = view["level"].map(lambda lv: LEVEL_LABELS.get(lv, (lv, lv))[col])
        view["binding"] = view["binding"].map(lambda b: BINDING_TEXT.get(b, (b, b))[col])
        view["cost_after_yuan"] = view["cost_after_yuan"].map(lambda x: f"{x:,.0f}")
        for c in ("service_level_after", "utilisation_after"):
            view[c] = view[c].map(lambda x: f"{x:.1%}")
        view["wisn_ratio_after"] = view["wisn_ratio_after"].map(lambda x: "-" if x != x else f"{x:.2f}")
        print(view.rename(columns={k: v[col] for k, v in _COLS.items()}).to_string(index=False))
    if conf is not None:
        fails, unsure = conf.failing_sites(), conf.uncertain_sites()
        rounds = len(plan.meta.get("history", []))
        if lang == "zh":
            print(f"仿真确认（{conf.meta.get('replications')} 次重复，95% 置信）："
                  + ("所有站点均达到目标" if not fails and not unsure else
                     f"{len(fails)} 个站点未达标" + (f"：{', '.join(fails)}" if fails else ""))
                  + (f"；{len(unsure)} 个站点来访太少，无法在 95% 置信下判定（可增加重复次数）" if unsure else "")
                  + f"（共 {rounds} 轮）")
        else:
            print(f"Simulation check ({conf.meta.get('replications')} replications, 95% confidence): "
                  + ("every site meets the targets" if not fails and not unsure else
                     f"{len(fails)} sites fail" + (f": {', '.join(fails)}" if fails else ""))
                  + (f"; {len(unsure)} sites have too few visits to tell at 95% (add replications)" if unsure else "")
                  + f" ({rounds} round(s))")
    if args.out:
        out = plan.save(args.out, force=args.force)
        print(("方案已保存：" if lang == "zh" else "Plan saved: ") + display_path(out))
    return 0 if conf is None or not conf.failing_sites() else 1


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("staff", help=bi("人员配置优化：达到服务目标的最低成本配置",
                                               "cheapest staffing that meets the targets"),
                              description=bi("求达到等待和办结目标的最低成本人员配置，并用仿真确认。"
                                             "退出码 1 表示方案未通过仿真确认（有站点未达标）。",
                                             "Find the cheapest staffing that meets the targets and confirm it by "
                                             "simulation. Exit code 1: the plan failed the check (some sites "
                                             "miss the targets)."))
    add_scenario_arg(p)
    limit = p.add_mutually_exclusive_group()
    limit.add_argument("--budget", type=cliargs.money, default=None, metavar=bi("元", "YUAN").pick(_lang(p)),
                       help=bi("每年站点总成本上限（人员 + 运行经费，元）",
                               "total yearly site cost (staff + overhead) to stay within"))
    limit.add_argument("--headcount", type=cliargs.headcount, default=None, metavar="N",
                       help=bi("总编制（岗位数）上限", "total posts to stay within"))
    p.add_argument("--out", default=None, metavar="DIR",
                   help=bi("把方案保存为情景覆盖文件夹", "save the plan as a scenario overlay folder"))
    p.add_argument("--force", action="store_true",
                   help=bi("即使 --out 是非 vetsim 创建的非空文件夹也写入", "write into --out even if it is a non-empty folder vetsim did not create"))
    p.add_argument("--no-confirm", action="store_true", help=bi("不做仿真确认", "skip the confirmation by simulation"))
    p.add_argument("--replications", type=cliargs.replications, default=None,
                   help=bi("每轮确认的重复模拟次数", "replications per confirmation round"))
    p.add_argument("--workers", type=cliargs.workers, default=1, help=bi("仿真并行进程数", "worker processes for the simulation"))
    p.add_argument("--may-cut-funded", action="store_true",
                   help=bi("允许核减在编岗位（编制）或以编外人员替代（默认：不允许）",
                           "allow fewer funded (approved) posts than today, or part-time staff instead (default: never)"))
    p.add_argument("--max-rounds", type=cliargs.rounds, default=4,
                   help=bi("“仿真—加人”最多轮数", "simulate-and-tighten rounds at most"))
    add_common(p)
    p.set_defaults(handler=_handler)
