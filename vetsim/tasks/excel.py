"""The progress table as an Excel file in the usual 推进表 layout, and reading such a file back.

Layout (domain brief §8): a dated title row, a source row, then one row per task with Chinese headers
(序号, 重点工作, 具体任务, 责任单位, 责任人, 完成时限, 推进情况 ...), the status cell filled by its
colour, in the bureau's order (序号). Every task column is written as entered (ids and codes included), so the
file read back (:func:`read_tasks_excel`, or as ``tasks.xlsx`` in a scenario folder) gives the same
tasks; the computed columns (推进情况, 按期达成概率 ...) are dropped on reading.

Written atomically via :func:`vetsim.files.atomic_write`; text that Excel would run as a formula is
stored as plain text (:func:`vetsim.files.excel_safe_cell`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from ..files import atomic_write, check_output_target, excel_safe_cell, written_bytes
from ..scenario.limits import limit
from ..scenario.problems import from_validation_error
from ..scenario.task_spec import TaskRow
from ..scenario.xlsx_rows import read_xlsx_rows
from ..wording import both, tr
from .status import TaskBoard
from .text import STATUS_FILL, chance_text, expected_text, status_text, why_text

__all__ = ["write_tasks_excel", "tasks_excel_bytes", "read_tasks_excel", "EXCEL_COLUMNS"]

# the columns of the sheet, in order: computed ones (wording keys of EXPORT_ONLY) and task fields
EXCEL_COLUMNS: tuple[str, ...] = (
    "seq", "category_zh", "task_zh", "owner_unit", "owner_person", "start", "deadline", "status", "change", "target",
    "unit", "current", "current_date", "chance", "expected", "why", "notes", "measure", "ref", "level", "source", "task",
    "category_en", "task_en")
_WIDTH = {"seq": 6, "category_zh": 14, "task_zh": 30, "why": 40, "notes": 24, "source": 30, "task_en": 30, "expected": 26}
_THIN = Side(style="thin", color="999999")


def _cell_value(board_row, col: str, lang: str):
    t: TaskRow = board_row.task
    if col == "seq":
        return board_row.seq
    if col == "status":
        return status_text(board_row.status, lang)
    if col == "change":
        return board_row.change or ""
    if col == "chance":
        return chance_text(board_row, lang)
    if col == "expected":
        return expected_text(board_row, lang)
    if col == "why":
        return why_text(board_row, lang)
    v = getattr(t, col)
    return "" if v is None else v


def write_tasks_excel(board: TaskBoard, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """Write ``board`` as an .xlsx 推进表 at ``path`` (checked first; never into a scenario folder)."""
    out = check_output_target(path, "file")
    return atomic_write(out, _workbook(board, lang).save)


def tasks_excel_bytes(board: TaskBoard, lang: str = "zh") -> bytes:
    """The same .xlsx 推进表 as :func:`write_tasks_excel`, in memory (a download of the dashboard)."""
    return written_bytes(_workbook(board, lang).save)


def _workbook(board: TaskBoard, lang: str) -> Workbook:
    """The 推进表 as an openpyxl workbook (not yet saved)."""
    wb = Workbook()
    ws = wb.active
    ws.title = tr("tasks.sheet", lang)[:31]
    n = len(EXCEL_COLUMNS)
    ws.append([tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat())])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    runs = board.runs if board.runs is not None else "—"
    ws.append([tr("tasks.excel.source", lang, runs=runs, seed=board.meta.get("seed", "—"),
                  hash=str(board.meta.get("scenario_hash", "—"))[:12], made=dt.date.today().isoformat())])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws["A2"].font = Font(italic=True, color="555555")
    ws.append([tr(f"tasks.col.{c}", lang) for c in EXCEL_COLUMNS])
    for c in ws[3]:
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    status_col = EXCEL_COLUMNS.index("status") + 1
    for r in sorted(board.rows, key=lambda r: r.seq):  # the bureau's order (序号), as circulated
        ws.append([_cell_value(r, c, lang) for c in EXCEL_COLUMNS])
        for j, c in enumerate(ws[ws.max_row], start=1):
            excel_safe_cell(c)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            c.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
            if isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
            if j == status_col:
                c.fill = PatternFill("solid", fgColor=STATUS_FILL[r.status].lstrip("#"))
                c.font = Font(bold=True)
    for j, col in enumerate(EXCEL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _WIDTH.get(col, 12)
    ws.freeze_panes = "D4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    return wb


def read_tasks_excel(path: str | os.PathLike[str]) -> tuple[TaskRow, ...]:
    """The tasks of a 推进表 written by :func:`write_tasks_excel` (or typed in the same shape); every problem
    of every row at once, as a ``ScenarioError`` naming sheet, row and column."""
    src = Path(path)
    problems: list[Problem] = []
    headers, ignore = TaskRow.sheet_headers()
    rows = read_xlsx_rows(src, src.name, set(TaskRow.model_fields), problems, max_bytes=limit("csv_bytes"),
                          max_rows=limit("table_rows"), headers=headers, ignore=ignore,
                          make_row=lambda cells, where: (cells, where))
    out: list[TaskRow] = []
    for cells, (file, wzh, wen) in rows or []:
        try:
            out.append(TaskRow.model_validate(cells))
        except ValidationError as err:
            problems += from_validation_error(err, TaskRow, lambda loc, f=file, z=wzh, e=wen: (
                f, *(both("tasks.excel.where_column", where_zh=z, where_en=e, column=loc[0]) if loc else (z, e))))
    if problems:
        raise ScenarioError(problems)
    return tuple(out)
