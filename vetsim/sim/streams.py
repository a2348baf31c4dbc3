"""Random numbers for one replication, pre-drawn with numpy in batches.

Common random numbers: every stream is keyed by (replication seed, purpose, site id, case type),
not by its position in a list, so a baseline and a proposal run with the same seed draw the same
arrivals and the same per-case randomness (channel, missing documents, referral decisions,
service-time and patience multipliers) at every site they share, whatever their staffing.
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network

__all__ = ["Stream", "draw_streams", "keyed_rng", "vary_parameters", "VISIT_DRAWS", "N_DRAWS"]

# per-case pre-drawn visit randomness; further visits of the same case use the overflow stream
VISIT_DRAWS = 4
# columns of Stream.draws: uniforms for channel, missing documents, resolved-here at village /
# township / county center; then per visit k: service multiplier, patience multiplier, time-of-day uniform
U_CHANNEL, U_MISSING, U_RESOLVE = 0, 1, 2
SVC, PAT, WHEN = 5, 5 + VISIT_DRAWS, 5 + 2 * VISIT_DRAWS
N_DRAWS = 5 + 3 * VISIT_DRAWS


def keyed_rng(seed_seq: np.random.SeedSequence, *key: str) -> np.random.Generator:
    """A generator for ``key`` under ``seed_seq``: same key, same numbers, independent of other keys."""
    words = tuple(zlib.crc32(k.encode("utf-8")) for k in key)
    return np.random.default_rng(np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, *words)))


@dataclass
class Stream:
    """Cases of one case type arriving at one site: times (minutes from the start) and their draws."""

    site: int
    ct: int
    times: np.ndarray
    draws: np.ndarray  # [n, N_DRAWS]: see the column constants above
    age_days: np.ndarray | None = None  # backlog cases only: days open before the start
    effort: np.ndarray | None = None  # long-running backlog cases: coordination effort (minutes) per case
    daily_cap: float = float("inf")  # ... most effort minutes a working day
    decider: int = -1  # ... partner department that decides (-1: decided at the site)
    not_before: int = 0  # ... first day a resolution is possible


def _case_draws(rng: np.random.Generator, n: int, net: Network) -> np.ndarray:
    u = rng.random((n, 5))
    if net.exponential:
        svc = rng.standard_exponential((n, VISIT_DRAWS))
    else:
        shape = 1.0 / net.svc_cv**2
        svc = rng.standard_gamma(shape, (n, VISIT_DRAWS)) / shape
    pat = rng.standard_exponential((n, VISIT_DRAWS))
    when = rng.random((n, VISIT_DRAWS))
    return np.hstack([u, svc, pat, when])


def draw_streams(net: Network, seed_seq: np.random.SeedSequence) -> tuple[list[Stream], list[Stream]]:
    """Arrival streams (non-homogeneous Poisson: Poisson count per day, times by the hour profile)
    and backlog streams for one replication."""
    arrivals: list[Stream] = []
    day0 = np.arange(net.days, dtype=float) * MINUTES_PER_DAY
    for site, ct, lam in net.streams:
        rng = keyed_rng(seed_seq, "arrivals", net.site_ids[site], net.case_types[ct])
        counts = rng.poisson(lam)
        n = int(counts.sum())
        if n == 0:
            continue
        minute = net.times_in_day(site, rng.random(n))
        times = np.repeat(day0, counts) + minute
        times.sort(kind="stable")
        arrivals.append(Stream(site, ct, times, _case_draws(rng, n, net)))
    backlog: list[Stream] = []
    for site, ct, n, mean_age, effort, cv, cap, decider, not_before in net.backlog:
        rng = keyed_rng(seed_seq, "backlog", net.site_ids[site], net.case_types[ct])
        age = np.minimum(rng.exponential(mean_age, n) if mean_age > 0 else np.zeros(n), 12 * mean_age)
        st = Stream(site, ct, np.zeros(n), _case_draws(rng, n, net), age_days=age)
        if effort > 0:  # hard cases differ: effort gamma-distributed around the mean with the row's CV
            erng = keyed_rng(seed_seq, "backlog_effort", net.site_ids[site], net.case_types[ct])
            st.effort = effort * (erng.gamma(1 / cv**2, cv**2, n) if cv > 0 else np.ones(n))
            st.daily_cap, st.decider, st.not_before = cap, decider, not_before
        backlog.append(st)
    return arrivals, backlog


def vary_parameters(net: Network, seed_seq: np.random.SeedSequence) -> Network:
    """The network with its fitted numbers drawn for one replication (parameter uncertainty).

    Only caseload rows with a standard error (``yearly_volume_se``, ``resolved_here_share_se``, e.g.
    fitted from the bureau's ledgers) vary: the yearly volume by a gamma factor with mean 1 and CV
    se / volume (all sites of the level alike), the share resolved at the level by a beta draw with the
    row's mean and SE. Keyed by case type and level, so a baseline and a proposal share the draws.
    Without standard errors the network is returned unchanged.
    """
    if net.volume_se is None and net.resolved_se is None:
        return net
    factor = np.ones_like(net.resolved)
    resolved = net.resolved.copy()
    for c, ct in enumerate(net.case_types):
        for lv in range(resolved.shape[1]):
            vse = net.volume_se[c, lv] if net.volume_se is not None else np.nan
            rse = net.resolved_se[c, lv] if net.resolved_se is not None else np.nan
            if np.isnan(vse) and np.isnan(rse):
                continue
            rng = keyed_rng(seed_seq, "parameters", ct, str(lv))
            vol = net.volume[c, lv] if net.volume is not None else np.nan
            if vse > 0 and vol > 0:
                cv2 = (vse / vol) ** 2
                factor[c, lv] = rng.gamma(1.0 / cv2, cv2)
            p = resolved[c, lv]
            if rse > 0 and 0 < p < 1:
                kappa = p * (1 - p) / rse**2 - 1.0
                resolved[c, lv] = rng.beta(p * kappa, (1 - p) * kappa) if kappa > 0 else p
    level = np.asarray(net.level)
    streams = tuple((s, c, lam * factor[c, level[s]]) if factor[c, level[s]] != 1.0 else (s, c, lam)
                    for s, c, lam in net.streams)
    return dataclasses.replace(net, streams=streams, resolved=resolved)
