"""``vetsim staff PATH [--budget YUAN | --headcount N] [--out DIR]``: the cheapest staffing that meets the targets."""

from __future__ import annotations

import argparse
import warnings
from typing import Any, Callable

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
}


def _handler(args: argparse.Namespace) -> int:
    from ..scenario import load_scenario
    from .simcheck import optimize_confirmed
    from .solver import optimal_staff
    from .plan import build_plan

    lang = args.lang
    if (args.budget is not None and args.budget <= 0) or (args.headcount is not None and args.headcount <= 0):
        raise StaffArgumentError("预算和编制总数必须大于 0", "budget and headcount must be greater than 0")
    sc = load_scenario(args.path)
    conf = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.no_confirm:
            plan = build_plan(sc, optimal_staff(sc, args.budget, args.headcount))
        else:
            plan, conf = optimize_confirmed(sc, args.budget, args.headcount, replications=args.replications,
                                            workers=args.workers, max_rounds=args.max_rounds)
    print(plan.summary(lang))
    changed = plan.changed()
    if len(changed):
        col = 0 if lang == "zh" else 1
        view = changed[list(_COLS)].copy()
        view["cost_after_yuan"] = view["cost_after_yuan"].map(lambda x: f"{x:,.0f}")
        for c in ("service_level_after", "utilisation_after"):
            view[c] = view[c].map(lambda x: f"{x:.1%}")
        print(view.rename(columns={k: v[col] for k, v in _COLS.items()}).to_string(index=False))
    if conf is not None:
        fails = conf.failing_sites()
        rounds = len(plan.meta.get("history", []))
        if lang == "zh":
            print(f"仿真确认（{conf.meta.get('replications')} 次重复，95% 置信）："
                  + ("所有站点均达到目标" if not fails else f"{len(fails)} 个站点未达标：{', '.join(fails)}")
                  + f"（共 {rounds} 轮）")
        else:
            print(f"Simulation check ({conf.meta.get('replications')} replications, 95% confidence): "
                  + ("every site meets the targets" if not fails else f"{len(fails)} sites fail: {', '.join(fails)}")
                  + f" ({rounds} round(s))")
    if args.out:
        out = plan.save(args.out)
        print(("方案已保存：" if lang == "zh" else "Plan saved: ") + str(out))
    return 0 if conf is None or conf.all_hold else 1


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
    limit.add_argument("--budget", type=float, default=None, metavar=bi("元", "YUAN").pick(_lang(p)),
                       help=bi("每年站点总成本上限（人员 + 运行经费，元）",
                               "total yearly site cost (staff + overhead) to stay within"))
    limit.add_argument("--headcount", type=int, default=None, metavar="N",
                       help=bi("总编制（岗位数）上限", "total posts to stay within"))
    p.add_argument("--out", default=None, metavar="DIR",
                   help=bi("把方案保存为情景覆盖文件夹", "save the plan as a scenario overlay folder"))
    p.add_argument("--no-confirm", action="store_true", help=bi("不做仿真确认", "skip the confirmation by simulation"))
    p.add_argument("--replications", type=int, default=None,
                   help=bi("每轮确认的重复模拟次数", "replications per confirmation round"))
    p.add_argument("--workers", type=int, default=1, help=bi("仿真并行进程数", "worker processes for the simulation"))
    p.add_argument("--max-rounds", type=int, default=4,
                   help=bi("“仿真—加人”最多轮数", "simulate-and-tighten rounds at most"))
    add_common(p)
    p.set_defaults(handler=_handler)
