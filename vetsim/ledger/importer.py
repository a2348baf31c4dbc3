"""Import a bureau's ledger (台账): ``import_ledger(path, scenario)`` -> records, problems, summary.

Why: the bureau's own spreadsheets (visitor reception ledger, petition ledger, station case
records, veterans' register) are the only evidence of its real caseload. The import reads every
sheet of an .xlsx (or a .csv), finds each sheet's header and kind, turns each row into a clean,
pseudonymised record of :mod:`vetsim.ledger.records`, and reports every problem at once with file,
sheet, row and column: a row that cannot be used is listed with its reason, never dropped silently;
blank and subtotal rows are counted. ``write_import`` writes the records (Parquet), the problems and
the summary as one vetsim output folder. Nothing personal reaches a record, a message or a file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

import pandas as pd

from .. import formats
from ..errors import VetsimError
from ..files import atomic_folder, excel_safe_frame
from ..scenario import Scenario, load_scenario
from ..tables import table
from ..wording import both, tr
from .layout import HEADER_SCAN, HeaderMatcher, detect_kind, find_layout
from .lookup import Lookups
from .mapping import Mapping, load_mapping
from .personal import LedgerKeyError, Scrubber, _inside, file_label, key_path, load_key, sheet_label
from .reader import read_sheets
from .records import KINDS, empty_records, validate_records
from .rows import LedgerProblem, SheetRows, problem
from .values import is_blank

__all__ = ["ImportResult", "LedgerImportError", "import_ledger", "write_import", "OUTPUT_KIND", "PROBLEMS_SHOWN"]

OUTPUT_KIND = "ledger_import"
PROBLEMS_SHOWN = 100


class LedgerImportError(VetsimError, ValueError):
    """No sheet of the file could be imported; carries every problem found."""

    def __init__(self, file: str, problems: list[LedgerProblem]):
        self.problems = tuple(problems)
        lines = {lang: [tr("ledger.no_rows", lang, file=file),
                        *("  - " + p.text(lang) for p in self.problems[:PROBLEMS_SHOWN])] for lang in ("zh", "en")}
        super().__init__("\n".join(lines["zh"]), "\n".join(lines["en"]))


@dataclass
class ImportResult:
    """Records per kind (clean, pseudonymised), every problem, and the counts of the import."""

    records: dict[str, pd.DataFrame]
    problems: list[LedgerProblem]
    summary: dict[str, Any] = field(default_factory=dict)

    def frame(self, kind: str | None = None) -> pd.DataFrame:
        """The records of ``kind`` (default: the only kind imported)."""
        if kind is None:
            if len(self.records) != 1:
                raise ValueError(f"several kinds imported ({', '.join(self.records)}); name one")
            kind = next(iter(self.records))
        return self.records.get(kind, empty_records(kind))

    def problems_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per problem: file, sheet, row, column, reason, rejected, message."""
        rows = [{"file": p.file, "sheet": sheet_label(p.sheet_no, lang), "row": p.row, "column": p.column, "reason": p.reason,
                 "rejected": p.rejected, "message": p.zh if lang == "zh" else p.en} for p in self.problems]
        cols = ["file", "sheet", "row", "column", "reason", "rejected", "message"]
        return pd.DataFrame(rows, columns=cols)

    def text(self, lang: str = "zh", shown: int = 20) -> str:
        """The summary as printed by the command line, with the first ``shown`` problems."""
        s = self.summary
        head = [tr(f"ledger.summary.col.{c}", lang) if c != "kind" else tr("ledger.ui.kind", lang)
                for c in ("sheet", "kind", "read", "used", "rejected", "blank", "subtotal")]
        rows = [[sheet_label(sh.get("sheet_no", 0), lang) or "CSV",
                 tr(f"ledger.kind.{sh['kind']}", lang) if sh["kind"] else "-",
                 *(formats.count(sh[c], lang) for c in ("read", "used", "rejected", "blank", "subtotal"))]
                for sh in s["sheets"]]
        lines = [tr("ledger.summary.title", lang, file=s["file"]), table(head, rows)]
        lines.append(tr("ledger.summary.totals", lang, read=s["rows_read"], used=s["rows_used"],
                        rejected=s["rows_rejected"], skipped=s["rows_skipped"]))
        lines += [tr("ledger.summary.reason", lang, reason=tr(f"ledger.short.{k}", lang), n=n)
                  for k, n in s["rejected_by_reason"].items()]
        lines += [tr("ledger.summary.finding", lang, reason=tr(f"ledger.short.{k}", lang), n=n)
                  for k, n in s["findings_by_reason"].items()]
        lines.append(tr("ledger.summary.persons", lang, n=s["persons"], invalid=s["findings_by_reason"].get("invalid_id", 0)))
        if self.problems and shown:
            lines.append(tr("ledger.summary.problems", lang, n=min(shown, len(self.problems))))
            lines += ["  - " + p.text(lang) for p in self.problems[:shown]]
            if len(self.problems) > shown:
                lines.append(tr("ledger.more", lang, n=len(self.problems) - shown))
        return "\n".join(lines)


def _sheet_defaults(kind: str, layout: Any, lookups: Lookups) -> dict[str, str]:
    out: dict[str, str] = {}
    if "site" not in layout.columns:
        site = lookups.sites.in_title(layout.title)
        if site is None and kind == "petitions":
            site = lookups.sites.center_id
        if site:
            out["site"] = site
    if kind == "petitions" and lookups.petition_type:
        out["case_type"] = lookups.petition_type
    return out


def import_ledger(path: str | Path, scenario: Scenario | str | Path, kind: str | None = None,
                  mapping: Mapping | str | Path | None = None, *, out: str | Path | None = None,
                  data: bytes | None = None) -> ImportResult:
    """Import the ledger at ``path`` (.xlsx, every sheet, or .csv) against ``scenario``.

    ``kind`` (visits, petitions, cases, register) applies to every sheet; without it each sheet's
    kind comes from its title, sheet name or headers. ``mapping`` is a user mapping file laid over
    the default. ``out`` (the output folder, when known) is checked not to hold the pseudonym key.
    ``data``: the file's content held in memory (an upload); ``path`` then only names it.
    Raises :class:`LedgerImportError` when no sheet can be used, a ``VetsimError`` for an unreadable
    file; otherwise every problem is in the result.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    mp = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    p = Path(path)
    forbidden = (Path(out),) if out is not None else ()
    secret = load_key(forbidden=forbidden, ledger=None if data is not None else p)
    file = file_label(secret, p.name)  # never the file's own name: it may be a person's

    def key() -> bytes:
        return secret

    run = _Import(file, kind, mp, Lookups.of(sc, mp), HeaderMatcher(mp), key)
    is_csv = p.suffix.lower() == ".csv"
    for no, sheet in enumerate(read_sheets(p, file, data), start=1):
        run.sheet(0 if is_csv else no, sheet)
    problems = [_scrubbed(q, run.scrub) for q in run.problems]
    if not run.frames:
        raise LedgerImportError(file, problems or [_sheet_problem(file, 0, "no_header")])
    records = {k: validate_records(run.scrub.frame(pd.concat(fs, ignore_index=True) if len(fs) > 1 else fs[0]), k)
               for k, fs in run.frames.items()}
    return ImportResult(records, problems, run.scrub.tree(run.summary(records, sc, mp)))


@dataclass
class _Import:
    """One import under way: the sheets read so far, their frames, problems and counts."""

    file: str
    kind: str | None
    mp: Mapping
    lookups: Lookups
    matcher: HeaderMatcher
    key: Any
    scrub: Scrubber = field(default_factory=Scrubber)
    problems: list[LedgerProblem] = field(default_factory=list)
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)

    def sheet(self, no: int, sheet: Any) -> None:
        """Read one sheet: its layout and kind, then its rows (or, when it cannot be used, why)."""
        first = list(islice(sheet.rows, HEADER_SCAN))
        layout = find_layout(first, sheet.name, self.matcher)  # the sheet's own name helps tell the kind, and is dropped
        k = self.kind or (detect_kind(layout, self.mp) if layout else None)
        info = {"sheet": sheet_label(no), "sheet_no": no, "kind": k or "", "read": 0, "used": 0, "rejected": 0,
                "blank": 0, "subtotal": 0}
        self.sheets.append(info)
        fatal, defaults = self._fatal(no, layout, k)
        if fatal:
            self._refuse(info, fatal, first, sheet, layout is not None)
            return
        assert layout is not None and k is not None
        rows = SheetRows(self.file, no, k, layout, self.lookups, self.key, defaults, self.scrub)
        for old, used in layout.duplicates:
            self.problems.append(problem(self.file, no, min(layout.header_rows), layout.names.get(old, str(old + 1)),
                                         "duplicate_column", False, other=layout.names.get(used, str(used + 1))))
            self.findings["duplicate_column"] += 1
        n_read = 0
        for r, cells in chain((x for x in first if x[0] >= layout.data_start), sheet.rows):
            n_read += 1
            rows.add(r, cells)
        frame = rows.frame()
        self.problems += rows.problems
        self.rejected.update(rows.rejected)
        self.findings.update(rows.findings)
        info.update(read=n_read, used=rows.used, rejected=rows.rejected_rows, blank=rows.blank, subtotal=rows.subtotal)
        self.frames.setdefault(k, []).append(frame)

    def _fatal(self, no: int, layout: Any, k: str | None) -> tuple[list[LedgerProblem], dict[str, str]]:
        """Why a sheet cannot be used (no header, no kind, a required field missing), and its defaults."""
        if layout is None:
            return [_sheet_problem(self.file, no, "no_header")], {}
        if k is None:
            return [_sheet_problem(self.file, no, "no_kind")], {}
        defaults = _sheet_defaults(k, layout, self.lookups)
        fatal = []
        for f in self.mp.kind(k)["required"]:
            if f not in layout.columns and f not in defaults:
                syn = tr("list.sep", "zh").join(self.mp.section("fields").get(f, [])[:4])  # Chinese header names
                fatal.append(_sheet_problem(self.file, no, "missing_field", field=f, names=syn))
        return fatal, defaults

    def _refuse(self, info: dict[str, Any], fatal: list[LedgerProblem], first: list[Any], sheet: Any,
                has_header: bool) -> None:
        """A sheet that cannot be used: its filled rows are counted (rejected when it has a header)."""
        rest = [r for r in chain(first, sheet.rows) if any(not is_blank(c) for c in r[1])]
        info.update(read=len(rest), rejected=len(rest) if has_header else 0)
        if not has_header and not rest:  # an empty sheet (e.g. "Sheet2"): nothing to report
            self.sheets.pop()
            return
        self.problems += fatal
        self.rejected[fatal[0].reason] += info["rejected"]

    def summary(self, records: dict[str, pd.DataFrame], sc: Scenario, mp: Mapping) -> dict[str, Any]:
        """The counts of the import (before scrubbing)."""
        persons = set().union(*(set(df["person"]) for df in records.values())) - {""}
        sheets = self.sheets
        return {
            "file": self.file, "kinds": {k: len(df) for k, df in records.items()}, "sheets": sheets,
            "rows_read": sum(s["read"] for s in sheets), "rows_used": sum(s["used"] for s in sheets),
            "rows_rejected": sum(s["rejected"] for s in sheets),
            "rows_skipped": sum(s["blank"] + s["subtotal"] for s in sheets),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "findings_by_reason": dict(sorted(self.findings.items())),
            "persons": len(persons), "scenario": sc.name("zh"), "scenario_hash": sc.hash(), "mapping": mp.source,
        }


def _scrubbed(p: LedgerProblem, scrub: Scrubber) -> LedgerProblem:
    """``p`` with its column name and messages scanned for personal values (a header may hold one)."""
    column, zh, en = scrub.text(p.column), scrub.text(p.zh), scrub.text(p.en)
    return p if (column, zh, en) == (p.column, p.zh, p.en) else replace(p, column=column, zh=zh, en=en)


def _sheet_problem(file: str, sheet_no: int, reason: str, **fields: Any) -> LedgerProblem:
    key = {"no_header": "ledger.no_header", "no_kind": "ledger.no_kind", "missing_field": "ledger.missing_field"}[reason]
    zh, en = both(key, **fields)
    return LedgerProblem(file, sheet_label(sheet_no), 0, "", reason, zh, en, True, sheet_no)


def write_import(result: ImportResult, out_dir: str | Path, *, force: bool = False, lang: str = "zh") -> Path:
    """Write ``result`` as the output folder ``out_dir``: ``<kind>.parquet`` per kind, ``summary.json``,
    ``summary.csv`` (per sheet) and ``problems.csv`` (UTF-8 with BOM, formula-safe), atomically."""
    target = Path(out_dir)
    if _inside(key_path(), target):
        raise LedgerKeyError(tr("ledger.key_inside", "zh", path=str(key_path()), where=tr("ledger.key_where_output", "zh")),
                             tr("ledger.key_inside", "en", path=str(key_path()), where=tr("ledger.key_where_output", "en")))
    with atomic_folder(target, OUTPUT_KIND, force=force, meta={"file": result.summary.get("file", "")}) as tmp:
        for k, df in result.records.items():
            df.to_parquet(tmp / f"{k}.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        excel_safe_frame(pd.DataFrame(result.summary["sheets"])).to_csv(tmp / "summary.csv", index=False,
                                                                          encoding="utf-8-sig")
        excel_safe_frame(result.problems_frame(lang)).to_csv(tmp / "problems.csv", index=False, encoding="utf-8-sig")
    return target
