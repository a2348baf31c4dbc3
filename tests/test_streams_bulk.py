"""Cheaper ways to the same random numbers (issue 25): the bulk-seeded keyed generators give exactly the
numbers of one ``keyed_rng`` per key, the compiled passes that draw a replication's streams give exactly
the numbers of numpy's Generator (each distribution, and ``draw_streams`` against one numpy generator per
stream), arrival times of many sites at once are those of one site at a time, and the overnight server
changes are those of the day-by-day difference."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from pathlib import Path

import numpy as np
import pytest

import vetsim
from vetsim.sim import star_network, streams
from vetsim.sim.engine import _server_changes
from vetsim.sim.runner import _network
from vetsim.sim.streams import N_FIXED, keyed_rng, keyed_rngs, level_uniforms

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


def _minute(net, s: int, u: float) -> float:
    """The test's own minute of the day for a uniform ``u`` at site ``s``: bisect over the site's cumulative
    shares of its open segments (the last segment beyond them), then linearly within the segment."""
    cum = net.seg_cum[s]
    i = min(bisect_right(cum, u), len(cum) - 1)
    lo = cum[i - 1] if i else 0.0
    frac = (u - lo) / (cum[i] - lo) if cum[i] > lo else 0.0
    return net.seg_start[s][i] + frac * net.seg_len[s][i]

SEED_SEQUENCES = {
    "spawned child of a small seed": np.random.SeedSequence(1).spawn(3)[2],
    "seed zero": np.random.SeedSequence(0),
    "entropy from the system": np.random.SeedSequence(),
    "seed wider than the pool": np.random.SeedSequence(2**200 + 5).spawn(2)[1],
    "seed given as a list": np.random.SeedSequence([1, 2, 3, 4, 5, 6]).spawn(1)[0],
    "grandchild": np.random.SeedSequence(7).spawn(2)[1].spawn(4)[3],
}


@pytest.mark.parametrize("name", list(SEED_SEQUENCES))
def test_bulk_keyed_generators_give_the_numbers_of_one_generator_per_key(name: str) -> None:
    seq = SEED_SEQUENCES[name]
    keys = [(f"S{i}", ct) for i in range(12) for ct in ("pension", "placement", "honours")]
    for purpose in ("arrivals", "backlog"):
        for key, rng in zip(keys, keyed_rngs(seq, purpose, keys), strict=True):
            mine = np.concatenate([rng.poisson(np.full(5, 3.0)), rng.random(4), rng.standard_gamma(2.0, 3)])
            ref_rng = keyed_rng(seq, purpose, *key)
            ref = np.concatenate([ref_rng.poisson(np.full(5, 3.0)), ref_rng.random(4), ref_rng.standard_gamma(2.0, 3)])
            assert np.array_equal(mine, ref), (name, purpose, key)
    one_word = [("C01",), ("T01",), ("C01",)]  # one word per key, a key repeated
    for key, rng in zip(one_word, keyed_rngs(seq, "presence", one_word), strict=True):
        assert np.array_equal(rng.random(6), keyed_rng(seq, "presence", *key).random(6))


def test_bulk_keyed_generators_differ_by_key_and_purpose() -> None:
    seq = SEED_SEQUENCES["spawned child of a small seed"]
    keys = [("S1", "a"), ("S1", "b"), ("S2", "a")]
    draws = [rng.random(3) for rng in keyed_rngs(seq, "arrivals", keys)]
    other = [rng.random(3) for rng in keyed_rngs(seq, "backlog", keys)]
    assert len({d.tobytes() for d in draws + other}) == 6


def _compiled_generators(seq: np.random.SeedSequence, keys: list[tuple[str, str]]) -> np.ndarray:
    seeded = streams._kernels()[0]
    return seeded(streams._seed_words(seq, "arrivals", streams._key_words(keys)))


@pytest.mark.parametrize("shape", [None, 0.3, 1.0, 1.5625, 6.0])
def test_compiled_passes_give_numpys_numbers_for_each_distribution(shape: float | None) -> None:
    """Poisson (zero, multiplication below 10, PTRS from 10), uniforms, raw words, the ziggurat exponential
    (tail and wedges included: ~10^5 draws) and gamma below, at and above shape 1 (normal ziggurat)."""
    _, daily_counts, backlog_ages, case_numbers, _ = streams._kernels()
    seq = SEED_SEQUENCES["grandchild"]
    keys = [(f"S{i}", "x") for i in range(6)]
    lam = np.tile(np.array([0.0, 0.02, 0.7, 3.0, 9.99, 10.0, 15.5, 80.0, 400.0, 0.0]), (len(keys), 1000))
    lam *= np.linspace(0.5, 1.5, len(keys))[:, None]
    states = _compiled_generators(seq, keys)
    counts = daily_counts(states, lam)
    n = np.array([1500, 0, 2000, 700, 40000, 1])
    first = np.concatenate([[0], np.cumsum(n)])
    mean_age = np.array([40.0, 3.0, 0.0, 250.0, 1.0, 7.0])
    ages = backlog_ages(states, first, mean_age)
    minute_u, full, raw = np.empty(first[-1]), np.empty((first[-1], N_FIXED + 1)), np.empty(first[-1], np.uint64)
    case_numbers(states, first, True, shape is None, shape or 1.0, minute_u, full, raw)
    for k, key in enumerate(keys):
        rng, lo, hi = keyed_rng(seq, "arrivals", *key), first[k], first[k + 1]
        assert np.array_equal(counts[k], rng.poisson(lam[k])), key
        want_age = rng.exponential(mean_age[k], n[k]) if mean_age[k] > 0 else np.zeros(n[k])
        assert np.array_equal(ages[lo:hi], want_age), key
        assert np.array_equal(minute_u[lo:hi], rng.random(n[k]))
        assert np.array_equal(full[lo:hi, streams.U_CHANNEL:streams.U_MISSING + 1], rng.random((n[k], 2)))
        if shape is None:
            svc, pat = np.split(rng.standard_exponential((2 * n[k], streams.VISIT_DRAWS)), 2)
        else:
            svc = rng.standard_gamma(shape, (n[k], streams.VISIT_DRAWS)) / shape
            pat = rng.standard_exponential((n[k], streams.VISIT_DRAWS))
        assert np.array_equal(full[lo:hi, streams.SVC:streams.SVC + streams.VISIT_DRAWS], svc), (key, shape)
        assert np.array_equal(full[lo:hi, streams.PAT:streams.PAT + streams.VISIT_DRAWS], pat), (key, shape)
        assert np.array_equal(full[lo:hi, streams.WHEN:streams.WHEN + streams.VISIT_DRAWS],
                              rng.random((n[k], streams.VISIT_DRAWS)))
        assert np.array_equal(raw[lo:hi], rng.bit_generator.random_raw(n[k]))
        assert rng.bit_generator.state["state"]["state"] == int(states[k, 0]) << 64 | int(states[k, 1])


def _one_generator_per_stream(net, seq: np.random.SeedSequence) -> list[tuple]:
    """The arrival streams as one numpy generator per (site, case type) draws them, in the documented order."""
    out = []
    for site, ct, lam in net.streams:
        rng = keyed_rng(seq, "arrivals", net.site_ids[site], net.case_types[ct])
        c = rng.poisson(lam)
        n = int(c.sum())
        if n == 0:
            continue
        day = np.repeat(np.arange(net.days, dtype=float) * 1440, c)
        times = np.sort(day + np.array([_minute(net, site, u) for u in rng.random(n).tolist()]), kind="stable")
        fixed = [rng.random((n, 2))]
        if net.exponential:
            fixed += np.split(rng.standard_exponential((2 * n, streams.VISIT_DRAWS)), 2)
        else:
            shape = 1.0 / net.svc_cv**2
            fixed += [rng.standard_gamma(shape, (n, streams.VISIT_DRAWS)) / shape,
                      rng.standard_exponential((n, streams.VISIT_DRAWS))]
        fixed.append(rng.random((n, streams.VISIT_DRAWS)))
        keys = rng.integers(0, 2**64, n, dtype=np.uint64)
        draws = np.hstack([*fixed, *(level_uniforms(keys, lv)[:, None] for lv in net.level_names)])
        out.append((site, ct, times, draws))
    return out


@pytest.mark.parametrize("which", ["sample county (gamma)", "star (exponential, PTRS)"])
def test_drawn_streams_are_those_of_one_numpy_generator_per_stream(which: str) -> None:
    if which.startswith("sample"):
        net = _network(vetsim.load_scenario(SAMPLE))
    else:
        net = _network(star_network(2, 3, volume_per_village=9000, staff=(1, 1, 1), simulation={
            "calendar": "official", "service_time_distribution": "exponential", "days": 40}))
    assert net.exponential == which.startswith("star")
    assert max(lam.max() for _, _, lam in net.streams) >= 10 or not net.exponential  # PTRS in the star
    seq = SEED_SEQUENCES["spawned child of a small seed"]
    arrivals, _ = streams.draw_streams(net, seq)
    want = _one_generator_per_stream(net, seq)
    assert len(arrivals) == len(want) >= 6
    for st, (site, ct, times, draws) in zip(arrivals, want, strict=True):
        assert (st.site, st.ct) == (site, ct)
        assert np.array_equal(st.times, times) and np.array_equal(st.draws, draws), (site, ct)


def test_a_varied_network_carries_the_tables_it_would_build_itself() -> None:
    """``vary_parameters`` scales the rates of each (case type, level) by one factor and hands the new network
    its stream and segment tables: they must be those the network builds from its own fields."""
    from vetsim.scenario.loader import validate_scenario

    sc = vetsim.load_scenario(SAMPLE)
    rows = tuple(r.model_copy(update={"yearly_volume_se": 0.2 * r.yearly_volume}) for r in sc.caseload)
    net = _network(validate_scenario(sc.with_table("caseload.csv", rows)))
    assert net._segment_table  # the base has built its segment table: the varied one carries it
    varied = streams.vary_parameters(net, SEED_SEQUENCES["seed zero"])
    fresh = dataclasses.replace(varied)  # the same fields, no table built yet
    for name in ("stream_table", "_segment_table"):
        assert name in varied.__dict__
        for got, want in zip(getattr(varied, name), getattr(fresh, name), strict=True):
            assert np.array_equal(got, want), name
    ratio = {}
    for (s, c, lam), (s0, c0, lam0) in zip(varied.streams, net.streams, strict=True):
        assert (s, c) == (s0, c0) and np.array_equal(lam == 0, lam0 == 0)
        r = lam[lam0 > 0] / lam0[lam0 > 0]
        ratio.setdefault((c, net.level[s]), []).append(r)
    factors = [np.concatenate(r) for r in ratio.values()]
    assert all(np.allclose(f, f[0], rtol=1e-12) for f in factors)
    assert len({round(f[0], 9) for f in factors}) > 5  # the factors differ by case type and level


def test_times_of_many_cases_at_once_are_those_of_each_case() -> None:
    net = _network(vetsim.load_scenario(SAMPLE))
    rng = np.random.default_rng(3)
    sites = rng.integers(0, len(net.site_ids), 3000)
    u = rng.random(3000)
    u[:3] = [0.0, 0.5, 1 - 1e-16]
    # exactly at the end of a segment before a break (lunch): the next segment's start, not the break's
    edges = [(s, c) for s in range(len(net.site_ids)) for i, c in enumerate(net.seg_cum[s][:-1])
             if net.seg_start[s][i] + net.seg_len[s][i] < net.seg_start[s][i + 1]]
    assert edges
    sites[3:3 + len(edges[:50])], u[3:3 + len(edges[:50])] = zip(*edges[:50], strict=True)
    # one stream per case, its case on day 2: the compiled pass gives its time, the day's minutes added
    first = np.arange(len(u) + 1)
    counts = np.zeros((len(u), 3), dtype=np.int64)
    counts[:, 2] = 1
    got = streams._kernels()[4](counts, first, sites, u, *net._segment_table)
    want = [2 * 1440.0 + _minute(net, int(s), float(x)) for s, x in zip(sites, u, strict=True)]
    assert np.array_equal(got, np.array(want))


def test_arrival_times_are_sorted_within_each_stream_whatever_the_draw_order() -> None:
    net = _network(star_network(1, 2, volume_per_village=50, staff=(1, 1, 1)))
    counts = np.array([[3, 0, 2], [0, 0, 0], [1, 4, 0]])
    first = np.array([0, 5, 5, 10])
    u = np.array([0.9, 0.1, 0.5, 0.7, 0.2, 0.3, 0.99, 0.01, 0.5, 0.5])
    sites = np.array([0, 1, 2])
    got = streams._kernels()[4](counts, first, sites, u, *net._segment_table)
    day = [0, 0, 0, 2, 2, 0, 1, 1, 1, 1]
    site = [0] * 5 + [2] * 5
    want = [d * 1440.0 + _minute(net, s, x) for d, s, x in zip(day, site, u, strict=True)]
    assert np.array_equal(got, np.concatenate([np.sort(want[:5]), np.sort(want[5:])]))
    assert not np.array_equal(got, want)  # the draws were out of order


def test_server_changes_are_the_overnight_differences() -> None:
    rng = np.random.default_rng(5)
    servers = rng.integers(0, 3, (7, 30))
    sites, changes, starts = _server_changes(servers)
    for d in range(servers.shape[1] - 1):
        diff = servers[:, d + 1] - servers[:, d]
        got = list(zip(sites[starts[d]:starts[d + 1]], changes[starts[d]:starts[d + 1]], strict=True))
        assert got == [(s, int(diff[s])) for s in np.flatnonzero(diff)]
    assert starts[-1] == starts[-2] == len(sites)  # nothing changes after the last day


def test_raw_64_bit_outputs_are_the_full_range_integers() -> None:
    """The per-case keys are drawn with ``random_raw``: numpy's full-range uint64 ``integers`` must give the
    same numbers (and leave the generator in the same state)."""
    for seed in range(4):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        a.random(3), b.random(3)
        assert np.array_equal(a.integers(0, 2**64, size=500, dtype=np.uint64), b.bit_generator.random_raw(500))
        assert a.random() == b.random()
