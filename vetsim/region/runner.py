"""Run groups of cells in this process or on Dask distributed, into a resumable partitioned Parquet dataset.

Why Dask: a city or province is thousands of county-years x variants x replications; a Dask cluster
(a LocalCluster on this machine, or any scheduler address) spreads the groups over workers and
reschedules a group when a worker is lost. The results are written here, in the client, one file per
cell and output, atomically (:mod:`vetsim.files`), so the output folder never holds half a file and
needs no file system shared with the workers:

    OUT/experiment.json                                  what was asked (and its hash)
    OUT/<output>/county=<id>/variant=<vid>/rep=<NNNNN>.parquet

``metrics`` is written last for a cell: a cell whose files are all there is finished and is kept when the
run is started again (after a crash, Ctrl-C or a lost client). Nothing is trusted by its name: a cell is
kept only when each of its files is a regular file (not a link), readable as Parquet, and records this
cell's scenario hash, seed, seed key, variant and parameters (:func:`cell_is_valid`); any other cell is
recomputed, and the run says how many were. Results do not depend on the scheduler or the number of
workers: each cell's seed is keyed by county and replication.

How the work is fed to the cluster (what keeps two workers busy, measured in ``benchmarks/bench_region.py``):
the groups go largest first (longest-processing-time order, so that no long group is left for the end),
a bounded window of them is in flight (the client and scheduler hold a few scenarios, not thousands),
and each result is released as soon as it is written (a worker's memory does not grow with the run).
The LocalCluster made here runs with Dask's statistical profiler off and its monitors polled less often
(:data:`QUIET_LOCAL_CLUSTER`): with 2 workers on 2 cores those background threads took about a tenth of
a core that the simulations need.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import VetsimError
from ..files import atomic_write, atomic_write_text, check_output_target, check_write_location, display_path, private_dir
from ..wording import tr
from .cells import Group, run_group, seed_key

__all__ = ["RunStats", "run_groups", "cell_is_valid", "read_plan", "simulate_counties", "prepare_out", "cell_path", "read_results", "ExperimentRunError",
           "LOCAL", "SERIAL", "QUIET_LOCAL_CLUSTER", "local_cluster"]

LOCAL = "local"
SERIAL = "serial"
_PLAN = "experiment.json"
_PLAN_MAX_BYTES = 64 << 20  # an experiment.json is a few kB to a few MB (one line per cell group)

#: Dask settings of the LocalCluster made here (not of a cluster the user runs): no statistical profiler
#: (a 10 ms sampling thread in every worker; there is no Dask dashboard to show it), and the memory,
#: event-loop and system monitors polled every second or so instead of every 20-500 ms.
QUIET_LOCAL_CLUSTER: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
}


class ExperimentRunError(VetsimError):
    """An experiment that cannot be run or resumed here (shown without a traceback)."""


@dataclass
class RunStats:
    """How many cells the run computed, how many it found finished already (kept), and how many of the
    computed ones replaced a cell found damaged or not matching (redone)."""

    computed: int = 0
    skipped: int = 0
    redone: int = 0
    busy_seconds: float = 0.0  # wall time the groups took where they ran (summed over workers)
    to_compute: int = 0  # cells still to compute when the run started


def cell_path(out: Path, output: str, county: str, variant: str, rep: int) -> Path:
    return out / output / f"county={county}" / f"variant={variant}" / f"rep={rep:05d}.parquet"


def _cell_file_ok(path: Path, expect: dict[str, Any]) -> bool:
    """One output file of a cell: a regular Parquet file (no link) whose rows all record ``expect``."""
    import pyarrow.parquet as pq  # heavy: pyarrow, loaded only when cell files are checked or read

    try:
        if path.is_symlink() or not path.is_file():
            return False
        cols = list(expect)
        table = pq.read_table(path, columns=cols)
    except Exception:  # noqa: BLE001 - any unreadable file (truncated, empty, not Parquet) is recomputed
        return False
    if table.num_rows == 0 and path.parent.parent.parent.name == "metrics":
        return False  # a cell's metrics always have rows
    try:
        df = table.to_pandas()
    except Exception:  # noqa: BLE001
        return False
    return all(_column_is(df[c], v) for c, v in expect.items())


def _column_is(col: pd.Series, value: Any) -> bool:
    """Every value of ``col`` is ``value`` (a missing value for ``None``)."""
    if value is None:
        return bool(col.isna().all())
    return bool(col.astype(object).eq(value).all())


def cell_is_valid(out: Path, outputs: tuple[str, ...], group: Group, rep: int, seed: int, scenario_hash: str) -> bool:
    """Whether the finished cell ``(group, rep)`` in ``out`` can be trusted: every output file of the cell is a
    regular, readable Parquet file recording this cell's scenario hash, seed, seed key, variant and parameters."""
    expect: dict[str, Any] = {"scenario_hash": scenario_hash, "seed": int(seed),
                              "seed_key": seed_key(group.county, rep), "variant_name": group.variant_name}
    expect.update({f"param_{k}": v for k, v in group.params})
    return all(_cell_file_ok(cell_path(out, name, group.county, group.variant, rep), expect) for name in outputs)


def _cell_exists(out: Path, outputs: tuple[str, ...], g: Group, rep: int) -> bool:
    return any(os.path.lexists(cell_path(out, name, g.county, g.variant, rep)) for name in outputs)


def _drop_cell(out: Path, outputs: tuple[str, ...], g: Group, rep: int) -> None:
    """Remove a cell's files before it is recomputed (a link is removed, never followed)."""
    for name in outputs:
        p = cell_path(out, name, g.county, g.variant, rep)
        try:
            if p.is_symlink() or p.is_file():
                p.unlink()
        except OSError:
            pass


def _todo(groups: Iterable[Group], seed: int, outputs: tuple[str, ...], out: Path | None, stats: RunStats) -> list[Group]:
    """The groups with the replications still to compute; kept and redone cells counted in ``stats``."""
    todo: list[Group] = []
    for g in groups:
        if out is None:
            todo.append(g)
            continue
        h = g.scenario.hash()
        missing = []
        for r in g.reps:
            if cell_is_valid(out, outputs, g, r, seed, h):
                stats.skipped += 1
                continue
            if os.path.lexists(cell_path(out, "metrics", g.county, g.variant, r)):
                stats.redone += 1  # it claimed to be finished: damaged, emptied, a link, or of another run
            if _cell_exists(out, outputs, g, r):
                _drop_cell(out, outputs, g, r)
            missing.append(r)
        if missing:
            todo.append(Group(g.county, g.variant, g.variant_name, g.scenario, tuple(missing), g.params))
    return todo


def _write_parquet(path: Path, df: pd.DataFrame) -> None:
    """One cell's frame as a Parquet file, written atomically through :func:`vetsim.files.atomic_write`."""
    atomic_write(path, lambda fh: df.to_parquet(fh, index=False))


def read_plan(out: Path) -> dict[str, Any] | None:
    """The ``experiment.json`` of a run folder, or ``None`` when there is none; :class:`ExperimentRunError`
    naming the file when it is not a regular file holding one JSON object of bounded size and depth
    (a link, a list, 100,000 nested levels, a damaged file)."""
    marker = out / _PLAN
    if not marker.exists() and not marker.is_symlink():
        return None
    shown = display_path(marker)
    try:
        if marker.is_symlink() or not marker.is_file() or marker.stat().st_size > _PLAN_MAX_BYTES:
            raise ValueError
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError, UnicodeDecodeError):
        raise ExperimentRunError.of("experiment.bad_plan", path=shown) from None
    if not isinstance(data, dict) or not isinstance(data.get("plan_hash"), str):
        raise ExperimentRunError.of("experiment.bad_plan", path=shown)
    return data


def prepare_out(out: Path, plan: dict[str, Any], force: bool | str = False,
                inputs: tuple[str | Path, ...] = ()) -> None:
    """Make ``out`` ready before any work: a new folder, or the folder of this same experiment (resume).

    The folder of another experiment (a different plan hash) is refused: its cells would be mixed in;
    so is a damaged ``experiment.json``, and any place :func:`vetsim.files.check_write_location` refuses.
    """
    check_write_location(out, inputs=inputs)
    old = read_plan(out)
    if old is not None:
        if old.get("plan_hash") != plan["plan_hash"]:
            raise ExperimentRunError.of("experiment.other_run", folder=display_path(out))
        return
    check_output_target(out, "folder", force, inputs=inputs)
    out.mkdir(exist_ok=True)
    atomic_write_text(out / _PLAN, json.dumps(plan, ensure_ascii=False, indent=2, default=str) + "\n")


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore SIGINT (an ignored signal stays ignored in a child Python): Ctrl-C in
    a terminal reaches the whole process group, and this process alone should answer it, with one message
    saying what was kept, not each Dask worker and nanny with a traceback. The cluster is closed by us."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A Client of a new LocalCluster of ``workers`` processes (one thread each), closed on exit."""
    import dask  # heavy: dask, loaded only when a local cluster starts
    from dask.distributed import Client, LocalCluster  # heavy: dask.distributed, as above

    # the workers' scratch space in the user's own folder (mode 0700), not the working or the shared temp folder
    scratch = str(private_dir("dask-scratch"))
    with dask.config.set({**QUIET_LOCAL_CLUSTER, "temporary-directory": scratch}), _children_ignore_ctrl_c():
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=50, local_directory=scratch)
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextlib.contextmanager
def _client(scheduler: str, workers: int) -> Iterator[Any]:
    if scheduler == LOCAL:
        with local_cluster(workers) as client:
            yield client
        return
    from dask.distributed import Client  # heavy: dask.distributed, loaded only with a scheduler to reach

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ExperimentRunError.of("experiment.no_scheduler", address=scheduler, reason=str(exc)[:200]) from None
    with client:
        yield client


def _cost(group: Group) -> float:
    """A group's relative size, for the largest-first order: replications x days x yearly cases."""
    volume = sum(r.yearly_volume for r in group.scenario.caseload)
    return len(group.reps) * group.scenario.spec.simulation.days * (1.0 + volume)


def _timed_group(group: Group, seed: int, outputs: tuple[str, ...], scenario_hash: str
                 ) -> tuple[float, list[tuple[int, dict[str, pd.DataFrame]]]]:
    """:func:`run_group` and the wall time it took where it ran (top level: it runs as a Dask task)."""
    start = time.perf_counter()
    parts = run_group(group, seed, outputs, scenario_hash)
    return time.perf_counter() - start, parts


def run_groups(groups: Iterable[Group], seed: int, outputs: tuple[str, ...], *, out: Path | None = None,
               scheduler: str = LOCAL, workers: int = 2,
               sink: Callable[[Group, int, dict[str, pd.DataFrame]], None] | None = None,
               progress: bool | str = True, client: Any = None, stats: RunStats | None = None,
               announce: Callable[[RunStats], None] | None = None) -> RunStats:
    """Run every cell of ``groups`` not yet finished in ``out`` (all of them without ``out``).

    A cell found in ``out`` is kept only when :func:`cell_is_valid`; a damaged or mismatched one is
    recomputed (``stats.redone``). ``stats``: filled as the run goes (what an interrupted run had done);
    ``announce(stats)``: called once the cells to compute are known, before any is computed.

    ``scheduler``: ``"local"`` (a LocalCluster of ``workers`` processes), ``"serial"`` (this process) or a
    Dask scheduler address; or a ``client`` of a running Dask cluster (kept open). Each finished cell goes to ``out`` (atomic Parquet files) and/or ``sink``.
    ``out`` must have been prepared with :func:`prepare_out`.
    """
    stats = RunStats() if stats is None else stats
    wanted = tuple(o for o in outputs if o != "metrics") + ("metrics",)  # metrics always, last: the cell's "done" mark
    todo = _todo(groups, seed, wanted, out, stats)
    stats.to_compute = sum(len(g.reps) for g in todo)
    if announce is not None:
        announce(stats)
    bar = None
    if progress:
        from tqdm.auto import tqdm  # loaded only with a progress bar

        langs = (progress,) if progress in ("zh", "en") else ("zh", "en")  # a language, or True: both
        bar = tqdm(total=sum(len(g.reps) for g in todo), desc=" / ".join(tr("region.progress.cells", lang) for lang in langs),
                   unit=" / ".join(tr("unit.cells", lang) for lang in langs))

    def finish(g: Group, parts: list[tuple[int, dict[str, pd.DataFrame]]]) -> None:
        for rep, frames in parts:
            if out is not None:
                for name in wanted:
                    path = cell_path(out, name, g.county, g.variant, rep)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    _write_parquet(path, frames[name])
            if sink is not None:
                sink(g, rep, frames)
            stats.computed += 1
            if bar is not None:
                bar.update(1)

    todo.sort(key=_cost, reverse=True)
    try:
        hashes = {id(g): g.scenario.hash() for g in todo}
        if scheduler == SERIAL or not todo:
            for g in todo:
                busy, parts = _timed_group(g, seed, wanted, hashes[id(g)])
                stats.busy_seconds += busy
                finish(g, parts)
        else:
            with (contextlib.nullcontext(client) if client is not None else _client(scheduler, workers)) as c:
                _feed(c, todo, seed, wanted, hashes, stats, finish)
    finally:
        if bar is not None:
            bar.close()
    return stats


def _feed(client: Any, todo: list[Group], seed: int, wanted: tuple[str, ...], hashes: dict[int, str],
          stats: RunStats, finish: Callable[[Group, list[tuple[int, dict[str, pd.DataFrame]]]], None]) -> None:
    """Submit ``todo`` in order, a bounded window at a time; finish each result and let it go."""
    from dask.distributed import as_completed  # heavy: dask.distributed, loaded only on a cluster

    window = max(8, 3 * sum(client.nthreads().values()))
    queue = iter(todo)
    running: dict[Any, Group] = {}

    def submit() -> Any:
        g = next(queue, None)
        if g is None:
            return None
        fut = client.submit(_timed_group, g, seed, wanted, hashes[id(g)], pure=False)
        running[fut] = g
        return fut

    pending = as_completed([f for f in (submit() for _ in range(window)) if f is not None])
    for fut in pending:
        busy, parts = fut.result()
        g = running.pop(fut)
        fut.release()  # the worker may drop the result now: its memory does not grow with the run
        stats.busy_seconds += busy
        finish(g, parts)
        nxt = submit()
        if nxt is not None:
            pending.add(nxt)


def simulate_counties(scenarios: list[tuple[str, str, str, object]], replications: int, seed: int,
                      scheduler: str, workers: int, progress: bool | str = True) -> pd.DataFrame:
    """Per-replication KPI values of (county, variant id, variant name, scenario) cells, with county and variant
    (``progress``: a language for the progress bar, True for both, False for none)."""
    parts: list[pd.DataFrame] = []

    def sink(g: Group, rep: int, frames: dict[str, pd.DataFrame]) -> None:
        m = frames["metrics"].copy()
        m["county"], m["variant"] = g.county, g.variant
        parts.append(m)

    groups = [Group(c, v, n, sc, tuple(range(replications))) for c, v, n, sc in scenarios]  # type: ignore[arg-type]
    run_groups(groups, seed, ("metrics",), scheduler=scheduler, workers=workers, sink=sink, progress=progress)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read_results(out: str | Path, output: str = "metrics") -> pd.DataFrame:
    """One output of a run folder as one table (county and variant from the folder names), sorted."""
    import pyarrow.dataset as ds  # heavy: pyarrow, loaded only when results are read

    folder = Path(out) / output
    if not folder.is_dir():
        return pd.DataFrame()
    bad = next((p for p in sorted(folder.rglob("*.parquet")) if p.is_symlink() or not p.is_file()), None)
    try:
        if bad is not None:
            raise OSError
        table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError: a damaged cell, named
        bad = bad or _first_unreadable(folder)
        raise ExperimentRunError.of("experiment.bad_cell", path=display_path(bad or folder)) from exc
    df = table.to_pandas()
    for col in ("county", "variant"):
        df[col] = df[col].astype(str)
    keys = [c for c in ("county", "variant", "replication") if c in df.columns]
    rest = [c for c in df.columns if c not in keys]
    return df.sort_values(keys + rest, kind="mergesort").reset_index(drop=True)[keys + rest]


def _first_unreadable(folder: Path) -> Path | None:
    """The first Parquet file under ``folder`` that cannot be read (for the message)."""
    import pyarrow.parquet as pq  # heavy: pyarrow, loaded only when cell files are checked or read

    for p in sorted(folder.rglob("*.parquet")):
        try:
            pq.read_metadata(p)
        except Exception:  # noqa: BLE001 - any unreadable file is the one to name
            return p
    return None
