"""Ledger rows -> matters (事项): the repeat trips of one person for one matter become one matter.

Why: the visitor ledger writes a line per visit, so a veteran who came back with missing documents
appears twice. The model counts cases and trips per case; the fit needs the same. Rows of the same
person (pseudonym), site and case type belong to one matter while they follow each other within
``window_days`` and the matter is not yet resolved; a row after the resolution date, or after a
longer gap, opens a new matter. Rows without a person pseudonym are matters of their own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .schema import MATTER_COLUMNS, MATTER_KINDS

__all__ = ["matters", "all_rows", "REPEAT_WINDOW_DAYS"]

REPEAT_WINDOW_DAYS = 60


def all_rows(records: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows of every matter kind (visits, petitions, cases) in one frame."""
    parts = [records[k][list(MATTER_COLUMNS)] for k in MATTER_KINDS if k in records and len(records[k])]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MATTER_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"])
    out["resolved_date"] = pd.to_datetime(out["resolved_date"])
    out["referred_to"] = out["referred_to"].fillna("").astype(str)
    out["handed_to"] = out["handed_to"].fillna("").astype(str)
    out["found_nobody"] = out["found_nobody"].fillna(False).astype(bool)
    out["person"] = out["person"].fillna("").astype(str)
    out["on_spot"] = out["on_spot"].fillna(False).astype(bool)
    return out


def matters(records: Mapping[str, pd.DataFrame], window_days: int = REPEAT_WINDOW_DAYS) -> pd.DataFrame:
    """One row per matter: first date, site, level, case type, first channel, kind, on-the-spot,
    trips (rows written at a visit), ledger rows, resolution date, where it was referred (a partner,
    ``referred_to``, or a site, ``handed_to``) and whether a trip found the station unstaffed."""
    rows = all_rows(records)
    if rows.empty:
        return pd.DataFrame(columns=["matter", "date", "site_id", "level", "case_type", "channel", "kind", "on_spot",
                                     "trips", "rows", "resolved_date", "referred_to", "handed_to", "found_nobody",
                                     "first_nobody", "person"])
    rows = rows.sort_values(["person", "site_id", "case_type", "date"], kind="stable").reset_index(drop=True)
    same = ((rows["person"] != "") & (rows["person"] == rows["person"].shift())
            & (rows["site_id"] == rows["site_id"].shift()) & (rows["case_type"] == rows["case_type"].shift()))
    gap = (rows["date"] - rows["date"].shift()).dt.days
    prev_resolved = rows["resolved_date"].shift()
    after = prev_resolved.notna() & (rows["date"] > prev_resolved)
    new = ~same | (gap > window_days) | after
    rows["matter"] = np.cumsum(new.to_numpy()) - 1
    rows["is_visit"] = rows["channel"].isin(["visit"])
    g = rows.groupby("matter", sort=True)
    first = g.first()
    out = pd.DataFrame({
        "matter": first.index.to_numpy(),
        "date": first["date"].to_numpy(),
        "site_id": first["site_id"].to_numpy(object),
        "level": first["level"].to_numpy(object),
        "case_type": first["case_type"].to_numpy(object),
        "channel": first["channel"].to_numpy(object),
        "kind": first["kind"].to_numpy(object),
        "on_spot": first["on_spot"].to_numpy(bool),
        "trips": g["is_visit"].sum().to_numpy(np.int64),
        "rows": g.size().to_numpy(np.int64),
        "resolved_date": g["resolved_date"].max().to_numpy(),
        "referred_to": g["referred_to"].max().to_numpy(object),  # "" sorts first: any referral wins
        "handed_to": g["handed_to"].max().to_numpy(object),
        "found_nobody": g["found_nobody"].any().to_numpy(bool),  # a trip found the station unstaffed
        "first_nobody": first["found_nobody"].to_numpy(bool),  # the first trip did (on the matter's date)
        "person": first["person"].to_numpy(object),
    })
    return out.sort_values(["date", "site_id"], kind="stable").reset_index(drop=True)
