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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network

__all__ = ["Stream", "draw_streams", "keyed_rng", "keyed_rngs", "level_uniforms", "vary_parameters", "VISIT_DRAWS",
           "N_FIXED"]

# per-case pre-drawn visit randomness; further visits of the same case use the overflow stream
VISIT_DRAWS = 4
# columns of Stream.draws: uniforms for channel and missing documents; per visit k: service
# multiplier, patience multiplier, time-of-day uniform; then one resolved-here uniform per level of
# the network (column U_RESOLVE + level index, the value keyed by the level id: level_uniforms)
U_CHANNEL, U_MISSING = 0, 1
SVC, PAT, WHEN = 2, 2 + VISIT_DRAWS, 2 + 2 * VISIT_DRAWS
U_RESOLVE = N_FIXED = 2 + 3 * VISIT_DRAWS
_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), 0x9E3779B97F4A7C15
# numpy's SeedSequence hash constants and PCG64's multiplier (numpy/random/bit_generator.pyx, pcg64.h)
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _MASK32 = np.uint32(0xCA01F9DD), np.uint32(0x4973F715), 0xFFFFFFFF
_PCG_MULT, _MASK128 = 0x2360ED051FC65DA44385DF649FCCF645, (1 << 128) - 1


def keyed_rng(seed_seq: np.random.SeedSequence, *key: str) -> np.random.Generator:
    """A generator for ``key`` under ``seed_seq``: same key, same numbers, independent of other keys."""
    words = tuple(zlib.crc32(k.encode("utf-8")) for k in key)
    return np.random.default_rng(np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, *words)))


def _n_words(value) -> int:
    """How many 32-bit words numpy's SeedSequence makes of an entropy or spawn-key value (ints only)."""
    if isinstance(value, (int, np.integer)):
        return max(1, -(-int(value).bit_length() // 32))
    return sum(_n_words(v) for v in value)


def _hashed(pool: np.ndarray, words: np.ndarray, hash_const: int) -> np.ndarray:
    """SeedSequence's mixing of further entropy ``words`` ([k, n]: k words for each of n keys) into
    ``pool`` (4 words), for n keys at once; ``hash_const``: the hash constant after the pool's words."""
    pool = np.repeat(pool.astype(np.uint32)[:, None], words.shape[1], axis=1)
    for word in words:
        for dst in range(len(pool)):
            v = word ^ np.uint32(hash_const)
            hash_const = (hash_const * _MULT_A) & _MASK32
            v = v * np.uint32(hash_const)
            v ^= v >> np.uint32(16)
            r = _MIX_L * pool[dst] - _MIX_R * v
            pool[dst] = r ^ (r >> np.uint32(16))
    return pool


def _pcg_states(pool: np.ndarray) -> list[tuple[int, int]]:
    """PCG64 (state, increment) seeded from each column of ``pool`` as ``PCG64(SeedSequence)`` does:
    four 64-bit words of ``generate_state``, then PCG's two-step seeding."""
    hash_const, words = _INIT_B, []
    for i in range(8):
        v = pool[i % len(pool)] ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_B) & _MASK32
        v = v * np.uint32(hash_const)
        words.append((v ^ (v >> np.uint32(16))).astype(np.uint64))
    val = [(words[2 * j] | (words[2 * j + 1] << np.uint64(32))).tolist() for j in range(4)]
    out = []
    for v0, v1, v2, v3 in zip(*val, strict=True):
        inc = (((v2 << 64 | v3) << 1) | 1) & _MASK128
        out.append((((inc + (v0 << 64 | v1)) * _PCG_MULT + inc) & _MASK128, inc))
    return out


def keyed_rngs(seed_seq: np.random.SeedSequence, purpose: str,
               keys: Sequence[tuple[str, ...]]) -> Iterator[np.random.Generator]:
    """``keyed_rng(seed_seq, purpose, *key)`` for each of ``keys`` (all of one length), the very same
    numbers, at a fraction of the cost: SeedSequence's hash of the common prefix is done once, that of
    the keys' own words for all keys at once (numpy), and one generator is re-seeded for each key.

    The generator yielded is the same object each time: draw all numbers of a key before the next."""
    if not keys:
        return
    if not isinstance(seed_seq.entropy, (int, np.integer, list, tuple)):  # e.g. an array: the plain way
        for key in keys:
            yield keyed_rng(seed_seq, purpose, *key)
        return
    prefix = (*seed_seq.spawn_key, zlib.crc32(purpose.encode("utf-8")))
    base = np.random.SeedSequence(seed_seq.entropy, spawn_key=prefix)
    n_mixed = max(_n_words(seed_seq.entropy), base.pool_size) + _n_words(prefix)
    # the hash constant advances once per hashed word: the pool, its cross-mixing, 4 per word after it
    hash_const = _INIT_A * pow(_MULT_A, base.pool_size ** 2 + base.pool_size * (n_mixed - base.pool_size),
                               2**32) & _MASK32
    words = np.array([[zlib.crc32(k.encode("utf-8")) for k in key] for key in keys], dtype=np.uint32).T
    bitgen = np.random.PCG64(0)
    rng = np.random.Generator(bitgen)
    for state, inc in _pcg_states(_hashed(base.pool, words, hash_const)):
        bitgen.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc}, "has_uint32": 0,
                        "uinteger": 0}
        yield rng


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


def _case_draws(rng: np.random.Generator, n: int, net: Network, u: np.ndarray | None = None
                ) -> tuple[np.ndarray, ...]:
    """The fixed columns (channel and missing uniforms; per visit service, patience and time-of-day
    numbers) and one key per case, in the order they are drawn (``u``: the uniforms, drawn already)."""
    if u is None:
        u = rng.random((n, 2))
    if net.exponential:  # service, then patience multipliers: one call, the numbers of two
        svc_pat = rng.standard_exponential((2 * n, VISIT_DRAWS))
        svc, pat = svc_pat[:n], svc_pat[n:]
    else:
        shape = 1.0 / net.svc_cv**2
        svc = rng.standard_gamma(shape, (n, VISIT_DRAWS)) / shape
        pat = rng.standard_exponential((n, VISIT_DRAWS))
    when = rng.random((n, VISIT_DRAWS))
    # 64-bit keys: over the full range ``integers(0, 2**64, dtype=uint64)`` returns the raw 64-bit outputs
    # of the PCG64 generator, which ``random_raw`` gives without the bounds handling
    keys = rng.bit_generator.random_raw(n)
    return u, svc, pat, when, keys


def _attach_resolve(streams: list[Stream], parts: list[tuple[np.ndarray, ...]], net: Network) -> None:
    """Give every stream its draws: the fixed columns plus one resolved-here column per level (by id)."""
    if not streams:
        return
    u, svc, pat, when, keys = (np.concatenate(p) for p in zip(*parts, strict=True))
    full = np.empty((len(keys), N_FIXED + len(net.level_names)))
    full[:, U_CHANNEL:U_MISSING + 1] = u
    full[:, SVC:SVC + VISIT_DRAWS] = svc
    full[:, PAT:PAT + VISIT_DRAWS] = pat
    full[:, WHEN:WHEN + VISIT_DRAWS] = when
    for i, name in enumerate(net.level_names):
        full[:, U_RESOLVE + i] = level_uniforms(keys, name)
    start = 0
    for st, p in zip(streams, parts, strict=True):
        st.draws = full[start:start + len(p[4])]
        start += len(p[4])


def _attach_times(streams: list[Stream], counts: list[np.ndarray], minute_u: list[np.ndarray], net: Network) -> None:
    """Arrival times of all streams at once: each case's day from its stream's daily counts, its minute
    from its time-of-day uniform (the hour profile of its site); sorted within each stream (stable)."""
    if not streams:
        return
    n = np.array([len(u) for u in minute_u])
    which = np.repeat(np.arange(len(streams)), n)
    sites = np.array([st.site for st in streams], dtype=np.int64)[which]
    day0 = np.arange(net.days, dtype=float) * MINUTES_PER_DAY
    times = np.repeat(np.tile(day0, len(streams)), np.concatenate(counts)) + net.times_in_day(sites, np.concatenate(minute_u))
    times = times[np.lexsort((times, which))]  # stable: the order a per-stream stable sort gives
    ends = np.cumsum(n).tolist()
    for st, lo, hi in zip(streams, [0, *ends[:-1]], ends, strict=True):
        st.times = times[lo:hi]


def draw_streams(net: Network, seed_seq: np.random.SeedSequence) -> tuple[list[Stream], list[Stream]]:
    """Arrival streams (non-homogeneous Poisson: Poisson count per day, times by the hour profile)
    and backlog streams for one replication."""
    arrivals: list[Stream] = []
    parts: list[tuple[np.ndarray, ...]] = []
    counts, minute_u = [], []
    keys = [(net.site_ids[site], net.case_types[ct]) for site, ct, _ in net.streams]
    for (site, ct, lam), rng in zip(net.streams, keyed_rngs(seed_seq, "arrivals", keys), strict=True):
        c = rng.poisson(lam)
        n = int(c.sum())
        if n == 0:
            continue
        counts.append(c)
        u = rng.random(3 * n)  # time-of-day uniforms, then channel and missing ones: the numbers of two calls
        minute_u.append(u[:n])
        arrivals.append(Stream(site, ct, None, None))  # times and draws attached below, for all streams at once
        parts.append(_case_draws(rng, n, net, u[n:].reshape(n, 2)))
    _attach_times(arrivals, counts, minute_u, net)
    _attach_resolve(arrivals, parts, net)
    return arrivals, _draw_backlog(net, seed_seq)


def _draw_backlog(net: Network, seed_seq: np.random.SeedSequence) -> list[Stream]:
    """Streams of the cases open at the start: their age, and for long-running cases their effort and
    whether current policy can resolve them."""
    backlog: list[Stream] = []
    parts: list[tuple[np.ndarray, ...]] = []
    keys = [(net.site_ids[row[0]], net.case_types[row[1]]) for row in net.backlog]
    for row, rng in zip(net.backlog, keyed_rngs(seed_seq, "backlog", keys), strict=True):
        site, ct, n, mean_age, effort, cv, cap, decider, not_before, owner, unresolvable = row
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
    return backlog


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
