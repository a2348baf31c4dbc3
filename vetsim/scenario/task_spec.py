"""Schema of the key-task progress table (重点工作推进表, domain brief §8): ``tasks.csv`` and ``task_status.csv``.

Why in the scenario: the tasks the leaders review (clear the petition backlog by the campaign date,
every township station meeting the five haves, the one-trip rate) are the bureau's own data, with
a deadline and a responsible unit and person; the thresholds that turn progress into 已完成 / 正常推进 /
有风险 / 滞后 are a policy choice, so they are data too (``task_status.csv``, with unit and source).
The status itself is computed by :mod:`vetsim.tasks` from simulation results; this module only
validates what the bureau typed.

``tasks.csv`` (optional; or ``tasks.xlsx``, the first sheet in the same shape): one row per task.
``measure`` says what the task is judged on, ``ref`` what exactly:

* ``kpi`` -- a KPI of :data:`vetsim.kpis.KPIS` (``ref`` = its id, ``level`` optional), judged on the
  simulated window; ``unit`` must be the KPI's unit;
* ``campaign`` -- a campaign of ``campaigns.csv`` (``ref`` = its id): share of its hours done by the deadline;
* ``duty`` -- a duty of ``duties.csv`` (``ref`` = its id): share of its hours done by the due date;
* ``backlog`` -- cases open at the start (``backlog.csv``) of case type ``ref`` (default ``petition``):
  at most ``target`` of them still open at the deadline (unit ``case``);
* ``five_haves`` -- share of the sites of ``level`` having the five haves (五有; ``ref`` = ``all`` or one
  of :data:`FIVE_HAVES`), computed from the scenario (unit ``share``);
* ``manual`` -- progress reported by the bureau (``current`` against ``target``, any unit).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..wording import LabelColumns, both, in_lang, tr
from .params import Frozen, VisibleLongText, VisibleText, invalid
from .spec import LevelId

__all__ = ["TaskRow", "TaskStatusRow", "TASK_TABLES", "MEASURES", "FIVE_HAVES", "MEASURE_UNITS",
           "STATUS_KEYS", "TASK_COLUMNS", "EXPORT_ONLY"]

MEASURES: tuple[str, ...] = ("kpi", "campaign", "duty", "backlog", "five_haves", "manual")
FIVE_HAVES: tuple[str, ...] = ("organisation", "post", "people", "funding", "guarantees")
# the unit a target must be written in, per measure (kpi: the KPI's own unit; manual: any)
MEASURE_UNITS: dict[str, str] = {"campaign": "share", "duty": "share", "backlog": "case", "five_haves": "share"}
STATUS_KEYS: tuple[str, ...] = ("on_track_share", "at_risk_share", "on_track_progress", "at_risk_progress", "move_share")


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and v.strip() == "" else v


def _strip(v: object) -> object:
    return v.strip() if isinstance(v, str) else v


Opt = BeforeValidator(_blank_to_none)
_Date = Annotated[dt.date, BeforeValidator(_strip)]


class TaskRow(Frozen):
    """One key task (tasks.csv): what, who, by when, judged on what, against which target."""

    task: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", max_length=64)
    category_zh: VisibleText
    category_en: VisibleText
    task_zh: VisibleText
    task_en: VisibleText
    owner_unit: VisibleText  # 责任单位, e.g. 褒扬优抚科
    owner_person: VisibleText  # 责任人: a role or a name, entered by the bureau
    start: _Date
    deadline: _Date
    measure: Literal["kpi", "campaign", "duty", "backlog", "five_haves", "manual"]
    ref: Annotated[str | None, Opt] = Field(default=None, max_length=64)
    level: Annotated[LevelId | None, Opt] = None  # "all" or a site level of the scenario (task_checks)
    target: float = Field(ge=0, le=1e9)
    unit: VisibleText
    current: Annotated[float | None, Opt] = Field(default=None, ge=0, le=1e9)  # progress reported (manual or ledger)
    current_date: Annotated[dt.date | None, Opt, BeforeValidator(_strip)] = None
    notes: Annotated[str | None, Opt] = Field(default=None, max_length=1000)
    source: VisibleLongText

    @field_validator("deadline")
    @classmethod
    def _after_start(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and v < start:
            raise invalid(*both("tasks.spec.deadline_before_start", deadline=v, start=start))
        return v

    @field_validator("ref")
    @classmethod
    def _ref(cls, v: str | None, info: ValidationInfo) -> str | None:
        measure = info.data.get("measure")
        if measure in ("kpi", "campaign", "duty") and v is None:
            raise invalid(*both("tasks.spec.ref_needed", measure=measure))
        if measure == "five_haves" and v is not None and v not in ("all", *FIVE_HAVES):
            raise invalid(*both("tasks.spec.five_ref", elements=", ".join(FIVE_HAVES), ref=v))
        return v

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str, info: ValidationInfo) -> str:
        v = v.strip()
        measure, target = info.data.get("measure"), info.data.get("target")
        want = MEASURE_UNITS.get(str(measure))
        if want is not None and v != want:
            raise invalid(*both("tasks.spec.unit", measure=measure, want=want, unit=v))
        if v == "share" and target is not None and target > 1:
            raise invalid(*both("tasks.spec.share_range", target=target))
        return v

    @field_validator("current_date")
    @classmethod
    def _current_pair(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if (info.data.get("current") is None) != (v is None) and "current" in info.data:
            raise invalid(*both("tasks.spec.current_pair"))
        return v

    @classmethod
    def sheet_headers(cls) -> tuple[dict[str, str], frozenset[str]]:
        """Chinese (and English) headers of the Excel 推进表 -> column names, and the computed columns of an
        export that a reader drops (so that an exported table can be read back as the same tasks)."""
        headers = {tr(f"tasks.col.{c}", lang): c for c in cls.model_fields for lang in ("zh", "en")}
        ignore = frozenset(tr(f"tasks.col.{c}", lang) for c in EXPORT_ONLY for lang in ("zh", "en"))
        return headers, ignore

    @property
    def element(self) -> str:
        """The five-haves element checked (``all`` when ``ref`` is blank)."""
        return self.ref or "all"

    @property
    def case_type(self) -> str:
        """The case type of a backlog task (``petition`` when ``ref`` is blank)."""
        return self.ref or "petition"

    def label(self, lang: str = "zh") -> str:
        return in_lang(self, "task", lang)

    def category(self, lang: str = "zh") -> str:
        return in_lang(self, "category", lang)


class TaskStatusRow(LabelColumns, Frozen):
    """One threshold of the status rule (task_status.csv), with unit and source.

    ``on_track_share`` / ``at_risk_share`` (unit ``share``): a model-tied task whose target is met by the
    deadline in at least that share of the simulation runs is 正常推进 / 有风险 (below: 滞后).
    ``on_track_progress`` / ``at_risk_progress`` (unit ``ratio``): a reported task whose progress is at
    least that ratio of the progress due by now (time elapsed) is 正常推进 / 有风险 (below: 滞后).
    ``move_share`` (unit ``share``): the least change of that share since the last snapshot shown as ↑ / ↓.
    Optional: ``disagree_share`` (unit ``share``): reported progress and the model's progress (shares of
    the target) further apart than this flag the task (e.g. reported 97% vs simulated 0.2%);
    ``staffed_nobody_share`` (unit ``share``): a station with someone posted counts as staffed (五有:
    有人员) when nobody is present on at most this share of its open days (without the row: the
    scenario's target for visits that found nobody).
    """

    key: Literal["on_track_share", "at_risk_share", "on_track_progress", "at_risk_progress", "move_share",
                 "disagree_share", "staffed_nobody_share"]
    value: float = Field(ge=0, le=1)
    unit: Literal["share", "ratio"]
    label_zh: VisibleText
    label_en: VisibleText
    source: VisibleLongText

    @model_validator(mode="after")
    def _unit_of_key(self) -> TaskStatusRow:
        want = "share" if self.key.endswith("_share") else "ratio"
        if self.unit != want:
            raise invalid(*both("tasks.spec.status_unit", key=self.key, want=want, unit=self.unit))
        return self


TASK_COLUMNS: tuple[str, ...] = tuple(TaskRow.model_fields)
# columns of the Excel export computed from the model (not task data): dropped when the sheet is read back
EXPORT_ONLY: tuple[str, ...] = ("seq", "status", "chance", "expected", "actual", "change", "why")

# file name -> (row model, key columns, required?)
TASK_TABLES = {
    "tasks.csv": (TaskRow, ("task",), False),
    "task_status.csv": (TaskStatusRow, ("key",), False),
}
