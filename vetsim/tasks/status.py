"""Status of each key task (已完成 / 正常推进 / 有风险 / 滞后) from reported progress, the scenario and simulation runs.

The rule, with its thresholds from ``task_status.csv`` (data, with unit and source):

* reported progress (``current`` at ``current_date``) that meets the target: 已完成;
* a task the model judges (``kpi``, ``campaign``, ``duty``, ``backlog``): the share of simulation runs in
  which the target is met by the deadline -- at least ``on_track_share``: 正常推进, at least
  ``at_risk_share``: 有风险, else 滞后; once the deadline has passed: 已完成 (the runs meet it in at least
  ``on_track_share``) or 滞后;
* reported progress of a task not yet done: the share of the target reached, divided by the share of
  the task's time elapsed at the report -- at least ``on_track_progress``: 正常推进, at least
  ``at_risk_progress``: 有风险, else 滞后; a task with both a projection and a report gets the worse of the two;
* a five-haves check: 已完成 when the scenario's sites meet it, else 有风险 before the deadline, 滞后 after;
* reported progress and the model's progress on the report's date (shares of the target) further apart
  than ``disagree_share`` (optional row): the row says so (``disagree``, a reason, a marker in the
  table, a headline) -- the status keeps its rule, the reader sees both figures;
* a reported task without a report once started: 有风险 (nobody knows); before its start: 正常推进;
  past its deadline and not done: 滞后. The same for a model-tied task whose deadline lies outside the
  simulated window (the runs cannot say; the reason says so).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import VetsimError
from ..kpis import meets
from ..scenario import Scenario
from ..scenario.task_spec import TaskRow
from ..wording import both
from .five import five_haves, five_haves_share
from .projection import Projection, project

__all__ = ["STATUSES", "TaskStatus", "TaskBoard", "task_board", "thresholds", "TasksError"]

STATUSES: tuple[str, ...] = ("late", "at_risk", "on_track", "done")  # worst first: the order of the table
_RANK = {s: i for i, s in enumerate(STATUSES)}


class TasksError(VetsimError):
    """A key-task request that cannot be answered (no tasks, no results for model-tied tasks)."""


@dataclass(frozen=True)
class TaskStatus:
    """One task's status and the figures behind it (``why``: a wording key and its fields)."""

    task: TaskRow
    seq: int  # 序号: the task's place in the bureau's table
    status: str
    projection: Projection | None = None
    actual: float | None = None  # the value the status is judged on: reported, or five haves from the scenario
    progress: float | None = None  # share of the target reached (reported progress)
    why: tuple[tuple[str, dict[str, Any]], ...] = ()
    change: str | None = None  # ↑ ↓ → against the last snapshot (None: no earlier snapshot of the task)
    # (reported, simulated) value in the task's unit when their progress disagrees beyond ``disagree_share``
    disagree: tuple[float, float] | None = None


@dataclass(frozen=True)
class TaskBoard:
    """The progress table of a scenario as of a date: one :class:`TaskStatus` per task, worst first."""

    scenario_name: tuple[str, str]
    as_of: dt.date
    rows: tuple[TaskStatus, ...]
    thresholds: dict[str, float]
    runs: int | None = None
    label: tuple[str, str] | None = None  # e.g. the proposal's name, when the board is of a proposal
    meta: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str = "zh") -> str:
        return self.scenario_name[0 if lang == "zh" else 1]

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in STATUSES}

    def with_changes(self, changes: dict[str, str]) -> TaskBoard:
        return replace(self, rows=tuple(replace(r, change=changes.get(r.task.task)) for r in self.rows))


def thresholds(scenario: Scenario) -> dict[str, float]:
    """The status thresholds of ``task_status.csv`` by key."""
    return {r.key: float(r.value) for r in scenario.table("task_status.csv")}  # type: ignore[attr-defined]


def _elapsed(t: TaskRow, day: dt.date) -> float:
    span = (t.deadline - t.start).days
    return 1.0 if span <= 0 else min(max((day - t.start).days / span, 0.0), 1.0)


def _reported(t: TaskRow, scenario: Scenario) -> float | None:
    """Share of the target reached by the reported ``current`` (None: no report, or no notion of progress)."""
    if t.current is None:
        return None
    if t.measure == "backlog":
        start = sum(b.open_cases for b in scenario.backlog if b.case_type == t.case_type)
        return 1.0 if start <= t.target else (start - t.current) / (start - t.target)
    if t.measure == "kpi":
        return 1.0 if meets(t.ref or "", t.current, t.target) else None
    return 1.0 if t.target <= 0 else t.current / t.target


def _from_share(share: float, th: dict[str, float], past: bool) -> str:
    if math.isnan(share):
        return "at_risk"
    if past:
        return "done" if share >= th["on_track_share"] else "late"
    return "on_track" if share >= th["on_track_share"] else "at_risk" if share >= th["at_risk_share"] else "late"


def _from_progress(ratio: float, th: dict[str, float]) -> str:
    return "on_track" if ratio >= th["on_track_progress"] else "at_risk" if ratio >= th["at_risk_progress"] else "late"


def _status(t: TaskRow, seq: int, scenario: Scenario, results: Any, as_of: dt.date, th: dict[str, float],
            five: Any) -> TaskStatus:
    past = as_of > t.deadline
    why: list[tuple[str, dict[str, Any]]] = []
    done = _reported(t, scenario)
    if done is not None and done >= 1 - 1e-9:
        return TaskStatus(t, seq, "done", None, t.current, 1.0, (("tasks.why.reported_done", {"date": t.current_date}),))
    if t.measure == "five_haves":
        value = five_haves_share(five, t.element, t.level)
        ok = not math.isnan(value) and value >= t.target - 1e-9
        why.append(("tasks.why.five", {"value": value}))
        return TaskStatus(t, seq, "done" if ok else "late" if past else "at_risk", None, value, None, tuple(why))
    statuses: list[str] = []
    proj = None
    if results is not None:
        proj = project(t, results, scenario.spec.simulation.start_date)
    elif t.measure in ("kpi", "campaign", "duty", "backlog"):
        raise TasksError(*both("tasks.err.no_results", task=t.task))
    sim = scenario.spec.simulation
    end = sim.start_date + dt.timedelta(days=int(sim.days) - 1)
    if proj is not None and t.measure != "kpi" and not sim.start_date <= t.deadline <= end:
        # the runs say nothing of a deadline outside the simulated window: not judged by the model
        why.append(("tasks.why.outside_window", {"first": sim.start_date, "last": end}))
        proj = None
    if proj is not None:
        statuses.append(_from_share(proj.met_share, th, past))
        why.append(("tasks.why.model_past" if past else "tasks.why.model", {}))
    if done is not None:
        due = _elapsed(t, t.current_date or as_of)
        ratio = math.inf if due <= 0 else done / due
        statuses.append("late" if past else _from_progress(ratio, th))
        why.append(("tasks.why.progress", {"done": done, "due": due, "date": t.current_date}))
    elif t.measure == "manual" or not statuses:
        if past:
            statuses.append("late")
            why.append(("tasks.why.past_deadline", {}))
        elif as_of < t.start:
            statuses.append("on_track")
            why.append(("tasks.why.not_started", {}))
        else:
            statuses.append("at_risk")
            why.append(("tasks.why.no_report", {}))
    status = min(statuses, key=_RANK.__getitem__) if statuses else "at_risk"
    return TaskStatus(t, seq, status, proj, t.current, done, tuple(why))


def _model_progress(t: TaskRow, proj: Projection | None, scenario: Scenario,
                    results: Any) -> tuple[float, float] | None:
    """The model's progress on the report's date, where the model has one, as (share of the target,
    value in the task's unit): a duty or campaign reported on or after its deadline (share of hours
    done by the due day), a backlog at any date (cases still open, mean over runs); None otherwise."""
    when = t.current_date
    if when is None or results is None:
        return None
    if t.measure in ("duty", "campaign") and proj is not None and when >= t.deadline and t.target > 0:
        return None if math.isnan(proj.value) else (min(max(proj.value / t.target, 0.0), 1.0), proj.value)
    if t.measure != "backlog" or getattr(results, "cases", None) is None:
        return None
    return _backlog_progress(t, when, scenario, results.cases)


def _backlog_progress(t: TaskRow, when: dt.date, scenario: Scenario, c: Any) -> tuple[float, float] | None:
    """Backlog cases still open on ``when`` (mean over runs) and the share of the way to the target."""
    part = c[c["from_backlog"].to_numpy() & (c["case_type"].astype(str) == t.case_type).to_numpy()]
    runs = int(c["replication"].nunique()) if len(c) else 0
    start = sum(b.open_cases for b in scenario.backlog if b.case_type == t.case_type)
    if not runs or start <= t.target:
        return None
    day = (when - scenario.spec.simulation.start_date).days
    left = start - float((part["finish_day"].to_numpy(dtype=float) <= day).sum()) / runs
    return min(max((start - left) / (start - t.target), 0.0), 1.0), left


def _flag_disagreement(row: TaskStatus, scenario: Scenario, results: Any, th: dict[str, float]) -> TaskStatus:
    """Say so in the row when the reported progress and the model's (shares of the target, on the
    report's date) are further apart than ``disagree_share``; the figures kept are in the task's unit."""
    gap = th.get("disagree_share")
    reported = _reported(row.task, scenario)
    if gap is None or reported is None or row.task.current is None:
        return row
    proj = row.projection
    if proj is None and results is not None:
        proj = project(row.task, results, scenario.spec.simulation.start_date)
    model = _model_progress(row.task, proj, scenario, results)
    if model is None or abs(min(reported, 1.0) - model[0]) <= gap:
        return row
    figures = (float(row.task.current), model[1])
    why = (*row.why, ("tasks.why.disagree", {"reported": figures[0], "model": figures[1]}))
    return replace(row, why=why, disagree=figures)


def task_board(scenario: Scenario, results: Any = None, as_of: dt.date | None = None, *,
               label: tuple[str, str] | None = None) -> TaskBoard:
    """The progress table of ``scenario`` as of ``as_of`` (default: the latest report date in the table, else
    today), judged on ``results`` (a simulation of ``scenario``; needed when a task is tied to the model)."""
    tasks = scenario.table("tasks.csv")
    if not tasks:
        raise TasksError(*both("tasks.err.no_tasks"))
    if as_of is None:
        reported = [t.current_date for t in tasks if t.current_date is not None]  # type: ignore[attr-defined]
        as_of = max(reported) if reported else dt.date.today()
    th = thresholds(scenario)
    five = five_haves(scenario)
    rows = [_flag_disagreement(_status(t, i, scenario, results, as_of, th, five), scenario, results, th)
            for i, t in enumerate(tasks, start=1)]  # type: ignore[arg-type]
    rows.sort(key=lambda r: (_RANK[r.status], r.task.deadline, r.seq))
    runs = next((r.projection.runs for r in rows if r.projection is not None), None)
    meta = dict(getattr(results, "meta", {}) or {}) if results is not None else {}
    return TaskBoard((scenario.name("zh"), scenario.name("en")), as_of, tuple(rows), th, runs, label,
                     {k: meta.get(k) for k in ("seed", "scenario_hash", "replications", "vetsim_version") if k in meta})

