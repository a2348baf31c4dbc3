"""``vetsim region validate|simulate|allocate DIR`` and ``vetsim experiment FILE --scheduler ADDRESS|local --out DIR``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .. import cliargs
from ..cli import bi
from ..wording import both, tr

__all__ = ["register"]

_days = cliargs.whole_number(1, 3660, *both("sens.arg.days"))


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
                          _scheduler(args), args.workers, args.lang)
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
        confirmed = confirm_allocation(region, alloc, scenarios, args.replications, seed, _scheduler(args), args.workers,
                                       args.lang)
    print(format_allocation(region, alloc, confirmed, args.lang))
    return 0


def _experiment(args: argparse.Namespace) -> int:
    from ..files import check_output_target, check_write_location, display_path
    from .experiment import load_experiment
    from .runner import ExperimentRunError, RunStats, prepare_out, read_plan, run_groups

    out = Path(args.out)
    if out.resolve() == Path(args.file).resolve().parent:  # the experiment file's own folder is input, not output
        raise ExperimentRunError.of("experiment.out_is_input", folder=display_path(out))
    check_write_location(out, inputs=(args.file,))  # never into a scenario, region or data folder, even to resume
    if read_plan(out) is None:  # a damaged experiment.json is refused here, before a minute of loading
        check_output_target(out, "folder", args.force, inputs=(args.file,))
    exp = load_experiment(args.file)
    prepare_out(out, exp.plan(), args.force, inputs=(args.file,))  # before any work: refused targets cost nothing
    n = len(exp.counties) * len(exp.variants) * exp.spec.replications
    print(tr("experiment.head", args.lang, counties=len(exp.counties), variants=len(exp.variants),
             reps=exp.spec.replications, cells=n))
    stats = RunStats()

    def announce(s: RunStats) -> None:
        if s.skipped or s.redone:
            print(tr("experiment.resume", args.lang, kept=s.skipped, redone=s.redone, todo=s.to_compute), flush=True)

    try:
        run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=args.scheduler,
                   workers=args.workers, stats=stats, announce=announce, progress=args.lang)
    except KeyboardInterrupt:  # Ctrl-C: say what was kept and how to go on; main() exits with 130
        import sys

        print("\n" + tr("experiment.interrupted", args.lang, done=stats.skipped + stats.computed,
                        computed=stats.computed, path=display_path(out)), file=sys.stderr, flush=True)
        raise
    print(tr("region.cells_done", args.lang, computed=stats.computed, skipped=stats.skipped, redone=stats.redone))
    print(tr("region.results_at", args.lang, path=display_path(out)))
    return 0


def _run_options(p: argparse.ArgumentParser, default_reps: int) -> None:
    p.add_argument("--replications", type=cliargs.whole_number(0, 10_000, *both("cli.replications")), default=default_reps,
                   help=bi(*both("region.help.replications", n=default_reps)))
    p.add_argument("--seed", type=cliargs.seed, default=None, help=bi(*both("region.help.seed")))
    p.add_argument("--days", type=_days, default=None, help=bi(*both("region.help.days")))
    p.add_argument("--workers", type=cliargs.workers, default=1,
                   help=bi(*both("region.help.workers")))
    p.add_argument("--scheduler", default=None,
                   help=bi(*both("region.help.scheduler")))


def register(subparsers: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``region`` (validate, simulate, allocate) and ``experiment`` to the ``vetsim`` command line."""
    p = subparsers.add_parser("region", help=bi(*both("region.help.command")),
                              description=bi(*both("region.help.description")))
    sub = p.add_subparsers(dest="region_command", required=True, metavar=bi(*both("region.metavar.subcommand")).pick(getattr(p, "lang", "zh")),
                           help=bi(*both("region.help.subcommands")))
    specs = (("validate", bi(*both("region.help.validate")), _validate, None),
             ("simulate", bi(*both("region.help.simulate")), _simulate, 5),
             ("allocate", bi(*both("region.help.allocate")), _allocate, 3))
    for name, text, handler, reps in specs:
        q = sub.add_parser(name, help=bi(text.zh.replace("%", "%%"), text.en.replace("%", "%%")), description=text)
        q.add_argument("path", metavar=bi(*both("region.metavar.region")).pick(getattr(q, "lang", "zh")),
                       help=bi(*both("region.help.path")))
        if reps is not None:
            _run_options(q, reps)
        if name == "allocate":
            g = q.add_mutually_exclusive_group(required=True)
            g.add_argument("--posts", type=cliargs.whole_number(0, 100_000, *both("region.arg.posts")),
                           help=bi(*both("region.help.posts")))
            g.add_argument("--budget", type=cliargs.money, help=bi(*both("region.help.budget")))
        add_common(q)
        q.set_defaults(handler=handler)
    e = subparsers.add_parser("experiment", help=bi(*both("experiment.help.command")),
                              description=bi(*both("experiment.help.description")))
    e.add_argument("file", metavar=bi(*both("experiment.metavar.file")).pick(getattr(e, "lang", "zh")), help=bi(*both("experiment.cli.file_help")))
    e.add_argument("--scheduler", default="local",
                   help=bi(*both("experiment.help.scheduler")))
    e.add_argument("--workers", type=cliargs.workers, default=2, help=bi(*both("experiment.help.workers")))
    e.add_argument("--out", required=True, help=bi(*both("experiment.help.out")))
    cliargs.add_force(e, bi(*both("experiment.help.force")), bi(*both("files.help_replace_foreign")))
    add_common(e)
    e.set_defaults(handler=_experiment)
