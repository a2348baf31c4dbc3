"""Statistics shared by every model and report: Student-t quantiles and confidence intervals.

One home, so that the simulation summary, the calibration table and the staffing confirmation
give the same interval for the same numbers.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["t_quantile", "t_interval"]


@lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """Student-t quantile for integer ``df`` (exact CDF as a finite trigonometric sum, then bisection)."""
    if df < 1:
        return math.nan

    def two_sided(t: float) -> float:  # P(|T| <= t), Abramowitz & Stegun 26.7.3-4
        th = math.atan(t / math.sqrt(df))
        c2, s = math.cos(th) ** 2, math.sin(th)
        if df % 2 == 1:
            term, acc = math.cos(th), 0.0
            if df > 1:
                acc = term
                for k in range(3, df - 1, 2):
                    term *= c2 * (k - 1) / k
                    acc += term
            return 2 / math.pi * (th + s * acc)
        term, acc = 1.0, 1.0
        for k in range(2, df, 2):
            term *= c2 * (k - 1) / k
            acc += term
        return s * acc

    target = 2 * p - 1 if p >= 0.5 else 1 - 2 * p
    lo, hi = 0.0, 1.0
    while two_sided(hi) < target:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if two_sided(mid) < target else (lo, mid)
    q = (lo + hi) / 2
    return q if p >= 0.5 else -q



def t_interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of the Student-t interval for the mean of ``values`` (NaN values left out)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    half = t_quantile(0.5 + level / 2, len(x) - 1) * float(x.std(ddof=1)) / math.sqrt(len(x))
    return mean, mean - half, mean + half
