"""``report()``: load the scenarios, simulate them with the same seed, cost them, and build the brief.

Baseline and proposal are simulated with the same seed, so they share their random numbers
(common random numbers): the differences on the page come from the proposal, not from luck.
:func:`build_brief` is the one place where a brief's numbers are put together from simulation
results (site costs, the budget of the decided scenario with its simulated caseload, the KPI table):
``vetsim report``, ``vetsim.report`` and the dashboard's export all go through it, so the same
inputs give the same figures whichever door the meeting came in by.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..cache import check_cache_location, simulate_cached
from ..files import check_output_target
from ..fiscal.budget import budget
from ..fiscal.draws import RANGE_DRAWS
from ..i18n import check_lang
from ..replicate import Stop, default_workers, simulate_until_sure
from ..scenario import Scenario, load_scenario
from ..tasks.run import board_for, needs_results
from ..tasks.status import TasksError, task_board
from ..wording import both, tr
from ..work import site_costs
from .brief import FORMATS, Brief, BriefFormatError, make_brief
from .page import BriefInputs, check_paper

__all__ = ["report", "build_brief", "DEFAULT_DRAWS"]

DEFAULT_DRAWS = RANGE_DRAWS  # Monte Carlo draws of the budget band on the brief


def _scenario(x: Scenario | str | os.PathLike[str]) -> Scenario:
    return x if isinstance(x, Scenario) else load_scenario(x)


def _budget(scenario: Scenario, draws: int, seed: int, results: Any) -> Any:
    """The scenario's budget; hardship and relief volumes come from its simulation, so that the
    budget on the page and the caseload on the page are the same cases."""
    return budget(scenario, draws=draws, seed=seed, caseload=results)


def _task_boards(base: Scenario, base_res: Any, prop: Scenario | None, prop_res: Any, as_of: dt.date | None,
                 history: Any) -> tuple[Any, Any]:
    """The baseline's progress table (with the change since its last snapshot) and the proposal's."""
    b = board_for(base, base_res, as_of, history=history)
    p = task_board(prop, prop_res if needs_results(prop) else None, b.as_of, label=(prop.name("zh"), prop.name("en"))) \
        if prop is not None else None
    return b, p


def build_brief(baseline: Scenario, baseline_results: Any, proposal: Scenario | None = None,
                proposal_results: Any = None, *, lang: str = "zh", seed: int | None = None,
                draws: int = DEFAULT_DRAWS, paper: str = "16:9", day: dt.date | None = None,
                tasks: bool = False, as_of: dt.date | None = None, history: Any = None) -> Brief:
    """The brief of simulation results already computed (no simulation here): site costs of both
    scenarios, the budget of the scenario being decided (the proposal if given) with ``draws`` Monte
    Carlo draws from ``seed`` (default: the seed of the simulation) and its simulated caseload, then
    the KPI table and headlines (:func:`~vetsim.brief.brief.make_brief`); with ``tasks`` a second page,
    the key-task progress table as of ``as_of`` (change since the last snapshot in ``history``)."""
    if (proposal is None) != (proposal_results is None):
        raise ValueError("give the proposal together with its results, or neither")
    decided, decided_res = (proposal, proposal_results) if proposal is not None else (baseline, baseline_results)
    seed = int(baseline_results.meta["seed"] if seed is None else seed)
    boards = _task_boards(baseline, baseline_results, proposal, proposal_results, as_of, history) if tasks else (None, None)
    inputs = BriefInputs(
        baseline=baseline, baseline_results=baseline_results, baseline_cost=site_costs(baseline),
        budget=_budget(decided, draws, seed, decided_res),
        proposal=proposal, proposal_results=proposal_results,
        proposal_cost=site_costs(proposal) if proposal is not None else None, day=day,
        tasks=boards[0], proposal_tasks=boards[1],
    )
    return make_brief(inputs, lang, paper=paper)


def _simulate(base: Scenario, prop: Scenario | None, replications: int | None, seed: int, workers: int | None,
              progress: bool | str) -> tuple[Any, Any]:
    """Runs of baseline and proposal, same seed: a count asked for, or until sure (both stop together, so
    every run of the proposal has its baseline twin). Runs done before are read from the results cache."""
    workers = default_workers() if workers is None else workers
    if replications is not None:
        stop = Stop(int(replications), int(replications), "fixed").as_meta()
        runs = [simulate_cached(sc, replications=int(replications), seed=seed, workers=workers, progress=progress)
                for sc in (base, prop) if sc is not None]
        runs = [dataclasses.replace(r, meta={**r.meta, "stop": stop}) for r in runs]
    else:
        scenarios = [sc for sc in (base, prop) if sc is not None]
        bar = _progress_bar(progress)
        try:
            runs, _stop = simulate_until_sure(scenarios, base.spec.simulation.replications, seed, workers=workers,
                                              tick=(lambda: bar.update(1)) if bar is not None else None)
        finally:
            if bar is not None:
                bar.close()
    return runs[0], (runs[1] if prop is not None else None)


def _progress_bar(progress: bool | str) -> Any:
    """A count of replications on stderr (the total is unknown until the rule stops), or None."""
    if not progress:
        return None
    from tqdm.auto import tqdm  # lazy: only with a progress bar

    langs = (progress,) if progress in ("zh", "en") else ("zh", "en")
    return tqdm(desc=" / ".join(tr("cli.progress.simulating", lang) for lang in langs),
                unit=" / ".join(tr("unit.runs", lang) for lang in langs))


def report(baseline: Scenario | str | os.PathLike[str], compare: Scenario | str | os.PathLike[str] | None = None, *,
           out: str | os.PathLike[str] | None = None, lang: str = "zh", replications: int | None = None,
           seed: int | None = None, workers: int | None = None, draws: int = DEFAULT_DRAWS, progress: bool | str = False,
           day: dt.date | None = None, paper: str = "16:9", tasks: bool = False, as_of: dt.date | None = None,
           history: str | os.PathLike[str] | None = None) -> Brief:
    """One-page meeting brief of ``baseline`` (a scenario folder or ``Scenario``), optionally against ``compare``.

    Simulates both scenarios with ``seed`` (default: the baseline's seed) on ``workers`` processes (default:
    every core): ``replications`` times if given, else in batches until every headline KPI is precise
    (:mod:`vetsim.replicate`), at most the baseline's replication count; the page says how many ran and why.
    Then it costs the sites, computes the budget of the scenario
    being decided (the proposal if given) with ``draws`` Monte Carlo draws, and writes the brief to
    ``out`` (.pdf, .png, .html or .svg) if given, on ``paper`` ("16:9" for the projector, "a4" for
    A4 landscape printing). ``out`` is checked before any simulation. Returns the :class:`Brief`.

    ``tasks``: add the second page, the key-task progress table of the baseline as of ``as_of`` (and each
    task's status under the proposal), judged on the same runs; the change since the last snapshot in
    ``history`` (default folder: :func:`vetsim.tasks.default_history_dir`).
    """
    check_lang(lang)
    check_paper(paper)
    if out is not None and Path(out).suffix.lower() not in FORMATS:
        raise BriefFormatError(str(out))  # before minutes of simulation, not after
    if out is not None:
        check_output_target(out, "file")
    check_cache_location(baseline, compare)  # before any work: no entry of the baseline is written before a refusal
    base = _scenario(baseline)
    prop = _scenario(compare) if compare is not None else None
    if tasks and not base.table("tasks.csv"):  # before minutes of simulation, not after
        raise TasksError(*both("tasks.err.no_tasks"))
    seed = int(base.spec.seed if seed is None else seed)
    base_res, prop_res = _simulate(base, prop, replications, seed, workers, progress)
    brief = build_brief(base, base_res, prop, prop_res, lang=lang, seed=seed, draws=draws, paper=paper, day=day,
                        tasks=tasks, as_of=as_of, history=history)
    if out is not None:
        brief.save(out)
    return brief
