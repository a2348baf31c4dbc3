"""Simulation-based calibration: does the ledger fit find a county's known truth?

For a true county (a scenario with known shifts, :mod:`.truth`) :func:`recover` draws ledgers from
its simulation (:func:`vetsim.backtest.draw_records`), renders them as messy spreadsheets
(:func:`vetsim.ledger.render_ledger`, fake people), imports them **through the command line**
(``vetsim ledger import``, against the bureau's base scenario), fits them onto the base and returns
each fitted parameter beside its truth with its 95% interval. :func:`coverage_table` summarises
many counties per parameter kind: coverage of the 95% intervals and mean bias against the mean
interval half-width (volumes in relative terms, shares in points).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import atomic_write_text
from ..ledger.synthetic import render_ledger
from ..ledgerfit.fit import fit_ledger
from ..ledgerfit.records_io import read_records
from ..scenario import Scenario
from .draw import draw_records

__all__ = ["recover", "coverage_table", "KINDS", "RECOVERY_COLUMNS"]

KINDS = ("volume", "resolved_here_share", "hotline_share", "away_share")
RECOVERY_COLUMNS = ["kind", "level", "case_type", "truth", "estimate", "ci_low", "ci_high", "n", "inside"]
_SUFFIX = {"visits": ".csv", "petitions": ".xlsx", "cases": ".csv", "register": ".csv"}


def _import(records: dict[str, pd.DataFrame], base: Scenario, base_path: str, folder: Path, seed: int,
            kinds: tuple[str, ...], main: Callable[[list[str]], int]) -> tuple[list[str], int]:
    """Render and import each kind through ``vetsim ledger import``; (output folders, referrals left unknown)."""
    outs, unknown_sites = [], 0
    for i, kind in enumerate(kinds):
        path = folder / "ledgers" / f"{kind}{_SUFFIX[kind]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        render_ledger(records[kind], base, kind, seed * 10 + i, path)
        out = folder / "imported" / kind
        out.parent.mkdir(parents=True, exist_ok=True)
        code = main(["ledger", "import", str(path), "--scenario", base_path, "--out", str(out)])
        if code != 0:
            raise RuntimeError(f"vetsim ledger import {kind} exited {code}")
        outs.append(str(out))
        # every referral of a drawn record names a site or a partner: none may stay unknown
        probs = pd.read_csv(out / "problems.csv") if (out / "problems.csv").is_file() else pd.DataFrame()
        if len(probs) and "reason" in probs.columns:
            unknown_sites += int((probs["reason"] == "unknown_referral").sum())
    return outs, unknown_sites


def recover(truth: Scenario, base: Scenario, base_path: str | os.PathLike[str], folder: str | os.PathLike[str],
            main: Callable[[list[str]], int], seed: int = 0, years: float = 2,
            kinds: tuple[str, ...] = ("visits", "petitions", "cases")) -> tuple[pd.DataFrame, dict]:
    """Fitted vs true parameters (``RECOVERY_COLUMNS``) of one true county, and facts of the import.

    ``main``: the command line's entry point (``vetsim.cli.main``), through which every ledger is
    imported exactly as a bureau would (passed in: this package sits below the command line)."""
    folder = Path(folder)
    records = draw_records(truth, years=years, seed=seed)
    outs, unknown = _import(records, base, str(base_path), folder, seed, kinds, main)
    fit = fit_ledger(read_records(outs), base)
    rows = []

    def put(kind: str, level: str, ct: str, true: float, hit) -> None:
        if hit is None or hit["basis"] != "fitted":
            return
        lo, hi = float(hit["ci_low"]), float(hit["ci_high"])
        rows.append((kind, level, ct, float(true), float(hit["estimate"]), lo, hi, int(hit["n"]), lo <= true <= hi))

    for r in truth.caseload:
        if r.level == truth.levels.partner:
            continue
        if r.yearly_volume > 0:
            put("volume", r.level, r.case_type, r.yearly_volume, fit.get("yearly_volume", r.level, r.case_type))
        if 0 < r.resolved_here_share < 1:
            put("resolved_here_share", r.level, r.case_type, r.resolved_here_share,
                fit.get("resolved_here_share", r.level, r.case_type))
    for ct, c in truth.spec.case_types.items():
        if (c.hotline_share or 0) > 0:
            put("hotline_share", "", ct, c.hotline_share, fit.get("hotline_share", "", ct))
    pres = truth.spec.presence
    for lv in truth.levels.site_ids:
        p = pres.level(lv) if pres is not None else None
        if p is not None:
            put("away_share", lv, "", p.away_share.value, fit.get("away_share", lv))
    facts = {"unknown_site_referrals": unknown, "matters": int(fit.level_volumes()["n"].sum())}
    atomic_write_text(folder / "recovery.json", json.dumps(facts))
    return pd.DataFrame(rows, columns=RECOVERY_COLUMNS), facts


def coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per kind: parameters, coverage of the 95% intervals, mean bias, mean half-width, bias / half-width.

    Volumes in relative terms (estimate / truth - 1), shares in points (estimate - truth).
    """
    r = results.copy()
    rel = r["kind"] == "volume"
    scale = np.where(rel, r["truth"], 1.0)
    r["bias"] = (r["estimate"] - r["truth"]) / scale
    r["half"] = (r["ci_high"] - r["ci_low"]) / 2 / scale
    out = r.groupby("kind", sort=False).agg(parameters=("inside", "size"), coverage=("inside", "mean"),
                                             mean_bias=("bias", "mean"), mean_half_width=("half", "mean"))
    out["bias_over_half_width"] = out["mean_bias"].abs() / out["mean_half_width"]
    return out.reindex([k for k in KINDS if k in out.index]).reset_index()
