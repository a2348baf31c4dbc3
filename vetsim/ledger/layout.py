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
    best, best_hits = -1, 1
    for i, (_, row) in enumerate(first):
        hits, filled = _header_score(row, matcher)
        if hits > best_hits and hits * 2 >= filled:
            best, best_hits = i, hits
    if best < 0:
        return None
    block = [best]
    if best > 0 and _is_header(first[best - 1][1], matcher):
        block.insert(0, best - 1)
    elif best + 1 < len(first) and _is_header(first[best + 1][1], matcher):
        block.append(best + 1)
    width = max(len(first[i][1]) for i in block)
    upper: list[Any] = [None] * width
    if len(block) == 2:  # forward-fill the upper row across its merged (empty) cells
        last = None
        for j in range(width):
            c = first[block[0]][1][j] if j < len(first[block[0]][1]) else None
            last = c if not is_blank(c) else last
            upper[j] = last if is_blank(c) and (j < len(first[block[1]][1]) and not is_blank(first[block[1]][1][j])) \
                else c
    columns: dict[str, tuple[int, int]] = {}
    names: dict[int, str] = {}
    duplicates: list[tuple[int, int]] = []
    for j in range(width):
        cands = [first[block[-1]][1][j] if j < len(first[block[-1]][1]) else None]
        if len(block) == 2:
            cands += [upper[j]]
        for c in cands:
            f, rank = matcher.match(c)
            if f is None:
                continue
            names[j] = re.sub(r"\s+", "", str(c))
            if f == "ignore":
                break
            if f in columns:
                old_j, old_rank = columns[f]
                if rank < old_rank:
                    duplicates.append((old_j, j))
                    columns[f] = (j, rank)
                else:
                    duplicates.append((j, old_j))
            else:
                columns[f] = (j, rank)
            break
        else:
            c = cands[0] if not is_blank(cands[0]) else (cands[-1] if len(cands) > 1 else None)
            if not is_blank(c):
                names[j] = re.sub(r"\s+", "", str(c))
    title_parts = [sheet_name] + [str(c) for _, row in first[: block[0]] for c in row if isinstance(c, str)]
    header_key = tuple(norm(c) if not is_blank(c) else "" for c in first[block[-1]][1])
    return Layout(tuple(first[i][0] for i in block), {f: j for f, (j, _) in columns.items()}, names,
                  norm("".join(title_parts)), duplicates, header_key)


def detect_kind(layout: Layout, mapping: Mapping) -> str | None:
    """The kind a sheet's title, sheet name or headers say, or None when they say nothing clear."""
    best: tuple[int, int, str] | None = None
    for order, kind in enumerate(KINDS):
        words = [norm(w) for w in mapping.kind(kind)["title"]]
        hit = max((len(w) for w in words if w and w in layout.title), default=0)
        if hit and (best is None or (hit, -order) > (best[0], -best[1])):
            best = (hit, order, kind)
    if best:
        return best[2]
    headers = set(layout.names.values())
    scores = {k: sum(1 for w in mapping.kind(k)["headers"] if norm(w) in {norm(h) for h in headers}) for k in KINDS}
    top = max(scores.values())
    if top > 0 and list(scores.values()).count(top) == 1:
        return max(scores, key=lambda k: scores[k])
    if "date" not in layout.columns and "group" in layout.columns:
        return "register"
    return None
