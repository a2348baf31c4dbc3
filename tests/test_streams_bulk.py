"""Cheaper ways to the same random numbers (issue 25): the bulk-seeded keyed generators give exactly the
numbers of one ``keyed_rng`` per key, arrival times of many sites at once are those of one site at a time,
and the overnight server changes are those of the day-by-day difference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import vetsim
from vetsim.sim.engine import _server_changes
from vetsim.sim.runner import _network
from vetsim.sim.streams import keyed_rng, keyed_rngs

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"

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


def test_times_of_many_sites_at_once_are_those_of_each_site() -> None:
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
    got = net.times_in_day(sites, u)
    want = [net.time_in_day(int(s), float(x)) for s, x in zip(sites, u, strict=True)]
    assert np.array_equal(got, np.array(want))


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
