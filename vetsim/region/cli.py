"""``vetsim region validate|simulate|allocate DIR`` and ``vetsim experiment FILE --scheduler ADDRESS|local --out DIR``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .. import cliargs
from ..cli import bi
from ..wording import tr

__all__ = ["register"]

_days = cliargs.whole_number(1, 3660, "仿真天数", "days")


def _scheduler(args: argparse.Namespace) -> str:
    return args.scheduler or ("serial" if args.workers == 1 else "local")


def _region(args: argparse.Namespace):
    from .experiment import Change, with_changes
    from .load import load_region

    region = load_region(args.path)
    days = getattr(args, "days", None)
    if days is None:
        return region, {c.id: c.scenario for c in region.counties}
    change = (("--days", Change(path="simulation.days", value=days)),)
    return region, {c.id: with_changes(c, change, "--days") for c in region.counties}


def _validate(args: argparse.Namespace) -> int:
    from .load import load_region
    from .summary import format_network

    region = load_region(args.path)
    print(f"{tr('region.valid', args.lang)}: {region.name(args.lang)} [{region.hash()[:12]}]")
    print(format_network(region, args.lang))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from .runner import simulate_counties
    from .summary import format_kpis, format_network, kpi_table

    region, scenarios = _region(args)
    seed = args.seed if args.seed is not None else region.spec.seed
    print(format_network(region, args.lang))
    days = next(iter(scenarios.values())).spec.simulation.days
    print(tr("region.sim_head", args.lang, reps=args.replications, seed=seed, days=days))
    m = simulate_counties([(c, "v000", "baseline", sc) for c, sc in scenarios.items()], args.replications, seed,
                          _scheduler(args), args.workers)
    names = {c.id: c.name(args.lang) for c in region.counties}
    print(format_kpis(kpi_table(m), names, args.lang))
    return 0


def _allocate(args: argparse.Namespace) -> int:
    from .allocate import allocate
    from .report import format_allocation, confirm_allocation

    region, scenarios = _region(args)
    alloc = allocate(region, posts=args.posts, budget_yuan=args.budget)
    seed = args.seed if args.seed is not None else region.spec.seed
    confirmed = None
    if args.replications > 0:
        confirmed = confirm_allocation(region, alloc, scenarios, args.replications, seed, _scheduler(args), args.workers)
    print(format_allocation(region, alloc, confirmed, args.lang))
    return 0


def _experiment(args: argparse.Namespace) -> int:
    from ..files import display_path
    from .experiment import load_experiment
    from .runner import prepare_out, run_groups

    from ..files import check_output_target

    out = Path(args.out)
    if not (out / "experiment.json").is_file():
        check_output_target(out, "folder", args.force)  # before a minute of loading, not after
    exp = load_experiment(args.file)
    prepare_out(out, exp.plan(), args.force)  # before any work: refused targets cost nothing
    n = len(exp.counties) * len(exp.variants) * exp.spec.replications
    print(tr("experiment.head", args.lang, counties=len(exp.counties), variants=len(exp.variants),
             reps=exp.spec.replications, cells=n))
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=args.scheduler,
                       workers=args.workers)
    print(tr("region.cells_done", args.lang, computed=stats.computed, skipped=stats.skipped))
    print(tr("region.results_at", args.lang, path=display_path(out)))
    return 0


def _run_options(p: argparse.ArgumentParser, default_reps: int) -> None:
    p.add_argument("--replications", type=cliargs.whole_number(0, 10_000, "重复次数", "replications"), default=default_reps,
                   help=bi(f"每县重复模拟次数（默认 {default_reps}）", f"replications per county (default {default_reps})"))
    p.add_argument("--seed", type=cliargs.seed, default=None, help=bi("随机种子（默认取 region.yaml）", "seed (default: region.yaml's)"))
    p.add_argument("--days", type=_days, default=None, help=bi("仿真天数（默认取各县情景）", "days simulated (default: each county's)"))
    p.add_argument("--workers", type=cliargs.workers, default=1,
                   help=bi("本机 Dask 工作进程数（默认 1：在本进程内运行）", "local Dask worker processes (default 1: in this process)"))
    p.add_argument("--scheduler", default=None,
                   help=bi("Dask 调度器地址（如 tcp://10.0.0.5:8786）、local 或 serial", "a Dask scheduler address (e.g. tcp://10.0.0.5:8786), local or serial"))


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``region`` (validate, simulate, allocate) and ``experiment`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("region", help=bi("城市/省级区域：校验、仿真、分配新增编制", "a city or province: validate, simulate, allocate posts"),
                              description=bi("区域文件夹（region.yaml：县情景文件夹列表和/或县表）。", "A region folder (region.yaml: county scenario folders and/or a county table)."))
    sub = p.add_subparsers(dest="region_command", required=True, metavar=bi("子命令", "SUBCOMMAND").pick(getattr(p, "lang", "zh")),
                           help=bi("validate 校验、simulate 仿真、allocate 分配编制", "validate, simulate or allocate"))
    specs = (("validate", bi("校验区域并列出各县概况", "check a region and print each county's network"), _validate, None),
             ("simulate", bi("仿真区域内各县并汇总（各县及全区域，95% 区间）", "simulate every county (per county and in total, 95% CI)"), _simulate, 5),
             ("allocate", bi("在各县之间分配新增在编岗位，并用仿真确认", "allocate extra funded posts across counties, confirmed by simulation"), _allocate, 3))
    for name, text, handler, reps in specs:
        q = sub.add_parser(name, help=bi(text.zh.replace("%", "%%"), text.en.replace("%", "%%")), description=text)
        q.add_argument("path", metavar=bi("区域", "REGION").pick(getattr(q, "lang", "zh")),
                       help=bi("区域文件夹（含 region.yaml，例如 data/sample_city）", "region folder (with region.yaml, e.g. data/sample_city)"))
        if reps is not None:
            _run_options(q, reps)
        if name == "allocate":
            g = q.add_mutually_exclusive_group(required=True)
            g.add_argument("--posts", type=cliargs.whole_number(0, 100_000, "新增编制数", "posts"),
                           help=bi("新增在编岗位数", "extra funded posts"))
            g.add_argument("--budget", type=cliargs.money, help=bi("每年新增人员经费（元），按各层级在编岗位年成本折算",
                                                                    "extra staff budget a year (yuan), at each level's cost per funded post"))
        add_common(q)
        q.set_defaults(handler=handler)
    e = subparsers.add_parser("experiment", help=bi("按 experiment.yaml 批量仿真（Dask 集群）", "run an experiment.yaml (on a Dask cluster)"),
                              description=bi("每个县 × 方案 × 重复为一个仿真单元，在 Dask 上运行，结果写成分区 Parquet 数据集；"
                                             "再次运行同一命令只补算未完成的单元。",
                                             "Every county x variant x replication is a cell run on Dask; results go to a partitioned "
                                             "Parquet dataset; running the same command again computes only the missing cells."))
    e.add_argument("file", metavar=bi("试验文件", "FILE").pick(getattr(e, "lang", "zh")), help=bi("experiment.yaml", "experiment.yaml"))
    e.add_argument("--scheduler", default="local",
                   help=bi("Dask 调度器地址、local（本机 LocalCluster，默认）或 serial（本进程）",
                           "a Dask scheduler address, local (a LocalCluster here, default) or serial (this process)"))
    e.add_argument("--workers", type=cliargs.workers, default=2, help=bi("local 时的工作进程数（默认 2）", "worker processes with local (default 2)"))
    e.add_argument("--out", required=True, help=bi("结果文件夹（新建，或同一试验的已有结果以续算）", "results folder (new, or this experiment's, to resume)"))
    e.add_argument("--force", action="store_true", help=bi("即使 --out 是非 vetsim 创建的非空文件夹也写入", "write into --out even if it is a non-empty folder vetsim did not create"))
    add_common(e)
    e.set_defaults(handler=_experiment)
