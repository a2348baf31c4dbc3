"""The notes per township kept beside the records: the qualitative explanation behind a figure.

A file ``notes.csv`` (or ``.yaml``) in the records folder, or named with ``--notes``: one row per
township and period with the text, e.g. ``township,period,text`` / ``龙泉镇,2027-04,站长外出培训两周``.
The township is written as the site column of a ledger is (``T03``, ``龙泉镇退役军人服务站``, ``龙泉镇``,
``龙泉``); the period as the command line's (``2027-04``, ``2027Q2``).

The file is typed by staff, so it is checked like any input: every problem with file, row and field,
in Chinese (English with ``--lang en``). A text that holds an ID number or a phone number (the
patterns the ledger import scrubs, :class:`vetsim.ledger.personal.Scrubber`) is refused, not
silently changed: the bulletin is circulated, and whoever wrote the note should take it out. Texts
are written into Excel as plain text (:func:`vetsim.files.excel_safe`), never as a formula.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import VetsimError
from ..files import display_path
from ..ledger.lookup import AMBIGUOUS, SiteIndex
from ..ledger.mapping import load_mapping, norm
from ..ledger.personal import Scrubber
from ..scenario import Scenario
from .period import Period, PeriodError, parse_period

__all__ = ["Note", "read_notes", "find_notes", "NotesError", "NOTES_NAMES", "MAX_NOTE_CHARS"]

NOTES_NAMES = ("notes.csv", "notes.yaml", "notes.yml")
MAX_NOTE_CHARS = 500
_MAX_BYTES = 1_000_000
_FIELDS = ("township", "period", "text")


class NotesError(VetsimError, ValueError):
    """The notes file cannot be used (file, row and field named)."""


@dataclass(frozen=True)
class Note:
    township: str  # site id of the township station
    period: Period
    text: str
    row: int


def _rows(path: Path, shown: str) -> list[dict[str, str]]:
    if path.stat().st_size > _MAX_BYTES:
        raise NotesError.of("bulletin.err.notes_too_big", file=shown, most=_MAX_BYTES)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("gbk")
        except UnicodeDecodeError:
            raise NotesError.of("bulletin.err.notes_encoding", file=shown) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise NotesError.of("bulletin.err.notes_yaml", file=shown) from None
        data = data.get("notes", data) if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise NotesError.of("bulletin.err.notes_yaml", file=shown)
        return [{k: "" if d.get(k) is None else str(d.get(k)) for k in _FIELDS} for d in data]
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in _FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise NotesError.of("bulletin.err.notes_columns", file=shown, columns=", ".join(missing))
    return [{k: (r.get(k) or "") for k in _FIELDS} for r in reader]


def _township(text: str, index: SiteIndex, scenario: Scenario, where: dict[str, object]) -> str:
    site = index.find(norm(text)) if text.strip() else None
    if site is None or site == AMBIGUOUS or scenario.site(site).level != "township":
        raise NotesError.of("bulletin.err.notes_township", value=text[:30], **where)
    return site


def read_notes(path: str | os.PathLike[str], scenario: Scenario) -> tuple[Note, ...]:
    """The notes of ``path`` (CSV with ``township,period,text`` or YAML, a list of such mappings); every
    row checked: a known township, a period, a text of at most :data:`MAX_NOTE_CHARS` characters
    without an ID or phone number."""
    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise NotesError.of("bulletin.err.notes_missing", file=shown)
    index = SiteIndex.of(scenario, load_mapping())
    scrub = Scrubber()
    out: list[Note] = []
    first = 1 if p.suffix.lower() in (".yaml", ".yml") else 2
    for i, raw in enumerate(_rows(p, shown), start=first):
        where = {"file": shown, "row": i}
        town = _township(raw["township"], index, scenario, {**where, "field": "township"})
        try:
            period = parse_period(raw["period"])
        except PeriodError:
            raise NotesError.of("bulletin.err.notes_period", value=raw["period"][:30], **where, field="period") from None
        text = " ".join(raw["text"].split())
        if not text:
            raise NotesError.of("bulletin.err.notes_empty", **where, field="text")
        if len(text) > MAX_NOTE_CHARS:
            raise NotesError.of("bulletin.err.notes_long", **where, field="text", n=len(text), most=MAX_NOTE_CHARS)
        if scrub.text(text) != text:
            raise NotesError.of("bulletin.err.notes_personal", **where, field="text")
        out.append(Note(town, period, text, i))
    return tuple(out)


def find_notes(folders: list[Path]) -> Path | None:
    """The notes file kept beside the records (the first folder's ``notes.csv`` / ``.yaml``), if any."""
    for folder in folders:
        for name in NOTES_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None
