"""Simulation results cached on disk, shared by the dashboard, ``vetsim report`` and the notebooks.

Why: the meeting dashboard simulated baseline and proposal every time it opened (18–26 s before
the KPI cards showed). A run is fully determined by the scenario (its content hash), the seed, the
number of replications and the code that simulates, so its ``Results`` can be kept and reused.
The key includes a fingerprint of vetsim's own source files (and numpy's version, which draws the
random numbers), so a change to the model invalidates what was cached before it.

Where: ``$VETSIM_CACHE`` if set, else the user's cache folder (``~/.cache/vetsim`` on Linux,
``%LOCALAPPDATA%\\vetsim\\Cache`` on Windows, ``~/Library/Caches/vetsim`` on macOS); never inside
a scenario, region or data folder (:func:`vetsim.files.check_write_location`, checked before any work).
Each entry is written to a temporary folder and renamed into place, so an interrupted run leaves no
half entry; an entry that cannot be read is recomputed. Nothing is trusted by its name: an entry is
served only when its own record (``complete.json``: scenario hash, seed, replications, version, source
fingerprint, numpy) and its results' metadata match the request, so an entry copied under another key
is not served. While a run is simulated, a ``.computing`` marker holds the process id, host and start
time; it is ignored (and removed) when that process is gone or the marker is older than the wait, so no
page waits on a run that died. At most :data:`MAX_ENTRIES` entries are kept (the least recently used go first).

One function: :func:`simulate_cached` (same arguments as :func:`vetsim.sim.simulate`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from concurrent.futures import Executor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import VetsimError
from .files import OutputPathError, atomic_write_text, check_write_location, clean_stale_temps, user_cache_root
from .wording import tr

if TYPE_CHECKING:
    from .scenario import Scenario
    from .sim import Results  # lazy: checking the cache loads no SimPy (dashboard start-up)

__all__ = ["check_cache_location", "marker_is_live", "wait_for_cached", "has_cached", "ENV_CACHE", "MAX_ENTRIES", "CacheLocationError", "cache_dir", "cache_key", "source_fingerprint",
           "simulate_cached", "cached_results", "clear_cache", "store_results", "cached_counts"]

ENV_CACHE = "VETSIM_CACHE"
MAX_ENTRIES = 40  # a few dozen runs; each is a few MB of Parquet
_DONE = "complete.json"  # written last into an entry; an entry without it is not used


class CacheLocationError(VetsimError, ValueError):
    """``$VETSIM_CACHE`` points inside a scenario, region or data folder, or an input of the command."""


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


def _key_parts(scenario: Scenario, replications: int, seed: int) -> dict[str, object]:
    """What a run is: scenario hash, seed, replications, vetsim version, source fingerprint, numpy version."""
    import numpy  # lazy: only to hash the inputs

    return {"scenario": scenario.hash(), "seed": int(seed), "replications": int(replications),
            "vetsim": __version__, "source": source_fingerprint(), "numpy": numpy.__version__}


def cache_key(scenario: Scenario, replications: int, seed: int) -> str:
    """The entry name of a run: a hash of :func:`_key_parts`."""
    parts = _key_parts(scenario, replications, seed)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:40]


def check_cache_location(*inputs: str | os.PathLike[str] | Scenario | None) -> Path:
    """The cache folder, refused (:class:`CacheLocationError`) where vetsim may not write: inside a scenario,
    region or data folder, or inside ``inputs`` (scenarios or paths the command reads). Called by the
    commands before any work, and by every read and write of the cache."""
    folder = cache_dir()
    paths = tuple(getattr(i, "path", i) for i in inputs)
    try:
        check_write_location(folder, inputs=tuple(p for p in paths if p is not None))
    except OutputPathError as err:
        raise CacheLocationError(*(tr("cache.location_refused", lang, env=ENV_CACHE, reason=err.user_message(lang))
                                   for lang in ("zh", "en"))) from None
    return folder


def _folder(scenario: Scenario) -> Path:
    return check_cache_location(scenario).resolve() / "results"


def has_cached(scenario: Scenario, replications: int, seed: int) -> bool:
    """Whether this run is in the cache (a complete entry recorded for this very run), without reading its tables."""
    return _entry_record_matches(_folder(scenario) / cache_key(scenario, replications, seed),
                                 _key_parts(scenario, replications, seed))


def _entry_record_matches(entry: Path, parts: dict[str, object]) -> bool:
    """The entry's own record (``complete.json``, a regular file) names this run: not trusted by its folder name."""
    done = entry / _DONE
    try:
        if entry.is_symlink() or done.is_symlink() or not done.is_file() or done.stat().st_size > 1 << 16:
            return False
        record = json.loads(done.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("key") == parts


def _meta_matches(meta: dict, parts: dict[str, object]) -> bool:
    """The results' own metadata agree with the run asked for (scenario hash, seed, replications)."""
    return (meta.get("scenario_hash") == parts["scenario"] and meta.get("seed") in (None, parts["seed"])
            and meta.get("replications") in (None, parts["replications"]))


def cached_results(scenario: Scenario, replications: int, seed: int) -> Results | None:
    """The cached ``Results`` of this run, or ``None`` if there is none, it cannot be read, or its own
    record and metadata name another run (an entry copied or renamed under this key is not served)."""
    from .sim import Results  # lazy: checking the cache loads no SimPy (dashboard start-up)

    entry = _folder(scenario) / cache_key(scenario, replications, seed)
    parts = _key_parts(scenario, replications, seed)
    if not (entry / _DONE).exists() and not (entry / _DONE).is_symlink():
        return None
    if not _entry_record_matches(entry, parts):
        _drop(entry)
        return None
    try:
        results = Results.from_parquet(entry)
    except Exception:  # noqa: BLE001 - a damaged entry is recomputed, never shown
        _drop(entry)
        return None
    if not _meta_matches(results.meta, parts):
        _drop(entry)
        return None
    try:
        os.utime(entry / _DONE)  # recently used: pruned last
    except OSError:
        pass
    return results


def _drop(entry: Path) -> None:
    """Remove an entry that may not be served (a link is unlinked, never followed)."""
    if entry.is_symlink():
        entry.unlink(missing_ok=True)
    else:
        shutil.rmtree(entry, ignore_errors=True)


def _store(scenario: Scenario, replications: int, seed: int, results: Results) -> None:
    """Save ``results`` as a whole (temporary folder renamed into place); a failure only costs the cache."""
    root = _folder(scenario)
    entry = root / cache_key(scenario, replications, seed)
    tmp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(root, entry.name)  # left by a run killed while storing
        tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.{os.getpid()}.", suffix=".tmp", dir=root))
        results.to_parquet(tmp / "r")
        record = {"created": time.time(), "key": _key_parts(scenario, replications, seed)}
        atomic_write_text(tmp / "r" / _DONE, json.dumps(record))
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


def cached_counts(scenario: Scenario, seed: int) -> list[int]:
    """The replication counts of the complete runs of ``scenario`` from ``seed`` by this code in the cache,
    longest first (each entry judged by its own record, as :func:`cached_results` does)."""
    root = _folder(scenario)
    counts = []
    try:
        entries = list(root.iterdir()) if root.is_dir() else []
    except OSError:
        return []
    for entry in entries:
        try:
            record = json.loads((entry / _DONE).read_text(encoding="utf-8")) if (entry / _DONE).is_file() else None
        except (OSError, ValueError):
            continue
        key = record.get("key") if isinstance(record, dict) else None
        n = key.get("replications") if isinstance(key, dict) else None
        if isinstance(n, int) and n > 0 and key == _key_parts(scenario, n, seed):
            counts.append(n)
    return sorted(set(counts), reverse=True)


def store_results(scenario: Scenario, replications: int, seed: int, results: Results) -> None:
    """Keep ``results`` (``replications`` runs of ``scenario`` from ``seed``) for the next command or page;
    a cache that cannot be written only costs the cache (runs stopped by :mod:`vetsim.replicate`)."""
    _store(scenario, int(replications), int(seed), results)


def _prune(root: Path, keep: int = MAX_ENTRIES) -> None:
    entries = [p for p in root.iterdir() if (p / _DONE).is_file()]
    if len(entries) <= keep:
        return
    entries.sort(key=lambda p: (p / _DONE).stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def simulate_cached(scenario: Scenario, replications: int | None = None, seed: int | None = None,
                    workers: int = 1, executor: Executor | None = None, progress: bool | str = False,
                    use_cache: bool = True) -> Results:
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
            atomic_write_text(marker, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
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


def _computing_marker(scenario: Scenario, replications: int, seed: int) -> Path:
    """A file that says: this run is being simulated right now (pid, host and start time of the process)."""
    return _folder(scenario) / f".{cache_key(scenario, replications, seed)}.computing"


def marker_is_live(marker: Path, max_age: float) -> bool:
    """Whether a ``.computing`` marker stands for a run still going on: its process (on this host) is
    alive and it started less than ``max_age`` seconds ago. A marker of a process that is gone, too old,
    unreadable or of the old form (a bare process id) older than ``max_age`` is not; a dead one is removed."""
    try:
        if marker.is_symlink() or not marker.is_file() or marker.stat().st_size > 4096:
            return False
        text = marker.read_text(encoding="utf-8", errors="replace")
        age = time.time() - marker.stat().st_mtime
    except OSError:
        return False
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict):  # a bare process id (older vetsim) or garbage
        record = {"pid": int(text) if text.strip().isdigit() else None, "host": socket.gethostname(),
                  "started": time.time() - age}
    live = _record_live(record, max_age)
    if not live:
        marker.unlink(missing_ok=True)
    return live


def _record_live(record: dict, max_age: float) -> bool:
    started, pid = record.get("started"), record.get("pid")
    if not isinstance(started, (int, float)) or not time.time() - max_age < started <= time.time() + 60:
        return False
    if record.get("host") != socket.gethostname():
        return True  # another machine's run (a shared cache): only its age can be judged
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def wait_for_cached(scenario: Scenario, replications: int, seed: int, timeout: float = 900.0,
                    poll: float = 0.5) -> Results | None:
    """The cached run, waiting (at most ``timeout`` s) while another live process is still simulating it.

    ``None`` at once when it is neither cached nor being computed by a live process (a marker whose
    process is gone, or older than ``timeout``, is ignored: see :func:`marker_is_live`). Used by a
    preheated dashboard kernel, which nobody waits for.
    """
    deadline = time.monotonic() + timeout
    marker = _computing_marker(scenario, replications, seed)
    while True:
        hit = cached_results(scenario, replications, seed)
        if hit is not None:
            return hit
        if not marker_is_live(marker, timeout) or time.monotonic() > deadline:
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
