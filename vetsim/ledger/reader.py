"""Reading a ledger file into rows of cell values, within bounds: .xlsx (every sheet) or .csv.

Why bounded here: the file comes from outside. Before openpyxl sees an .xlsx, its size and the
unpacked size of its parts are checked (a zip bomb is refused without unpacking); the workbook is
read by calamine with cached values only (formulas are never evaluated), after its declared size
is checked; sheets, rows and columns are counted against :mod:`vetsim.ledger.limits`. A file that is not what its name says ends in one readable message, never a traceback.
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


def _check_zip(path: Path | io.BytesIO, shown: str) -> None:
    """An .xlsx is a zip: refuse a damaged one, and a zip bomb before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel") from None
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel")
    check_ledger_limit("unzipped_bytes", sum(i.file_size for i in infos), shown)


def _excel_sheets(path: Path, shown: str, data: bytes | None = None) -> Iterator[RawSheet]:
    """Sheets of an .xlsx/.xlsm/.xls read by calamine (Rust): cached values only, no formula is evaluated.

    calamine rather than openpyxl: openpyxl's read-only mode parses ~2,000 rows a second on the test
    machine, far from the 100,000 rows in 10 s the import must reach; calamine is ~15x faster.
    """
    if path.suffix.lower() != ".xls":
        _check_zip(path if data is None else io.BytesIO(data), shown)
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path)) if data is None else pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except Exception:  # noqa: BLE001 - any failure to open is one message (no cell content in it)
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel") from None
    check_ledger_limit("sheets", len(names), shown)
    budget = _RowBudget(shown)
    cols = ledger_limit("columns")
    for name in names:
        try:
            ws = wb.get_sheet_by_name(name)
        except Exception:  # noqa: BLE001 - a damaged sheet, or a chart sheet calamine cannot read
            raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel") from None
        check_ledger_limit("rows", budget.n + ws.total_height, shown)
        check_ledger_limit("columns", ws.total_width, shown)
        yield RawSheet(name, _excel_rows(ws, budget))


def _excel_rows(ws: Any, budget: _RowBudget) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for i, row in enumerate(ws.to_python(skip_empty_area=False), start=1):  # from row 1: real row numbers
        budget.take()
        yield i, tuple(row)


def _csv_sheet(path: Path, shown: str, data: bytes | None = None) -> Iterator[RawSheet]:
    data = path.read_bytes() if data is None else data
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


def read_sheets(path: str | Path, shown: str, data: bytes | None = None) -> Iterator[RawSheet]:
    """The sheets of the ledger at ``path`` (``shown`` names it in messages), checked against the limits.

    With ``data`` (an upload held in memory) ``path`` only names the file: its suffix gives the type."""
    p = Path(path)
    if data is None and not p.is_file():
        raise LedgerFileError.of("ledger.file_missing", file=shown)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls", ".csv"):
        raise LedgerFileError.of("ledger.file_suffix", file=shown)
    check_ledger_limit("file_bytes", p.stat().st_size if data is None else len(data), shown)
    csv.field_size_limit(max(csv.field_size_limit(), ledger_limit("file_bytes")))
    return _csv_sheet(p, shown, data) if suffix == ".csv" else _excel_sheets(p, shown, data)
