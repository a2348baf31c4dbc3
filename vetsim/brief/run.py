"""``report()``: load the scenarios, simulate them with the same seed, cost them, and build the brief.

Baseline and proposal are simulated with the same seed, so they share their random numbers
(common random numbers): the differences on the page come from the proposal, not from luck.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..fiscal.draws import RANGE_DRAWS
from ..scenario import Scenario, load_scenario
from .brief import Brief, make_brief
from .page import BriefInputs

__all__ = ["report", "DEFAULT_DRAWS"]

DEFAULT_DRAWS = RANGE_DRAWS  # Monte Carlo draws of the budget band on the brief


def _scenario(x: Scenario | str | os.PathLike[str]) -> Scenario:
    return x if isinstance(x, Scenario) else load_scenario(x)


def _budget(scenario: Scenario, draws: int, seed: int, results: Any) -> Any:
    """The scenario's budget; hardship and relief volumes come from its simulation, so that the
    budget on the page and the caseload on the page are the same cases."""
    from ..fiscal import budget

    return budget(scenario, draws=draws, seed=seed, caseload=results)


def _task_boards(base: Scenario, base_res: Any, prop: Scenario | None, prop_res: Any, as_of: dt.date | None,
                 history: Any) -> tuple[Any, Any]:
    """The baseline's progress table (with the change since its last snapshot) and the proposal's."""
    from ..tasks import board_for, task_board
    from ..tasks.run import needs_results

    b = board_for(base, base_res, as_of, history=history)
    p = task_board(prop, prop_res if needs_results(prop) else None, b.as_of, label=(prop.name("zh"), prop.name("en"))) \
        if prop is not None else None
    return b, p


def report(baseline: Scenario | str | os.PathLike[str], compare: Scenario | str | os.PathLike[str] | None = None, *,
           out: str | os.PathLike[str] | None = None, lang: str = "zh", replications: int | None = None,
           seed: int | None = None, workers: int = 1, draws: int = DEFAULT_DRAWS, progress: bool = False,
           day: dt.date | None = None, paper: str = "16:9", tasks: bool = False, as_of: dt.date | None = None,
           history: str | os.PathLike[str] | None = None) -> Brief:
    """One-page meeting brief of ``baseline`` (a scenario folder or ``Scenario``), optionally against ``compare``.

    Simulates each scenario ``replications`` times (default: the baseline's setting) with ``seed``
    (default: the baseline's seed) for both, costs the sites, computes the budget of the scenario
    being decided (the proposal if given) with ``draws`` Monte Carlo draws, and writes the brief to
    ``out`` (.pdf, .png, .html or .svg) if given, on ``paper`` ("16:9" for the projector, "a4" for
    A4 landscape printing). ``out`` is checked before any simulation. Returns the :class:`Brief`.

    ``tasks``: add the second page, the key-task progress table of the baseline as of ``as_of`` (and each
    task's status under the proposal), judged on the same runs; the change since the last snapshot in
    ``history`` (default folder: :func:`vetsim.tasks.default_history_dir`).
    """
    from ..files import check_output_target
    from ..fiscal import site_costs
    from ..i18n import check_lang
    from ..cache import simulate_cached
    from .brief import FORMATS, BriefFormatError
    from .page import check_paper

    check_lang(lang)
    check_paper(paper)
    if out is not None and Path(out).suffix.lower() not in FORMATS:
        raise BriefFormatError(str(out))  # before minutes of simulation, not after
    if out is not None:
        check_output_target(out, "file")
    base = _scenario(baseline)
    prop = _scenario(compare) if compare is not None else None
    if tasks and not base.table("tasks.csv"):  # before minutes of simulation, not after
        from ..tasks import TasksError
        from ..wording import both

        raise TasksError(*both("tasks.err.no_tasks"))
    seed = int(base.spec.seed if seed is None else seed)
    reps = int(replications if replications is not None else base.spec.simulation.replications)
    # a run done before (same scenario, seed, replications and code) is read from the results cache
    base_res = simulate_cached(base, replications=reps, seed=seed, workers=workers, progress=progress)
    prop_res = simulate_cached(prop, replications=reps, seed=seed, workers=workers, progress=progress) if prop else None
    decided, decided_res = (prop, prop_res) if prop is not None else (base, base_res)
    boards = _task_boards(base, base_res, prop, prop_res, as_of, history) if tasks else (None, None)
    inputs = BriefInputs(
        baseline=base, baseline_results=base_res, baseline_cost=site_costs(base),
        budget=_budget(decided, draws, seed, decided_res),
        proposal=prop, proposal_results=prop_res, proposal_cost=site_costs(prop) if prop is not None else None,
        day=day, tasks=boards[0], proposal_tasks=boards[1],
    )
    brief = make_brief(inputs, lang, paper=paper)
    if out is not None:
        brief.save(out)
    return brief
