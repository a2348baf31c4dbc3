"""Erlang B, C and A, vectorized over numpy arrays (any broadcastable shape, e.g. sites x periods).

Why: a slider in the staffing explorer must answer instantly for every site and hour, so the
steady-state queue formulas are evaluated for whole arrays at once.

Conventions (all arrays broadcast together):
- ``load`` a = lambda / mu, offered load in Erlangs (arrival rate x mean service time);
- ``servers`` c, a non-negative integer array;
- ``service_time`` mean service time (minutes); ``t`` the service-level threshold (minutes);
- ``patience`` mean patience (minutes, exponential) for Erlang A; ``inf`` gives Erlang C.

Numerics: Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)) (no factorials, no
overflow for large c). Erlang A uses the series S(x, w) = sum_j w^j / ((x+1)...(x+j)) summed in
log space, so that it stays finite when w = lambda x patience is large.

Edge cases: zero load gives zero wait and P(wait) = 0; load >= servers in Erlang C is *unstable*:
P(wait) = 1, mean wait = inf, service level = 0 (no crash, no negative number). Erlang A is
always stable (impatient customers leave), also with zero servers.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["erlang_b", "erlang_c", "erlang_a"]

Arr = NDArray[np.float64]


def erlang_b(load: ArrayLike, servers: ArrayLike) -> Arr:
    """Blocking probability of M/M/c/c (Erlang B) for each element; c = 0 gives 1."""
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    a, c = np.broadcast_arrays(a, c)
    if np.any(c < 0) or np.any(a < 0) or not np.all(np.isfinite(a)):
        raise ValueError("erlang_b: load must be finite and >= 0, servers >= 0")
    b = np.ones(a.shape)
    cmax = int(c.max()) if c.size else 0
    for k in range(1, cmax + 1):
        ab = a * b
        nxt = ab / (k + ab)
        b = np.where(k <= c, nxt, b)
    return b


def erlang_c(load: ArrayLike, servers: ArrayLike, service_time: ArrayLike = 1.0,
             t: ArrayLike = 0.0) -> dict[str, Arr]:
    """M/M/c (Erlang C): probability of waiting, mean wait, service level P(W <= t), occupancy.

    Returns a dict of arrays: ``p_wait``, ``mean_wait`` (same unit as ``service_time``),
    ``service_level``, ``occupancy`` (a / c, may exceed 1), ``stable`` (bool).
    """
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    s = np.asarray(service_time, dtype=float)
    tt = np.asarray(t, dtype=float)
    a, c, s, tt = np.broadcast_arrays(a, c, s, tt)
    b = erlang_b(a, c)
    cf = c.astype(float)
    stable = (a < cf) | (a == 0)
    idle = a == 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rho = np.where(cf > 0, a / np.where(cf > 0, cf, 1.0), np.where(idle, 0.0, np.inf))
        cw = b / (1.0 - rho * (1.0 - b))
        p_wait = np.where(idle, 0.0, np.where(stable, cw, 1.0))
        gap = np.where(stable & ~idle, cf - a, 1.0)  # c - a > 0 where used
        mean_wait = np.where(idle, 0.0, np.where(stable, p_wait * s / gap, np.inf))
        decay = np.where(s > 0, np.exp(-gap * tt / np.where(s > 0, s, 1.0)), 0.0)
        sl = np.where(idle, 1.0, np.where(stable, 1.0 - p_wait * decay, 0.0))
    out = {"p_wait": p_wait, "mean_wait": mean_wait, "service_level": np.clip(sl, 0.0, 1.0), "occupancy": rho}
    res = {k: np.array(v, dtype=float) for k, v in out.items()}
    res["stable"] = np.array(stable, dtype=bool)
    return res


def _terms_needed(wmax: float) -> int:
    """Terms after which every remaining term of S(x, w), w <= wmax, is below 1e-17 of the sum.

    Terms are at most w^j / j! (x >= 0) and S >= 1, so the first j with w^j / j! < 1e-17 bounds
    the tail; for large w the sum is ~e^w and terms past w + 12 sqrt(w) + 45 are negligible too.
    """
    log_w = math.log(wmax)
    j, log_term = 0, 0.0
    cap = int(math.ceil(wmax + 12.0 * math.sqrt(wmax) + 45.0))
    while j < cap:
        j += 1
        log_term += log_w - math.log(j)
        if j > wmax and log_term < -40.0:
            break
    return j + 1


def _log_series(x: Arr, w: Arr) -> Arr:
    """log S(x, w), S(x, w) = sum_{j>=0} w^j / prod_{i=1..j}(x + i), for x >= 0, w >= 0.

    Terms rise while w > x + j and then fall faster than geometrically; enough terms are taken
    that the remainder is below 1e-17 of the sum for the largest w in the array.
    """
    out = np.zeros(x.shape)
    pos = w > 0
    if not np.any(pos):
        return out
    # group elements by the size of w so that small loads do not pay for the terms of large ones
    bucket = np.digitize(np.log10(np.where(pos, w, 1.0)), [-2.0, -1.0, 0.0, 1.0, 2.0])
    for b in np.unique(bucket[pos]):
        sel = pos & (bucket == b)
        xp, wp = x[sel], w[sel]
        n_terms = _terms_needed(float(wp.max()))
        j = np.arange(1, n_terms + 1, dtype=float)
        logterms = np.cumsum(np.log(wp)[:, None] - np.log(xp[:, None] + j[None, :]), axis=1)
        m = np.maximum(logterms.max(axis=1), 0.0)
        out[sel] = m + np.log(np.exp(-m) + np.exp(logterms - m[:, None]).sum(axis=1))
    return out


def erlang_a(load: ArrayLike, servers: ArrayLike, service_time: ArrayLike = 1.0,
             patience: ArrayLike = np.inf, t: ArrayLike = 0.0) -> dict[str, Arr]:
    """M/M/c+M (Erlang A, exponential patience): waiting, abandonment and service level.

    Returns a dict of arrays:
    - ``p_wait``: P(an arrival finds all servers busy);
    - ``p_abandon``: P(the arrival leaves before service);
    - ``mean_wait``: mean time in queue over all arrivals (served or not) = p_abandon x patience;
    - ``service_level``: P(served and waited <= t) -- abandoning visitors count as failures;
    - ``offered_wait_ok``: P(offered wait V <= t), the wait a visitor with infinite patience would have;
    - ``occupancy``: served load / c (at most 1); ``stable``: always True where patience is finite.

    Where ``patience`` is infinite the Erlang C values are returned (``p_abandon`` = 0).
    Derivation (checked in tests against a truncated birth-death chain in exact rationals): with
    x = c mu / theta, y = lambda / theta, z = exp(-theta t), pi_c = B / (1 - B + B S(x, y)),
    P(wait) = pi_c S(x, y); P(V > t) = pi_c e^{y(1-z)} z^x S(x, y z);
    P(served, 0 < V <= t) = pi_c x/(x+1) [S(x+1, y) - e^{y(1-z)} z^{x+1} S(x+1, y z)].
    """
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    s = np.asarray(service_time, dtype=float)
    pt = np.asarray(patience, dtype=float)
    tt = np.asarray(t, dtype=float)
    a, c, s, pt, tt = (np.array(v) for v in np.broadcast_arrays(a, c, s, pt, tt))
    if np.any(pt <= 0) or np.any(s < 0) or np.any(tt < 0):
        raise ValueError("erlang_a: patience must be > 0, service_time and t >= 0")
    shape = a.shape
    res = erlang_c(a, c, s, tt)
    res["p_abandon"] = np.zeros(shape)
    res["offered_wait_ok"] = res["service_level"].copy()
    imp = np.isfinite(pt) & (a > 0) & (s > 0)
    if not np.any(imp):
        return res
    ai, ci, si, pi_, ti = a[imp], c[imp].astype(float), s[imp], pt[imp], tt[imp]
    # rates per minute: mu = 1/s, theta = 1/patience, lambda = a/s
    x = ci * pi_ / si                      # c mu / theta
    y = ai * pi_ / si                      # lambda / theta
    z = np.exp(-ti / pi_)                  # exp(-theta t)
    b = erlang_b(ai, ci.astype(np.int64))
    # S(x, w) = 1 + w / (x + 1) S(x + 1, w): two series instead of four
    ls_x1y = _log_series(x + 1.0, y)
    ls_x1yz = _log_series(x + 1.0, y * z)
    with np.errstate(divide="ignore"):
        ls_xy = np.logaddexp(0.0, np.log(y) - np.log(x + 1.0) + ls_x1y)
        ls_xyz = np.logaddexp(0.0, np.log(y * z) - np.log(x + 1.0) + ls_x1yz)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        # pi_c = B / (1 - B + B S) computed as 1 / ((1/B - 1) + S); use logs when S is huge
        inv_b_minus_1 = np.where(b > 0, (1.0 - b) / b, np.inf)
        log_pic = -np.logaddexp(np.log(np.maximum(inv_b_minus_1, 1e-300)), ls_xy)
        log_pic = np.where(inv_b_minus_1 == 0, -ls_xy, log_pic)
        p_wait = np.exp(log_pic + ls_xy)
        shift = y * (1.0 - z)
        logz = np.log(z)
        p_v_gt_t = np.exp(log_pic + shift + x * logz + ls_xyz)
        frac = x / (x + 1.0)
        served_wait_le_t = frac * (np.exp(log_pic + ls_x1y) - np.exp(log_pic + shift + (x + 1.0) * logz + ls_x1yz))
        p_ab = p_wait - frac * np.exp(log_pic + ls_x1y)
    p_ab = np.clip(p_ab, 0.0, 1.0)
    res["p_wait"][imp] = np.clip(p_wait, 0.0, 1.0)
    res["p_abandon"][imp] = p_ab
    res["mean_wait"][imp] = p_ab * pi_
    res["service_level"][imp] = np.clip((1.0 - p_wait) + served_wait_le_t, 0.0, 1.0)
    res["offered_wait_ok"][imp] = np.clip(1.0 - p_v_gt_t, 0.0, 1.0)
    res["occupancy"][imp] = np.where(ci > 0, ai * (1.0 - p_ab) / np.where(ci > 0, ci, 1.0), 0.0)
    res["stable"][imp] = True
    return res
