"""Staff presence fitted from the ledgers: how often a station was unstaffed, and its posts' away share.

Why: a walk-in who finds a township station unstaffed goes on to the county center (the model's
rule, :mod:`vetsim.work.presence`); presence decides both these wasted trips and the station's
capacity. It used to be assumed; here it is estimated from what the ledgers hold: walk-ins written
as "无人接待" on the first trip of a matter (``first_nobody``: its date is the day found unstaffed). The engine staffs a counter for a whole day, so the data are days:
per site, ``days`` with at least one walk-in and ``shut`` of them on which the walk-ins found
nobody. With ``c`` posts each away on a share ``a`` of days, a day is unstaffed with
``unstaffed_share(a, c)`` (= a**c), so per level

    shut_s ~ Binomial(days_s, unstaffed_share(a, c_s))

and ``a`` is the maximum-likelihood estimate with a likelihood-ratio 95% interval (the inverse of
the model's own rule, called, not re-written). A site with at least ``MIN_SITE_DAYS`` days gets its
own estimate; thinner sites are pooled to their level (marked ``pooled``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

from ..work.presence import unstaffed_share

__all__ = ["walkin_days", "away_share_mle", "MIN_SITE_DAYS", "MAX_HALF_WIDTH", "LR_95"]

MIN_SITE_DAYS = 150  # days with walk-ins a site needs for its own away share (else its level's)
MAX_HALF_WIDTH = 0.1  # a level's away share whose 95% interval is wider than +- this stays the scenario's (too thin)
LR_95 = 3.841458820694124 / 2  # half the chi-square(1) 95% quantile: the likelihood-ratio interval
_EPS = 1e-9


def walkin_days(m: pd.DataFrame, site_ids: list[str]) -> pd.DataFrame:
    """Per site (index ``site_ids``): ``days`` with a walk-in matter, ``shut`` of them found unstaffed."""
    walk = m[m["channel"] == "visit"]
    day = walk["date"].dt.normalize()
    per = pd.DataFrame({"site_id": walk["site_id"].to_numpy(), "day": day.to_numpy(),
                        "nobody": walk["first_nobody"].to_numpy(bool)})
    g = per.groupby(["site_id", "day"], sort=False)["nobody"].any().reset_index()
    out = g.groupby("site_id").agg(days=("nobody", "size"), shut=("nobody", "sum"))
    return out.reindex(site_ids, fill_value=0).astype(float)


def away_share_mle(days: np.ndarray, shut: np.ndarray, staff: np.ndarray) -> tuple[float, float, float]:
    """(estimate, 95% low, 95% high) of the away share ``a`` shared by sites with ``staff`` posts."""
    d, k, c = (np.asarray(x, dtype=float) for x in (days, shut, staff))
    use = (d > 0) & (c > 0)
    d, k, c = d[use], np.minimum(k[use], d[use]), c[use]
    if d.sum() <= 0:
        return math.nan, math.nan, math.nan

    def nll(a: float) -> float:
        q = np.clip(unstaffed_share(a, c, True), _EPS, 1 - _EPS)
        return -float(np.sum(k * np.log(q) + (d - k) * np.log1p(-q)))

    lo_b, hi_b = _EPS, 1 - 1e-6
    if k.sum() == 0:
        best = lo_b
    elif k.sum() == d.sum():
        best = hi_b
    else:
        best = float(minimize_scalar(nll, bounds=(lo_b, hi_b), method="bounded", options={"xatol": 1e-7}).x)
    top = nll(best) + LR_95
    lo = lo_b if nll(lo_b) <= top else brentq(lambda a: nll(a) - top, lo_b, best) if best > lo_b else lo_b
    hi = hi_b if nll(hi_b) <= top else brentq(lambda a: nll(a) - top, best, hi_b) if best < hi_b else hi_b
    return (0.0 if best <= lo_b else best), (0.0 if lo <= lo_b else lo), hi
