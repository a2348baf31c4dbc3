"""Reading a ledger file into rows of cell values, within bounds: .xlsx (every sheet) or .csv.

Why bounded here: the file comes from outside. Before openpyxl sees an .xlsx, its size and the
unpacked size of its parts are checked (a zip bomb is refused without unpacking); the workbook is
opened read-only (streamed, not loaded whole) with cached values only (``data_only``: formulas are
never evaluated); sheets, rows and columns are counted against :mod:`vetsim.ledger.limits` as they
stream. A file that is not what its name says ends in one readable message, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import VetsimError
from ..scenario.sources import decode_csv_bytes
from .limits import check_ledger_limit, ledger_limit

__all__ = ["LedgerFileError", "RawSheet", "read_sheets"]


class LedgerFileError(VetsimError, ValueError):
    """A ledger file that cannot be read at all (missing, wrong type, damaged, above a limit)."""


@dataclass
class RawSheet:
    """One sheet: its name ("" for a CSV file) and its rows as (1-based row number, cell values)."""

    name: str
    rows: Iterator[tuple[int, tuple[Any, ...]]]


class _RowBudget:
    """Counts rows over all sheets of a file against the ``rows`` limit."""

    def __init__(self, shown: str):
        self.shown, self.n, self.cap = shown, 0, ledger_limit("rows")

    def take(self) -> None:
        self.n += 1
        if self.n > self.cap:
            check_ledger_limit("rows", self.n, self.shown)


def _xlsx_sheets(path: Path, shown: str) -> Iterator[RawSheet]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel (.xlsx)") from None
    if "xl/workbook.xml" not in names:
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel (.xlsx)")
    check_ledger_limit("unzipped_bytes", sum(i.file_size for i in infos), shown)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is one message (no cell content in it)
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel (.xlsx)") from None
    budget = _RowBudget(shown)
    cols = ledger_limit("columns")
    try:
        check_ledger_limit("sheets", len(wb.worksheets), shown)
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            yield RawSheet(ws.title, _xlsx_rows(ws, budget, cols, shown))
    finally:
        wb.close()


def _xlsx_rows(ws: Any, budget: _RowBudget, cols: int, shown: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        for i, row in enumerate(ws.iter_rows(max_col=cols + 1, values_only=True), start=1):
            budget.take()
            if len(row) > cols and row[cols] is not None:
                check_ledger_limit("columns", cols + 1, shown)
            yield i, row[:cols]
    except VetsimError:
        raise
    except Exception:  # noqa: BLE001 - damaged sheet XML
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel (.xlsx)") from None


def _csv_sheet(path: Path, shown: str) -> Iterator[RawSheet]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="CSV")
    try:
        text = decode_csv_bytes(data)
    except UnicodeDecodeError:
        raise LedgerFileError.of("ledger.not_text", file=shown) from None
    del data
    budget = _RowBudget(shown)
    cols = ledger_limit("columns")

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            for i, row in enumerate(reader, start=1):
                budget.take()
                if len(row) > cols:
                    check_ledger_limit("columns", len(row), shown)
                yield i, tuple(row)
        except csv.Error:
            raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="CSV") from None

    yield RawSheet("", rows())


def read_sheets(path: str | Path, shown: str) -> Iterator[RawSheet]:
    """The sheets of the ledger at ``path`` (``shown`` names it in messages), checked against the limits."""
    p = Path(path)
    if not p.is_file():
        raise LedgerFileError.of("ledger.file_missing", file=shown)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise LedgerFileError.of("ledger.file_suffix", file=shown)
    check_ledger_limit("file_bytes", p.stat().st_size, shown)
    csv.field_size_limit(max(csv.field_size_limit(), ledger_limit("file_bytes")))
    return _csv_sheet(p, shown) if suffix == ".csv" else _xlsx_sheets(p, shown)
