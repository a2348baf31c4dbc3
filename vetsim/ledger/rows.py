"""One sheet's data rows -> clean records: each row read once, its personal cells used and dropped.

Why streaming: a row's name, ID number and phone number must not outlive the row. Each row is turned
at once into what the records keep (dates, site, case type, channel, on-the-spot, referral, a
pseudonym, birth band, sex); every value that cannot be used becomes a :class:`LedgerProblem` naming
file, sheet, row and column (cell values masked), and the row is rejected or kept with a finding.
Distinct cell texts are looked up once (:class:`~vetsim.ledger.lookup.Lookups` caches).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..wording import tr
from .layout import Layout
from .limits import DATE_YEARS, ledger_limit
from .lookup import AMBIGUOUS, Lookups
from .mapping import norm
from .personal import id_facts, normalise_id, pseudonym
from .records import birth_band, columns, record_id
from .values import is_blank, mask, parse_date

__all__ = ["LedgerProblem", "SheetRows", "problem"]

_DEFAULT_CHANNEL = "visit"
_SEXES = {"男": "男", "女": "女", "M": "男", "F": "女", "MALE": "男", "FEMALE": "女"}
_YEAR = re.compile(r"(19|20)\d{2}")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class LedgerProblem:
    """One problem of one ledger row (or sheet, ``row`` = header row): where, why, and whether the row was rejected."""

    file: str
    sheet: str
    row: int
    column: str
    reason: str
    zh: str
    en: str
    rejected: bool

    def where(self, lang: str = "zh") -> str:
        at = tr("ledger.where", lang, sheet=self.sheet, row=self.row) if self.sheet else \
            tr("ledger.where_csv", lang, row=self.row)
        if not self.row:
            at = tr("ledger.where_sheet", lang, sheet=self.sheet) if self.sheet else ""
        return at + (tr("ledger.where_col", lang, column=self.column) if self.column else "")

    def text(self, lang: str = "zh") -> str:
        sep = "：" if lang == "zh" else ": "
        where = self.where(lang)
        return f"{self.file}{' ' + where if where else ''}{sep}{self.zh if lang == 'zh' else self.en}"


def problem(file: str, sheet: str, row: int, column: str, reason: str, rejected: bool,
            value: Any = None, **fields: Any) -> LedgerProblem:
    """A problem whose message is ``ledger.reason.<reason>`` (plus the masked ``value`` when given)."""
    zh, en = (tr(f"ledger.reason.{reason}", lang, **fields) for lang in ("zh", "en"))
    if value is not None and not is_blank(value):
        zh += tr("ledger.masked", "zh", value=mask(value))
        en += tr("ledger.masked", "en", value=mask(value))
    return LedgerProblem(file, sheet, row, column, reason, zh, en, rejected)


class SheetRows:
    """Collects the records of one sheet of one kind, row by row."""

    def __init__(self, file: str, sheet: str, kind: str, layout: Layout, lookups: Lookups,
                 key: Callable[[], bytes], defaults: dict[str, str]):
        self.file, self.sheet, self.kind, self.layout, self.lk = file, sheet, kind, layout, lookups
        self.key, self.defaults = key, defaults
        self.cols = {f: j for f, j in layout.columns.items() if f != "ignore"}
        self.events = kind != "register"
        self.out: dict[str, list[Any]] = {c: [] for c in columns(kind)}
        self.problems: list[LedgerProblem] = []
        self.rejected: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self.blank = self.subtotal = self.used = self.rejected_rows = 0
        self.cell_cap = ledger_limit("cell_chars")
        self.date_cache: dict[Any, dt.date | None] = {}

    # ------------------------------------------------------------------ helpers
    def _col(self, field: str) -> str:
        j = self.cols.get(field)
        return self.layout.names.get(j, field) if j is not None else field

    def _flag(self, row: int, field: str, reason: str, rejected: bool, value: Any = None, **fields: Any) -> None:
        self.problems.append(problem(self.file, self.sheet, row, self._col(field), reason, rejected, value, **fields))
        if not rejected:  # rejections are counted per row in add()
            self.findings[reason] += 1

    def _date(self, value: Any) -> dt.date | None:
        try:
            return self.date_cache[value]
        except KeyError:
            d = self.date_cache[value] = parse_date(value)
            return d
        except TypeError:  # unhashable: never from openpyxl or csv
            return parse_date(value)

    def _skip(self, row: tuple[Any, ...]) -> bool:
        filled = [c for c in row if not is_blank(c)]
        if not filled:
            self.blank += 1
            return True
        heads = [norm(c) for c in filled[:3] if isinstance(c, str)]
        if any(h.startswith(w) for h in heads for w in self.lk.subtotal):
            self.subtotal += 1
            return True
        if self.layout.header_key and tuple(norm(c) if not is_blank(c) else "" for c in row) == self.layout.header_key:
            self.subtotal += 1  # the header repeated on a printed page
            return True
        return False

    # ------------------------------------------------------------------ one row
    def add(self, r: int, row: tuple[Any, ...]) -> None:
        """Read data row number ``r``."""
        if self._skip(row):
            return
        for j, c in enumerate(row):
            if isinstance(c, str) and len(c) > self.cell_cap:
                self.problems.append(problem(self.file, self.sheet, r, self.layout.names.get(j, str(j + 1)),
                                             "cell_too_long", True, max=self.cell_cap))
                self.rejected["cell_too_long"] += 1
                self.rejected_rows += 1
                return
        v = {f: (row[j] if j < len(row) else None) for f, j in self.cols.items()}
        reasons: list[str] = []
        site = self._site(r, v, reasons)
        if self.events:
            date = self._event_date(r, v.get("date"), reasons)
            case_type = self._case_type(r, v, reasons)
        if reasons:
            for reason in reasons:
                self.rejected[reason] += 1
            self.rejected_rows += 1
            return
        person, band, sex = self._person(r, v)
        o = self.out
        o["record_id"].append(record_id(self.file, self.sheet, r))
        o["site_id"].append(site)
        o["level"].append(self.lk.levels[site])
        o["person"].append(person)
        o["birth_band"].append(band)
        o["sex"].append(sex)
        o["source_row"].append(r)
        if self.events:
            o["date"].append(date.toordinal())
            o["case_type"].append(case_type)
            o["channel"].append(self._channel(r, v.get("channel")))
            o["on_spot"].append(self._on_spot(r, v.get("on_spot")))
            o["resolved_date"].append(self._resolved(r, v.get("resolved_date"), date))
            o["referred_to"].append(self._referral(r, v.get("referred_to")))
        else:
            g = v.get("group")
            o["group"].append("" if is_blank(g) else (self.lk.cached("groups", self.lk.groups, norm(g))[0] or ""))
        self.used += 1

    def _site(self, r: int, v: dict[str, Any], reasons: list[str]) -> str:
        raw = v.get("site")
        if is_blank(raw):
            if "site" in self.defaults:
                return self.defaults["site"]
            self._flag(r, "site", "missing_site", True)
            reasons.append("missing_site")
            return ""
        found = self.lk.sites.find(norm(raw))
        if found is None or found == AMBIGUOUS:
            reason = "unknown_site" if found is None else "ambiguous_site"
            self._flag(r, "site", reason, True, raw)
            reasons.append(reason)
            return ""
        return found

    def _event_date(self, r: int, raw: Any, reasons: list[str]) -> dt.date:
        if is_blank(raw):
            reason = "missing_date"
        else:
            d = self._date(raw)
            if d is not None and DATE_YEARS[0] <= d.year <= DATE_YEARS[1]:
                return d
            reason = "bad_date" if d is None else "date_range"
        self._flag(r, "date", reason, True, first=DATE_YEARS[0], last=DATE_YEARS[1])
        reasons.append(reason)
        return dt.date.min

    def _case_type(self, r: int, v: dict[str, Any], reasons: list[str]) -> str:
        raw = v.get("case_type")
        if is_blank(raw):
            if "case_type" in self.defaults:
                return self.defaults["case_type"]
            reason, raw = "missing_case_type", None
        else:
            found, _ = self.lk.cached("case_types", self.lk.case_types, norm(raw))
            if found:
                return found
            reason = "unknown_case_type"
        self._flag(r, "case_type", reason, True, raw)
        reasons.append(reason)
        return ""

    def _channel(self, r: int, raw: Any) -> str:
        default = self.defaults.get("channel", _DEFAULT_CHANNEL)
        if is_blank(raw):
            return default
        found, _ = self.lk.cached("channels", self.lk.channels, norm(raw))
        if found == "hotline" and self.kind != "petitions":
            found = "phone"
        if found is None:
            self._flag(r, "channel", "unknown_channel", False, raw, default=default)
            return default
        return found

    def _on_spot(self, r: int, raw: Any) -> bool:
        if is_blank(raw):
            return False
        found, _ = self.lk.cached("on_spot", self.lk.on_spot, norm(raw))
        if found is None:
            self._flag(r, "on_spot", "unknown_on_spot", False)
        return found == "yes"

    def _resolved(self, r: int, raw: Any, date: dt.date) -> int | None:
        if is_blank(raw):
            return None
        d = self._date(raw)
        if d is None or d < date or d.year > DATE_YEARS[1]:
            self._flag(r, "resolved_date", "bad_resolved_date", False)
            return None
        return d.toordinal()

    def _referral(self, r: int, raw: Any) -> str:
        if is_blank(raw):
            return ""
        found, _ = self.lk.cached("partners", self.lk.partners, norm(raw))
        if found is None:
            self._flag(r, "referred_to", "unknown_referral", False, raw)
            return ""
        return found

    def _person(self, r: int, v: dict[str, Any]) -> tuple[str, str, str]:
        """(pseudonym, birth band, sex) from the ID number, else name + birth date; nothing personal kept."""
        raw_id = v.get("id_number")
        if not is_blank(raw_id):
            text = str(int(raw_id)) if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) \
                and float(raw_id).is_integer() else norm(raw_id)
            id18, old = normalise_id(text)
            if id18 is not None:
                if old:
                    self._flag(r, "id_number", "old_id", False)
                year, sex = id_facts(id18)
                return pseudonym(self.key(), "id:" + id18), birth_band(year), sex
            self._flag(r, "id_number", "invalid_id", False)
        raw_birth = v.get("birth_date")
        born = None if is_blank(raw_birth) else parse_date(raw_birth)
        year = born.year if born else None
        if year is None and isinstance(raw_birth, str):
            m = _YEAR.search(norm(raw_birth))
            year = int(m.group()) if m else None
        raw_sex = v.get("sex")
        sex = "" if is_blank(raw_sex) else _SEXES.get(norm(raw_sex), "")
        name = v.get("name")
        person = "" if is_blank(name) or born is None else pseudonym(self.key(), f"nb:{norm(name)}|{born.isoformat()}")
        return person, birth_band(year), sex

    # ------------------------------------------------------------------ the frame
    def frame(self) -> pd.DataFrame:
        """The records of this sheet, in the schema of its kind."""
        o = self.out
        n = len(o["record_id"])
        o["kind"] = [self.kind] * n
        o["source_file"] = [self.file] * n
        o["source_sheet"] = [self.sheet] * n
        data: dict[str, Any] = {}
        for c, t in columns(self.kind).items():
            vals = o[c]
            if t == "datetime":
                missing = np.array([x is None for x in vals], dtype=bool)
                arr = np.array([_EPOCH_ORDINAL if x is None else x for x in vals], dtype=np.int64) - _EPOCH_ORDINAL
                days = arr.astype("datetime64[D]").astype("datetime64[ns]")
                days[missing] = np.datetime64("NaT")
                data[c] = pd.Series(days, dtype="datetime64[ns]")
            elif t == "bool":
                data[c] = pd.Series(np.array(vals, dtype=bool))
            elif t == "int":
                data[c] = pd.Series(np.array(vals, dtype=np.int64))
            else:
                data[c] = pd.Series(vals, dtype=object)
        return pd.DataFrame(data)
