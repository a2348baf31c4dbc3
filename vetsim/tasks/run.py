"""``progress_boards()``: load the scenario(s), simulate when a task is tied to the model, judge every task.

Baseline and proposal are simulated with the same seed (common random numbers), through the results
cache (:func:`vetsim.cache.simulate_cached`): a brief or dashboard run of the same scenario is reused,
and editing the task table does not invalidate it (the task tables are not part of the scenario hash).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..cache import check_cache_location, simulate_cached
from ..files import check_output_target
from ..scenario import Scenario, load_scenario
from ..wording import both
from .history import changes_since_last, default_history_dir, save_snapshot
from .status import TaskBoard, TasksError, task_board

__all__ = ["progress_boards", "needs_results", "board_for", "TaskRun"]

_MODEL = ("kpi", "campaign", "duty", "backlog")


def _scenario(x: Scenario | str | os.PathLike[str]) -> Scenario:
    return x if isinstance(x, Scenario) else load_scenario(x)


def needs_results(scenario: Scenario) -> bool:
    """Whether a task of ``scenario`` is judged by the simulation."""
    return any(t.measure in _MODEL for t in scenario.table("tasks.csv"))  # type: ignore[attr-defined]


def board_for(scenario: Scenario, results: Any, as_of: dt.date | None = None, *, history: str | os.PathLike[str] | None = None,
              label: tuple[str, str] | None = None) -> TaskBoard:
    """The board of ``scenario`` judged on ``results``, with the change since the last snapshot in ``history``
    (default folder: :func:`~vetsim.tasks.history.default_history_dir`)."""
    board = task_board(scenario, results if needs_results(scenario) else None, as_of, label=label)
    folder = Path(history) if history is not None else default_history_dir(scenario)
    changes, since = changes_since_last(board, folder)
    out = board.with_changes(changes)
    return out if since is None else TaskBoard(out.scenario_name, out.as_of, out.rows, out.thresholds, out.runs,
                                               out.label, {**out.meta, "since": since.isoformat()})


class TaskRun:
    """The boards of one request: ``baseline`` and, with a proposal, ``proposal`` (tasks judged under it)."""

    def __init__(self, baseline: TaskBoard, proposal: TaskBoard | None, snapshot: Path | None = None):
        self.baseline, self.proposal, self.snapshot = baseline, proposal, snapshot


def progress_boards(baseline: Scenario | str | os.PathLike[str], compare: Scenario | str | os.PathLike[str] | None = None, *,
                    as_of: dt.date | None = None, replications: int | None = None, seed: int | None = None,
                    workers: int = 1, progress: bool | str = False, history: str | os.PathLike[str] | None = None,
                    snapshot: bool = False) -> TaskRun:
    """Judge the key tasks of ``baseline`` (and of ``compare``, simulated with the same seed) as of ``as_of``.

    ``snapshot``: save the baseline's board as a dated snapshot in ``history`` (or the default folder),
    after the change since the previous snapshot has been computed.
    """
    check_cache_location(baseline, compare)  # before any work
    base = _scenario(baseline)
    prop = _scenario(compare) if compare is not None else None
    if not base.table("tasks.csv"):
        raise TasksError(*both("tasks.err.no_tasks"))
    folder = Path(history) if history is not None else default_history_dir(base)
    if snapshot and history is not None:
        check_output_target(folder, "folder", force=True, adding=True)  # before minutes of simulation, not after
    seed = int(base.spec.seed if seed is None else seed)
    reps = int(replications if replications is not None else base.spec.simulation.replications)

    def results(sc: Scenario) -> Any:
        return simulate_cached(sc, replications=reps, seed=seed, workers=workers, progress=progress) \
            if needs_results(sc) else None

    b = board_for(base, results(base), as_of, history=folder)
    p = None
    if prop is not None:
        # no arrows for the proposal: the snapshots are of the county's own table, not of a what-if
        p = task_board(prop, results(prop), b.as_of, label=(prop.name("zh"), prop.name("en")))
    saved = save_snapshot(b, folder, make_parents=history is None) if snapshot else None
    return TaskRun(b, p, saved)
