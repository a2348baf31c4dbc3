"""The bulletin's Excel annex: every figure behind the ranking, as numbers, so a score can be traced.

Sheets: overview (the opening points), townships (counts, rates, each measure's component, weight and
flag, score, rank, previous period, change), stations (the same per station), score rules (weights,
targets and their source), key tasks, notes, method. Text cells are formula-safe
(:func:`vetsim.files.excel_safe_frame`: a note starting with ``=`` stays text); flag cells are coloured.
"""

from __future__ import annotations

import io
from typing import IO

import pandas as pd
from openpyxl.styles import PatternFill

from ..files import excel_safe_cell, excel_safe_frame
from ..wording import tr
from .build import Bulletin
from .text import (
    FLAG_FILL,
    annex_frame,
    flag_word,
    headlines,
    method_lines,
    notes_table,
    rules_table,
    task_table,
)

__all__ = ["write_xlsx"]


def _sheets(b: Bulletin, lang: str) -> list[tuple[str, pd.DataFrame]]:
    line = tr("bulletin.col.line", lang)
    out = [(tr("bulletin.sheet.summary", lang), pd.DataFrame({line: headlines(b, lang)})),
           (tr("bulletin.sheet.townships", lang), annex_frame(b, "townships", lang)),
           (tr("bulletin.sheet.stations", lang), annex_frame(b, "stations", lang)),
           (tr("bulletin.sheet.rules", lang), rules_table(b, lang))]
    tasks = task_table(b, lang)
    if tasks is not None:
        out.append((tr("bulletin.sheet.tasks", lang), tasks.drop(columns="_status")))
    out += [(tr("bulletin.sheet.notes", lang), notes_table(b, lang)),
            (tr("bulletin.sheet.method", lang), pd.DataFrame({line: method_lines(b, lang)}))]
    return out


def _colour_flags(ws, lang: str) -> None:
    fills = {flag_word(f, lang): PatternFill("solid", fgColor=FLAG_FILL[f].lstrip("#")) for f in ("red", "yellow", "green")}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            excel_safe_cell(cell)
            if isinstance(cell.value, str) and cell.value in fills:
                cell.fill = fills[cell.value]


def write_xlsx(b: Bulletin, fh: IO[bytes], lang: str) -> None:
    """Write the annex into ``fh``."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in _sheets(b, lang):
            excel_safe_frame(df).to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            _colour_flags(ws, lang)
            for i, col in enumerate(df.columns, start=1):
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(10, len(str(col)) * 1.6))
            ws.freeze_panes = "C2" if name in (tr("bulletin.sheet.townships", lang), tr("bulletin.sheet.stations", lang)) else "A2"
    fh.write(buf.getvalue())
