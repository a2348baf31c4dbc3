"""Projection of a model-tied task from simulation ``Results``: per run, is the target met by the deadline, and when.

Why per run: a leader asks "will we make it?", which is the share of simulation runs in which the
target is met by the deadline, not a mean. The expected completion date is the mean over the runs
that reach the target inside the simulated window, with its 95% Student-t interval
(:func:`vetsim.stats.t_interval`); how many runs reached it is said too (the mean over those runs
alone is then a lower bound).

* ``backlog`` -- cases of the case type open at the start (``backlog.csv``): open at the end of day
  *d* = those not finished by day *d*; the target is met on the first day at most ``target`` remain
  (for target 0 this is the KPI ``petition_backlog_zero_day``).
* ``campaign`` / ``duty`` -- packages of the item (and level) due between the task's start and
  deadline: share of their hours done by each package's due day; done on the day the last site finishes.
* ``kpi`` -- the KPI's value over the simulated window in each run (:func:`vetsim.kpis.meets`); no date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kpis import meets
from ..scenario.task_spec import TaskRow
from ..stats import t_interval

__all__ = ["Projection", "project"]


@dataclass(frozen=True)
class Projection:
    """What the simulation says of one task: share of runs meeting it, when it is met, the value reached."""

    runs: int
    met_share: float  # share of runs in which the target is met by the deadline
    value: float  # mean over runs of the measured value at the deadline (cases left, share done, KPI value)
    reached: int = 0  # runs in which the target is reached inside the simulated window
    expected: dt.date | None = None  # mean day it is reached (over the runs that reach it)
    expected_low: dt.date | None = None
    expected_high: dt.date | None = None


def _day(start: dt.date, d: float) -> dt.date | None:
    return None if d is None or math.isnan(d) else start + dt.timedelta(days=int(round(d)))


def _window(results) -> float | None:
    """Days simulated (``Results.meta["days"]``), when the results say."""
    return (getattr(results, "meta", None) or {}).get("days")


def _dates(start: dt.date, days: np.ndarray, window: float | None = None
           ) -> tuple[int, dt.date | None, dt.date | None, dt.date | None]:
    """Runs that reached the target, and the mean day with its 95% interval. The mean of days reached
    inside the simulated window lies in it: the interval is cut to [start, end of the window] (from few
    runs Student's t would otherwise reach back before the start)."""
    ok = days[~np.isnan(days)]
    if not len(ok):
        return 0, None, None, None
    mean, lo, hi = t_interval(ok)
    lo, hi = (mean, mean) if math.isnan(lo) else (lo, hi)
    lo, hi = max(lo, 0.0), hi if window is None else min(hi, float(window))
    return len(ok), _day(start, mean), _day(start, math.floor(lo)), _day(start, math.ceil(hi))


def _backlog(t: TaskRow, results, start: dt.date, runs: list[int]) -> Projection:
    c = results.cases
    part = c[c["from_backlog"].to_numpy() & (c["case_type"].astype(str) == t.case_type).to_numpy()]
    deadline = (t.deadline - start).days
    left, day_met = [], []
    for r in runs:
        fin = part.loc[part["replication"] == r, "finish_day"].to_numpy(dtype=float)
        n = len(fin)
        fin = np.sort(np.where(np.isnan(fin), np.inf, fin))
        left.append(float(n - np.sum(fin <= deadline)))
        need = n - int(t.target)  # cases that must be finished
        d = 0.0 if need <= 0 else fin[need - 1]
        day_met.append(d if math.isfinite(d) else math.nan)
    days = np.array(day_met, dtype=float)
    n, mean, lo, hi = _dates(start, days, _window(results))
    met = float(np.mean([not math.isnan(d) and d <= deadline for d in days])) if runs else math.nan
    return Projection(len(runs), met, float(np.mean(left)) if left else math.nan, n, mean, lo, hi)


def _work(t: TaskRow, results, start: dt.date, runs: list[int]) -> Projection:
    w = results.work
    kind = "campaign" if t.measure == "campaign" else "duty"
    lo_day, hi_day = (t.start - start).days, (t.deadline - start).days
    sel = (w["kind"].astype(str) == kind) & (w["item"].astype(str) == t.ref)
    if t.level not in (None, "all"):
        sel &= w["level"].astype(str) == t.level
    sel &= (w["due_day"] >= lo_day) & (w["due_day"] <= hi_day)
    part = w[sel]
    shares, done_days = [], []
    for r in runs:
        g = part[part["replication"] == r]
        owed = float(g["owed_min"].sum())
        shares.append(float(g["done_by_due_min"].fillna(0).sum()) / owed if owed > 0 else math.nan)
        dd = g["done_day"].to_numpy(dtype=float)
        done_days.append(float(dd.max()) if len(dd) and not np.isnan(dd).any() else math.nan)
    arr = np.array(shares, dtype=float)
    n, mean, lo, hi = _dates(start, np.array(done_days, dtype=float), _window(results))
    met = float(np.mean(arr >= t.target - 1e-9)) if len(arr) and not np.isnan(arr).all() else math.nan
    return Projection(len(runs), met, float(np.nanmean(arr)) if not np.isnan(arr).all() else math.nan, n, mean, lo, hi)


def _kpi(t: TaskRow, results, runs: list[int]) -> Projection:
    per = results.per_replication
    level = t.level or "all"
    part = per[(per["metric"] == t.ref) & (per["level"] == level) & (per["case_type"] == "all")]
    vals = part.set_index("replication")["value"].reindex(runs).to_numpy(dtype=float)
    ok = [bool(meets(t.ref or "", v, t.target)) for v in vals]
    mean = float(np.nanmean(vals)) if len(vals) and not np.isnan(vals).all() else math.nan
    return Projection(len(runs), float(np.mean(ok)) if ok else math.nan, mean)


def project(task: TaskRow, results, start: dt.date) -> Projection | None:
    """The projection of ``task`` from ``results`` (simulated from ``start``); ``None`` for a task the model does not judge."""
    if task.measure not in ("backlog", "campaign", "duty", "kpi"):
        return None
    frames = [f for f in (results.per_replication, results.cases) if f is not None and len(f)]
    runs = sorted({int(r) for f in frames for r in pd.unique(f["replication"])}) if frames else []
    if task.measure == "backlog":
        return _backlog(task, results, start, runs)
    if task.measure == "kpi":
        return _kpi(task, results, runs)
    return _work(task, results, start, runs)
