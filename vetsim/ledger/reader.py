"""Reading a ledger file into rows of cell values, within bounds: .xlsx (every sheet) or .csv.

Why bounded here: the file comes from outside. Before openpyxl sees an .xlsx, its size and the
unpacked size of its parts are checked (a zip bomb is refused without unpacking); the workbook is
read by calamine with cached values only (formulas are never evaluated), after its declared size
is checked; sheets, rows and columns are counted against :mod:`vetsim.ledger.limits`. A file that is not what its name says ends in one readable message, never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import VetsimError
from ..files import os_cause
from ..scenario.limits import _fmt
from ..scenario.sources import decode_csv_bytes
from ..wording import in_lang, tr
from .limits import LEDGER_LIMITS, LimitError, check_ledger_limit, ledger_limit

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
    """An .xlsx is a zip: refuse a damaged one, a password-protected one, and a zip bomb before anything
    is unpacked; then bound what the reader would build (:func:`_check_text`) before it builds it."""
    if _is_encrypted(path):
        raise LedgerFileError.of("ledger.encrypted", file=shown)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel")
            check_ledger_limit("unzipped_bytes", sum(i.file_size for i in infos), shown)
            _check_text(zf, infos, shown)
    except VetsimError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel") from None


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File: how Excel stores a password-protected .xlsx
_SST = re.compile(rb"<si>(.*?)</si>", re.S)
_T = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_REF = re.compile(rb"""<c\b[^>]*?\bt=["']s["'][^>]*>\s*<v>\s*(\d+)\s*</v>""")
_CHUNK = 1 << 22


def _is_encrypted(path: Path | io.BytesIO) -> bool:
    if isinstance(path, io.BytesIO):
        return path.getvalue()[:8] == _OLE
    with open(path, "rb") as fh:
        return fh.read(8) == _OLE


def _check_text(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown: str) -> None:
    """Refuse, before calamine builds the cells, a workbook whose cells would hold too much text.

    Excel keeps each distinct text once (the shared-string table) and cells point at it, so a 5.9 MB
    file can make 199,000 cells of one 1,900-character text: 78 MB unpacked, gigabytes once each cell
    holds its own copy. The table's size is capped, and the text the cells would hold (the length of
    each string times the cells pointing at it, counted by streaming the sheets) is capped too."""
    sst = [i for i in infos if i.filename.lower().endswith("sharedstrings.xml")]
    if not sst:
        return
    check_ledger_limit("shared_strings_bytes", sum(i.file_size for i in sst), shown)
    lengths: list[int] = []
    for info in sst:
        raw = zf.read(info)
        lengths += [sum(len(t.decode("utf-8", "replace")) for t in _T.findall(si)) for si in _SST.findall(raw)]
        del raw
    check_ledger_limit("shared_strings", len(lengths), shown)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    cap = ledger_limit("cell_text_chars")
    refs = sum(_count(zf, i, None, cap, shown) for i in sheets)  # cells pointing at a shared text (a fast count)
    if refs * max(lengths, default=0) <= cap:  # even if every cell held the longest text
        return
    table = np.asarray(lengths + [0], dtype=np.int64)
    total = 0
    for info in sheets:
        total += _count(zf, info, table, cap - total, shown, total)


def _count(zf: zipfile.ZipFile, info: zipfile.ZipInfo, table: np.ndarray | None, room: int, shown: str,
           before: int = 0) -> int:
    """Cells of one sheet pointing at a shared text (``table`` None), or the characters they would hold
    (``table``: the length of each shared text); stops with a refusal once more than ``room``."""
    n = 0
    with zf.open(info) as fh:
        tail = b""
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            if table is None:
                n += data.count(b't="s"') + data.count(b"t='s'")
                tail = data[-8:]
                n -= tail.count(b't="s"') + tail.count(b"t='s'")  # counted again with the next chunk
                continue
            found = _REF.findall(data)
            if found:
                idx = np.minimum(np.asarray(found).astype(np.int64), len(table) - 1)
                n += int(table[idx].sum())
                last = data.rfind(b"</v>", 0, len(data))
                tail = data[max(last, len(data) - 4096):]
            else:
                tail = data[-4096:]
            if n > room:
                lim = LEDGER_LIMITS["cell_text_chars"]
                raise LimitError(*(tr("ledger.limit_at_least", lang, file=shown, value=_fmt(before + n),
                                      max=_fmt(before + room),
                                      what=in_lang(lim, "what", lang)) for lang in ("zh", "en")))
    if table is None:
        n += tail.count(b't="s"') + tail.count(b"t='s'")
    return n


def _excel_sheets(path: Path, shown: str, data: bytes | None = None) -> Iterator[RawSheet]:
    """Sheets of an .xlsx/.xlsm/.xls read by calamine (Rust): cached values only, no formula is evaluated.

    calamine rather than openpyxl: openpyxl's read-only mode parses ~2,000 rows a second on the test
    machine, far from the 100,000 rows in 10 s the import must reach; calamine is ~15x faster.
    """
    if path.suffix.lower() != ".xls":
        _check_zip(path if data is None else io.BytesIO(data), shown)
    import python_calamine as pc  # heavy: the Excel reader, loaded only for a spreadsheet ledger

    try:
        wb = pc.CalamineWorkbook.from_path(str(path)) if data is None else pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except Exception:  # noqa: BLE001 - any failure to open is one message (no cell content in it)
        raise LedgerFileError.of("ledger.not_spreadsheet", file=shown, what="Excel") from None
    check_ledger_limit("sheets", len(names), shown)
    budget = _RowBudget(shown)
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
    if data is None:  # read once, here: a file the user cannot read is named by its label and the cause
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise LedgerFileError(*(tr("ledger.file_unreadable", lang, file=shown, cause=os_cause(exc, lang))
                                    for lang in ("zh", "en"))) from None
    csv.field_size_limit(max(csv.field_size_limit(), ledger_limit("file_bytes")))
    return _csv_sheet(p, shown, data) if suffix == ".csv" else _excel_sheets(p, shown, data)
