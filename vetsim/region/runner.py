"""Run groups of cells in this process or on Dask distributed, into a resumable partitioned Parquet dataset.

Why Dask: a city or province is thousands of county-years x variants x replications; a Dask cluster
(a LocalCluster on this machine, or any scheduler address) spreads the groups over workers and
reschedules a group when a worker is lost. The results are written here, in the client, one file per
cell and output, atomically (:mod:`vetsim.files`), so the output folder never holds half a file and
needs no file system shared with the workers:

    OUT/experiment.json                                  what was asked (and its hash)
    OUT/<output>/county=<id>/variant=<vid>/rep=<NNNNN>.parquet

``metrics`` is written last for a cell: a cell whose metrics file exists is finished and is skipped when
the run is started again (after a crash, Ctrl-C or a lost client). Results do not depend on the
scheduler or the number of workers: each cell's seed is keyed by county and replication.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import VetsimError
from ..files import atomic_write, atomic_write_text, check_output_target, display_path
from ..wording import both
from .cells import Group, run_group

__all__ = ["RunStats", "run_groups", "simulate_counties", "prepare_out", "cell_path", "read_results", "ExperimentRunError", "LOCAL", "SERIAL"]

LOCAL = "local"
SERIAL = "serial"
_PLAN = "experiment.json"


class ExperimentRunError(VetsimError):
    """An experiment that cannot be run or resumed here (shown without a traceback)."""


@dataclass
class RunStats:
    """How many cells the run computed and how many it found finished already."""

    computed: int = 0
    skipped: int = 0


def cell_path(out: Path, output: str, county: str, variant: str, rep: int) -> Path:
    return out / output / f"county={county}" / f"variant={variant}" / f"rep={rep:05d}.parquet"


def _write_parquet(path: Path, df: pd.DataFrame) -> None:
    """One cell's frame as a Parquet file, written atomically through :func:`vetsim.files.atomic_write`."""
    atomic_write(path, lambda fh: df.to_parquet(fh, index=False))


def prepare_out(out: Path, plan: dict[str, Any], force: bool = False) -> None:
    """Make ``out`` ready before any work: a new folder, or the folder of this same experiment (resume).

    The folder of another experiment (a different plan hash) is refused: its cells would be mixed in.
    """
    marker = out / _PLAN
    if marker.is_file():
        try:
            old = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if old.get("plan_hash") != plan["plan_hash"]:
            raise ExperimentRunError.of("experiment.other_run", folder=display_path(out))
        return
    check_output_target(out, "folder", force)
    out.mkdir(exist_ok=True)
    atomic_write_text(marker, json.dumps(plan, ensure_ascii=False, indent=2, default=str) + "\n")


def _client(scheduler: str, workers: int) -> tuple[Any, Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler == LOCAL:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=50)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise ExperimentRunError.of("experiment.no_scheduler", address=scheduler, reason=str(exc)[:200]) from None


def run_groups(groups: Iterable[Group], seed: int, outputs: tuple[str, ...], *, out: Path | None = None,
               scheduler: str = LOCAL, workers: int = 2,
               sink: Callable[[Group, int, dict[str, pd.DataFrame]], None] | None = None,
               progress: bool = True, client: Any = None) -> RunStats:
    """Run every cell of ``groups`` not yet finished in ``out`` (all of them without ``out``).

    ``scheduler``: ``"local"`` (a LocalCluster of ``workers`` processes), ``"serial"`` (this process) or a
    Dask scheduler address; or a ``client`` of a running Dask cluster (kept open). Each finished cell goes to ``out`` (atomic Parquet files) and/or ``sink``.
    ``out`` must have been prepared with :func:`prepare_out`.
    """
    stats = RunStats()
    todo: list[Group] = []
    for g in groups:
        missing = tuple(r for r in g.reps if out is None or not cell_path(out, "metrics", g.county, g.variant, r).is_file())
        stats.skipped += len(g.reps) - len(missing)
        if missing:
            todo.append(Group(g.county, g.variant, g.variant_name, g.scenario, missing, g.params))
    wanted = tuple(o for o in outputs if o != "metrics") + ("metrics",)  # metrics always, last: the cell's "done" mark
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=sum(len(g.reps) for g in todo), desc=" / ".join(both("region.progress.cells")), unit="cell")

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

    try:
        hashes = {id(g): g.scenario.hash() for g in todo}
        if scheduler == SERIAL or not todo:
            for g in todo:
                finish(g, run_group(g, seed, wanted, hashes[id(g)]))
        else:
            from dask.distributed import as_completed

            own = client is None
            client, cluster = _client(scheduler, workers) if own else (client, None)
            try:
                futures = {client.submit(run_group, g, seed, wanted, hashes[id(g)], pure=False): g for g in todo}
                for fut in as_completed(futures):
                    finish(futures[fut], fut.result())
            finally:
                if own:
                    client.close()
                if cluster is not None:
                    cluster.close()
    finally:
        if bar is not None:
            bar.close()
    return stats


def simulate_counties(scenarios: list[tuple[str, str, str, object]], replications: int, seed: int,
                      scheduler: str, workers: int) -> pd.DataFrame:
    """Per-replication KPI values of (county, variant id, variant name, scenario) cells, with county and variant."""
    parts: list[pd.DataFrame] = []

    def sink(g: Group, rep: int, frames: dict[str, pd.DataFrame]) -> None:
        m = frames["metrics"].copy()
        m["county"], m["variant"] = g.county, g.variant
        parts.append(m)

    groups = [Group(c, v, n, sc, tuple(range(replications))) for c, v, n, sc in scenarios]  # type: ignore[arg-type]
    run_groups(groups, seed, ("metrics",), scheduler=scheduler, workers=workers, sink=sink)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read_results(out: str | Path, output: str = "metrics") -> pd.DataFrame:
    """One output of a run folder as one table (county and variant from the folder names), sorted."""
    import pyarrow.dataset as ds

    folder = Path(out) / output
    if not folder.is_dir():
        return pd.DataFrame()
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    df = table.to_pandas()
    for col in ("county", "variant"):
        df[col] = df[col].astype(str)
    keys = [c for c in ("county", "variant", "replication") if c in df.columns]
    rest = [c for c in df.columns if c not in keys]
    return df.sort_values(keys + rest, kind="mergesort").reset_index(drop=True)[keys + rest]
