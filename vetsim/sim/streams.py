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

Speed (issue 25): the numbers are those of one ``keyed_rng`` per stream and numpy's Generator calls in
the order ``_case_numbers`` lists, but no generator object is made. The seeds of all streams are hashed
at once (``_seed_words``), and compiled passes (numba, through :mod:`vetsim._jit`) step each stream's
PCG64 and numpy's own algorithms for every distribution drawn, so a replication's streams cost some 4 ms
instead of 20. tests/test_streams_bulk.py checks each distribution and ``draw_streams`` against numpy.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network, minute_of_day

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


def _seed_words(seed_seq: np.random.SeedSequence, purpose: str, words: np.ndarray) -> np.ndarray:
    """The four 64-bit words [4, n] that ``PCG64(SeedSequence(entropy, spawn_key=(*spawn_key, crc32(purpose),
    *key)))`` seeds itself from, for n keys given by their crc32 ``words`` [k, n] (k words a key), as
    numpy's ``generate_state(4, uint64)``: SeedSequence's hash of the common prefix is done once, that of
    the keys' own words for all keys at once."""
    prefix = (*seed_seq.spawn_key, zlib.crc32(purpose.encode("utf-8")))
    if not isinstance(seed_seq.entropy, (int, np.integer, list, tuple)):  # e.g. an array: numpy's own way
        out = [np.random.SeedSequence(seed_seq.entropy, spawn_key=(*prefix, *col)).generate_state(4, np.uint64)
               for col in words.T.tolist()]
        return np.array(out, dtype=np.uint64).reshape(-1, 4).T
    base = np.random.SeedSequence(seed_seq.entropy, spawn_key=prefix)
    n_mixed = max(_n_words(seed_seq.entropy), base.pool_size) + _n_words(prefix)
    # the hash constant advances once per hashed word: the pool, its cross-mixing, 4 per word after it
    hash_const = _INIT_A * pow(_MULT_A, base.pool_size ** 2 + base.pool_size * (n_mixed - base.pool_size),
                               2**32) & _MASK32
    pool = _hashed(base.pool, words.astype(np.uint32), hash_const)
    hash_const, out = _INIT_B, []
    for i in range(8):  # generate_state: 8 32-bit words, little-endian pairs into 64-bit ones
        v = pool[i % len(pool)] ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_B) & _MASK32
        v = v * np.uint32(hash_const)
        out.append((v ^ (v >> np.uint32(16))).astype(np.uint64))
    return np.array([out[2 * j] | (out[2 * j + 1] << np.uint64(32)) for j in range(4)], dtype=np.uint64)


def _pcg_states(val: np.ndarray) -> list[tuple[int, int]]:
    """PCG64 (state, increment) seeded from the words ``val`` [4, n] as ``PCG64(SeedSequence)`` does: PCG's
    two-step seeding (``_seeded`` does the same in compiled code)."""
    out = []
    for v0, v1, v2, v3 in zip(*val.tolist(), strict=True):
        inc = (((v2 << 64 | v3) << 1) | 1) & _MASK128
        out.append((((inc + (v0 << 64 | v1)) * _PCG_MULT + inc) & _MASK128, inc))
    return out


def _key_words(keys: Sequence[tuple[str, ...]]) -> np.ndarray:
    """The crc32 words [k, n] of n keys of k strings each."""
    return np.array([[zlib.crc32(k.encode("utf-8")) for k in key] for key in keys], dtype=np.uint32).T


def keyed_rngs(seed_seq: np.random.SeedSequence, purpose: str,
               keys: Sequence[tuple[str, ...]]) -> Iterator[np.random.Generator]:
    """``keyed_rng(seed_seq, purpose, *key)`` for each of ``keys`` (all of one length), the very same
    numbers, at a fraction of the cost: the seeds of all keys at once (``_seed_words``), and one generator
    re-seeded for each key.

    The generator yielded is the same object each time: draw all numbers of a key before the next."""
    if not keys:
        return
    bitgen = np.random.PCG64(0)
    rng = np.random.Generator(bitgen)
    for state, inc in _pcg_states(_seed_words(seed_seq, purpose, _key_words(keys))):
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


# -- PCG64 and numpy's distributions, compiled ---------------------------------------------------
# The numbers of all streams of a replication are drawn by compiled passes (``_jit.compiled``, one call
# each for all streams) that step each stream's PCG64 exactly as numpy's Generator would: the same outputs, the same
# algorithms (numpy/random/src/distributions/distributions.c: Poisson by multiplication below 10 and PTRS
# from 10, the ziggurat exponential and normal with numpy's tables, Marsaglia-Tsang gamma), in the same
# order. tests/test_streams_bulk.py checks every draw against numpy's Generator.
# A stream's state is a uint64 row [state hi, state lo, increment hi, increment lo]. Every constant is a
# uint64: numba keeps uint64 arithmetic wrapping only between uint64 operands.
_PCG_HI, _PCG_LO = np.uint64(_PCG_MULT >> 64), np.uint64(_PCG_MULT & (2**64 - 1))
_LOW32, _52BITS, _BYTE = np.uint64(0xFFFFFFFF), np.uint64(2**52 - 1), np.uint64(0xFF)
_U1, _U3, _U8, _U11, _U32, _U58, _U63, _U64 = (np.uint64(k) for k in (1, 3, 8, 11, 32, 58, 63, 64))
_TO_DOUBLE = 1.0 / 9007199254740992.0
# numpy's ziggurat constants (ziggurat_constants.h)
_EXP_R, _NOR_R, _NOR_INV_R = 7.6971174701310497140446280481, 3.6541528853610087963519472518, 0.27366123732975827203338247596
# numpy's ziggurat tables: numba's copy, loaded with the compiled passes (``_kernels``; numba freezes them into
# the machine code, so no call passes them)
_KE = _WE = _FE = _KI = _WI = _FI = np.zeros(0)
_LOGGAM_A = (8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
             8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
             1.796443723688307e-01, -1.39243221690590e+00)


def _mulhi(a, b):
    """The high 64 bits of the 128-bit product of two uint64."""
    a0, a1, b0, b1 = a & _LOW32, a >> _U32, b & _LOW32, b >> _U32
    p01, p10 = a0 * b1, a1 * b0
    mid = ((a0 * b0) >> _U32) + (p01 & _LOW32) + (p10 & _LOW32)
    return a1 * b1 + (p01 >> _U32) + (p10 >> _U32) + (mid >> _U32)


def _next_raw(s):
    """PCG64's next output (numpy's ``random_raw``): the 128-bit LCG step, then XSL-RR of the new state."""
    lo = s[1] * _PCG_LO + s[3]
    hi = _mulhi(s[1], _PCG_LO) + s[0] * _PCG_LO + s[1] * _PCG_HI + s[2] + np.uint64(lo < s[3])
    s[0], s[1] = hi, lo
    x, rot = hi ^ lo, hi >> _U58
    return (x >> rot) | (x << ((_U64 - rot) & _U63))


def _next_double(s):
    return float(_next_raw(s) >> _U11) * _TO_DOUBLE


def _std_exp(s):
    """numpy's ``random_standard_exponential`` (ziggurat)."""
    while True:
        ri = _next_raw(s) >> _U3
        idx = int(ri & _BYTE)
        ri >>= _U8
        x = float(ri) * _WE[idx]
        if ri < _KE[idx]:
            return x
        if idx == 0:
            return _EXP_R - math.log1p(-_next_double(s))
        if (_FE[idx - 1] - _FE[idx]) * _next_double(s) + _FE[idx] < math.exp(-x):
            return x


def _std_normal(s):
    """numpy's ``random_standard_normal`` (ziggurat)."""
    while True:
        r = _next_raw(s)
        idx = int(r & _BYTE)
        r >>= _U8
        rabs = (r >> _U1) & _52BITS
        x = float(rabs) * _WI[idx]
        if r & _U1:
            x = -x
        if rabs < _KI[idx]:
            return x
        if idx == 0:
            while True:
                xx = -_NOR_INV_R * math.log1p(-_next_double(s))
                yy = -math.log1p(-_next_double(s))
                if yy + yy > xx * xx:
                    return -(_NOR_R + xx) if (rabs >> _U8) & _U1 else _NOR_R + xx
        elif (_FI[idx - 1] - _FI[idx]) * _next_double(s) + _FI[idx] < math.exp(-0.5 * x * x):
            return x


def _std_gamma(s, shape):
    """numpy's ``random_standard_gamma``."""
    if shape == 1.0:
        return _std_exp(s)
    if shape == 0.0:
        return 0.0
    if shape < 1.0:
        while True:
            u, v = _next_double(s), _std_exp(s)
            if u <= 1.0 - shape:
                x = u ** (1.0 / shape)
                if x <= v:
                    return x
            else:
                y = -math.log((1 - u) / shape)
                x = (1.0 - shape + shape * y) ** (1.0 / shape)
                if x <= v + y:
                    return x
    b = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9 * b)
    while True:
        x, v = 0.0, 0.0
        while v <= 0.0:
            x = _std_normal(s)
            v = 1.0 + c * x
        v = v * v * v
        u = _next_double(s)
        if u < 1.0 - 0.0331 * (x * x) * (x * x):
            return b * v
        if math.log(u) < 0.5 * x * x + b * (1.0 - v + math.log(v)):
            return b * v


def _loggam(x):
    """numpy's ``random_loggam``."""
    if x == 1.0 or x == 2.0:
        return 0.0
    n = int(7 - x) if x < 7.0 else 0
    x0 = x + n
    x2 = (1.0 / x0) * (1.0 / x0)
    gl0 = _LOGGAM_A[9]
    for k in range(8, -1, -1):
        gl0 = gl0 * x2 + _LOGGAM_A[k]
    gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * math.log(x0) - x0
    for _ in range(n):
        gl -= math.log(x0 - 1.0)
        x0 -= 1.0
    return gl


def _poisson_ptrs(s, lam):
    """numpy's ``random_poisson_ptrs`` (transformed rejection, Hoermann 1993), for ``lam`` >= 10."""
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha, vr = 1.1239 + 1.1328 / (b - 3.4), 0.9277 - 3.6224 / (b - 2)
    while True:
        u = _next_double(s) - 0.5
        v = _next_double(s)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - _loggam(k + 1.0):
            return k


def _seeded(words):
    """PCG64 states [n, 4] seeded from ``words`` [4, n] (``_seed_words``) as numpy does: increment
    (seed words 2-3) << 1 | 1, state 0, a step, the state plus seed words 0-1, a step."""
    states = np.zeros((words.shape[1], 4), dtype=np.uint64)
    for k in range(words.shape[1]):
        s = states[k]
        s[2] = (words[2, k] << _U1) | (words[3, k] >> _U63)
        s[3] = (words[3, k] << _U1) | _U1
        _next_raw(s)
        lo = s[1] + words[1, k]
        s[0] = s[0] + words[0, k] + np.uint64(lo < s[1])
        s[1] = lo
        _next_raw(s)
    return states


def _daily_counts(states, lam):
    """Each stream's Poisson count per day (``rng.poisson(lam[k])``), its generator advanced: numpy's
    ``random_poisson``, its multiplication method written out here (a call per day costs more than it)."""
    counts = np.zeros(lam.shape, dtype=np.int64)
    for k in range(lam.shape[0]):
        s = states[k]
        for d in range(lam.shape[1]):
            mean = lam[k, d]
            if mean >= 10:
                counts[k, d] = _poisson_ptrs(s, mean)
            elif mean != 0:
                count, prod, enlam = 0, 1.0, math.exp(-mean)
                while True:
                    prod *= _next_double(s)
                    if prod <= enlam:
                        break
                    count += 1
                counts[k, d] = count
    return counts


def _backlog_ages(states, first, mean_age):
    """Each backlog row's ages ``rng.exponential(mean_age, n)`` (no draw where the mean is not positive)."""
    ages = np.zeros(first[-1])
    for k in range(len(states)):
        if mean_age[k] > 0:
            s = states[k]
            for i in range(first[k], first[k + 1]):
                ages[i] = mean_age[k] * _std_exp(s)
    return ages


def _case_numbers(states, first, with_minute, exponential, shape, minute_u, full, keys):
    """The cases' numbers of each stream k (rows ``first[k]:first[k + 1]``), from its generator in numpy's
    order: (``with_minute``: time-of-day uniforms, ``rng.random(n)``), channel and missing uniforms
    (``random((n, 2))``), service multipliers (``standard_exponential((n, VISIT_DRAWS))``, or
    ``standard_gamma(shape, ...) / shape``), patience multipliers (the same exponential), time-of-day
    uniforms of the visits (``random((n, VISIT_DRAWS))``), and one 64-bit key (``random_raw(n)``)."""
    for k in range(len(states)):
        s, lo, hi = states[k], first[k], first[k + 1]
        if with_minute:
            for i in range(lo, hi):
                minute_u[i] = _next_double(s)
        for i in range(lo, hi):
            full[i, U_CHANNEL] = _next_double(s)
            full[i, U_MISSING] = _next_double(s)
        for i in range(lo, hi):
            for j in range(VISIT_DRAWS):
                full[i, SVC + j] = _std_exp(s) if exponential else _std_gamma(s, shape) / shape
        for i in range(lo, hi):
            for j in range(VISIT_DRAWS):
                full[i, PAT + j] = _std_exp(s)
        for i in range(lo, hi):
            for j in range(VISIT_DRAWS):
                full[i, WHEN + j] = _next_double(s)
        for i in range(lo, hi):
            keys[i] = _next_raw(s)


def _arrival_times(counts, first, sites, minute, cum, start, length, n_seg):
    """Arrival times: each case's day (its stream's daily counts, in draw order) plus its minute of the day
    from its time-of-day uniform ``minute`` (:func:`~vetsim.work.network.minute_of_day` over the
    ``Network._segment_table`` of the stream's site ``sites[k]``), sorted within each stream (insertion: the days are in order already;
    equal times are alike, so this is the array a stable sort gives)."""
    times = np.empty(len(minute))
    for k in range(counts.shape[0]):
        s, i = sites[k], first[k]
        for d in range(counts.shape[1]):
            for _ in range(counts[k, d]):
                times[i] = d * float(MINUTES_PER_DAY) + minute_of_day(cum, start, length, n_seg, s, minute[i])
                i += 1
        for a in range(first[k] + 1, i):
            t, b = times[a], a - 1
            while b >= first[k] and times[b] > t:
                times[b + 1] = times[b]
                b -= 1
            times[b + 1] = t
    return times


@functools.cache
def _kernels() -> tuple[Callable[..., Any], ...]:
    """The compiled passes (the numba import waits for the first replication, as the engine's), after
    numpy's ziggurat tables are loaded: numba's copy of numpy's ziggurat_constants.h."""
    from numba.np.random import _constants as z  # lazy: numba only where a replication runs

    from .._jit import compiled  # lazy: as above (the compiler's module)

    global _KE, _WE, _FE, _KI, _WI, _FI
    _KE, _WE, _FE, _KI, _WI, _FI = z.ke_double, z.we_double, z.fe_double, z.ki_double, z.wi_double, z.fi_double
    return tuple(compiled(f) for f in (_seeded, _daily_counts, _backlog_ages, _case_numbers, _arrival_times))


def _numbers(net: Network, states: np.ndarray, first: np.ndarray, with_minute: bool
             ) -> tuple[np.ndarray, np.ndarray]:
    """Time-of-day uniforms and the draws [cases, N_FIXED + levels] of all cases (``_case_numbers``), the
    resolved-here column of each level keyed by the level id (``level_uniforms``)."""
    case_numbers = _kernels()[3]
    n = int(first[-1])
    minute_u, full, keys = np.empty(n), np.empty((n, N_FIXED + len(net.level_names))), np.empty(n, np.uint64)
    shape = 1.0 / net.svc_cv**2 if not net.exponential else 1.0
    case_numbers(states, first, with_minute, net.exponential, shape, minute_u, full, keys)
    for i, name in enumerate(net.level_names):
        full[:, U_RESOLVE + i] = level_uniforms(keys, name)
    return minute_u, full


def _first(n: np.ndarray) -> np.ndarray:
    """Row offsets of consecutive blocks of ``n`` rows: [0, n0, n0 + n1, ...]."""
    first = np.zeros(len(n) + 1, dtype=np.int64)
    np.cumsum(n, out=first[1:])
    return first


def draw_streams(net: Network, seed_seq: np.random.SeedSequence) -> tuple[list[Stream], list[Stream]]:
    """Arrival streams (non-homogeneous Poisson: Poisson count per day, times by the hour profile)
    and backlog streams for one replication."""
    sites, cts, lam = net.stream_table
    if not len(sites):
        return [], _draw_backlog(net, seed_seq)
    seeded, daily_counts, _, _, arrival_times = _kernels()
    site_words = np.array([zlib.crc32(s.encode("utf-8")) for s in net.site_ids], dtype=np.uint32)
    ct_words = np.array([zlib.crc32(c.encode("utf-8")) for c in net.case_types], dtype=np.uint32)
    states = seeded(_seed_words(seed_seq, "arrivals", np.stack([site_words[sites], ct_words[cts]])))
    counts = daily_counts(states, lam)
    n = counts.sum(axis=1)
    first = _first(n)
    minute_u, full = _numbers(net, states, first, True)
    times = arrival_times(counts, first, sites, minute_u, *net._segment_table)
    lo, hi = first[:-1].tolist(), first[1:].tolist()
    arrivals = [Stream(s, c, times[lo[k]:hi[k]], full[lo[k]:hi[k]])
                for k, s, c in zip(np.flatnonzero(n).tolist(), sites[n > 0].tolist(), cts[n > 0].tolist(), strict=True)]
    return arrivals, _draw_backlog(net, seed_seq)


def _draw_backlog(net: Network, seed_seq: np.random.SeedSequence) -> list[Stream]:
    """Streams of the cases open at the start: their age, and for long-running cases their effort and
    whether current policy can resolve them."""
    if not net.backlog:
        return []
    seeded, _, backlog_ages, _, _ = _kernels()
    words = _key_words([(net.site_ids[row[0]], net.case_types[row[1]]) for row in net.backlog])
    states = seeded(_seed_words(seed_seq, "backlog", words))
    first = _first(np.array([row[2] for row in net.backlog], dtype=np.int64))
    mean_age = np.array([row[3] for row in net.backlog], dtype=float)
    ages = backlog_ages(states, first, mean_age)
    _, full = _numbers(net, states, first, False)
    backlog: list[Stream] = []
    for k, row in enumerate(net.backlog):
        site, ct, n, mean_age, effort, cv, cap, decider, not_before, owner, unresolvable = row
        lo, hi = first[k], first[k + 1]
        st = Stream(site, ct, np.zeros(n), full[lo:hi], age_days=np.minimum(ages[lo:hi], 12 * mean_age))
        if effort > 0:  # hard cases differ: effort gamma-distributed around the mean with the row's CV
            erng = keyed_rng(seed_seq, "backlog_effort", net.site_ids[site], net.case_types[ct])
            st.effort = effort * (erng.gamma(1 / cv**2, cv**2, n) if cv > 0 else np.ones(n))
            st.daily_cap, st.decider, st.not_before, st.owner = cap, decider, not_before, owner
            # 包案: which cases cannot be resolved under current policy (own key: no other draw moves)
            prng = keyed_rng(seed_seq, "backlog_policy", net.site_ids[site], net.case_types[ct])
            st.unresolvable = prng.random(n) < unresolvable
        backlog.append(st)
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
    vse = net.volume_se if net.volume_se is not None else np.full(resolved.shape, np.nan)
    rse = net.resolved_se if net.resolved_se is not None else np.full(resolved.shape, np.nan)
    vol = net.volume if net.volume is not None else np.full(resolved.shape, np.nan)
    rows = [(c, lv) for c in range(len(net.case_types)) for lv in range(resolved.shape[1])
            if not (np.isnan(vse[c, lv]) and np.isnan(rse[c, lv]))]
    keys = [(net.case_types[c], str(lv)) for c, lv in rows]
    for (c, lv), rng in zip(rows, keyed_rngs(seed_seq, "parameters", keys), strict=True):
        if vse[c, lv] > 0 and vol[c, lv] > 0:
            cv2 = (vse[c, lv] / vol[c, lv]) ** 2
            factor[c, lv] = rng.gamma(1.0 / cv2, cv2)
        p = resolved[c, lv]
        if rse[c, lv] > 0 and 0 < p < 1:
            kappa = p * (1 - p) / rse[c, lv] ** 2 - 1.0
            resolved[c, lv] = rng.beta(p * kappa, (1 - p) * kappa) if kappa > 0 else p
    sites, cts, lam = net.stream_table
    return net.with_arrival_rates(lam * factor[cts, np.asarray(net.level)[sites]][:, None], resolved=resolved)
