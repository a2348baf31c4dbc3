"""The progress table as text: a tidy frame in Chinese or English, the reasons, and a headline per task at risk.

One place turns a :class:`~vetsim.tasks.status.TaskBoard` into words, so the terminal, the brief's task
page, the dashboard tab and the Excel export say the same thing. Every word comes from the catalogue
(``vetsim/wording/tasks.yaml``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from .. import formats
from ..scenario.levels import level_label
from ..wording import has, tr
from .status import TaskBoard, TaskStatus

__all__ = ["fmt_value", "status_text", "why_text", "chance_text", "expected_text", "board_frame", "headlines",
           "disagreement_headlines",
           "COLUMNS", "STATUS_FILL", "head", "as_of_text",
           "proposal_headlines", "all_headlines"]

# status -> fill colour (the house's green / amber / red, light enough for black text)
STATUS_FILL = {"done": "#C6EFCE", "on_track": "#DDEBF7", "at_risk": "#FFEB9C", "late": "#FFC7CE"}
# columns of the table shown (wording keys tasks.col.*)
COLUMNS: tuple[str, ...] = ("seq", "status", "change", "category", "task", "owner_unit", "owner_person", "deadline",
                            "target", "actual", "chance", "expected", "why")


def fmt_value(v: Any, unit: str, lang: str = "zh") -> str:
    """A task value in its unit: shares as percent, counts whole, other units with the unit written."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if unit == "share":
        return f"{100 * v:.0f}%"
    key = "tasks.unit." + unit.replace(" ", "_")
    word = tr(key, lang) if has(key) else unit  # a unit the bureau typed is shown as typed
    sep = "" if lang == "zh" and has(key) else " "
    return f"{v:,.0f}{sep}{word}" if float(v).is_integer() else f"{v:,.1f}{sep}{word}"


def _exact(v: float, unit: str, lang: str) -> str:
    """A value to compare with another: shares to a tenth of a percent (97.0% against 0.2%)."""
    return formats.share(v, lang, 1) if unit == "share" else fmt_value(round(v, 1), unit, lang)


def status_text(status: str, lang: str = "zh", *, in_sentence: bool = False) -> str:
    """The status word (已完成 / Done ...); ``in_sentence``: English in lower case, as inside a sentence."""
    text = tr(f"tasks.status.{status}", lang)
    return text.lower() if in_sentence and lang == "en" else text


def chance_text(r: TaskStatus, lang: str = "zh") -> str:
    """"65%（20 次模拟）" for a projected task, "—" otherwise."""
    p = r.projection
    if p is None or math.isnan(p.met_share):
        return "—"
    return tr("tasks.chance", lang, share=f"{100 * p.met_share:.0f}%", runs=p.runs)


def expected_text(r: TaskStatus, lang: str = "zh") -> str:
    """The expected completion date with its 95% interval, and how many runs reach the target at all."""
    p = r.projection
    if p is None or r.task.measure == "kpi":
        return "—"
    if p.expected is None:
        return tr("tasks.expected.never", lang, runs=p.runs)
    span = "" if p.expected_low == p.expected_high else tr("tasks.expected.span", lang, low=p.expected_low, high=p.expected_high)
    some = "" if p.reached == p.runs else tr("tasks.expected.some", lang, n=p.reached, runs=p.runs)
    return f"{p.expected}{span}{some}"


def _target_text(r: TaskStatus, lang: str) -> str:
    t = r.task
    if t.measure == "backlog":
        return tr("tasks.target.backlog", lang, n=fmt_value(t.target, "case", lang))
    return fmt_value(t.target, t.unit, lang)


def _actual_text(r: TaskStatus, lang: str) -> str:
    t = r.task
    if r.actual is None:
        p = r.projection
        return tr("tasks.actual.model", lang, value=fmt_value(p.value, t.unit, lang)) if p is not None else "—"
    text = fmt_value(r.actual, t.unit, lang)
    return text if t.current_date is None or t.measure == "five_haves" else \
        tr("tasks.actual.dated", lang, value=text, date=t.current_date)


def _level_text(level: str | None, lang: str) -> str:
    """The sites a five-haves task covers: all sites, or a level's label from the level registry."""
    if not level or level == "all":
        return tr("tasks.level.all", lang)
    text = level_label(level, lang)
    return text.lower() if lang == "en" else text  # inside a sentence: "of township stations"


def why_text(r: TaskStatus, lang: str = "zh") -> str:
    """The reasons behind the status, in one line."""
    parts = []
    for key, fields in r.why:
        f = dict(fields)
        p = r.projection
        if key.startswith("tasks.why.model") and p is not None:
            f.update(share=f"{100 * p.met_share:.0f}%", runs=p.runs)
        if key == "tasks.why.progress":
            f.update(done=f"{100 * f['done']:.0f}%", due=f"{100 * f['due']:.0f}%")
        if key == "tasks.why.disagree":
            f.update(reported=_exact(f["reported"], r.task.unit, lang), model=_exact(f["model"], r.task.unit, lang))
        if key == "tasks.why.five":
            f.update(value=fmt_value(f["value"], "share", lang), what=tr(f"tasks.five.{r.task.element}", lang),
                     level=_level_text(r.task.level, lang))
        parts.append(tr(key, lang, **f, start=r.task.start, deadline=r.task.deadline))
    return tr("tasks.why.sep", lang).join(parts)


def board_frame(board: TaskBoard, lang: str = "zh") -> pd.DataFrame:
    """The table as shown: one row per task, worst status first; columns named in ``lang`` plus ``_status``."""
    rows = []
    for r in board.rows:
        t = r.task
        rows.append({
            "seq": r.seq, "status": status_text(r.status, lang) + (tr("tasks.disagree_mark", lang) if r.disagree else ""),
            "change": r.change or "",
            "category": t.category(lang), "task": t.label(lang), "owner_unit": t.owner_unit, "owner_person": t.owner_person,
            "deadline": t.deadline.isoformat(), "target": _target_text(r, lang), "actual": _actual_text(r, lang),
            "chance": chance_text(r, lang), "expected": expected_text(r, lang), "why": why_text(r, lang),
            "_status": r.status, "_task": t.task,
        })
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_status", "_task"])
    return df.rename(columns={c: head(c, lang) for c in COLUMNS})


def head(column: str, lang: str = "zh") -> str:
    """The header of a shown column (``category`` and ``task`` name the text in ``lang``)."""
    if column == "task":  # the task text in ``lang``: the header of that column of the 推进表
        return tr(f"tasks.col.task_{lang}", lang)
    return tr("tasks.head.category" if column == "category" else f"tasks.col.{column}", lang)


def headlines(board: TaskBoard, lang: str = "zh") -> list[str]:
    """One sentence per task that is late or at risk, worst first (the table's order)."""
    out = []
    for r in board.rows:
        if r.status not in ("late", "at_risk"):
            continue
        t = r.task
        key = "tasks.headline.model" if r.projection is not None and r.task.measure != "kpi" else "tasks.headline.plain"
        out.append(tr(key, lang, task=t.label(lang), unit=t.owner_unit, status=status_text(r.status, lang, in_sentence=True),
                      why=why_text(r, lang), expected=expected_text(r, lang), deadline=t.deadline))
    return out


def proposal_headlines(board: TaskBoard, proposal: TaskBoard | None, lang: str = "zh") -> list[str]:
    """One sentence per task whose status differs under the proposal (worse first), with the reason under it."""
    if proposal is None:
        return []
    base = {r.task.task: r for r in board.rows}
    out = []
    for r in proposal.rows:  # the proposal's order: worst first
        b = base.get(r.task.task)
        if b is None or b.status == r.status:
            continue
        out.append(tr("tasks.headline.proposal", lang, task=r.task.label(lang), before=status_text(b.status, lang, in_sentence=True),
                      after=status_text(r.status, lang, in_sentence=True), why=why_text(r, lang)))
    return out


def disagreement_headlines(board: TaskBoard, lang: str = "zh") -> list[str]:
    """One sentence per task whose reported progress and the model's disagree (reported 97%, simulated 0.2%)."""
    return [tr("tasks.headline.disagree", lang, task=r.task.label(lang), unit=r.task.owner_unit,
               reported=_exact(r.disagree[0], r.task.unit, lang), model=_exact(r.disagree[1], r.task.unit, lang),
               date=r.task.current_date)
            for r in board.rows if r.disagree is not None]


def all_headlines(board: TaskBoard, proposal: TaskBoard | None = None, lang: str = "zh") -> list[str]:
    """Reports the model disagrees with, the baseline's tasks late or at risk, then the tasks whose status
    the proposal changes."""
    return disagreement_headlines(board, lang) + headlines(board, lang) + proposal_headlines(board, proposal, lang)


def as_of_text(board: TaskBoard, lang: str = "zh") -> str:
    return tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat() if isinstance(board.as_of, dt.date) else board.as_of)
