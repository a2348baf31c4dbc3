"""Column names of the clean ledger records the fit reads (mirror of ``vetsim/ledger/records.py``).

Why a mirror: the import (``vetsim.ledger``, another branch) owns the record schema; this package was
written against the agreed schema at the same time. At merge these constants are to be pointed at
``vetsim.ledger.records``. One pandas DataFrame per kind: ``visits``, ``petitions``, ``cases``,
``register``. Dates are ``datetime64[ns]`` (the day the matter was received); ``resolved_date`` is
NaT while the matter is open; ``person`` is a 16-hex pseudonym linking the records of one person.
"""

from __future__ import annotations

__all__ = ["KINDS", "MATTER_KINDS", "MATTER_COLUMNS", "REGISTER_COLUMNS", "CHANNELS", "PETITION_CHANNELS",
           "empty_records"]

KINDS: tuple[str, ...] = ("visits", "petitions", "cases", "register")
MATTER_KINDS: tuple[str, ...] = ("visits", "petitions", "cases")
MATTER_COLUMNS: tuple[str, ...] = (
    "record_id", "kind", "date", "site_id", "level", "case_type", "channel", "on_spot", "resolved_date",
    "referred_to", "person", "birth_band", "sex", "source_file", "source_sheet", "source_row")
REGISTER_COLUMNS: tuple[str, ...] = (
    "record_id", "kind", "site_id", "level", "person", "birth_band", "sex", "group", "source_file",
    "source_sheet", "source_row")
CHANNELS: tuple[str, ...] = ("visit", "phone", "letter", "online")
PETITION_CHANNELS: tuple[str, ...] = ("visit", "phone", "letter", "online", "hotline")


def empty_records(kind: str):
    """An empty DataFrame of ``kind`` with the schema's columns and dtypes."""
    import pandas as pd

    cols = REGISTER_COLUMNS if kind == "register" else MATTER_COLUMNS
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    if kind != "register":
        df["date"] = pd.Series(dtype="datetime64[ns]")
        df["resolved_date"] = pd.Series(dtype="datetime64[ns]")
        df["on_spot"] = pd.Series(dtype=bool)
    df["source_row"] = pd.Series(dtype="int64")
    return df
