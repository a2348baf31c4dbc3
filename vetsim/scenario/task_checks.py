"""Cross-file checks of the key-task table (``tasks.csv``) and its status thresholds (``task_status.csv``).

Part of the scenario layer: it reads the schema and the KPI table (a leaf), never a model. Each
problem names file, row and column and says what is allowed, in Chinese and English. Checked:
every ``ref`` names something that exists (a KPI, a campaign, a duty, a case type), a KPI task's
target is in that KPI's unit and the KPI has a direction, ids are unique, and the thresholds are
complete and ordered. (A deadline outside the simulated window is said when the task is judged,
not refused here: a short test run of the same scenario stays valid.)
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import Problem
from ..kpis import KPIS
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
    out: list[Problem] = []
    where = lambda col: locate(_T, i, col)  # noqa: E731
    if t.measure == "kpi":
        k = KPIS.get(t.ref or "") if t.ref not in NOT_TASK_KPIS else None
        if k is None:
            shown = ", ".join(x.id for x in KPIS.values() if (x.direction or x.capped) and x.id not in NOT_TASK_KPIS)
            out.append(_p(where("ref"), f"未知的指标 {t.ref!r}；可用的指标：{shown}", f"unknown KPI {t.ref!r}; known: {shown}"))
        elif k.direction is None and not k.capped:
            out.append(_p(where("ref"), f"指标 {t.ref} 没有好坏方向（只是计数），不能作为任务目标",
                          f"KPI {t.ref} has no better direction (a plain count); it cannot be a task's target"))
        elif t.unit != k.unit:
            out.append(_p(where("unit"), f"指标 {t.ref} 的单位是 {k.unit}，目标单位 {t.unit!r} 不符",
                          f"KPI {t.ref} is in {k.unit}; the target's unit {t.unit!r} does not match"))
    elif t.measure in ("campaign", "duty"):
        table, col = ("campaigns.csv", "campaign") if t.measure == "campaign" else ("duties.csv", "duty")
        known = {getattr(r, col) for r in tables.get(table, ())}
        if t.ref not in known:
            out.append(_p(where("ref"), f"{table} 中没有 {col}={t.ref!r}；已有：{', '.join(sorted(known)) or '（无）'}",
                          f"no {col}={t.ref!r} in {table}; known: {', '.join(sorted(known)) or '(none)'}"))
    elif t.measure == "backlog" and spec is not None and t.case_type not in spec.case_types:
        cts = ", ".join(spec.case_types)
        out.append(_p(where("ref"), f"未知的业务类型 {t.case_type!r}；scenario.yaml 的 case_types 有：{cts}",
                      f"unknown case type {t.case_type!r}; the case_types of scenario.yaml are: {cts}"))
    return out


def _thresholds(rows: tuple[TaskStatusRow, ...], locate: Locate) -> list[Problem]:
    have = {r.key: (i, r) for i, r in enumerate(rows)}
    missing = [k for k in STATUS_KEYS if k not in have]
    if missing:
        return [Problem("task_status.csv", "", "", f"缺少状态阈值 {missing}；需要 {', '.join(STATUS_KEYS)} 各一行",
                        f"missing status thresholds {missing}; one row each of {', '.join(STATUS_KEYS)} is needed")]
    out = []
    for hi, lo in (("on_track_share", "at_risk_share"), ("on_track_progress", "at_risk_progress")):
        if have[lo][1].value > have[hi][1].value:
            out.append(_p(locate("task_status.csv", have[lo][0], "value"),
                          f"{lo}（{have[lo][1].value:g}）不能高于 {hi}（{have[hi][1].value:g}）",
                          f"{lo} ({have[lo][1].value:g}) cannot exceed {hi} ({have[hi][1].value:g})"))
    return out


def task_problems(spec: Any, tables: dict[str, tuple[Any, ...]], locate: Locate,
                  incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Problems of ``tasks.csv`` against the other tables and of ``task_status.csv`` (empty if all is well)."""
    tasks: tuple[TaskRow, ...] = tables.get(_T, ())  # type: ignore[assignment]
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(tasks):
        if t.task in seen:
            out.append(_p(locate(_T, i, "task"), f"任务编号 {t.task!r} 重复；编号必须唯一", f"duplicate task id {t.task!r}; ids must be unique"))
        seen.setdefault(t.task, i)
        if not incomplete & {"campaigns.csv", "duties.csv", "backlog.csv"}:
            out += _one(t, i, spec, tables, locate)
    status = tables.get("task_status.csv", ())
    if (tasks or _T in incomplete) and not status and "task_status.csv" not in incomplete:
        out.append(Problem("task_status.csv", "", "", "有重点工作表（tasks.csv）时需要状态阈值表 task_status.csv",
                           "a key-task table (tasks.csv) needs the status thresholds in task_status.csv"))
    elif status and "task_status.csv" not in incomplete:
        out += _thresholds(status, locate)  # type: ignore[arg-type]
    return out
