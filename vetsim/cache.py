"""Simulation results cached on disk, shared by the dashboard, ``vetsim report`` and the notebooks.

Why: the meeting dashboard simulated baseline and proposal every time it opened (18–26 s before
the KPI cards showed). A run is fully determined by the scenario (its content hash), the seed, the
number of replications and the code that simulates, so its ``Results`` can be kept and reused.
The key includes a fingerprint of vetsim's own source files (and numpy's version, which draws the
random numbers), so a change to the model invalidates what was cached before it.

Where: ``$VETSIM_CACHE`` if set, else the user's cache folder (``~/.cache/vetsim`` on Linux,
``%LOCALAPPDATA%\\vetsim\\Cache`` on Windows, ``~/Library/Caches/vetsim`` on macOS); never inside
a scenario folder. Each entry is written to a temporary folder and renamed into place, so an
interrupted run leaves no half entry; an entry that cannot be read is recomputed. At most
:data:`MAX_ENTRIES` entries are kept (the least recently used go first).

One function: :func:`simulate_cached` (same arguments as :func:`vetsim.sim.simulate`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import Executor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import VetsimError
from .files import atomic_write_text, user_cache_root
from .wording import both

if TYPE_CHECKING:
    from .scenario import Scenario
    from .sim import Results  # lazy: checking the cache loads no SimPy (dashboard start-up)

__all__ = ["wait_for_cached", "has_cached", "ENV_CACHE", "MAX_ENTRIES", "CacheLocationError", "cache_dir", "cache_key", "source_fingerprint",
           "simulate_cached", "cached_results", "clear_cache"]

ENV_CACHE = "VETSIM_CACHE"
MAX_ENTRIES = 40  # a few dozen runs; each is a few MB of Parquet
_DONE = "complete.json"  # written last into an entry; an entry without it is not used


class CacheLocationError(VetsimError, ValueError):
    """``$VETSIM_CACHE`` points inside a scenario folder."""


def cache_dir() -> Path:
    """The cache folder: ``$VETSIM_CACHE``, else the platform's per-user cache folder for vetsim."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    return user_cache_root()


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """A hash of every Python file of the vetsim package (names and contents), once per process."""
    return _fingerprint(Path(__file__).resolve().parent)


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cache_key(scenario: "Scenario", replications: int, seed: int) -> str:
    """The entry name of a run: scenario hash, seed, replications, vetsim version and source fingerprint."""
    import numpy  # lazy: only to hash the inputs


    parts = {"scenario": scenario.hash(), "seed": int(seed), "replications": int(replications),
             "vetsim": __version__, "source": source_fingerprint(), "numpy": numpy.__version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:40]


def _folder(scenario: "Scenario") -> Path:
    folder = cache_dir().resolve()
    home = getattr(scenario, "path", None)
    if home is not None:
        home = Path(home).resolve()
        if folder == home or home in folder.parents:
            raise CacheLocationError(
                *both("cache.the_results_cache_is_inside", ENV_CACHE=ENV_CACHE, folder=folder, home=home))
    return folder / "results"


def has_cached(scenario: "Scenario", replications: int, seed: int) -> bool:
    """Whether this run is in the cache (a complete entry), without reading it."""
    return (_folder(scenario) / cache_key(scenario, replications, seed) / _DONE).is_file()


def cached_results(scenario: "Scenario", replications: int, seed: int) -> "Results | None":
    """The cached ``Results`` of this run, or ``None`` if there is none (or it cannot be read)."""
    from .sim import Results  # lazy: checking the cache loads no SimPy (dashboard start-up)

    entry = _folder(scenario) / cache_key(scenario, replications, seed)
    if not (entry / _DONE).is_file():
        return None
    try:
        results = Results.from_parquet(entry)
    except Exception:  # noqa: BLE001 - a damaged entry is recomputed, never shown
        shutil.rmtree(entry, ignore_errors=True)
        return None
    if results.meta.get("scenario_hash") != scenario.hash():
        shutil.rmtree(entry, ignore_errors=True)
        return None
    try:
        os.utime(entry / _DONE)  # recently used: pruned last
    except OSError:
        pass
    return results


def _store(scenario: "Scenario", replications: int, seed: int, results: "Results") -> None:
    """Save ``results`` as a whole (temporary folder renamed into place); a failure only costs the cache."""
    root = _folder(scenario)
    entry = root / cache_key(scenario, replications, seed)
    tmp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=root))
        results.to_parquet(tmp / "r")
        atomic_write_text(tmp / "r" / _DONE, json.dumps({"created": time.time()}))
        try:  # the folder was written by files.atomic_folder; publishing it: the first process to finish wins
            os.replace(tmp / "r", entry)
        except OSError:  # another process stored the same run first
            pass
        _prune(root)
    except OSError:
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path, keep: int = MAX_ENTRIES) -> None:
    entries = [p for p in root.iterdir() if (p / _DONE).is_file()]
    if len(entries) <= keep:
        return
    entries.sort(key=lambda p: (p / _DONE).stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def simulate_cached(scenario: "Scenario", replications: int | None = None, seed: int | None = None,
                    workers: int = 1, executor: Executor | None = None, progress: bool | str = False,
                    use_cache: bool = True) -> "Results":
    """:func:`vetsim.sim.simulate`, but a run done before with the same scenario, seed, replications
    and code is read from the cache (:func:`cache_dir`) instead of simulated again."""
    from .sim import simulate  # lazy: checking the cache loads no SimPy (dashboard start-up)

    n = replications if replications is not None else scenario.spec.simulation.replications
    s = seed if seed is not None else scenario.spec.seed
    # odd values (e.g. 1.5 replications) go to simulate() unchanged, which explains what is allowed
    use_cache = use_cache and all(isinstance(v, int) and not isinstance(v, bool) for v in (n, s))
    if use_cache:
        hit = cached_results(scenario, n, s)
        if hit is not None:
            return hit
    marker = _computing_marker(scenario, n, s) if use_cache else None
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(marker, str(os.getpid()))
        except OSError:
            marker = None  # an unwritable cache only costs the cache
    try:
        results = simulate(scenario, replications=n, seed=s, workers=workers, executor=executor, progress=progress)
        if use_cache:
            _store(scenario, n, s, results)
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)
    return results


def _computing_marker(scenario: "Scenario", replications: int, seed: int) -> Path:
    """A file that says: this run is being simulated right now (by some process)."""
    return _folder(scenario) / f".{cache_key(scenario, replications, seed)}.computing"


def wait_for_cached(scenario: "Scenario", replications: int, seed: int, timeout: float = 900.0,
                    poll: float = 0.5) -> "Results | None":
    """The cached run, waiting (at most ``timeout`` s) while another process is still simulating it.

    ``None`` at once when it is neither cached nor being computed (or its marker is older than the
    timeout: a process that died). Used by a preheated dashboard kernel, which nobody waits for.
    """
    deadline = time.monotonic() + timeout
    marker = _computing_marker(scenario, replications, seed)
    while True:
        hit = cached_results(scenario, replications, seed)
        if hit is not None:
            return hit
        try:
            fresh = time.time() - marker.stat().st_mtime < timeout
        except OSError:
            fresh = False
        if not fresh or time.monotonic() > deadline:
            return None
        time.sleep(poll)


def clear_cache() -> int:
    """Remove every cached run; returns how many there were."""
    root = cache_dir() / "results"
    if not root.is_dir():
        return 0
    entries = [p for p in root.iterdir() if p.is_dir()]
    for p in entries:
        shutil.rmtree(p, ignore_errors=True)
    return len(entries)
