"""The ledger mapping: header synonyms and value words (data, in YAML), and the lookups built from them.

Why data: every county words its ledgers a little differently ("来访日期", "接待时间", "登记日期"),
and a new variant must be one line in a file, not a code change. The bundled
``default_mapping.yaml`` covers the common layouts; a user mapping (``--mapping MAP.yaml``) with the
same sections is laid over it (lists are added, or replace the default's with ``replace: true``),
and is validated first: an unknown section, field or key is refused with the file and the place.

:func:`norm` is the one normalisation of header and cell text (NFKC: full-width digits, letters,
brackets and spaces become half-width; all white space removed; Latin letters upper-cased).
:class:`Lexicon` maps normalised words to ids: exact first, else the longest known word contained
in the text (``"咨询退役金政策"`` -> consultation).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import VetsimError
from ..files import display_path
from ..scenario.sources import _INVALID, _parse_yaml
from ..wording import both, tr
from .limits import check_ledger_limit
from .records import CHANNELS, KINDS

__all__ = ["FIELDS", "PERSONAL_FIELDS", "DEFAULT_MAPPING", "MappingError", "Mapping", "Lexicon", "norm",
           "load_mapping"]

DEFAULT_MAPPING = Path(__file__).resolve().parent / "default_mapping.yaml"
FIELDS: tuple[str, ...] = ("date", "site", "case_type", "channel", "on_spot", "resolved_date", "referred_to",
                           "group", "id_number", "name", "phone", "address", "birth_date", "sex", "ignore")
# read only to derive the pseudonym, birth band and sex; never kept, printed or written
PERSONAL_FIELDS: frozenset[str] = frozenset({"id_number", "name", "phone", "address", "birth_date"})

_LIST = "list"
_SECTIONS: dict[str, Any] = {
    "fields": set(FIELDS),
    "kinds": set(KINDS),
    "sites": {"suffixes", "core_suffixes", "county_center"},
    "case_types": None,  # any id: those not in the scenario are unused
    "channels": set(CHANNELS),
    "on_spot": {"yes", "no", "nobody"},
    "partners": None,
    "groups": None,
    "subtotal_words": _LIST,
}
_KIND_KEYS = {"title", "headers", "required"}
_WS = re.compile(r"\s+")


class MappingError(VetsimError, ValueError):
    """A mapping file that cannot be used (every problem listed)."""


def norm(text: Any) -> str:
    """Header or cell text compared as: NFKC (full-width -> half-width), no white space, Latin upper case."""
    return _WS.sub("", unicodedata.normalize("NFKC", str(text))).upper()


@dataclass(frozen=True)
class Lexicon:
    """Words -> ids: exact match of the normalised text, else the longest word it contains."""

    words: tuple[tuple[str, str], ...]  # (normalised word, id), longest words first

    @classmethod
    def of(cls, groups: dict[str, list[str]]) -> Lexicon:
        pairs = {(norm(w), key) for key, ws in groups.items() for w in ws if norm(w)}
        return cls(tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1]))))

    @property
    def exact(self) -> dict[str, set[str]]:
        return _exact(self)

    def find(self, text: str) -> tuple[str | None, bool]:
        """(id, ambiguous) for normalised ``text``: exact word first, else the longest contained word."""
        hit = self.exact.get(text)
        if hit:
            return (next(iter(hit)), False) if len(hit) == 1 else (None, True)
        for length in sorted({len(w) for w, _ in self.words}, reverse=True):
            ids = {k for w, k in self.words if len(w) == length and w in text}
            if ids:
                return (next(iter(ids)), False) if len(ids) == 1 else (None, True)
        return None, False


@lru_cache(maxsize=64)
def _exact(lex: Lexicon) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for w, k in lex.words:
        out.setdefault(w, set()).add(k)
    return out


@dataclass(frozen=True)
class Mapping:
    """The merged mapping (default + user): plain data as read, validated."""

    data: dict[str, Any] = field(hash=False)
    source: str = "default"

    def section(self, name: str) -> dict[str, list[str]]:
        sec = self.data.get(name) or {}
        return {str(k): [str(w) for w in v] for k, v in sec.items() if k != "replace"}

    def words(self, name: str) -> list[str]:
        return [str(w) for w in self.data.get(name) or []]

    def kind(self, kind: str) -> dict[str, list[str]]:
        k = (self.data.get("kinds") or {}).get(kind) or {}
        return {key: [str(w) for w in k.get(key) or []] for key in _KIND_KEYS}


def _read_yaml(path: Path) -> Any:
    shown = display_path(path)
    if not path.is_file():
        raise MappingError.of("ledger.mapping_missing", file=shown)
    check_ledger_limit("mapping_bytes", path.stat().st_size, shown)
    problems: list[Any] = []
    try:
        data = _parse_yaml(path.read_text(encoding="utf-8-sig"), shown, problems)
    except Exception as exc:  # noqa: BLE001 - undecodable text and YAML errors of any kind become one message
        mark = getattr(exc, "problem_mark", None)
        detail = f"{type(exc).__name__}" + (f" (line {mark.line + 1}, column {mark.column + 1})" if mark else "")
        raise MappingError.of("ledger.mapping_yaml", file=shown, detail=detail) from None
    if data is _INVALID:
        zh = "\n".join(p.text("zh") for p in problems)
        en = "\n".join(p.text("en") for p in problems)
        raise MappingError(zh, en)
    return data or {}


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                           for v in value)


class _Problems:
    """The problems of one mapping file, collected as (zh, en) texts."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.out: list[tuple[str, str]] = []

    def key(self, where: str, key: Any, allowed: Any) -> None:
        self.out.append(both("ledger.mapping_key", file=self.shown, where=where, key=key,
                             allowed=", ".join(sorted(allowed))))

    def value(self, where: str, want: str) -> None:
        self.out.append((tr("ledger.mapping_value", "zh", file=self.shown, where=where, want=tr(want, "zh")),
                         tr("ledger.mapping_value", "en", file=self.shown, where=where, want=tr(want, "en"))))


def _validate(data: Any, shown: str) -> list[tuple[str, str]]:
    """Every problem of a mapping document as (zh, en) texts."""
    p = _Problems(shown)
    if not isinstance(data, dict):
        p.value("/", "ledger.mapping_map")
        return p.out
    for name, sec in data.items():
        if name not in _SECTIONS:
            p.key("/", name, _SECTIONS)
        elif _SECTIONS[name] == _LIST:
            if not _texts(sec):
                p.value(str(name), "ledger.mapping_list")
        elif not isinstance(sec, dict):
            p.value(str(name), "ledger.mapping_map")
        else:
            _validate_section(p, name, sec, _SECTIONS[name])
    return p.out


def _validate_section(p: _Problems, name: str, sec: dict[Any, Any], allowed: Any) -> None:
    """The entries of one mapping section ``name`` (its keys ``allowed``; None: any key)."""
    for key, val in sec.items():
        key = {True: "yes", False: "no"}.get(key, key) if name == "on_spot" else key
        where = f"{name}.{key}"
        if key == "replace":
            if not isinstance(val, bool):
                p.value(where, "ledger.mapping_map")
        elif allowed is not None and key not in allowed:
            p.key(f"{name}:", key, allowed)
        elif name == "kinds":
            _validate_kind(p, where, val)
        elif not _texts(val):
            p.value(where, "ledger.mapping_list")


def _validate_kind(p: _Problems, where: str, val: Any) -> None:
    """One kind of ``kinds:`` (its keys ``_KIND_KEYS``, lists of texts; ``required`` lists fields)."""
    if not isinstance(val, dict):
        p.value(where, "ledger.mapping_map")
        return
    for k2, v2 in val.items():
        if k2 not in _KIND_KEYS:
            p.key(where + ":", k2, _KIND_KEYS)
        elif not _texts(v2):
            p.value(f"{where}.{k2}", "ledger.mapping_list")
        elif k2 == "required":
            for f in v2:
                if f not in FIELDS:
                    p.key(f"{where}.required:", f, FIELDS)


def _overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` laid over ``base``: lists are added (or replaced with ``replace: true``), mappings merged."""
    out = dict(base)
    for name, sec in top.items():
        if isinstance(sec, list):
            out[name] = list(base.get(name) or []) + [str(v) for v in sec]
            continue
        sec = {({True: "yes", False: "no"}.get(k, k) if name == "on_spot" else k): v for k, v in sec.items()}
        out[name] = _merged_section({} if sec.get("replace") else dict(base.get(name) or {}), sec)
    return out


def _merged_section(merged: dict[str, Any], sec: dict[Any, Any]) -> dict[str, Any]:
    """The entries of ``sec`` added to ``merged`` (a copy of the base's section, or empty with ``replace``):
    word lists appended; a kind's lists appended too, its ``required`` fields replaced."""
    for key, val in sec.items():
        if key == "replace":
            continue
        if isinstance(val, dict):
            old = dict(merged.get(key) or {})
            for k2, v2 in val.items():
                old[k2] = list(v2) if k2 == "required" else list(old.get(k2) or []) + [str(v) for v in v2]
            merged[key] = old
        else:
            merged[key] = list(merged.get(key) or []) + [str(v) for v in val]
    return merged


@lru_cache(maxsize=1)
def _default() -> dict[str, Any]:
    data = _read_yaml(DEFAULT_MAPPING)
    found = _validate(data, DEFAULT_MAPPING.name)
    if found:  # a broken bundled file is a developer error, caught by the tests
        raise RuntimeError("; ".join(en for _, en in found))
    return data


def load_mapping(path: str | Path | None = None) -> Mapping:
    """The default mapping, with the user mapping at ``path`` laid over it (validated: all problems at once)."""
    if path is None:
        return Mapping(_default())
    p = Path(path)
    shown = display_path(p)
    data = _read_yaml(p)
    found = _validate(data, shown)
    if found:
        head = both("ledger.mapping_errors", n=len(found))
        raise MappingError("\n".join([head[0], *("  - " + zh for zh, _ in found)]),
                           "\n".join([head[1], *("  - " + en for _, en in found)]))
    return Mapping(_overlay(_default(), data), source=shown)
