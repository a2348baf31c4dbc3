"""One sheet's data rows -> clean records, column by column; personal cells used once and dropped.

Why by column: a ledger of 100,000 rows holds a few hundred distinct dates, sites and case-type
words, so each column is factorised and each *distinct* value read once (a date parsed, a site
looked up, an ID number checked and turned into a pseudonym); rows then take their answers by
index. Blank, subtotal and repeated header rows are counted as the rows stream in. Every value
that cannot be used becomes a :class:`LedgerProblem` naming file, sheet, row and column (cell values
masked), and the row is rejected or kept with a finding. The personal columns (name, ID number,
birth date; phone and address are never even collected) live only until :meth:`SheetRows.frame`
has derived the pseudonym, birth band and sex from them.
"""

from __future__ import annotations

import datetime as dt
import operator
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
from .personal import Scrubber, id_facts, normalise_id, pseudonym, sheet_label
from .records import SEXES, birth_band, columns, record_id
from .values import is_blank, mask, parse_date

__all__ = ["LedgerProblem", "SheetRows", "problem"]

_DEFAULT_CHANNEL = "visit"
_MALE, _FEMALE = SEXES[0], SEXES[1]  # the schema's values
_SEXES = {_MALE: _MALE, _FEMALE: _FEMALE, "M": _MALE, "F": _FEMALE, "MALE": _MALE, "FEMALE": _FEMALE}
_YEAR = re.compile(r"(19|20)\d{2}")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EVENT_FIELDS = frozenset({"date", "site", "case_type", "channel", "on_spot", "resolved_date", "referred_to",
                           "id_number", "name", "birth_date", "sex"})
_REGISTER_FIELDS = frozenset({"site", "group", "id_number", "name", "birth_date", "sex"})


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
    sheet_no: int = 0  # 1-based position of the sheet (its label in each language); 0 for a CSV file

    def where(self, lang: str = "zh") -> str:
        sheet = sheet_label(self.sheet_no, lang)
        at = tr("ledger.at_row", lang, sheet=sheet, row=self.row) if sheet else \
            tr("ledger.where_csv", lang, row=self.row)
        if not self.row:
            at = sheet
        return at + (tr("ledger.where_col", lang, column=self.column) if self.column else "")

    def text(self, lang: str = "zh") -> str:
        sep = tr("punct.colon", lang)
        where = self.where(lang)
        return f"{self.file}{' ' + where if where else ''}{sep}{self.zh if lang == 'zh' else self.en}"


def problem(file: str, sheet_no: int, row: int, column: str, reason: str, rejected: bool,
            value: Any = None, **fields: Any) -> LedgerProblem:
    """A problem whose message is ``ledger.reason.<reason>`` (plus the masked ``value`` when given);
    ``file`` is the file's label, ``sheet_no`` the sheet's position (0: a CSV file)."""
    zh, en = (tr(f"ledger.reason.{reason}", lang, **fields) for lang in ("zh", "en"))
    if value is not None and not is_blank(value):
        zh += tr("ledger.masked", "zh", value=mask(value))
        en += tr("ledger.masked", "en", value=mask(value))
    return LedgerProblem(file, sheet_label(sheet_no), row, column, reason, zh, en, rejected, sheet_no)


class SheetRows:
    """Collects the rows of one sheet of one kind, then turns them into records (:meth:`frame`)."""

    def __init__(self, file: str, sheet_no: int, kind: str, layout: Layout, lookups: Lookups,
                 key: Callable[[], bytes], defaults: dict[str, str], scrubber: Scrubber | None = None):
        self.file, self.sheet_no, self.kind, self.layout, self.lk = file, sheet_no, kind, layout, lookups
        self.sheet = sheet_label(sheet_no)
        self.key, self.defaults = key, defaults
        self.scrubber = scrubber
        wanted = _EVENT_FIELDS if kind != "register" else _REGISTER_FIELDS
        self.items = [(f, j) for f, j in layout.columns.items() if f in wanted]
        self.raw: dict[str, list[Any]] = {}
        self.cells: list[tuple[Any, ...]] = []
        self.row_no: list[int] = []
        self.width = max((j for _, j in self.items), default=0) + 1
        getter = operator.itemgetter(*(j for _, j in self.items)) if self.items else (lambda row: ())
        self.pick = getter if len(self.items) != 1 else (lambda row: (row[self.items[0][1]],))
        self.sub_first = frozenset(w[:1] for w in lookups.subtotal)
        self.events = kind != "register"
        self.problems: list[LedgerProblem] = []
        self.rejected: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self.blank = self.subtotal = self.used = self.rejected_rows = 0
        self.cell_cap = ledger_limit("cell_chars")
        head = layout.header_key
        self.head_first = next((h for h in head if h), None)

    # ------------------------------------------------------------------ streaming
    def _skip(self, row: tuple[Any, ...]) -> bool:
        """Blank rows, subtotal rows (合计/小计 in one of the first filled cells) and a repeated header."""
        seen = 0
        first = None
        for c in row:
            if c is None or c == "" or (type(c) is str and not c.strip()):
                continue
            if seen == 0:
                first = c
            seen += 1
            if type(c) is str and c.lstrip()[:1] in self.sub_first:
                t = c.replace(" ", "").replace("\u3000", "")
                if t.startswith(self.lk.subtotal):
                    self.subtotal += 1
                    return True
            if seen == 3:
                break
        if seen == 0:
            self.blank += 1
            return True
        head = self.layout.header_key
        if self.head_first and type(first) is str and norm(first) == self.head_first \
                and tuple(norm(c) if not is_blank(c) else "" for c in row[: len(head)]) == head:
            self.subtotal += 1  # the header repeated on a printed page
            return True
        return False

    def add(self, r: int, row: tuple[Any, ...]) -> None:
        """Take data row number ``r``: only the cells of the fields used are kept (phone, address never)."""
        if self._skip(row):
            return
        if len(row) < self.width:
            row = tuple(row) + (None,) * (self.width - len(row))
        self.row_no.append(r)
        self.cells.append(self.pick(row))

    # ------------------------------------------------------------------ by distinct value
    def _col(self, field: str) -> str:
        j = self.layout.columns.get(field)
        return self.layout.names.get(j, field) if j is not None else field

    def _distinct(self, field: str, read: Callable[[Any], tuple[Any, str | None]], blank: tuple[Any, str | None]
                  ) -> tuple[np.ndarray, np.ndarray]:
        """(value per row, reason per row or None): ``read`` answers each distinct non-blank cell once."""
        vals = self.raw.get(field)
        n = len(self.row_no)
        if vals is None:
            return np.full(n, blank[0], dtype=object), np.full(n, blank[1], dtype=object)
        codes, uniq = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=True)
        answers = [blank if is_blank(u) else ((None, "cell_too_long") if type(u) is str and len(u) > self.cell_cap
                                              else read(u)) for u in uniq] + [blank]
        codes = np.where(codes < 0, len(answers) - 1, codes)
        value = np.empty(len(answers), dtype=object)
        reason = np.empty(len(answers), dtype=object)
        for i, (v, why) in enumerate(answers):
            value[i], reason[i] = v, why
        return value[codes], reason[codes]

    def _lex(self, name: str, lex: Any, fix: Callable[[str | None], str | None] = lambda x: x
             ) -> Callable[[Any], tuple[Any, str | None]]:
        def read(u: Any) -> tuple[Any, str | None]:
            found, _ = self.lk.cached(name, lex, norm(u))
            return fix(found), None
        return read

    def _site(self, u: Any) -> tuple[Any, str | None]:
        found = self.lk.sites.find(norm(u))
        if found is None:
            return None, "unknown_site"
        return (None, "ambiguous_site") if found == AMBIGUOUS else (found, None)

    @staticmethod
    def _date(u: Any) -> tuple[Any, str | None]:
        d = parse_date(u)
        if d is None:
            return None, "bad_date"
        if not DATE_YEARS[0] <= d.year <= DATE_YEARS[1]:
            return None, "date_range"
        return d.toordinal(), None

    def _person_of(self, u: Any) -> tuple[Any, str | None]:
        text = str(int(u)) if isinstance(u, (int, float)) and not isinstance(u, bool) and float(u).is_integer() \
            else norm(u)
        id18, old = normalise_id(text)
        if id18 is None:
            return None, "invalid_id"
        year, sex = id_facts(id18)
        return (pseudonym(self.key(), "id:" + id18), birth_band(year), sex), ("old_id" if old else None)

    def _note(self, idx: np.ndarray, field: str, reason: str, rejected: bool, show: bool, **fields: Any) -> None:
        raw = self.raw.get(field)
        for i in idx:
            value = raw[i] if show and raw is not None else None
            self.problems.append(problem(self.file, self.sheet_no, self.row_no[i], self._col(field), reason, rejected,
                                         value, **fields))
        (self.rejected if rejected else self.findings)[reason] += len(idx)

    def _check(self, field: str, reason: np.ndarray, reject: np.ndarray, rejected: bool, show: bool = False,
               **fields: Any) -> None:
        has = np.array([r is not None for r in reason], dtype=bool)
        for why in sorted({r for r in reason[has]}):
            idx = np.flatnonzero(reason == why)
            self._note(idx, field, why, rejected or why == "cell_too_long", show and why != "cell_too_long",
                       first=DATE_YEARS[0], last=DATE_YEARS[1], max=self.cell_cap,
                       default=self.defaults.get("channel", _DEFAULT_CHANNEL), **fields)
            if rejected or why == "cell_too_long":
                reject[idx] = True

    # ------------------------------------------------------------------ the frame
    def frame(self) -> pd.DataFrame:
        """The records of this sheet (schema of its kind); problems and counts are filled in on the way."""
        n = len(self.row_no)
        cols = list(zip(*self.cells)) if self.cells else [()] * len(self.items)
        self.raw = {f: list(c) for (f, _), c in zip(self.items, cols)}
        self.cells.clear()
        del cols
        self._learn_personal()
        reject = np.zeros(n, dtype=bool)
        missing_site = (self.defaults["site"], None) if "site" in self.defaults else (None, "missing_site")
        site, why = self._distinct("site", self._site, missing_site)
        self._check("site", why, reject, True, show=True)
        data: dict[str, Any] = {}
        if self.events:
            date, why = self._distinct("date", self._date, (None, "missing_date"))
            self._check("date", why, reject, True)
            blank_ct = (self.defaults["case_type"], None) if "case_type" in self.defaults else (None, "missing_case_type")
            ct, why = self._distinct("case_type", self._lex("case_types", self.lk.case_types), blank_ct)
            why = np.where((ct == None) & (why == None), "unknown_case_type", why)  # noqa: E711 - elementwise
            self._check("case_type", why, reject, True, show=True)
        keep = np.flatnonzero(~reject)
        self.rejected_rows = int(reject.sum())
        self._keep(keep)
        site = site[keep]
        if self.events:
            data.update(self._event_columns(date[keep].astype(np.int64), ct[keep]))
        else:
            grp, _ = self._distinct("group", self._lex("groups", self.lk.groups, lambda g: g or ""), ("", None))
            data["group"] = grp
        person, band, sex = self._persons()
        m = len(keep)
        data.update(record_id=[record_id(self.file, self.sheet, r) for r in self.row_no], kind=[self.kind] * m,
                    site_id=site, level=[self.lk.levels[s] for s in site], person=person, birth_band=band, sex=sex,
                    source_file=[self.file] * m, source_sheet=[self.sheet] * m, source_row=self.row_no)
        self.used = m
        self.problems.sort(key=lambda p: p.row)
        out = {}
        for c, t in columns(self.kind).items():
            v = data[c]
            out[c] = (pd.Series(np.asarray(v, dtype=bool)) if t == "bool" else
                      pd.Series(np.asarray(v, dtype=np.int64)) if t == "int" else
                      v if t == "datetime" else pd.Series(list(v), dtype=object))
        self.raw.clear()
        return pd.DataFrame(out)

    def _learn_personal(self) -> None:
        """Tell the scrubber the names and ID numbers met, to be removed from any text kept or shown."""
        if self.scrubber is None:
            return
        for f in ("name", "id_number"):
            vals = {v for v in self.raw.get(f, ()) if type(v) is str}
            self.scrubber.learn(vals | {norm(v) for v in vals})

    def _keep(self, keep: np.ndarray) -> None:
        """Drop the rejected rows from the collected cells."""
        self.row_no = [self.row_no[i] for i in keep]
        for f in self.raw:
            col = self.raw[f]
            self.raw[f] = [col[i] for i in keep]

    def _event_columns(self, date: np.ndarray, ct: np.ndarray) -> dict[str, Any]:
        n = len(date)
        default = self.defaults.get("channel", _DEFAULT_CHANNEL)
        fix = (lambda c: c) if self.kind == "petitions" else (lambda c: "phone" if c == "hotline" else c)
        chan, _ = self._distinct("channel", self._lex("channels", self.lk.channels, fix), (default, None))
        self._check("channel", np.where(chan == None, "unknown_channel", None), np.zeros(n, bool), False, show=True)  # noqa: E711
        chan = np.where(chan == None, default, chan)  # noqa: E711
        spot, _ = self._distinct("on_spot", self._lex("on_spot", self.lk.on_spot), ("no", None))
        self._check("on_spot", np.where(spot == None, "unknown_on_spot", None), np.zeros(n, bool), False)  # noqa: E711
        res, why = self._distinct("resolved_date", self._date, (None, None))
        res = np.array([-1 if v is None else v for v in res], dtype=np.int64)
        why = np.where(((res >= 0) & (res < date)) | (why != None), "bad_resolved_date", None)  # noqa: E711
        self._check("resolved_date", why, np.zeros(n, bool), False)
        res[why != None] = -1  # noqa: E711
        # each distinct referral text once: "partner\x1fid", "site\x1fid" or None (unknown)
        ref, _ = self._distinct("referred_to", lambda u: ("\x1f".join(self.lk.referral(norm(u)) or ()) or None, None),
                                ("\x1f", None))
        self._check("referred_to", np.where(ref == None, "unknown_referral", None), np.zeros(n, bool), False, show=True)  # noqa: E711
        parts = [("", "") if r is None else tuple(r.split("\x1f")) for r in ref]
        partner = np.array([i if k == "partner" else "" for k, i in parts], dtype=object)
        site = np.array([i if k == "site" else "" for k, i in parts], dtype=object)
        return {"date": _days(date), "case_type": ct, "channel": chan, "on_spot": spot == "yes",
                "resolved_date": _days(res), "referred_to": partner, "handed_to": site,
                "found_nobody": (spot == "nobody") & (chan == "visit")}

    def _persons(self) -> tuple[list[str], list[str], list[str]]:
        """Pseudonym, birth band and sex per kept row: from the ID number, else name + birth date."""
        n = len(self.row_no)
        ids, why = self._distinct("id_number", self._person_of, (None, None))
        self._check("id_number", why, np.zeros(n, bool), False)
        person, band, sex = [""] * n, [""] * n, [""] * n
        names, births, sexes = self.raw.get("name"), self.raw.get("birth_date"), self.raw.get("sex")
        for i in range(n):
            if ids[i] is not None:
                person[i], band[i], sex[i] = ids[i]
                continue
            born = None if births is None or is_blank(births[i]) else parse_date(births[i])
            year = born.year if born else None
            if year is None and births is not None and isinstance(births[i], str):
                m = _YEAR.search(norm(births[i]))
                year = int(m.group()) if m else None
            band[i] = birth_band(year)
            sex[i] = "" if sexes is None or is_blank(sexes[i]) else _SEXES.get(norm(sexes[i]), "")
            if names is not None and not is_blank(names[i]) and born is not None:
                person[i] = pseudonym(self.key(), f"nb:{norm(names[i])}|{born.isoformat()}")
        return person, band, sex


def _days(ordinals: np.ndarray) -> pd.Series:
    """datetime64[ns] from proleptic ordinals (negative: NaT)."""
    arr = np.asarray(ordinals, dtype=np.int64)
    out = (arr - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")
    out[arr < 0] = np.datetime64("NaT")
    return pd.Series(out, dtype="datetime64[ns]")
