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
the model's own rule, called, not re-written). A site with at least ``presence_fit.min_site_days``
days (scenario.yaml) gets its own estimate; thinner sites are pooled to their level (marked ``pooled``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

from ..work.presence import unstaffed_share

__all__ = ["walkin_days", "away_share_mle", "joint_away_share", "LR_95"]

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


def joint_away_share(walk: pd.DataFrame, other: pd.DataFrame, staff: dict[str, int]) -> tuple[float, float, float]:
    """Away share of one level from ledgers that do not write "无人接待": (estimate, 95% low, 95% high).

    A walk-in who found the station unstaffed went on to the parent, which such a ledger cannot tell
    from a referral; phone, letter and online matters never meet a closed station. So per case type
    ``j`` the share resolved here is ``r_j`` for the other channels and ``(1 - q_s(a)) r_j`` for
    walk-ins at site ``s`` -- one likelihood over ``a`` and every ``r_j`` (nothing taken as known), ``a``
    profiled with a likelihood-ratio interval. ``walk``: site_id, case_type, n (decisions), hits
    (resolved here); ``other``: case_type, n, hits.
    """
    cts = sorted(set(walk["case_type"]) | set(other["case_type"]))
    c = walk["site_id"].map(staff).fillna(0).to_numpy(float)
    wj = walk["case_type"].map({k: i for i, k in enumerate(cts)}).to_numpy(int)
    oj = other["case_type"].map({k: i for i, k in enumerate(cts)}).to_numpy(int)
    wn, wh = walk["n"].to_numpy(float), walk["hits"].to_numpy(float)
    on, oh = other["n"].to_numpy(float), other["hits"].to_numpy(float)

    k = len(cts)

    def profile(a: float) -> float:
        """-log L at ``a`` with every r_j at its best: the log-likelihood is concave in r_j, so its
        score is bisected to zero, all case types at once."""
        f = 1.0 - np.clip(unstaffed_share(a, c, True), 0.0, 1 - _EPS)
        lo, hi = np.full(k, _EPS), np.full(k, 1 - _EPS)
        for _ in range(48):
            r = (lo + hi) / 2
            rw = r[wj]
            score = np.bincount(wj, wh / rw - (wn - wh) * f / np.maximum(1 - f * rw, _EPS), k) \
                + np.bincount(oj, oh / r[oj] - (on - oh) / (1 - r[oj]), k)
            lo, hi = np.where(score > 0, r, lo), np.where(score > 0, hi, r)
        r = (lo + hi) / 2
        pw = np.clip(f * r[wj], _EPS, 1 - _EPS)
        po = np.clip(r[oj], _EPS, 1 - _EPS)
        return -float(np.sum(wh * np.log(pw) + (wn - wh) * np.log1p(-pw)) + np.sum(oh * np.log(po) + (on - oh) * np.log1p(-po)))

    if wn.sum() <= 0 or on.sum() <= 0:
        return math.nan, math.nan, math.nan
    lo_b, hi_b = _EPS, 0.95
    best = float(minimize_scalar(profile, bounds=(lo_b, hi_b), method="bounded", options={"xatol": 1e-5}).x)
    top = profile(best) + LR_95
    lo = lo_b if profile(lo_b) <= top else brentq(lambda a: profile(a) - top, lo_b, best, xtol=1e-5)
    hi = hi_b if profile(hi_b) <= top else brentq(lambda a: profile(a) - top, best, hi_b, xtol=1e-5)
    return best, lo, hi
