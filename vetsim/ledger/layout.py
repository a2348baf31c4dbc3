"""The layout of one sheet: title rows, the header (one or two rows, merged cells), the ledger's kind.

Why: real ledgers put a title above the header ("某县退役军人服务中心来访接待登记台账（2025年）"),
split the header over two rows with merged group cells ("来访人信息" above "姓名 | 身份证号 |
联系电话"), and say which ledger they are only in the title or the sheet name. :func:`find_layout`
reads the first rows of a sheet and answers: where the data starts, which column holds which field,
and which kind of ledger the sheet is (unless the caller knows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .mapping import FIELDS, Mapping, norm
from .records import KINDS
from .values import is_blank

__all__ = ["HEADER_SCAN", "Layout", "HeaderMatcher", "find_layout", "detect_kind"]

HEADER_SCAN = 30  # rows searched for the header
_BRACKETS = re.compile(r"[(\[][^)\]]*[)\]]")


class HeaderMatcher:
    """Header text -> field: exact synonym, else without bracketed notes, else the longest contained synonym."""

    def __init__(self, mapping: Mapping):
        sec = mapping.section("fields")
        self.exact: dict[str, str] = {}
        for f in FIELDS:  # FIELDS order: earlier fields win a word listed twice
            for w in sec.get(f, []):
                self.exact.setdefault(norm(w), f)
        self.rank = {w: i for f in FIELDS for i, w in enumerate(norm(x) for x in sec.get(f, []))}
        self.by_length = sorted(((w, f) for w, f in self.exact.items() if len(w) >= 2), key=lambda p: -len(p[0]))
        self.cache: dict[str, tuple[str | None, int]] = {}

    def match(self, text: Any) -> tuple[str | None, int]:
        """(field, rank of the synonym: lower is a better name for the field); (None, 0) when no field."""
        if is_blank(text) or not isinstance(text, str):
            return None, 0
        t = norm(text).strip("*:：")
        if t not in self.cache:
            hit = self.exact.get(t) or self.exact.get(_BRACKETS.sub("", t))
            if hit:
                key = t if t in self.exact else _BRACKETS.sub("", t)
                self.cache[t] = (hit, self.rank.get(key, 0))
            else:
                self.cache[t] = next(((f, 1000 + self.rank.get(w, 0)) for w, f in self.by_length if w in t),
                                     (None, 0))
        return self.cache[t]


@dataclass
class Layout:
    """Where the data of a sheet starts and what its columns hold."""

    header_rows: tuple[int, ...]  # 1-based row numbers of the header block
    columns: dict[str, int]  # field -> 0-based column index
    names: dict[int, str]  # column index -> header text shown in messages
    title: str  # text above the header (and the sheet name)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (column not used, column used)
    header_key: tuple[str, ...] = ()  # the normalised header row, to recognise it repeated below

    @property
    def data_start(self) -> int:
        return max(self.header_rows) + 1


def _header_score(row: tuple[Any, ...], matcher: HeaderMatcher) -> tuple[int, int]:
    filled = [c for c in row if not is_blank(c)]
    hits = sum(1 for c in filled if matcher.match(c)[0] is not None)
    return hits, len(filled)


def _is_header(row: tuple[Any, ...], matcher: HeaderMatcher) -> bool:
    hits, filled = _header_score(row, matcher)
    return filled >= 2 and hits >= 1 and hits * 2 >= filled


def find_layout(first: list[tuple[int, tuple[Any, ...]]], sheet_name: str, matcher: HeaderMatcher) -> Layout | None:
    """The layout from the first rows of a sheet (``(row number, cells)``), or None without a header."""
    block = _header_block(first, matcher)
    if block is None:
        return None
    width = max(len(first[i][1]) for i in block)
    lower = first[block[-1]][1]
    upper = _merged_upper(first[block[0]][1], lower, width) if len(block) == 2 else None
    columns, names, duplicates = _match_columns(lower, upper, width, matcher)
    title_parts = [sheet_name] + [str(c) for _, row in first[: block[0]] for c in row if isinstance(c, str)]
    header_key = tuple(norm(c) if not is_blank(c) else "" for c in lower)
    return Layout(tuple(first[i][0] for i in block), columns, names, norm("".join(title_parts)), duplicates, header_key)


def _header_block(first: list[tuple[int, tuple[Any, ...]]], matcher: HeaderMatcher) -> list[int] | None:
    """Indices (into ``first``) of the header row, with the row above or below it when that is a header
    too (a two-row header); None when no row is a header."""
    best, best_hits = -1, 1
    for i, (_, row) in enumerate(first):
        hits, filled = _header_score(row, matcher)
        if hits > best_hits and hits * 2 >= filled:
            best, best_hits = i, hits
    if best < 0:
        return None
    if best > 0 and _is_header(first[best - 1][1], matcher):
        return [best - 1, best]
    if best + 1 < len(first) and _is_header(first[best + 1][1], matcher):
        return [best, best + 1]
    return [best]


def _cell(row: tuple[Any, ...], j: int) -> Any:
    return row[j] if j < len(row) else None


def _merged_upper(upper_row: tuple[Any, ...], lower: tuple[Any, ...], width: int) -> list[Any]:
    """The upper row of a two-row header, forward-filled across its merged (empty) cells above named ones."""
    upper: list[Any] = [None] * width
    last = None
    for j in range(width):
        c = _cell(upper_row, j)
        last = c if not is_blank(c) else last
        upper[j] = last if is_blank(c) and (j < len(lower) and not is_blank(lower[j])) else c
    return upper


def _match_columns(lower: tuple[Any, ...], upper: list[Any] | None, width: int,
                   matcher: HeaderMatcher) -> tuple[dict[str, int], dict[int, str], list[tuple[int, int]]]:
    """Field -> column of the header (the best-ranked synonym wins; the other is a duplicate), each
    column's name, and the duplicates as (column dropped, column used)."""
    columns: dict[str, tuple[int, int]] = {}
    names: dict[int, str] = {}
    duplicates: list[tuple[int, int]] = []
    for j in range(width):
        cands = [_cell(lower, j)] + ([upper[j]] if upper is not None else [])
        hit = next((m for m in ((c, *matcher.match(c)) for c in cands) if m[1] is not None), None)  # lower row first
        if hit is None:
            c = cands[0] if not is_blank(cands[0]) else (cands[-1] if len(cands) > 1 else None)
            if not is_blank(c):
                names[j] = re.sub(r"\s+", "", str(c))
            continue
        c, f, rank = hit
        names[j] = re.sub(r"\s+", "", str(c))
        if f == "ignore":
            continue
        if f not in columns:
            columns[f] = (j, rank)
        elif rank < columns[f][1]:
            duplicates.append((columns[f][0], j))
            columns[f] = (j, rank)
        else:
            duplicates.append((j, columns[f][0]))
    return {f: j for f, (j, _) in columns.items()}, names, duplicates


def detect_kind(layout: Layout, mapping: Mapping) -> str | None:
    """The kind a sheet's title, sheet name or headers say, or None when they say nothing clear."""
    return _kind_by_title(layout, mapping) or _kind_by_headers(layout, mapping)


def _kind_by_title(layout: Layout, mapping: Mapping) -> str | None:
    """The kind whose title word found in the sheet's title (and name) is longest (earlier kinds win ties)."""
    best: tuple[int, int, str] | None = None
    for order, kind in enumerate(KINDS):
        words = [norm(w) for w in mapping.kind(kind)["title"]]
        hit = max((len(w) for w in words if w and w in layout.title), default=0)
        if hit and (best is None or (hit, -order) > (best[0], -best[1])):
            best = (hit, order, kind)
    return best[2] if best else None


def _kind_by_headers(layout: Layout, mapping: Mapping) -> str | None:
    """The kind whose header words the sheet's headers hold most (a tie says nothing); a sheet with a
    group and no date is a register."""
    headers = set(layout.names.values())
    scores = {k: sum(1 for w in mapping.kind(k)["headers"] if norm(w) in {norm(h) for h in headers}) for k in KINDS}
    top = max(scores.values())
    if top > 0 and list(scores.values()).count(top) == 1:
        return max(scores, key=lambda k: scores[k])
    if "date" not in layout.columns and "group" in layout.columns:
        return "register"
    return None
