"""Calibration table (校准表): the bureau's known figures beside the simulated mean, its CI and the distance.

Why: a planner trusts the model when it reproduces last year's figures (the yearbook's visitor-times,
on-the-spot share, petition letters, hotline petitions, hardship and relief cases). The figures
live in the scenario's ``calibration.csv`` with their sources and tolerances; this module only
measures the same quantities in the simulation (per replication, then mean and 95% CI) and says
whether each lies within its tolerance. Nothing is tuned here: a miss is reported, not hidden.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..stats import t_interval
from .results import Results

__all__ = ["calibration_table", "CALIBRATION_COLUMNS"]

CALIBRATION_COLUMNS = ["key", "label_zh", "label_en", "figure", "simulated", "ci_low", "ci_high", "distance",
                       "tolerance", "within", "source"]


def _per_replication(res: Results, row) -> np.ndarray:
    n = int(res.meta["replications"])
    years = float(res.meta["days"]) / 365.0
    if row.measure in ("visits", "on_spot_share"):
        v = res.visits
        v = v[v["level"] == row.level] if row.level else v
        visits = v.groupby("replication").size().reindex(range(n), fill_value=0).to_numpy(float)
        if row.measure == "visits":
            return visits / years
        c = res.cases
        spot = c["on_spot"] & ((c["final_level"] == row.level) if row.level else True)
        hits = c[spot].groupby("replication").size().reindex(range(n), fill_value=0).to_numpy(float)
        return np.divide(hits, visits, out=np.full(n, np.nan), where=visits > 0)
    c = res.cases[~res.cases["from_backlog"]]
    if row.case_type:
        c = c[c["case_type"] == row.case_type]
    if row.channel:
        c = c[c["channel"] == row.channel]
    if row.level:
        c = c[c["origin_level"] == row.level]
    return c.groupby("replication").size().reindex(range(n), fill_value=0).to_numpy(float) / years


def calibration_table(res: Results, rows) -> pd.DataFrame:
    """One row per calibration figure: figure, simulated mean, 95% CI, relative distance, within tolerance."""
    out = []
    for r in rows:
        x = _per_replication(res, r)
        mean, lo, hi = t_interval(x)
        dist = (mean - r.value) / r.value if not math.isnan(mean) else math.nan
        out.append((r.key, r.label_zh, r.label_en, r.value, mean, lo, hi, dist, r.tolerance,
                    bool(abs(dist) <= r.tolerance) if not math.isnan(dist) else False, r.source))
    return pd.DataFrame(out, columns=CALIBRATION_COLUMNS)
