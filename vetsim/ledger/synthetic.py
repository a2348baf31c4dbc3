"""Synthetic ledgers: clean records rendered as the messy spreadsheets a bureau really keeps.

Why: the import must be tested against truth, and real ledgers hold personal data that cannot be
committed. ``render_ledger(records, scenario, kind, seed, path)`` writes clean records as an .xlsx
(several sheets, title row, two-row header with merged cells, subtotal and blank rows, every date
form, full-width digits and spaces, site-name variants, free-word case types) or a .csv, with fake
personal data (names, valid-checksum ID numbers consistent with the record's birth band and sex,
phone numbers, addresses), and corrupts a few rows on purpose (invalid ID check digit, unknown site,
impossible date). It returns where each record went and which rows are bad, so a test can check
that the import gives every usable row back and names each bad one. ``synthetic_records`` draws
simple clean records for such tests and the import benchmark (the calibration draws its own).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..files import atomic_write_bytes, excel_safe, written_bytes
from ..scenario import Scenario
from .lookup import Lookups
from .mapping import load_mapping, norm
from .personal import check_digit, file_label, load_key, sheet_label
from .records import CHANNELS_BY_KIND, SEXES, birth_band, columns, record_id, validate_records
from .values import to_excel_serial

__all__ = ["MESSINESS", "RenderedLedger", "render_ledger", "synthetic_records", "fake_id"]

MESSINESS: frozenset[str] = frozenset({"title", "sheets", "merged_header", "subtotals", "blank_rows", "date_formats",
                                       "full_width", "site_names", "case_words", "value_words"})
# the Chinese words of a messy ledger (fake names, header words, cell values): data, kept in YAML
_W: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parent / "synthetic_words.yaml").read_text(encoding="utf-8"))
_SURNAMES: str = _W["surnames"]
_GIVEN: str = _W["given"]
_REGION = "361127"  # a made-up county code: six digits, as the first part of an ID number
_FW = str.maketrans("0123456789 ", _W["full_width"])
_KIND_WORDS: dict[str, tuple[str, str, str, str]] = {k: tuple(v) for k, v in _W["kind_words"].items()}
_H: dict[str, str] = _W["header"]
_MALE, _FEMALE = SEXES[0], SEXES[1]


@dataclass
class RenderedLedger:
    """What :func:`render_ledger` wrote: where each record went, the bad rows, the fake personal data."""

    path: Path
    rows: pd.DataFrame  # one row per input record: index (position in records), sheet, row, record_id
    bad_rows: pd.DataFrame  # sheet, row, reason, index, rejected (bool: the import must refuse the row)
    personal: dict[str, list[str]] = field(default_factory=dict)  # names, ids, phones, addresses written
    data: bytes = b""  # the file's bytes, when rendered in memory (nothing written)
    file: str = ""  # the file's label in records and messages (``vetsim.ledger.personal.file_label``)


def fake_id(rng: np.random.Generator, born: dt.date, sex: str) -> str:
    """A valid-checksum 18-digit ID number for someone born on ``born`` of ``sex`` ("男"/"女"/"")."""
    seq = int(rng.integers(0, 500)) * 2 + (1 if sex == _MALE else 0 if sex == _FEMALE else int(rng.integers(0, 2)))
    body = f"{_REGION}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def _born(rng: np.random.Generator, band: str) -> dt.date:
    lo, hi = (int(x) for x in band.split("-")) if band else (1950, 1999)
    return dt.date(int(rng.integers(lo, hi + 1)), 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))


def synthetic_records(scenario: Scenario, kind: str, n: int, seed: int, start: dt.date = dt.date(2025, 1, 1),
                      days: int = 365, persons: int | None = None) -> pd.DataFrame:
    """``n`` clean records of ``kind``: sites and case types in proportion to the scenario's caseload,
    dates uniform over ``days`` from ``start``, a pool of ``persons`` (default n/2) who come back."""
    rng = np.random.default_rng(seed)
    pool = max(1, persons or n // 2)
    person = np.array([f"{i:016x}" for i in rng.integers(0, 2 ** 60, pool)])
    bands = np.array([birth_band(int(y)) for y in rng.integers(1945, 2003, pool)])
    sexes = np.where(rng.random(pool) < 0.9, _MALE, _FEMALE)
    who = rng.integers(0, pool, n)
    by_level = {lv: [s for s in scenario.sites if s.level == lv] for lv in scenario.levels.site_ids}
    out: dict[str, Any] = {"person": person[who], "birth_band": bands[who], "sex": sexes[who],
                           "source_file": np.full(n, "synthetic"), "source_sheet": np.full(n, ""),
                           "source_row": np.arange(1, n + 1, dtype=np.int64), "kind": np.full(n, kind)}
    out.update(_register_columns(rng, scenario, by_level, n) if kind == "register" else
               _event_columns(rng, scenario, by_level, kind, n, start, days))
    df = pd.DataFrame({c: out[c] for c in columns(kind) if c != "record_id"})
    df.insert(0, "record_id", [record_id("synthetic", "", r) for r in df["source_row"]])
    for c, t in columns(kind).items():
        if t == "str":
            df[c] = df[c].astype(object)
    return validate_records(df.reset_index(drop=True), kind)


def _register_columns(rng: np.random.Generator, scenario: Scenario, by_level: dict[str, list[Any]],
                      n: int) -> dict[str, Any]:
    """Register records: village sites (township where there are none) by veterans, some with a pension group."""
    sites = by_level["village"] or by_level["township"]
    w = np.array([max(s.veterans, 1) for s in sites], float)
    pick = rng.choice(len(sites), n, p=w / w.sum())
    groups = [r.group_id for r in scenario.table("pension_groups.csv")] \
        if any(name == "pension_groups.csv" for name, _ in scenario.extra_tables) else []
    return {"site_id": [sites[i].site_id for i in pick], "level": [sites[i].level for i in pick],
            "group": [groups[i] if groups and rng.random() < 0.3 else "" for i in rng.integers(0, max(1, len(groups)), n)]}


def _outcomes(rng: np.random.Generator, n: int, start: dt.date, days: int,
              partners: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Dates uniform over ``days`` from ``start``; 60% resolved on the spot, the rest later (15% of them still
    open); of those not resolved on the spot with a partner, 30% referred to it."""
    date = np.datetime64(start) + rng.integers(0, days, n).astype("timedelta64[D]")
    on_spot = rng.random(n) < 0.6
    wait = rng.integers(1, 40, n).astype("timedelta64[D]")
    resolved = np.where(on_spot, date, date + wait).astype("datetime64[ns]")
    resolved[(~on_spot) & (rng.random(n) < 0.15)] = np.datetime64("NaT")
    referred = [p if (not s and p and rng.random() < 0.3) else "" for p, s in zip(partners, on_spot)]
    return date, on_spot, resolved, referred


def _one_of(rng: np.random.Generator, items: list[Any]) -> Any:
    return items[int(rng.integers(0, len(items)))]


def _event_columns(rng: np.random.Generator, scenario: Scenario, by_level: dict[str, list[Any]], kind: str, n: int,
                   start: dt.date, days: int) -> dict[str, Any]:
    """Matter records (visits, petitions, cases): caseload rows by volume, a site of the row's level, a date,
    resolved on the spot or later (some still open), some referred to the case type's partner, a channel."""
    spec = scenario.spec
    petition = [c for c, t in spec.case_types.items() if t.is_petition]
    rows = [r for r in scenario.caseload if r.yearly_volume > 0 and by_level.get(r.level)
            and ((r.case_type in petition) == (kind == "petitions"))]
    w = np.array([r.yearly_volume for r in rows], float)
    pick = rng.choice(len(rows), n, p=w / w.sum())
    sites = [_one_of(rng, by_level[rows[i].level]) for i in pick]
    partners = [spec.case_types[rows[i].case_type].partner or "" for i in pick]
    date, on_spot, resolved, referred = _outcomes(rng, n, start, days, partners)
    chans = CHANNELS_BY_KIND[kind]
    cw = np.array([6, 2, 1, 1, 2][: len(chans)], float)
    return {"date": date.astype("datetime64[ns]"), "site_id": [s.site_id for s in sites], "level": [s.level for s in sites],
            "case_type": [rows[i].case_type for i in pick],
            "channel": np.array(chans)[rng.choice(len(chans), n, p=cw / cw.sum())],
            "on_spot": on_spot, "resolved_date": resolved, "referred_to": referred, "handed_to": [""] * n,
            "found_nobody": np.zeros(n, dtype=bool)}


# ---------------------------------------------------------------------------------------- words

def _verified(words: dict[str, list[str]], find: Any) -> dict[str, list[str]]:
    """Keep of each id's words those the import maps back to that id (so the round trip is exact)."""
    return {k: sorted({w for w in ws if w and find(norm(w)) == k}) or [k] for k, ws in words.items()}


def _vocabulary(scenario: Scenario, kind: str) -> dict[str, dict[str, list[str]]]:
    mp = load_mapping()
    lk = Lookups.of(scenario, mp)
    sec = lk.sites
    sites: dict[str, list[str]] = {}
    for s in scenario.sites:
        full = s.name_zh
        stripped = full
        for suf in mp.section("sites")["suffixes"]:
            if stripped.endswith(suf) and len(stripped) > len(suf):
                stripped = stripped[: -len(suf)]
                break
        core = stripped
        for suf in mp.section("sites")["core_suffixes"]:
            if core.endswith(suf) and len(core) > len(suf):
                core = core[: -len(suf)]
                break
        sites[s.site_id] = [full, stripped, _W["site_variant"].format(name=stripped), core, stripped[:1] + " " + stripped[1:]]
    spec = scenario.spec
    cts = {c: [t.label_zh, *mp.section("case_types").get(c, []), *(w.format(label=t.label_zh) for w in _W["case_variants"])]
           for c, t in spec.case_types.items()}
    chans = {c: list(ws) for c, ws in mp.section("channels").items() if c in CHANNELS_BY_KIND.get(kind, ())}
    fix = "phone" if kind != "petitions" else None

    def chan(t: str) -> str | None:
        found = lk.channels.find(t)[0]
        return fix if found == "hotline" and fix else found

    return {
        "sites": _verified(sites, sec.find),
        "case_types": _verified(cts, lambda t: lk.case_types.find(t)[0]),
        "channels": _verified(chans, chan),
        "on_spot": _verified({k: mp.section("on_spot")[k] for k in ("yes", "no", "nobody")},
                             lambda t: lk.on_spot.find(t)[0]),
        "partners": _verified({p: [x.label_zh, *mp.section("partners").get(p, [])] for p, x in spec.partners.items()},
                              lambda t: lk.partners.find(t)[0]),
        "groups": _verified({g: ws for g, ws in mp.section("groups").items()}, lambda t: lk.groups.find(t)[0]),
    }


def _date_text(rng: np.random.Generator, day: dt.date, mess: set[str], xlsx: bool) -> Any:
    if "date_formats" not in mess:
        return day.isoformat()
    form = int(rng.integers(0, 6 if xlsx else 5))
    text = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", _W["date_cn"].format(y=day.year, m=day.month, d=day.day),
            f"{day.year}.{day.month}.{day.day}", str(to_excel_serial(day))][form] if form < 5 else None
    if form == 5:  # a real date cell, or the serial number as a number
        return dt.datetime(day.year, day.month, day.day) if rng.random() < 0.5 else to_excel_serial(day)
    if "full_width" in mess and rng.random() < 0.15:
        text = text.translate(_FW)
    return text


# ---------------------------------------------------------------------------------------- render

def _header(kind: str, merged: bool) -> tuple[list[Any], list[Any] | None]:
    _, date_h, chan_h, case_h = _KIND_WORDS[kind]
    h = _H
    if kind == "register":
        lower = [h["seq"], h["name"], h["sex"], h["id"], h["birth"], h["phone"], h["address"], h["village"], h["group"], h["note"]]
        upper = [h["seq"], h["basic"], None, None, None, h["contact"], None, h["village"], h["group"], h["note"]]
        under = [None, h["name"], h["sex"], h["id"], h["birth"], h["phone"], h["address"], None, None, None]
    else:
        who = h["who_petitions"] if kind == "petitions" else h["who_visits"]
        lower = [h["seq"], date_h, h["name"], h["sex"], h["id"], h["phone"], h["address"], h["office"], case_h, chan_h,
                 h["on_spot"], h["resolved"], h["referral"], h["note"]]
        upper = [h["seq"], date_h, who, None, None, None, None, h["office"], case_h, chan_h, h["handling"], None, None, h["note"]]
        under = [None, None, h["name"], h["sex"], h["id"], h["phone"], h["address"], None, None, None,
                 h["on_spot"], h["resolved"], h["referral"], None]
    return (upper, under) if merged else (lower, None)


def render_ledger(records: pd.DataFrame, scenario: Scenario, kind: str, seed: int, path: str | Path,
                  messiness: frozenset[str] | set[str] = MESSINESS, bad_rows: bool = True,
                  in_memory: bool = False) -> RenderedLedger:
    """Write ``records`` (clean, of ``kind``) as a messy ledger at ``path`` (.xlsx or .csv); see the module doc.

    ``in_memory``: write nothing; the file's bytes are in ``.data`` (``path`` only names it)."""
    validate_records(records, kind)
    p = Path(path)
    xlsx = p.suffix.lower() == ".xlsx"
    mess = set(messiness)
    rng = np.random.default_rng(seed)
    n = len(records)
    events = kind != "register"
    people = _fake_people(rng, records, scenario)
    bad_of = _bad_rows_of(rng, n, events, bad_rows)
    # sheets
    order = np.argsort(records["date"].to_numpy(), kind="stable") if events else np.arange(n)
    parts = 3 if ("sheets" in mess and xlsx and n >= 30) else 1
    title = f"{scenario.county_center.name_zh}{_KIND_WORDS[kind][0]}" if events else _KIND_WORDS[kind][0]
    year = int(pd.Timestamp(records["date"].min()).year) if events and n else 2025
    upper, under = _header(kind, "merged_header" in mess)
    ctx = _Writer(rng, {c: records[c].to_numpy() for c in records.columns}, kind, _vocabulary(scenario, kind), people,
                  mess, xlsx, bad_of, _W["title"].format(title=title, year=year), upper, under)
    for si, chunk in enumerate(np.array_split(order, parts)):
        ctx.sheet(_W["sheet"].format(n=si + 1) if parts > 1 else ("Sheet1" if xlsx else ""), chunk)
    data = _xlsx_bytes(ctx.sheets, extra_empty="sheets" in mess) if xlsx else _csv_bytes(ctx.sheets[0][1])
    if not in_memory:
        atomic_write_bytes(p, data)
    return _rendered(p, ctx, xlsx, data if in_memory else b"")


def _fake_people(rng: np.random.Generator, records: pd.DataFrame,
                 scenario: Scenario) -> dict[str, tuple[str, str, str, str, dt.date]]:
    """One fake person per distinct pseudonym (records of one person share name, ID, phone, address)."""
    people: dict[str, tuple[str, str, str, str, dt.date]] = {}
    townships = [s.name_zh.replace(_W["station_suffix"], "") for s in scenario.sites if s.level == "township"] \
        or [_W["default_township"]]
    for who, band, sex in zip(records["person"], records["birth_band"], records["sex"]):
        if who and who not in people:
            born = _born(rng, band)
            name = _SURNAMES[int(rng.integers(0, len(_SURNAMES)))] + "".join(
                _GIVEN[int(i)] for i in rng.integers(0, len(_GIVEN), int(rng.integers(1, 3))))
            phone = "1" + str(int(rng.integers(3, 10))) + f"{int(rng.integers(0, 10 ** 9)):09d}"
            town = townships[int(rng.integers(0, len(townships)))]
            addr = _W["address"].format(town=town, surname=_SURNAMES[int(rng.integers(0, 20))], n=int(rng.integers(1, 99)))
            people[who] = (name, fake_id(rng, born, sex), phone, addr, born)
    return people


def _bad_rows_of(rng: np.random.Generator, n: int, events: bool, bad_rows: bool) -> dict[int, str]:
    """Record -> reason of the records corrupted on purpose: distinct records, a few of each reason."""
    k = max(1, min(3, n // 50)) if bad_rows and n >= 3 else 0
    if not k:
        return {}
    reasons = ["invalid_id", "unknown_site"] + (["bad_date"] if events else [])
    chosen = rng.choice(n, min(n, k * len(reasons)), replace=False)
    return {int(i): reasons[j // k] for j, i in enumerate(chosen)}


@dataclass
class _Writer:
    """The rows of a ledger's sheets as they are written, and where each record went."""

    rng: np.random.Generator
    rec: dict[str, np.ndarray]
    kind: str
    vocab: dict[str, dict[str, list[str]]]
    people: dict[str, tuple[str, str, str, str, dt.date]]
    mess: set[str]
    xlsx: bool
    bad_of: dict[int, str]
    title: str
    upper: list[Any]
    under: list[Any] | None
    placed: list[tuple[int, str, int]] = field(default_factory=list)  # (record, sheet, row)
    bad_out: list[tuple[str, int, str, int, bool]] = field(default_factory=list)
    sheets: list[tuple[str, list[list[Any]], list[str]]] = field(default_factory=list)

    def _blank_or_total(self, text: str, count: int) -> list[Any]:
        return [text, None, _W["count"].format(n=count)] + [None] * (len(self.upper) - 3)

    def sheet(self, sheet: str, chunk: np.ndarray) -> None:
        """One sheet of the records ``chunk``: title, header, rows (monthly subtotals, blank rows), totals."""
        width, mess, events = len(self.upper), self.mess, self.kind != "register"
        out: list[list[Any]] = []
        merges: list[str] = []
        if "title" in mess:
            out.append([self.title] + [None] * (width - 1))
            merges.append(f"A1:{_col(width)}1")
        out.append(list(self.upper))
        if self.under is not None:
            out.append(list(self.under))
            merges += _header_merges(self.upper, self.under, len(out) - 1)
        month = None
        count = 0
        for seq, i in enumerate(chunk, start=1):
            i = int(i)
            if events and "subtotals" in mess:
                m = pd.Timestamp(self.rec["date"][i]).month
                if month is not None and m != month:
                    out.append(self._blank_or_total(_W["subtotal"], count))
                    count = 0
                month = m
            if "blank_rows" in mess and self.rng.random() < 0.01:
                out.append([None] * width)
            out.append(_row(self.rng, self.rec, i, seq, self.kind, self.vocab, self.people, mess, self.xlsx,
                            self.bad_of.get(i)))
            count += 1
            self.placed.append((i, sheet, len(out)))
            if i in self.bad_of:
                self.bad_out.append((sheet, len(out), self.bad_of[i], i, self.bad_of[i] != "invalid_id"))
        if "subtotals" in mess:
            out.append(self._blank_or_total(_W["subtotal"] if events else _W["total"], count))
            out.append(self._blank_or_total(_W["total"], len(chunk)))
        self.sheets.append((sheet, out, merges))


def _rendered(p: Path, ctx: _Writer, xlsx: bool, data: bytes) -> RenderedLedger:
    """The record of what was written: each record's sheet, row and record_id; the bad rows; the people."""
    label = file_label(load_key(), p.name)
    no = {name: (i if xlsx else 0) for i, (name, _, _) in enumerate(ctx.sheets, start=1)}  # the import's sheet labels
    rows = pd.DataFrame(ctx.placed, columns=["index", "sheet", "row"]).sort_values("index").reset_index(drop=True)
    rows["sheet"] = [sheet_label(no[s]) for s in rows["sheet"]]
    rows["record_id"] = [record_id(label, s, r) for s, r in zip(rows["sheet"], rows["row"])]
    bad = pd.DataFrame(ctx.bad_out, columns=["sheet", "row", "reason", "index", "rejected"])
    bad["sheet"] = [sheet_label(no[s]) for s in bad["sheet"]]
    people = ctx.people.values()
    personal = {"names": sorted({v[0] for v in people}), "ids": sorted({v[1] for v in people}),
                "phones": sorted({v[2] for v in people}), "addresses": sorted({v[3] for v in people})}
    return RenderedLedger(p, rows, bad, personal, data, label)


def _col(j: int) -> str:
    from openpyxl.utils import get_column_letter  # heavy: openpyxl, loaded only when an .xlsx ledger is rendered

    return get_column_letter(j)


def _header_merges(upper: list[Any], under: list[Any], top: int) -> list[str]:
    """Merged ranges of a two-row header: a group cell over its empty neighbours, a lone cell over two rows."""
    out, j = [], 0
    while j < len(upper):
        if upper[j] is not None and under[j] is None:
            out.append(f"{_col(j + 1)}{top}:{_col(j + 1)}{top + 1}")
            j += 1
            continue
        end = j
        while end + 1 < len(upper) and upper[end + 1] is None and under[end + 1] is not None:
            end += 1
        if end > j:
            out.append(f"{_col(j + 1)}{top}:{_col(end + 1)}{top}")
        j = end + 1
    return out


def _pick(rng: np.random.Generator, words: list[str], mess: set[str], flag: str) -> str:
    return words[int(rng.integers(0, len(words)))] if flag in mess else words[0]


def _row(rng: np.random.Generator, rec: dict[str, np.ndarray], i: int, seq: int, kind: str,
         vocab: dict[str, dict[str, list[str]]], people: dict[str, Any], mess: set[str], xlsx: bool,
         bad: str | None) -> list[Any]:
    who = rec["person"][i]
    name, idn, phone, addr, born = people.get(who, (_W["unnamed"].format(surname=_SURNAMES[seq % 40]), "", "", "", None))
    if bad == "invalid_id" and idn:
        idn = idn[:17] + ("0" if idn[17] != "0" else "1")
    if "full_width" in mess and idn and rng.random() < 0.1:
        idn = idn.translate(_FW)
    site = _pick(rng, vocab["sites"][rec["site_id"][i]], mess, "site_names")
    if bad == "unknown_site":
        site = _W["unknown_site"]
    sex = rec["sex"][i]
    if kind == "register":
        g = rec["group"][i]
        group = _pick(rng, vocab["groups"].get(g, [g]), mess, "value_words") if g else _W["default_group"]
        birth = _date_text(rng, born, mess, xlsx) if born else None
        return [seq, name, sex, idn, birth, phone, addr, site, group, None]
    day = pd.Timestamp(rec["date"][i]).date()
    date = "2025-02-30" if bad == "bad_date" else _date_text(rng, day, mess, xlsx)
    case = _pick(rng, vocab["case_types"][rec["case_type"][i]], mess, "case_words")
    chan = _pick(rng, vocab["channels"].get(rec["channel"][i], [rec["channel"][i]]), mess, "value_words")
    said = "nobody" if rec["found_nobody"][i] else "yes" if rec["on_spot"][i] else "no"
    spot = _pick(rng, vocab["on_spot"][said], mess, "value_words")
    res = rec["resolved_date"][i]
    resolved = None if pd.isna(res) else _date_text(rng, pd.Timestamp(res).date(), mess, xlsx)
    ref, site_to = rec["referred_to"][i], rec["handed_to"][i]
    referred = _pick(rng, vocab["partners"].get(ref, [ref]), mess, "value_words") if ref else \
        _pick(rng, vocab["sites"].get(site_to, [site_to]), mess, "site_names") if site_to else None
    return [seq, date, name, sex, idn, phone, addr, site, case, chan, spot, resolved, referred, None]


def _xlsx_bytes(sheets: list[tuple[str, list[list[Any]], list[str]]], extra_empty: bool) -> bytes:
    import openpyxl  # heavy: openpyxl, loaded only when an .xlsx ledger is rendered

    wb = openpyxl.Workbook(write_only=True)
    for name, rows, merges in sheets:
        ws = wb.create_sheet(name)
        for m in merges:
            ws.merged_cells.add(m)
        for row in rows:
            ws.append([excel_safe(v) for v in row])
    if extra_empty:
        wb.create_sheet("Sheet9")
    return written_bytes(wb.save)


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow(["" if v is None else excel_safe(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
