"""Statistics shared by every model and report: Student-t quantiles, confidence intervals, Wilson intervals.

One home, so that the simulation summary, the calibration table and the staffing confirmation
give the same interval for the same numbers. The quantiles come from ``scipy.special`` (``stdtrit``,
``ndtri``: the functions ``scipy.stats.t.ppf`` and ``norm.ppf`` call, same values to the last bit, without
the ~1 s import of ``scipy.stats``); no hand-written approximations that can disagree in the 4th digit.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["t_quantile", "t_half_width", "t_interval", "welch_interval", "welch_p_value", "paired_interval", "t_test_p_value",
           "false_discoveries_controlled", "wilson_interval", "mean_interval", "inside_each_other"]


@lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """Student-t quantile ``p`` with ``df`` degrees of freedom (NaN for ``df < 1``)."""
    if df < 1:
        return math.nan
    from scipy.special import stdtrit  # lazy: commands that print no interval skip scipy

    return float(stdtrit(df, p))


def t_half_width(sd, n, level: float = 0.95):
    """Half width of the Student-t interval for a mean: ``t(0.5 + level/2, n-1) * sd / sqrt(n)``.

    ``sd`` and ``n`` may be numbers or arrays (broadcast); NaN where ``n < 2``.
    """
    from scipy.special import stdtrit  # lazy: as in t_quantile

    n_arr = np.asarray(n, dtype=float)
    sd_arr = np.asarray(sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(n_arr >= 2, stdtrit(np.maximum(n_arr - 1, 1), 0.5 + level / 2), np.nan)
        half = q * sd_arr / np.sqrt(np.maximum(n_arr, 1))
    return float(half) if np.ndim(half) == 0 else half


def t_interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of the Student-t interval for the mean of ``values`` (NaN values left out)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    half = t_half_width(float(x.std(ddof=1)), len(x), level)
    return mean, mean - half, mean + half


def _welch(before, after) -> tuple[float, float, float]:
    """(difference of means, squared standard error, Welch-Satterthwaite degrees of freedom); NaN parts where
    a side has no value (all three) or fewer than two (the last two). NaN values are left out."""
    a = np.asarray(before, dtype=float)
    b = np.asarray(after, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return math.nan, math.nan, math.nan
    diff = float(b.mean() - a.mean())
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = float(a.var(ddof=1)) / len(a), float(b.var(ddof=1)) / len(b)
    se2 = va + vb
    if se2 <= 0.0:
        return diff, 0.0, math.inf
    return diff, se2, se2 * se2 / (va * va / (len(a) - 1) + vb * vb / (len(b) - 1))


def welch_interval(before, after, level: float = 0.95) -> tuple[float, float, float]:
    """(difference, low, high): Welch's interval for ``mean(after) - mean(before)`` of two independent samples
    (replications of two runs; NaN values left out), degrees of freedom by Welch-Satterthwaite.

    Both samples without spread give the difference as a point (a figure no replication varies, e.g. a
    count of the input); fewer than two values on either side give NaN bounds (no interval can be said).
    """
    diff, se2, df = _welch(before, after)
    if math.isnan(se2):
        return diff, math.nan, math.nan
    if se2 == 0.0:
        return diff, diff, diff
    from scipy.special import stdtrit  # lazy: as in t_quantile (fractional degrees of freedom)

    half = float(stdtrit(df, 0.5 + level / 2)) * math.sqrt(se2)
    return diff, diff - half, diff + half


def paired_interval(before, after, level: float = 0.95) -> tuple[float, float, float, float]:
    """(difference, low, high, p-value) of ``mean(after - before)`` over pairs (replication ``i`` of two runs
    that drew the same random numbers: common random numbers), Student's t on the differences (pairs with a
    NaN left out). The noise both runs share cancels, so the interval is the right width for a change.

    No spread in the differences gives the difference as a point (p 0, or 1 for no difference); one pair gives
    NaN bounds and p-value."""
    a = np.asarray(before, dtype=float)
    b = np.asarray(after, dtype=float)
    d = (b - a)[~(np.isnan(a) | np.isnan(b))]
    if len(d) == 0:
        return math.nan, math.nan, math.nan, math.nan
    diff = float(d.mean())
    if len(d) < 2:
        return diff, math.nan, math.nan, math.nan
    se2 = float(d.var(ddof=1)) / len(d)
    if se2 <= 0.0:
        return diff, diff, diff, t_test_p_value(diff, 0.0, math.inf)
    half = t_quantile(0.5 + level / 2, len(d) - 1) * math.sqrt(se2)
    return diff, diff - half, diff + half, t_test_p_value(diff, se2, len(d) - 1)


def t_test_p_value(diff: float, se2: float, df: float) -> float:
    """Two-sided p-value of a difference ``diff`` with squared standard error ``se2`` and ``df`` degrees of
    freedom (Student's t); no spread: 0 for a difference, 1 for none; NaN when it cannot be said."""
    if math.isnan(diff) or math.isnan(se2) or math.isnan(df):
        return math.nan
    if se2 <= 0.0:
        return 0.0 if diff != 0.0 else 1.0
    from scipy.special import stdtr  # lazy: as in t_quantile

    return float(2.0 * stdtr(df, -abs(diff) / math.sqrt(se2)))


def welch_p_value(before, after) -> float:
    """Two-sided p-value of Welch's test of ``mean(after) == mean(before)`` (the test :func:`welch_interval`
    inverts: p < 0.05 exactly when the 95% interval leaves out 0)."""
    return t_test_p_value(*_welch(before, after))


def false_discoveries_controlled(p_values, rate: float) -> np.ndarray:
    """Which of many tests to call a discovery, Benjamini-Hochberg step-up at false discovery ``rate``.

    Of the figures called moved, the expected share that did not really move is at most ``rate`` (tests
    independent or positively dependent, as KPIs of the same runs are); when nothing moved at all, the
    chance of calling anything is at most ``rate``. NaN p-values are never called and do not count as tests.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.zeros(len(p), dtype=bool)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    below = p[order] <= rate * np.arange(1, m + 1) / m
    if below.any():
        out[order[: int(np.flatnonzero(below)[-1]) + 1]] = True
    return out


def wilson_interval(successes, n, level: float = 0.95):
    """Wilson score interval (low, high) for a chance estimated as ``successes`` of ``n`` runs.

    Unlike a Student-t interval around a share of 0/1 values it never collapses to a point at 0 or
    1 of n and stays inside [0, 1]: 3 of 4 runs gives about 30%-95%, not "0%-100%" or "75%-75%".
    Numbers or arrays (broadcast); NaN where ``n < 1``.
    """
    from scipy.special import ndtri  # lazy: as in t_quantile

    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = float(ndtri(0.5 + level / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        den = 1.0 + z * z / m
        mid = (p + z * z / (2 * m)) / den
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / den
        low = np.where(m >= 1, np.clip(mid - half, 0.0, 1.0), np.nan)
        high = np.where(m >= 1, np.clip(mid + half, 0.0, 1.0), np.nan)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def mean_interval(values, binary: bool = False, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) over runs: Student-t, or Wilson's for a chance over runs (0/1 values, ``binary``).
    NaN values are left out; a sample of one value, or of one value repeated, has that value as its interval."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if binary:
        lo, hi = wilson_interval(float(x.sum()), len(x), level)
        return mean, float(lo), float(hi)
    if len(x) < 2 or not np.isfinite(x).all() or float(x.std(ddof=1)) == 0.0:
        return mean, mean, mean
    return t_interval(x, level)


def inside_each_other(a, b, binary: bool = False, level: float = 0.95) -> bool:
    """True when the mean of ``a`` lies in the interval of ``b`` (:func:`mean_interval`) and the mean of ``b``
    in that of ``a``: two samples of runs that agree within noise. Both empty: True; one empty: False."""
    ma, la, ha = mean_interval(a, binary, level)
    mb, lb, hb = mean_interval(b, binary, level)
    if math.isnan(ma) or math.isnan(mb):
        return math.isnan(ma) and math.isnan(mb)
    return bool(lb <= ma <= hb and la <= mb <= ha)
