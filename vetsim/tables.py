"""The one table formatter of the command line: a header row, columns aligned by display width.

Why: a Chinese character takes two columns of a terminal and a Latin letter one, so tables padded by
``len()`` (pandas' ``to_string`` without its East Asian option, tab-separated lines) drift apart as
soon as a cell holds Chinese: ``vetsim staff`` and ``vetsim budget`` misaligned, ``vetsim calibrate``
printed columns separated by "|" with no header. Every command that prints a table goes through
:func:`table` (or :func:`table_lines`, :func:`frame`), so all of them have a header and align the same
way. The width of a character is its East Asian width (``unicodedata``: wide and full-width count 2,
combining marks and format characters 0), as terminals draw CJK text; no extra library needed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["display_width", "pad", "table", "table_lines", "frame"]

GAP = "  "
RULE = "-"
_NUMERIC = re.compile(r"^[+\-−±]?[\d,.]+\s?(%|‰)?$|^[—–-]$|^[+\-]?∞$")


def display_width(text: Any) -> int:
    """Columns ``text`` takes in a terminal: 2 for a wide or full-width character (汉字, （）), 0 for a
    combining mark or format character, 1 otherwise."""
    total = 0
    for ch in str(text):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: Any, width: int, align: str = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (``align``: left or right)."""
    text = str(text)
    fill = " " * max(width - display_width(text), 0)
    return fill + text if align == "right" else text + fill


def _is_numeric(cell: str) -> bool:
    return bool(_NUMERIC.match(cell.strip())) if cell.strip() else True


def _aligns(header: Sequence[str], body: list[list[str]], align: str | Sequence[str] | None) -> list[str]:
    if isinstance(align, str):
        return [align] * len(header)
    if align is not None:
        return list(align)
    return ["right" if body and all(_is_numeric(r[i]) for r in body) else "left" for i in range(len(header))]


def table_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, align: str | Sequence[str] | None = None,
                indent: str = "", max_width: int | None = None) -> list[str]:
    """The table as lines: the header, a rule under it, then one line per row (a header aligned as its column).

    ``align``: one of left/right for all columns, or one per column; by default a column whose cells
    all read as numbers (``1,234.5``, ``12.3%``, ``—``) is right-aligned, others left. ``max_width``
    caps a column's width (a longer cell overflows rather than being cut: no text is lost).
    """
    head = [str(h) for h in header]
    body = [[str(c) for c in row] for row in rows]
    for row in body:
        if len(row) != len(head):
            raise ValueError(f"a row has {len(row)} cells, the header {len(head)}")
    widths = [max([display_width(h)] + [display_width(r[i]) for r in body]) for i, h in enumerate(head)]
    if max_width is not None:
        widths = [min(w, max_width) for w in widths]
    aligns = _aligns(head, body, align)

    def line(cells: Sequence[str]) -> str:
        return (indent + GAP.join(pad(c, w, a) for c, w, a in zip(cells, widths, aligns))).rstrip()

    return [line(head), (indent + GAP.join(RULE * w for w in widths)).rstrip(), *(line(r) for r in body)]


def table(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, align: str | Sequence[str] | None = None,
          indent: str = "", max_width: int | None = None) -> str:
    """The table as text (see :func:`table_lines`)."""
    return "\n".join(table_lines(header, rows, align=align, indent=indent, max_width=max_width))


def frame(df: Any, *, index_header: str | None = None, fmt: Any = str, indent: str = "",
          align: str | Sequence[str] | None = None) -> str:
    """A pandas DataFrame as a table: its index as the first column (headed ``index_header``, else the
    index's name; ``index_header=None`` and no name: the index is left out), cells through ``fmt``."""
    name = index_header if index_header is not None else df.index.name
    header = [str(c) for c in df.columns]
    rows = [[fmt(v) for v in values] for values in df.itertuples(index=False, name=None)]
    if name is not None:
        header = [str(name), *header]
        rows = [[str(i), *r] for i, r in zip(df.index, rows)]
        if align is not None and not isinstance(align, str):
            align = ["left", *align]
    return table(header, rows, align=align, indent=indent)
