"""Read and write a folder of clean ledger records: one ``<kind>.parquet`` (or ``.csv``) per kind.

Why here: ``vetsim calibrate --ledger DIR`` reads the import's output folder. The import
(``vetsim.ledger``) writes it; this reader accepts Parquet or CSV per kind, checks the schema's
columns and says which file lacks which, and never reads more than ``MAX_RECORDS`` rows per kind.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import VetsimError
from ..files import atomic_folder, display_path
from ..wording import both, tr
from .schema import KINDS, MATTER_COLUMNS, REGISTER_COLUMNS

__all__ = ["read_records", "write_records", "RecordsError", "MAX_RECORDS"]

MAX_RECORDS = 2_000_000


class RecordsError(VetsimError, ValueError):
    """The records folder is missing, empty or has files without the schema's columns."""


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype={"person": str, "referred_to": str, "handed_to": str, "birth_band": str, "sex": str,
                                    "record_id": str, "site_id": str, "case_type": str, "channel": str},
                       keep_default_na=False, na_values={"resolved_date": [""], "date": [""]}, nrows=MAX_RECORDS + 1)


def read_records(folder: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> dict[str, pd.DataFrame]:
    """The records by kind from ``folder`` (kinds without a file are left out); all problems at once.

    Several folders (one import per ledger file: visits, petitions, cases, register) are read together:
    the records of one kind are joined; ``record_id`` (file, sheet, row) keeps them apart.
    """
    folders = [folder] if isinstance(folder, (str, os.PathLike)) else list(folder)
    parts = [_read_folder(Path(f)) for f in folders]
    kinds = [k for k in KINDS if any(k in p for p in parts)]
    out = {k: pd.concat([p[k] for p in parts if k in p], ignore_index=True) if len(parts) > 1 else parts[0][k]
           for k in kinds}
    if not any(k in out for k in KINDS if k != "register"):
        raise RecordsError(*both("calibration.records_none", path=", ".join(Path(f).name for f in folders)))
    return out


def _read_folder(root: Path) -> dict[str, pd.DataFrame]:
    if not root.is_dir():
        raise RecordsError(*both("calibration.records_missing", path=display_path(root)))
    out: dict[str, pd.DataFrame] = {}
    problems: list[tuple[str, str]] = []
    for kind in KINDS:
        path = next((p for p in (root / f"{kind}.parquet", root / f"{kind}.csv") if p.is_file()), None)
        if path is None:
            continue
        df = _read(path)
        cols = REGISTER_COLUMNS if kind == "register" else MATTER_COLUMNS
        if kind != "register":  # records imported before hand-offs to sites were read: none recorded
            df = df.assign(**{c: v for c, v in (("handed_to", ""), ("found_nobody", False)) if c not in df.columns})
        missing = [c for c in cols if c not in df.columns]
        if missing:
            problems.append(both("calibration.records_columns", file=path.name, columns=", ".join(missing)))
            continue
        if len(df) > MAX_RECORDS:
            problems.append(both("calibration.records_too_many", file=path.name, most=f"{MAX_RECORDS:,}"))
            continue
        if kind != "register":
            for col, required in (("date", True), ("resolved_date", False)):
                text = df[col]
                parsed = pd.to_datetime(text, errors="coerce")
                bad = parsed.isna() & (text.notna() & (text.astype(str).str.strip() != "") if not required else True)
                if bad.any():
                    rows = ", ".join(str(r) for r in df.loc[bad, "source_row"].head(5))
                    problems.append(both("calibration.records_dates", file=path.name, column=col, n=int(bad.sum()), rows=rows))
                df[col] = parsed
            for flag in ("on_spot", "found_nobody"):
                df[flag] = df[flag].astype(str).str.lower().isin(["true", "1"]) if df[flag].dtype != bool else df[flag]
        out[kind] = df[list(cols)]
    if problems:
        raise RecordsError(tr("punct.semicolon", "zh").join(p[0] for p in problems),
                           tr("punct.semicolon", "en").join(p[1] for p in problems))
    return out


def write_records(records: dict[str, pd.DataFrame], folder: str | os.PathLike[str], force: bool = False) -> Path:
    """Write ``records`` as ``<kind>.parquet`` files into ``folder`` (as a whole, with a manifest)."""
    with atomic_folder(folder, "ledger_records", force=force) as tmp:
        for kind, df in records.items():
            df.to_parquet(tmp / f"{kind}.parquet", index=False)
    return Path(folder)
