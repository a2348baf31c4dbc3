"""``vetsim region validate|simulate|allocate DIR`` and ``vetsim experiment FILE``: the handlers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..files import check_output_target, check_write_location, display_path
from ..region.allocate import allocate as allocate_posts
from ..region.experiment import Change, load_experiment, with_changes
from ..region.load import load_region
from ..region.report import confirm_allocation, format_allocation
from ..region.runner import ExperimentRunError, RunStats, prepare_out, read_plan, run_groups, simulate_counties
from ..region.summary import format_kpis, format_network, kpi_table
from ..wording import tr

__all__ = ["validate", "simulate", "allocate", "experiment"]


def _scheduler(args: argparse.Namespace) -> str:
    return args.scheduler or ("serial" if args.workers == 1 else "local")


def _region(args: argparse.Namespace):
    region = load_region(args.path)
    days = getattr(args, "days", None)
    if days is None:
        return region, {c.id: c.scenario for c in region.counties}
    change = (("--days", Change(path="simulation.days", value=days)),)
    return region, {c.id: with_changes(c, change, "--days") for c in region.counties}


def validate(args: argparse.Namespace) -> int:
    """``vetsim region validate DIR``: the region loaded and its network by county."""
    region = load_region(args.path)
    print(f"{tr('region.valid', args.lang)}: {region.name(args.lang)} [{region.hash()[:12]}]")
    print(format_network(region, args.lang))
    return 0


def simulate(args: argparse.Namespace) -> int:
    """``vetsim region simulate DIR``: every county simulated, the KPIs side by side."""
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


def allocate(args: argparse.Namespace) -> int:
    """``vetsim region allocate DIR``: funded posts across the counties, confirmed by simulation."""
    region, scenarios = _region(args)
    alloc = allocate_posts(region, posts=args.posts, budget_yuan=args.budget)
    seed = args.seed if args.seed is not None else region.spec.seed
    confirmed = None
    if args.replications > 0:
        confirmed = confirm_allocation(region, alloc, scenarios, args.replications, seed, _scheduler(args), args.workers,
                                       args.lang)
    print(format_allocation(region, alloc, confirmed, args.lang))
    return 0


def experiment(args: argparse.Namespace) -> int:
    """``vetsim experiment FILE``: the cells run (or resumed) into ``--out``."""
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
        print("\n" + tr("experiment.interrupted", args.lang, done=stats.skipped + stats.computed,
                        computed=stats.computed, path=display_path(out)), file=sys.stderr, flush=True)
        raise
    print(tr("region.cells_done", args.lang, computed=stats.computed, skipped=stats.skipped, redone=stats.redone))
    print(tr("region.results_at", args.lang, path=display_path(out)))
    return 0
