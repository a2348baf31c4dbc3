"""The results cache (issue 11, item 14): a run done before is read back instead of simulated, any
change of scenario, seed, replications or vetsim's code misses, damaged or half-written entries are
never used, and the cache never lives inside a scenario folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import vetsim.sim
from vetsim import cache
from vetsim.cache import CacheLocationError, cache_dir, cached_results, simulate_cached


@pytest.fixture(scope="module")
def real_results(sample):
    return vetsim.sim.simulate(sample, replications=1, seed=7)


@pytest.fixture
def counted(monkeypatch, tmp_path, real_results):
    """A private cache folder and a stand-in for simulate() that counts its calls."""
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    calls: list[tuple] = []

    def fake(scenario, replications=None, seed=None, **_kw):
        calls.append((scenario.hash(), replications, seed))
        return real_results

    monkeypatch.setattr(vetsim.sim, "simulate", fake)
    return calls


def test_second_run_is_read_from_disk(sample, counted, real_results) -> None:
    """Guards item 14: the dashboard simulated again on every load (18-26 s to the KPI cards)."""
    first = simulate_cached(sample, 1, 7)
    again = simulate_cached(sample, 1, 7)
    assert len(counted) == 1
    pd.testing.assert_frame_equal(again.summary, real_results.summary)
    assert again.meta["scenario_hash"] == sample.hash() and first is real_results


def test_seed_replications_and_code_are_part_of_the_key(sample, counted, monkeypatch) -> None:
    simulate_cached(sample, 1, 7)
    simulate_cached(sample, 1, 8)
    simulate_cached(sample, 2, 7)
    assert len(counted) == 3
    monkeypatch.setattr(cache, "source_fingerprint", lambda: "another version of the code")
    simulate_cached(sample, 1, 7)
    assert len(counted) == 4, "a code change must invalidate cached results"


def test_fingerprint_follows_the_source(tmp_path) -> None:
    src = Path(cache.__file__).resolve().parent
    copy = tmp_path / "vetsim"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache._fingerprint(copy)
    assert before == cache.source_fingerprint()
    engine = copy / "cache.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache._fingerprint(copy) != before


def test_damaged_or_half_written_entries_are_not_used(sample, counted, monkeypatch) -> None:
    simulate_cached(sample, 1, 7)
    entry = cache_dir() / "results" / cache.cache_key(sample, 1, 7)
    (entry / "cases.parquet").write_bytes(b"not parquet")
    assert cached_results(sample, 1, 7) is None
    simulate_cached(sample, 1, 7)
    assert len(counted) == 2 and cached_results(sample, 1, 7) is not None

    def interrupted(self, folder):
        Path(folder).mkdir(parents=True)
        (Path(folder) / "meta.json").write_text("{}", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(type(cached_results(sample, 1, 7)), "to_parquet", interrupted)
    simulate_cached(sample, 1, 9)
    assert cached_results(sample, 1, 9) is None
    assert not (cache_dir() / "results" / cache.cache_key(sample, 1, 9)).exists()
    assert not [p for p in (cache_dir() / "results").iterdir() if p.name.startswith(".")], "temp folder left"


def test_never_inside_a_scenario_folder(sample, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(cache.ENV_CACHE, str(Path(sample.path) / "cache"))
    with pytest.raises(CacheLocationError) as err:
        simulate_cached(sample, 1, 7)
    assert "情景文件夹" in err.value.user_message("zh")
    assert not (Path(sample.path) / "cache").exists()
    monkeypatch.delenv(cache.ENV_CACHE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "vetsim"


def test_invalid_replications_are_not_cached_or_rounded(sample, counted) -> None:
    simulate_cached(sample, 1.5, 7)  # simulate() itself says what is allowed; the cache does not round
    assert counted == [(sample.hash(), 1.5, 7)]


def test_a_run_being_simulated_elsewhere_is_waited_for(sample, counted, real_results) -> None:
    """A preheated dashboard kernel waits for the run another page is simulating (so the next page is served
    with its KPI cards); with nothing cached and nothing being computed it does not wait at all."""
    import threading
    import time

    from vetsim.cache import wait_for_cached

    t0 = time.monotonic()
    assert wait_for_cached(sample, 1, 7, timeout=30) is None and time.monotonic() - t0 < 1.0
    started, release = threading.Event(), threading.Event()

    def slow(scenario, replications=None, seed=None, **_kw):
        started.set()
        release.wait(10)
        return real_results

    vetsim.sim.simulate = slow  # restored by the counted fixture's monkeypatch
    worker = threading.Thread(target=simulate_cached, args=(sample, 1, 7))
    worker.start()
    assert started.wait(10)
    threading.Timer(0.5, release.set).start()
    got = wait_for_cached(sample, 1, 7, timeout=30, poll=0.05)
    worker.join(10)
    assert got is not None and len(got.cases) == len(real_results.cases)
    assert not list((cache_dir() / "results").rglob(".*.computing"))  # the marker is gone once stored
