"""Read a scenario table from an Excel sheet in the same shape as its CSV (e.g. ``tasks.xlsx``).

Why: the bureau keeps its progress table (推进表) in Excel and circulates it as Excel; asking for a
CSV copy each time invites stale copies. The sheet may have a title row above the header (the
usual 推进表 layout) and may use the Chinese headers of vetsim's own export (``headers`` maps them
to column names); columns a reader was told to ``ignore`` (computed status columns of an export)
are dropped. Cells become text exactly as a CSV cell would be (dates as ``YYYY-MM-DD``, whole
numbers without ``.0``), and each keeps its sheet and row for error messages.

Bounded: the file size is checked against the CSV limit, its unpacked size against five times that
(a zip bomb), the rows against the table's row limit, and the workbook is read in read-only (streaming) mode.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..wording import both

__all__ = ["read_xlsx_rows", "cell_text"]


def cell_text(v: Any) -> str:
    """A cell value as the text a CSV cell would hold."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


UNPACK_FACTOR = 5  # an .xlsx may hold at most this many times the CSV size limit once unzipped


def _unpacked_bytes(path: Path) -> int | None:
    """Total size of the members of the .xlsx (a zip) once unpacked; None if it is not a zip (openpyxl says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def read_xlsx_rows(path: Path, label: str, columns: set[str], problems: list[Problem], *,
                   max_bytes: float, max_rows: float, headers: dict[str, str] | None = None,
                   ignore: set[str] | frozenset[str] = frozenset(),
                   make_row: Callable[[dict[str, str], tuple[str, str, str]], Any]) -> list[Any] | None:
    """Rows of the first sheet of ``path``: ``make_row(cells, (file, where_zh, where_en))`` for each data row.

    The header is the first row naming at least one of ``columns`` (or a key of ``headers``); rows above
    it (a title) are skipped. Returns ``None`` after appending a problem when the file cannot be used.
    """
    wb = _open_workbook(path, label, problems, max_bytes)
    if wb is None:
        return None
    try:
        return _sheet_rows(wb.worksheets[0], label, columns, problems, max_rows, headers or {}, ignore, make_row)
    finally:
        wb.close()


def _open_workbook(path: Path, label: str, problems: list[Problem], max_bytes: float) -> Any:
    """The workbook at ``path`` (read only), or None after a problem: too large, a zip bomb, unreadable."""
    from openpyxl import load_workbook  # heavy: openpyxl, loaded only when a sheet is read

    if path.stat().st_size > max_bytes:
        problems.append(Problem(label, "", "", *both("tasks.xlsx.too_large", size=path.stat().st_size, limit=int(max_bytes))))
        return None
    unpacked = _unpacked_bytes(path)
    if unpacked is not None and unpacked > max_bytes * UNPACK_FACTOR:  # a zip bomb: small file, huge XML inside
        problems.append(Problem(label, "", "", *both("tasks.xlsx.unpacked_too_large", size=unpacked,
                                                     limit=int(max_bytes * UNPACK_FACTOR))))
        return None
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        problems.append(Problem(label, "", "", *both("tasks.xlsx.unreadable", kind=type(exc).__name__)))
        return None


def _sheet_rows(ws: Any, label: str, columns: set[str], problems: list[Problem], max_rows: float,
                names: dict[str, str], ignore: set[str] | frozenset[str],
                make_row: Callable[[dict[str, str], tuple[str, str, str]], Any]) -> list[Any] | None:
    """The data rows below the header of sheet ``ws`` (see :func:`read_xlsx_rows`), or None after a problem."""
    sheet = ws.title
    header: list[str] | None = None
    out: list[Any] = []
    for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if i > max_rows + 20:
            problems.append(Problem(label, *both("ledger.where_sheet", sheet=sheet),
                                    *both("tasks.xlsx.too_many_rows", limit=int(max_rows))))
            return None
        texts = [cell_text(v) for v in values]
        if header is None:
            header, unknown = _header_row(texts, names, columns, ignore)
            if unknown:
                problems.append(Problem(label, *both("tasks.xlsx.where_row", sheet=sheet, row=i),
                                        *both("tasks.xlsx.unknown_columns", unknown=unknown[:5],
                                              allowed=", ".join(sorted(columns)))))
                return None
            continue
        if not any(texts):
            continue
        cells = {h: (texts[j] if j < len(texts) else "") for j, h in enumerate(header) if h in columns}
        out.append(make_row(cells, (label, *both("tasks.xlsx.where_row", sheet=sheet, row=i))))
    if header is None:
        problems.append(Problem(label, *both("ledger.where_sheet", sheet=sheet),
                                *both("tasks.xlsx.no_header", allowed=", ".join(sorted(columns)))))
        return None
    return out


def _header_row(texts: list[str], names: dict[str, str], columns: set[str],
                ignore: set[str] | frozenset[str]) -> tuple[list[str] | None, list[str]]:
    """(the column names, when ``texts`` names at least one of ``columns``; else None) and the names it
    gives that are neither a column nor ignored."""
    mapped = [names.get(t, t) for t in texts]
    if not any(m in columns for m in mapped):
        return None, []
    return mapped, [t for t, m in zip(texts, mapped) if t and m not in columns and t not in ignore]
