"""Random numbers for one replication, pre-drawn with numpy in batches.

Common random numbers: every stream is keyed by (replication seed, purpose, site id, case type),
not by its position in a list, so a baseline and a proposal run with the same seed draw the same
arrivals and the same per-case randomness (channel, missing documents, referral decisions,
service-time and patience multipliers) at every site they share, whatever their staffing.

The resolve-here uniform of a case at a level is keyed by the level's *id*, not by a column
position: each case draws one 64-bit key, and its uniform at level ``L`` is a SplitMix64 hash of
(key, crc32(L)). Adding or removing a level therefore changes no draw of the other levels (the
five-level test in tests/test_levels.py checks the results bit for bit). The hash runs once over
all cases of a replication (vectorised), so the cost does not grow with the number of streams.
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network

__all__ = ["Stream", "draw_streams", "keyed_rng", "level_uniforms", "vary_parameters", "VISIT_DRAWS", "N_FIXED"]

# per-case pre-drawn visit randomness; further visits of the same case use the overflow stream
VISIT_DRAWS = 4
# columns of Stream.draws: uniforms for channel and missing documents; per visit k: service
# multiplier, patience multiplier, time-of-day uniform; then one resolved-here uniform per level of
# the network (column U_RESOLVE + level index, the value keyed by the level id: level_uniforms)
U_CHANNEL, U_MISSING = 0, 1
SVC, PAT, WHEN = 2, 2 + VISIT_DRAWS, 2 + 2 * VISIT_DRAWS
U_RESOLVE = N_FIXED = 2 + 3 * VISIT_DRAWS
_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), 0x9E3779B97F4A7C15


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
    draws: np.ndarray  # [n, N_FIXED + levels]: see the column constants above
    age_days: np.ndarray | None = None  # backlog cases only: days open before the start
    effort: np.ndarray | None = None  # long-running backlog cases: coordination effort (minutes) per case
    daily_cap: float = float("inf")  # ... most effort minutes a working day
    decider: int = -1  # ... partner department that decides (-1: decided at the site)
    not_before: int = 0  # ... first day a resolution is possible
    owner: int = -1  # ... site whose staff time gives the coordination (包案 owner; -1: the case's site)
    unresolvable: np.ndarray | None = None  # ... per case: cannot be resolved under current policy


def level_uniforms(keys: np.ndarray, level_id: str) -> np.ndarray:
    """Uniforms in [0, 1) for ``level_id`` from per-case 64-bit ``keys`` (SplitMix64 finaliser of
    key xor a level word): the same key and level id give the same number, whatever other levels exist."""
    word = np.uint64((zlib.crc32(level_id.encode("utf-8")) * _GOLD) % 2**64)
    with np.errstate(over="ignore"):
        z = keys ^ word
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def _case_draws(rng: np.random.Generator, n: int, net: Network) -> tuple[np.ndarray, np.ndarray]:
    """The fixed columns (channel, missing, per-visit service/patience/time) and one key per case."""
    u = rng.random((n, 2))
    if net.exponential:
        svc = rng.standard_exponential((n, VISIT_DRAWS))
    else:
        shape = 1.0 / net.svc_cv**2
        svc = rng.standard_gamma(shape, (n, VISIT_DRAWS)) / shape
    pat = rng.standard_exponential((n, VISIT_DRAWS))
    when = rng.random((n, VISIT_DRAWS))
    keys = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    return np.hstack([u, svc, pat, when]), keys


def _attach_resolve(streams: list[Stream], parts: list[tuple[np.ndarray, np.ndarray]], net: Network) -> None:
    """Give every stream its draws: the fixed columns plus one resolved-here column per level (by id)."""
    if not streams:
        return
    fixed = np.concatenate([p[0] for p in parts])
    keys = np.concatenate([p[1] for p in parts])
    full = np.empty((len(keys), N_FIXED + len(net.level_names)))
    full[:, :N_FIXED] = fixed
    for i, name in enumerate(net.level_names):
        full[:, U_RESOLVE + i] = level_uniforms(keys, name)
    start = 0
    for st, (f, _) in zip(streams, parts):
        st.draws = full[start:start + len(f)]
        start += len(f)


def draw_streams(net: Network, seed_seq: np.random.SeedSequence) -> tuple[list[Stream], list[Stream]]:
    """Arrival streams (non-homogeneous Poisson: Poisson count per day, times by the hour profile)
    and backlog streams for one replication."""
    arrivals: list[Stream] = []
    parts: list[tuple[np.ndarray, np.ndarray]] = []
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
        arrivals.append(Stream(site, ct, times, None))  # draws attached below, with the level columns
        parts.append(_case_draws(rng, n, net))
    _attach_resolve(arrivals, parts, net)
    backlog: list[Stream] = []
    parts = []
    for site, ct, n, mean_age, effort, cv, cap, decider, not_before, owner, unresolvable in net.backlog:
        rng = keyed_rng(seed_seq, "backlog", net.site_ids[site], net.case_types[ct])
        age = np.minimum(rng.exponential(mean_age, n) if mean_age > 0 else np.zeros(n), 12 * mean_age)
        st = Stream(site, ct, np.zeros(n), None, age_days=age)
        parts.append(_case_draws(rng, n, net))
        if effort > 0:  # hard cases differ: effort gamma-distributed around the mean with the row's CV
            erng = keyed_rng(seed_seq, "backlog_effort", net.site_ids[site], net.case_types[ct])
            st.effort = effort * (erng.gamma(1 / cv**2, cv**2, n) if cv > 0 else np.ones(n))
            st.daily_cap, st.decider, st.not_before, st.owner = cap, decider, not_before, owner
            # 包案: which cases cannot be resolved under current policy (own key: no other draw moves)
            prng = keyed_rng(seed_seq, "backlog_policy", net.site_ids[site], net.case_types[ct])
            st.unresolvable = prng.random(n) < unresolvable
        backlog.append(st)
    _attach_resolve(backlog, parts, net)
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
