"""Cross-file checks of the key-task table (``tasks.csv``) and its status thresholds (``task_status.csv``).

Part of the scenario layer: it reads the schema and the KPI table (a leaf), never a model. Each
problem names file, row and column and says what is allowed, in Chinese and English. Checked:
every ``ref`` names something that exists (a KPI, a campaign, a duty, a case type), a KPI task's
target is in that KPI's unit and the KPI has a direction, ids are unique, and the thresholds are
complete and ordered. (A deadline outside the simulated window is said when the task is judged,
not refused here: a short test run of the same scenario stays valid.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import Problem
from ..kpis import KPIS
from ..wording import both, tr
from .levels import ALL_LEVELS_ID
from .task_spec import STATUS_KEYS, TaskRow, TaskStatusRow

__all__ = ["task_problems", "MODEL_MEASURES"]

Locate = Callable[[str, int, str | None], tuple[str, str, str]]
MODEL_MEASURES = ("kpi", "campaign", "duty", "backlog")
_T = "tasks.csv"
# KPIs a task cannot be tied to: kept per campaign only (a campaign task uses measure=campaign)
NOT_TASK_KPIS = frozenset({"campaign_done_day"})


def _p(loc: tuple[str, str, str], zh: str, en: str) -> Problem:
    return Problem(loc[0], loc[1], loc[2], zh, en)


def _one(t: TaskRow, i: int, spec: Any, tables: dict[str, tuple[Any, ...]], locate: Locate) -> list[Problem]:
    def where(col: str) -> tuple[str, str, str]:
        return locate(_T, i, col)

    out = _kpi_ref(t, where) if t.measure == "kpi" else \
        _package_ref(t, tables, where) if t.measure in ("campaign", "duty") else []
    if t.level is not None and spec is not None:
        allowed = (ALL_LEVELS_ID, *spec.level_registry.site_ids)
        if t.level not in allowed:
            out.append(_p(where("level"), *both("levels.unknown", level=repr(t.level), allowed=", ".join(allowed))))
    if t.measure == "backlog" and spec is not None and t.case_type not in spec.case_types:
        cts = ", ".join(spec.case_types)
        out.append(_p(where("ref"), *both("tasks.check.unknown_case_type", ref=t.case_type, cts=cts)))
    return out


def _kpi_ref(t: TaskRow, where: Callable[[str], tuple[str, str, str]]) -> list[Problem]:
    """A task tied to a KPI: a KPI that has a direction (or a cap), in its unit."""
    k = KPIS.get(t.ref or "") if t.ref not in NOT_TASK_KPIS else None
    if k is None:
        shown = ", ".join(x.id for x in KPIS.values() if (x.direction or x.capped) and x.id not in NOT_TASK_KPIS)
        return [_p(where("ref"), *both("tasks.check.unknown_kpi", ref=t.ref, shown=shown))]
    if k.direction is None and not k.capped:
        return [_p(where("ref"), *both("tasks.check.kpi_no_direction", ref=t.ref))]
    if t.unit != k.unit:
        return [_p(where("unit"), *both("tasks.check.kpi_unit", ref=t.ref, kpi_unit=k.unit, unit=t.unit))]
    return []


def _package_ref(t: TaskRow, tables: dict[str, tuple[Any, ...]], where: Callable[[str], tuple[str, str, str]]) -> list[Problem]:
    """A task tied to a campaign or duty: one that campaigns.csv / duties.csv holds."""
    table, col = ("campaigns.csv", "campaign") if t.measure == "campaign" else ("duties.csv", "duty")
    known = {getattr(r, col) for r in tables.get(table, ())}
    if t.ref in known:
        return []
    listed = ", ".join(sorted(known))
    return [_p(where("ref"), *both("tasks.check.unknown_ref", table=table, col=col, ref=t.ref,
                                   known_zh=listed or tr("none", "zh"), known_en=listed or tr("none", "en")))]


def _thresholds(rows: tuple[TaskStatusRow, ...], locate: Locate) -> list[Problem]:
    have = {r.key: (i, r) for i, r in enumerate(rows)}
    missing = [k for k in STATUS_KEYS if k not in have]
    if missing:
        return [Problem("task_status.csv", "", "", *both("tasks.check.missing_thresholds", missing=missing,
                                                         keys=", ".join(STATUS_KEYS)))]
    out = []
    for hi, lo in (("on_track_share", "at_risk_share"), ("on_track_progress", "at_risk_progress")):
        if have[lo][1].value > have[hi][1].value:
            out.append(_p(locate("task_status.csv", have[lo][0], "value"),
                          *both("tasks.check.threshold_order", lo=lo, lo_value=have[lo][1].value, hi=hi,
                                hi_value=have[hi][1].value)))
    return out


def task_problems(spec: Any, tables: dict[str, tuple[Any, ...]], locate: Locate,
                  incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Problems of ``tasks.csv`` against the other tables and of ``task_status.csv`` (empty if all is well)."""
    tasks: tuple[TaskRow, ...] = tables.get(_T, ())  # type: ignore[assignment]
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(tasks):
        if t.task in seen:
            out.append(_p(locate(_T, i, "task"), *both("tasks.check.duplicate", task=t.task)))
        seen.setdefault(t.task, i)
        if not incomplete & {"campaigns.csv", "duties.csv", "backlog.csv"}:
            out += _one(t, i, spec, tables, locate)
    status = tables.get("task_status.csv", ())
    if (tasks or _T in incomplete) and not status and "task_status.csv" not in incomplete:
        out.append(Problem("task_status.csv", "", "", *both("tasks.check.no_thresholds")))
    elif status and "task_status.csv" not in incomplete:
        out += _thresholds(status, locate)  # type: ignore[arg-type]
    return out
