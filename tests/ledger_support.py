"""Helpers of the ledger tests: a key outside the project, rendered ledgers and what they should give back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vetsim.ledger import render_ledger, synthetic_records

EVENT_FIELDS = ["site_id", "level", "date", "case_type", "channel", "on_spot", "resolved_date", "referred_to"]
REGISTER_FIELDS = ["site_id", "level", "group"]


@pytest.fixture(autouse=True)
def ledger_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every ledger test uses a key in a scratch folder (never the user's, never inside the project)."""
    path = tmp_path_factory.getbasetemp() / "ledger-key" / "ledger.key"
    monkeypatch.setenv("VETSIM_KEY", str(path))
    return path


def rendered(scenario, kind: str, path: Path, n: int = 240, seed: int = 1, **kw):
    """(clean records, RenderedLedger) of ``n`` synthetic records of ``kind`` written at ``path``."""
    recs = synthetic_records(scenario, kind, n, seed)
    return recs, render_ledger(recs, scenario, kind, seed + 1, path, **kw)


def expected(recs: pd.DataFrame, r) -> pd.DataFrame:
    """The records the import must give back, indexed by the record_id the import will give them."""
    good = r.rows[~r.rows["index"].isin(r.bad_rows.loc[r.bad_rows["rejected"], "index"])]
    exp = recs.iloc[good["index"].to_numpy()].copy()
    exp.index = pd.Index(good["record_id"].to_numpy(), name="record_id", dtype=object)
    return exp
