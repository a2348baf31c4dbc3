"""The results cache (issue 11, item 14): a run done before is read back instead of simulated, any
change of scenario, seed, replications or vetsim's code misses, damaged or half-written entries are
never used, and the cache never lives inside a scenario folder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
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


# ---------------------------------------------------------------- issue 27: trust nothing by its name

def test_an_entry_copied_under_another_key_is_not_served(sample, monkeypatch, tmp_path) -> None:
    """The probe: a seed-7 entry copied under the seed-8 key was served for --seed 8 (the brief then said seed 7)."""
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    seven = vetsim.sim.simulate(sample, replications=1, seed=7)
    cache._store(sample, 1, 7, seven)
    root = cache_dir() / "results"
    shutil.copytree(root / cache.cache_key(sample, 1, 7), root / cache.cache_key(sample, 1, 8))
    assert not cache.has_cached(sample, 1, 8)
    assert cached_results(sample, 1, 8) is None
    assert not (root / cache.cache_key(sample, 1, 8)).exists()  # dropped: it names another run
    # the same with the record rewritten to claim seed 8: the results' own metadata still say seed 7
    shutil.copytree(root / cache.cache_key(sample, 1, 7), root / cache.cache_key(sample, 1, 8))
    done = root / cache.cache_key(sample, 1, 8) / "complete.json"
    record = json.loads(done.read_text(encoding="utf-8"))
    record["key"]["seed"] = 8
    done.write_text(json.dumps(record), encoding="utf-8")
    assert cached_results(sample, 1, 8) is None
    assert cached_results(sample, 1, 7) is not None  # the real entry is still served


def test_a_symlinked_entry_is_not_served(sample, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    seven = vetsim.sim.simulate(sample, replications=1, seed=7)
    cache._store(sample, 1, 7, seven)
    root = cache_dir() / "results"
    elsewhere = tmp_path / "elsewhere"
    shutil.move(str(root / cache.cache_key(sample, 1, 7)), elsewhere)
    (root / cache.cache_key(sample, 1, 7)).symlink_to(elsewhere, target_is_directory=True)
    assert cached_results(sample, 1, 7) is None and elsewhere.is_dir()  # the link is dropped, not followed


def _stale_marker(sample, pid: int, started: float) -> Path:
    marker = cache._computing_marker(sample, 1, 7)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "started": started}), encoding="utf-8")
    return marker


def test_a_stale_marker_of_a_killed_process_costs_nothing(sample, counted) -> None:
    """The probe: a run killed while simulating left its marker; the next page waited 60-900 s."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    proc.kill()
    proc.wait()
    marker = _stale_marker(sample, proc.pid, time.time())
    t0 = time.monotonic()
    assert cache.wait_for_cached(sample, 1, 7, timeout=900) is None
    assert time.monotonic() - t0 < 2.0
    assert not marker.exists()  # removed: nobody else waits on it either


def test_a_marker_past_its_time_is_ignored_and_a_live_one_is_not(sample, counted) -> None:
    marker = _stale_marker(sample, os.getpid(), time.time() - 1000)  # a live process, but too old
    assert not cache.marker_is_live(marker, 900)
    marker = _stale_marker(sample, os.getpid(), time.time())
    assert cache.marker_is_live(marker, 900)
    marker.write_text("12345678", encoding="utf-8")  # the old form (a bare pid) of a process that is gone
    assert not cache.marker_is_live(marker, 900)
    marker = _stale_marker(sample, os.getpid(), time.time())
    t0 = time.monotonic()
    assert cache.wait_for_cached(sample, 1, 7, timeout=0.3, poll=0.05) is None  # a live one is waited for
    assert time.monotonic() - t0 >= 0.25


def test_the_dashboard_treats_a_stale_marker_as_none(sample, proposal, counted, monkeypatch) -> None:
    """A preheated dashboard kernel waits only for live runs: with a dead run's markers it fills itself at once."""
    from vetsim.ui.dashboard import MeetingDashboard as Dashboard

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    from types import SimpleNamespace

    board = SimpleNamespace(baseline=sample, proposal=proposal, inputs={"replications": SimpleNamespace(value=1)})
    from vetsim.replicate import computing_marker

    m = computing_marker([sample, proposal], sample.spec.seed, 1)  # the pair, simulated until sure
    m.parent.mkdir(parents=True, exist_ok=True)
    m.write_text(json.dumps({"pid": proc.pid, "host": socket.gethostname(), "started": time.time()}))
    t0 = time.monotonic()
    assert Dashboard._all_cached(board, wait=True) is False  # the page then simulates, showing its progress
    assert time.monotonic() - t0 < 2.0
