"""The measures compared between the ledgers and the simulation, computed the same way for both.

Why one function: observed and simulated figures are comparable only if they are counted alike.
The simulation's cases are turned into ledger records (:func:`vetsim.backtest.draw.records_from_results`)
and measured by the same :func:`measures` as the bureau's records: matters per month, on-the-spot
share of walk-in matters, one-trip rate, mean days to resolution, matters still open at the end
of the window (backlog), the share resolved at the level (of the matters decided there), the channel
mix (walk-in and phone shares) and the share of walk-in matters that found the station unstaffed,
per level x case type and per level over all case types ("all").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..ledgerfit.matters import matters
from ..scenario.levels import DEFAULT_LEVELS

__all__ = ["measures", "MEASURES", "month_labels"]

MEASURES = ("volume", "on_spot_share", "one_trip_rate", "resolution_days", "backlog_end", "resolved_here_share",
            "walk_in_share", "phone_share", "closed_visit_share")
_LEVELS = DEFAULT_LEVELS.site_ids  # the bundled registry: ledger records name its levels


def month_labels(start: dt.date, end: dt.date) -> list[str]:
    """'YYYY-MM' of every month in [start, end)."""
    out, y, m = [], start.year, start.month
    while dt.date(y, m, 1) < end:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _rates(g: pd.DataFrame, end: pd.Timestamp) -> dict[str, float]:
    walk = g[g["channel"] == "visit"]
    res = g["resolved_date"]
    done = res.notna() & (res < end)
    wdone = walk["resolved_date"].notna() & (walk["resolved_date"] < end)
    base = wdone | (walk["trips"] >= 1)
    days = (g.loc[done, "resolved_date"] - g.loc[done, "date"]).dt.days
    to = (g["referred_to"] != "") | (g["handed_to"] != "")
    dec = (done | to) & ~g["found_nobody"]  # decided here: resolved, or handed on after a decision
    return {
        "resolved_here_share": float((~to[dec]).mean()) if dec.any() else np.nan,
        "walk_in_share": float((g["channel"] == "visit").mean()) if len(g) else np.nan,
        "phone_share": float(g["channel"].isin(["phone", "hotline"]).mean()) if len(g) else np.nan,
        "closed_visit_share": float(walk["found_nobody"].mean()) if len(walk) else np.nan,
        "on_spot_share": float(walk["on_spot"].mean()) if len(walk) else np.nan,
        "one_trip_rate": float(((walk["trips"] <= 1) & wdone)[base].mean()) if base.any() else np.nan,
        "resolution_days": float(days.mean()) if len(days) else np.nan,
        "backlog_end": float((~done).sum()),
    }


def measures(records: Mapping[str, pd.DataFrame], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Tidy: level, case_type ('all' = every type), measure, month ('' or 'YYYY-MM'), value."""
    m = matters(records)
    m = m[(m["date"] >= pd.Timestamp(start)) & (m["date"] < pd.Timestamp(end))]
    months = month_labels(start, end)
    m = m.assign(month=m["date"].dt.strftime("%Y-%m"))
    stop = pd.Timestamp(end)
    rows: list[tuple[str, str, str, str, float]] = []
    for level in _LEVELS:
        lv = m[m["level"] == level]
        groups = [("all", lv), *((ct, g) for ct, g in lv.groupby("case_type", sort=True))]
        for ct, g in groups:
            counts = g.groupby("month").size().reindex(months, fill_value=0)
            rows += [(level, ct, "volume", mo, float(v)) for mo, v in counts.items()]
            rows += [(level, ct, k, "", v) for k, v in _rates(g, stop).items()]
    return pd.DataFrame(rows, columns=["level", "case_type", "measure", "month", "value"])
