"""The compiled day end (issue 25): numba's machine code and the plain Python give the same numbers to the
last bit -- the work policy's functions on random and edge-case inputs, and the engine's whole day end on
short runs -- and the paths that do not simulate never import numba."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vetsim import _jit
from vetsim.scenario import load_scenario
from vetsim.work import policy

from .conftest import ROOT

SAMPLE = ROOT / "data" / "sample_county"


def _same(a, b) -> None:
    """Equal to the last bit (NaN where NaN), same dtype; tuples element by element."""
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), (a, b)


def _both(name: str, *args):
    """``policy.<name>`` run as plain Python and compiled; both results, which must be the same."""
    plain = getattr(policy, name)(*args)
    fast = _jit.compiled(getattr(policy, name))(*args)
    _same(plain, fast)
    return plain


def _packages(rng: np.random.Generator, m: int, n_sites: int, rows: int) -> tuple:
    site = rng.integers(0, n_sites, m)
    row = rng.integers(0, rows, m)
    key = rng.integers(0, 4, m).astype(float)  # few distinct keys: many ties
    rem = np.round(rng.exponential(60.0, m), 1)
    rem[rng.random(m) < 0.1] = 0.0
    return site, row, key, rem


@pytest.mark.parametrize("seed", range(6))
def test_policy_compiled_and_plain_agree_on_random_inputs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_sites, rows = int(rng.integers(1, 6)), 4
    m = int(rng.integers(0, 40))  # 0: no packages at all
    site, row, key, rem = _packages(rng, m, n_sites, rows)
    budget = np.round(rng.exponential(80.0, (rows, n_sites)), 2)
    budget[rng.random(budget.shape) < 0.2] = 0.0
    got = _both("fill_in_order", site, row, key, rem, budget)
    assert np.all(got <= rem) and np.all(got >= 0)
    free = np.round(rng.normal(200.0, 150.0, n_sites), 3)  # some negative: no time at all
    demand = np.round(rng.exponential(90.0, (rows, n_sites)), 2)
    share = rng.dirichlet(np.ones(rows)) * rng.random()
    out = _both("allocate", free, demand, share, tuple(rng.permutation(rows).tolist()))
    assert np.all(out <= demand + 1e-9) and np.all(out.sum(axis=0) <= np.maximum(free, 0) + 1e-9)
    due = rng.integers(0, 30, m)
    today = int(rng.integers(0, 30))
    must, late_value = rng.random(m) < 0.3, rng.random(m) < 0.5
    cap = np.round(rng.exponential(300.0, m), 1)
    _both("slack_tiers", today, site, due, rem, must, late_value, cap)
    _both("overtime_need", today, site, due, rem, cap, rng.integers(0, 6, m).astype(float), n_sites)
    order = np.lexsort((np.arange(m), due, site))
    _both("cum_owed_sorted", site[order], due[order], rem[order])


def test_policy_compiled_and_plain_agree_on_edge_cases() -> None:
    empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
    _both("fill_in_order", empty_i, empty_i, empty_f, empty_f, np.ones((3, 2)))
    _both("slack_tiers", 5, empty_i, empty_i, empty_f, np.zeros(0, bool), np.zeros(0, bool), empty_f)
    _both("overtime_need", 5, empty_i, empty_i, empty_f, empty_f, empty_f, 3)
    # no free time anywhere, and time with nothing owed
    _both("allocate", np.array([0.0, -5.0, 100.0]), np.zeros((3, 3)), np.array([0.2, 0.0, 0.4]), (2, 0, 1))
    # every package past its date and not worth doing late: all dropped
    row, _ = _both("slack_tiers", 10, np.zeros(4, np.int64), np.array([1, 2, 3, 4]), np.ones(4), np.ones(4, bool),
                   np.zeros(4, bool), np.zeros(4))
    assert (row == policy.DROPPED).all()
    # ties in the key keep the input order; a group larger than the insertion-sort limit takes numpy's stable sort
    m = 80
    site, key = np.zeros(m, np.int64), np.repeat([2.0, 1.0], m // 2)
    got = _both("fill_in_order", site, np.zeros(m, np.int64), key, np.ones(m), np.array([[50.0]]))
    assert got[m // 2:].sum() == 40 and got[: m // 2].sum() == 10 and got[:10].tolist() == [1.0] * 10


def test_a_difference_would_be_seen() -> None:
    """The comparison can fail: one bit off in one minute is a difference."""
    a = np.array([1.0, 2.0])
    b = a.copy()
    b[1] = np.nextafter(b[1], 3.0)
    with pytest.raises(AssertionError):
        _same(a, b)


def _tables(sc, monkeypatch, jit: str) -> dict:
    from vetsim.sim import simulate

    monkeypatch.setenv("VETSIM_JIT", jit)
    r = simulate(sc, replications=1, seed=3)
    return {k: getattr(r, k) for k in ("cases", "site_days", "work", "summary")}


def test_engine_day_end_compiled_and_plain_agree(monkeypatch) -> None:
    """Six weeks of the sample county (slack policy, overtime, must-do packages, 包案 backlog), and the same
    under the category policy: the compiled case flow with its day end and the plain Python give identical
    tables."""
    from vetsim.scenario.loader import apply_overlay

    sc = load_scenario(SAMPLE)
    short = dataclasses.replace(sc, spec=sc.spec.model_copy(
        update={"simulation": sc.spec.simulation.model_copy(update={"days": 42})}))
    for scenario in (short, apply_overlay(short, {"work_policy": "category_order"})):
        fast, plain = _tables(scenario, monkeypatch, "1"), _tables(scenario, monkeypatch, "0")
        assert fast["work"]["done_min"].sum() > 0 and fast["site_days"]["overtime_min"].sum() > 0
        for k in fast:
            assert fast[k].equals(plain[k]), k


_PROBE = """
import sys
sys.argv = ["vetsim", *sys.argv[1:]]
import vetsim
from vetsim.cli import main
code = main() if len(sys.argv) > 1 else 0
if len(sys.argv) == 1:
    from vetsim.ui.estimate_cards import estimate_results
    estimate_results(vetsim.load_scenario(%r))
print("PROBE", code, "numba" in sys.modules)
""" % (str(SAMPLE),)  # noqa: UP031 - a code template


@pytest.mark.parametrize("args", [(), ("--help",), ("validate", str(SAMPLE))])
def test_paths_that_do_not_simulate_do_not_import_numba(args: tuple) -> None:
    """``import vetsim`` with the dashboard's instant estimate, ``vetsim --help`` and ``vetsim validate``."""
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                         timeout=300, check=False)
    line = next(l for l in out.stdout.splitlines() if l.startswith("PROBE"))
    assert line.split()[1:] == ["0", "False"], out.stdout[-2000:] + out.stderr[-2000:]


def test_cache_folder_falls_back_and_gives_up_quietly(tmp_path, monkeypatch) -> None:
    """The cache goes to the first writable folder: $NUMBA_CACHE_DIR, the package, the user's cache, the
    temporary folder; where none is writable (a read-only install, no home), no cache at all."""
    src = tmp_path / "src.py"
    src.write_text("x = 1\n")
    assert _jit._writable(tmp_path / "w") and not _jit._writable(src / "below_a_file")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    first = _jit.cache_folder([str(src)], "v1")
    assert first is not None and first.parent == tmp_path / "mine" / "vetsim"
    assert _jit.cache_folder([str(src)], "v2") != first  # another numba: another folder
    src.write_text("x = 2\n")
    assert _jit.cache_folder([str(src)], "v1") != first  # an edited source: another folder
    # a read-only install with no home: nothing writable but what the test allows
    writable: list[Path] = []
    monkeypatch.setattr(_jit, "_writable", lambda folder: any(folder.is_relative_to(w) for w in writable))
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("HOME", "")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert _jit.cache_folder([str(src)], "v1") is None
    # the temporary folder's own vetsim folder only (a checkout may itself live under /tmp, as CI's does)
    writable.append(Path(_jit.tempfile.gettempdir()) / f"vetsim-{os.getuid()}")
    assert _jit.cache_folder([str(src)], "v1").is_relative_to(writable[0])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    writable.append(tmp_path / "xdg")
    assert _jit.cache_folder([str(src)], "v1").is_relative_to(tmp_path / "xdg" / "vetsim")
    writable.append(_jit._PACKAGE)
    assert _jit.cache_folder([str(src)], "v1").parent == _jit._PACKAGE / "__pycache__"


def _twice(x):
    """A function for :func:`_jit.compiled` to wrap (numba compiles only on a call; none is made here)."""
    return 2 * x


def _plant(folder: Path, age_s: float, now: float, note: dict | None = None) -> Path:
    folder.mkdir(parents=True)
    (folder / "f.nbi").write_bytes(b"x")
    if note is not None:
        (folder / _jit._MARKER).write_text(json.dumps(note), encoding="utf-8")
    os.utime(folder, (now - age_s, now - age_s))
    return folder


def _noted(base: Path, sources: list[str], numba: str, age_s: float, now: float, prefix: str = sys.prefix) -> Path:
    """A folder named as ``cache_folder`` names the machine code of ``sources`` under ``numba``, with its note."""
    return _plant(base / _jit._name(sources, numba), age_s, now, {"sources": sources, "numba": numba, "prefix": prefix})


def test_compiled_prunes_only_stale_cache_folders_of_its_own_base(tmp_path, monkeypatch) -> None:
    """Every source edit starts a fresh ``jit-<16 hex>`` folder; ``compiled`` removes the siblings in the base it
    uses that no run has used for longer than ``STALE_AFTER_S`` and whose code is no one's today, and nothing
    else: not fresh ones, not its own (which it marks as used), not another function's or install's of unchanged
    code, not other names, not files, not symlinks nor what they point to, not another base."""
    import time

    import numba

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    now, old = time.time(), _jit.STALE_AFTER_S + 3600
    own = _jit.cache_folder([_twice.__code__.co_filename], numba.__version__)
    base = own.parent
    os.utime(own, (now - old, now - old))
    edited = tmp_path / "edited.py"
    edited.write_text("x = 1\n")
    other_code = tmp_path / "other.py"
    other_code.write_text("y = 1\n")
    theirs = tmp_path / "theirs.py"
    theirs.write_text("z = 1\n")
    stale = [_plant(base / "jit-0123456789abcdef", old, now),  # from before the notes: no note
             _plant(base / "jit-9999999999999999", 10 * old, now, {"sources": [str(edited)], "numba": "x"}),
             _noted(base, [str(edited)], numba.__version__, old, now),  # its source edited since (below)
             _noted(base, [str(other_code)], "0.1.0", old, now)]  # numba upgraded here since
    edited.write_text("x = 2\n")
    kept = [_plant(base / "jit-fedcba9876543210", _jit.STALE_AFTER_S - 3600, now),  # used within the day
            _noted(base, [str(other_code)], numba.__version__, old, now),  # another function's, code unchanged
            _noted(base, [str(theirs)], "0.1.0", old, now, prefix="/another/env")]  # another install's
    kept += [_plant(base / n, old, now) for n in ("jit-0123456789abcde", "jit-0123456789abcdef0",
                                                  "jit-0123456789ABCDEF", "xjit-0123456789abcdef", "other")]
    kept.append(_plant(tmp_path / "elsewhere" / "jit-0123456789abcdef", old, now))  # another base
    target = _plant(tmp_path / "target", old, now)
    (base / "jit-2222222222222222").symlink_to(target, target_is_directory=True)
    (base / "jit-3333333333333333").write_text("a file")
    listed: list = []
    scandir = os.scandir
    monkeypatch.setattr(_jit.os, "scandir", lambda p: listed.append(p) or scandir(p))
    _jit._done.pop(_twice, None)
    assert _jit.compiled(_twice) is not _twice
    # one listing of the base (rmtree lists by fd; writing the note looks for stale temp files in its own folder)
    assert [str(p) for p in listed if not isinstance(p, int) and Path(p).parent != base] == [str(base)]
    assert not any(p.exists() for p in stale), [p.name for p in stale if p.exists()]
    assert all((p / "f.nbi").exists() for p in [*kept, target])
    assert (base / "jit-2222222222222222").is_symlink() and (base / "jit-3333333333333333").is_file()
    assert own.is_dir() and own.stat().st_mtime >= now - 60  # marked as used: no other process prunes it
    note = json.loads((own / _jit._MARKER).read_text(encoding="utf-8"))  # and noted: kept while its code is
    assert note["numba"] == numba.__version__ and not _jit._outdated(own, numba.__version__)


def test_pruning_never_raises(tmp_path, monkeypatch) -> None:
    """A base that vanished, a listing refused, a folder that cannot be removed, a note that names no Python
    file: no error reaches the caller, nothing is read but Python files."""
    _jit.prune_stale(tmp_path / "gone" / "jit-0123456789abcdef", "v")
    own = _plant(tmp_path / "jit-0123456789abcdef", 0, 0)
    busy = _plant(tmp_path / "jit-1111111111111111", 0, 0)
    odd = _plant(tmp_path / "jit-4444444444444444", 0, 0, {"sources": ["/dev/zero"], "numba": "v", "prefix": "p"})
    assert _jit._outdated(odd, "v")  # not read (it would never end)

    def refuse(*_a, **_k):
        raise PermissionError("no")

    monkeypatch.setattr(_jit.os, "scandir", refuse)
    _jit.prune_stale(own, "v")
    monkeypatch.undo()
    monkeypatch.setattr(_jit.os, "rmdir", refuse)
    monkeypatch.setattr(_jit.os, "unlink", refuse)
    _jit.prune_stale(own, "v")
    assert busy.is_dir()


def test_the_cache_key_reads_the_modules_constants_come_from() -> None:
    """numba freezes constants into the code: the day end's key covers the calendar (minutes a day) and the
    work rule (tier rows), not only the files of the functions compiled."""
    from vetsim.sim import dayend

    files = {Path(p).name for p in _jit._sources(dayend.work_queue)}
    assert files == {"dayend.py", "calendar.py", "policy.py"}
    assert {Path(p).name for p in _jit._sources(policy.allocate)} == {"policy.py"}


def test_the_flow_past_the_pre_drawn_numbers_compiled_and_plain_agree(monkeypatch) -> None:
    """A crowded desk with abandonment and gamma service times, where cases outrun their pre-drawn numbers
    and draw from the sites' overflow generators (numba's generator methods, numpy's in plain Python)."""
    from vetsim.sim import star_network

    sc = star_network(1, 2, volume_per_village=6000, staff=(1, 1, 1), simulation={
        "calendar": "official", "service_time_distribution": "gamma", "abandonment": True, "days": 40})
    fast, plain = _tables(sc, monkeypatch, "1"), _tables(sc, monkeypatch, "0")
    assert (fast["cases"]["visits"] > 4).any()
    for k in fast:
        assert fast[k].equals(plain[k]), k
