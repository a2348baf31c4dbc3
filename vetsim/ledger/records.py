"""The record schema of imported ledgers: the one home of the columns, dtypes and allowed values.

Why one module: the import (``vetsim.ledger.reader``/``importer``), the synthetic ledgers
(``vetsim.ledger.synthetic``), the calibration and the back-test all exchange the same clean,
pseudonymised records. Each kind is one pandas DataFrame (written as Parquet):

* ``visits`` (来访接待登记台账), ``petitions`` (信访事项台账) and ``cases`` (station case/service
  records) are *events*: one row per matter received, with ``EVENT_COLUMNS``;
* ``register`` (信息采集, the veterans' register per village) is one row per person, with
  ``REGISTER_COLUMNS``.

How the import fills the event columns: ``date`` is the day the matter was received; ``site_id``
the receiving site (a ledger without a site column takes the site its title names; a petition
ledger without one, the county center); ``case_type`` a case type id of the scenario (a petition
ledger without a case-type column gives the scenario's petition type, ``is_petition``);
``channel`` is ``visit`` when the ledger has no channel column or leaves the cell empty, and a
``hotline`` word in a visits or cases ledger counts as ``phone``; ``on_spot`` is False for an empty
cell; ``resolved_date`` is NaT while open (or when the ledger's date is unreadable or before
``date``: a finding); ``referred_to`` a partner id of the scenario or ""; ``handed_to`` the site a
matter was handed on to (a referral to a site of the scenario: its id, name, short name or a
variant in the referral column) or ""; ``found_nobody`` True for a walk-in recorded as finding the
station unstaffed ("无人接待" in the result column: the hand-off record of a closed station).

``source_file`` is the file's keyed label (``ledger-kqzmabte.xlsx``), ``source_sheet`` the sheet's
neutral label (``工作表 1``; "" for a CSV file): staff name files and sheets after the person, so
neither name is kept. No column holds a name, an ID number, a phone number or an address: ``person`` is a keyed
pseudonym (16 hex characters, or "" when the row gave nothing to derive one from), ``birth_band``
and ``sex`` are what planning needs of the person. ``validate_records(df, kind)`` checks columns,
dtypes and allowed values and raises :class:`RecordSchemaError` listing every problem.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from ..errors import VetsimError
from ..scenario.levels import DEFAULT_LEVELS

if TYPE_CHECKING:  # pandas is imported where records are built or checked: `vetsim --help` stays light
    import pandas as pd

__all__ = [
    "KINDS", "EVENT_KINDS", "CHANNELS", "CHANNELS_BY_KIND", "SEXES", "LEVELS", "EVENT_COLUMNS",
    "REGISTER_COLUMNS", "PERSON_PATTERN", "BIRTH_BAND_PATTERN", "RecordSchemaError", "columns", "empty_records",
    "record_id", "birth_band", "validate_records",
]

KINDS: tuple[str, ...] = ("visits", "petitions", "cases", "register")
EVENT_KINDS: tuple[str, ...] = ("visits", "petitions", "cases")
CHANNELS: tuple[str, ...] = ("visit", "phone", "letter", "online", "hotline")
CHANNELS_BY_KIND: dict[str, tuple[str, ...]] = {
    "visits": ("visit", "phone", "letter", "online"),
    "cases": ("visit", "phone", "letter", "online"),
    "petitions": ("visit", "phone", "letter", "online", "hotline"),
}
SEXES: tuple[str, ...] = ("男", "女", "")
LEVELS: tuple[str, ...] = DEFAULT_LEVELS.ids
PERSON_PATTERN = re.compile(r"(?:[0-9a-f]{16})?")
BIRTH_BAND_PATTERN = re.compile(r"(?:\d{4}-\d{4})?")

# column -> dtype kind: "str" text (object or pandas string), "datetime" datetime64[ns], "bool", "int" int64
EVENT_COLUMNS: dict[str, str] = {
    "record_id": "str", "kind": "str", "date": "datetime", "site_id": "str", "level": "str",
    "case_type": "str", "channel": "str", "on_spot": "bool", "resolved_date": "datetime",
    "referred_to": "str", "handed_to": "str", "found_nobody": "bool", "person": "str", "birth_band": "str", "sex": "str",
    "source_file": "str", "source_sheet": "str", "source_row": "int",
}
REGISTER_COLUMNS: dict[str, str] = {
    "record_id": "str", "kind": "str", "site_id": "str", "level": "str", "person": "str",
    "birth_band": "str", "sex": "str", "group": "str",
    "source_file": "str", "source_sheet": "str", "source_row": "int",
}


class RecordSchemaError(VetsimError, ValueError):
    """A records frame that does not follow the schema (every problem listed)."""


def columns(kind: str) -> dict[str, str]:
    """The columns of ``kind`` in order, with their dtype kind ("str", "datetime", "bool", "int")."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; allowed: {', '.join(KINDS)}")
    return REGISTER_COLUMNS if kind == "register" else EVENT_COLUMNS


_EMPTY = {"str": object, "datetime": "datetime64[ns]", "bool": bool, "int": "int64"}


def empty_records(kind: str) -> pd.DataFrame:
    """A frame of ``kind`` with no rows and the schema's columns and dtypes."""
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    return pd.DataFrame({c: pd.Series([], dtype=_EMPTY[t]) for c, t in columns(kind).items()})


def record_id(source_file: str, sheet: str, row: int) -> str:
    """A stable id of one spreadsheet row: SHA-256 of the file's label, the sheet's label and the row
    (16 hex characters).

    The import passes the keyed label of the file's *name* (``personal.file_label``: not its folder, so
    moving the file does not change the ids) and the sheet's neutral label (``工作表 1``); neither a
    file or sheet name nor a cell value enters, so the id carries no personal data.
    """
    return hashlib.sha256(f"{source_file}\x1f{sheet}\x1f{int(row)}".encode()).hexdigest()[:16]


def birth_band(year: int | None, width: int = 10) -> str:
    """The decade band of a birth year, e.g. 1957 -> "1950-1959"; "" when unknown."""
    if year is None:
        return ""
    start = (int(year) // width) * width
    return f"{start}-{start + width - 1}"


def _dtype_ok(series: pd.Series, want: str) -> bool:
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    dt = series.dtype
    if want == "str":
        return dt == object or pd.api.types.is_string_dtype(dt)
    if want == "datetime":
        return str(dt) == "datetime64[ns]"
    if want == "bool":
        return pd.api.types.is_bool_dtype(dt)
    return pd.api.types.is_integer_dtype(dt)


def _bad_values(series: pd.Series, allowed: Any) -> list[str]:
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    vals = pd.unique(series.astype(object))
    return sorted(str(v) for v in vals if (v not in allowed if not isinstance(allowed, re.Pattern)
                                           else not (isinstance(v, str) and allowed.fullmatch(v))))[:5]


def _shape_problems(df: pd.DataFrame, cols: dict[str, str]) -> list[str]:
    """Columns missing, unknown, or of the wrong dtype."""
    problems: list[str] = []
    missing = [c for c in cols if c not in df.columns]
    extra = [c for c in df.columns if c not in cols]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if extra:
        problems.append(f"unknown columns: {', '.join(map(str, extra))}")
    for c, want in cols.items():
        if c in df.columns and not _dtype_ok(df[c], want):
            problems.append(f"column {c}: dtype {df[c].dtype}, expected {want}")
    return problems


def _value_problems(df: pd.DataFrame, kind: str) -> list[str]:
    """Values not allowed, missing or impossible dates, row numbers below 1, repeated record ids."""
    problems: list[str] = []
    checks: list[tuple[str, Any]] = [("kind", {kind}), ("sex", set(SEXES)), ("person", PERSON_PATTERN),
                                     ("birth_band", BIRTH_BAND_PATTERN), ("level", set(LEVELS))]
    if kind != "register":
        checks.append(("channel", set(CHANNELS_BY_KIND[kind])))
    for c, allowed in checks:
        bad = _bad_values(df[c], allowed)
        if bad:
            problems.append(f"column {c}: values not allowed: {', '.join(bad)}")
    if kind != "register":
        if df["date"].isna().any():
            problems.append("column date: missing values")
        if (df["resolved_date"] < df["date"]).any():
            problems.append("column resolved_date: before date")
    if (df["source_row"] < 1).any():
        problems.append("column source_row: values below 1")
    if df["record_id"].duplicated().any():
        problems.append("column record_id: duplicate ids")
    return problems


def validate_records(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Check ``df`` against the schema of ``kind``; return it unchanged, or raise :class:`RecordSchemaError`.

    Checked: every column present (extra columns refused too), dtypes, ``kind`` values, allowed
    channels and sexes, pseudonym and birth-band formats, no missing ``date``, ``resolved_date`` not
    before ``date``, ``source_row`` at least 1, ``record_id`` unique.
    """
    cols = columns(kind)
    problems = _shape_problems(df, cols)
    if not problems and len(df):
        problems = _value_problems(df, kind)
    if problems:
        raise RecordSchemaError.of("ledger.schema_invalid", kind=kind, detail="; ".join(problems))
    return df
