"""``simulate()``: replications in this process or through any ``concurrent.futures.Executor``."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import VetsimError
from ..kpis import definition_fingerprints
from ..scenario import Scenario
from ..scenario.limits import check_simulation_size
from ..wording import both, tr
from ..work.network import Network, compile_network
from .engine import Engine
from .records import Columns, replication_metrics, replication_tables
from .results import Results, summarise
from .streams import draw_streams, vary_parameters

__all__ = ["simulate", "run_replication", "SimulationError"]

_NETWORKS: dict[str, Network] = {}  # per process: compiled once per scenario


class SimulationError(VetsimError, ValueError):
    """Bad arguments to ``simulate`` (shown to users in Chinese or English)."""


def _network(scenario: Scenario, key: str | None = None) -> Network:
    key = key or scenario.hash()
    net = _NETWORKS.get(key)
    if net is None:  # safe with threads: a racing thread at worst compiles the same network again
        net = compile_network(scenario)
        _NETWORKS.clear()
        _NETWORKS[key] = net
    return net


def run_replication(scenario: Scenario, seed_seq: np.random.SeedSequence, rep: int,
                    scenario_hash: str | None = None, tables: bool = True) -> dict[str, Any]:
    """One replication: frames and KPI values. Top-level and picklable, so any executor can run it.

    ``tables=False``: only the KPI values (``metrics``), computed from the engine's numpy columns; no
    DataFrame is built, none is sent back from a worker process or joined across replications. With
    tables the same columns become the DataFrames, so both give the same KPIs to the last bit.
    """
    with _cyclic_gc_paused():
        # the replication's objects (cases, engine, columns) are freed when ``_replication`` returns, before
        # the collector runs again: else its first pass would scan them all, only to find them alive
        return _replication(scenario, seed_seq, rep, scenario_hash, tables)


def _replication(scenario: Scenario, seed_seq: np.random.SeedSequence, rep: int, scenario_hash: str | None,
                 tables: bool) -> dict[str, Any]:
    net = vary_parameters(_network(scenario, scenario_hash), seed_seq)
    arrivals, backlog = draw_streams(net, seed_seq)
    eng = Engine(net, arrivals, backlog, seed_seq).run()
    del arrivals, backlog  # the engine has let go of the streams: their numbers go now
    cols = replication_tables(net, eng, rep)
    spec = scenario.spec
    target_day = (spec.targets.petition_backlog_zero_by.date - spec.simulation.start_date).days
    metrics = replication_metrics(net, cols, rep, target_day)  # from numpy columns: no DataFrame needed
    if not tables:
        return {"metrics": metrics}
    del eng  # the columns hold what the tables need; each table's columns go once its DataFrame is made
    for table in cols.values():
        if isinstance(table, Columns):
            table.settle()  # the case objects go before any DataFrame is built (peak memory)
    return {**{k: cols.pop(k).frame() for k in ("cases", "visits", "site_days", "work")}, "metrics": metrics}


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for one replication: the engine holds tens of thousands of case
    objects, and the collector's repeated scans of them cost 10-30% of a run (measured in
    benchmarks/bench_sim.py); the run makes no garbage cycles worth collecting meanwhile. Reference
    counting still frees everything; the collector runs again afterwards (if it was on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check(n: int | None, seed: int | None, workers: int) -> None:
    if n is not None and (not isinstance(n, (int, np.integer)) or n < 1):
        raise SimulationError(*both("sim.error.bad_replications", n=n))
    if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
        raise SimulationError(*both("sim.error.bad_seed", seed=seed))
    if not isinstance(workers, (int, np.integer)) or workers < 1:
        raise SimulationError(*both("sim.error.bad_workers", workers=workers))


def simulate(scenario: Scenario, replications: int | None = None, seed: int | None = None, workers: int = 1,
             executor: Executor | None = None, progress: bool | str = False, tables: bool = True) -> Results:
    """Simulate ``scenario`` ``replications`` times and summarise with 95% confidence intervals.

    Defaults come from ``scenario.spec.simulation.replications`` and ``scenario.spec.seed``.
    Replication ``i`` always uses ``SeedSequence(seed).spawn(n)[i]``, so results are identical
    whether run serially, with ``workers`` processes, or on a given ``executor`` (e.g. a
    ``dask.distributed`` client's ``get_executor()``). Runs with the same seed share their random
    numbers by site and case type (common random numbers), so baseline-vs-proposal differences are paired.
    ``progress``: a progress bar on stderr, labelled in that language (``"zh"``/``"en"``; ``True``: both).
    ``tables=False``: KPIs only (``summary``, ``per_replication``, ``meta``, the same numbers to the last
    bit); ``cases``, ``visits``, ``site_days`` and ``work`` are None, for callers that read no table
    (policy comparison, sensitivity arms, experiments that keep only metrics).
    """
    _check(replications, seed, workers)
    n = int(replications if replications is not None else scenario.spec.simulation.replications)
    check_simulation_size(scenario, n)
    seed = int(seed if seed is not None else scenario.spec.seed)
    seqs = np.random.SeedSequence(seed).spawn(n)
    key = scenario.hash()
    bar = None
    if progress:
        from tqdm.auto import tqdm  # lazy: only with a progress bar

        langs = (progress,) if progress in ("zh", "en") else ("zh", "en")  # a language, or True: both
        bar = tqdm(total=n, desc=" / ".join(tr("cli.progress.simulating", lang) for lang in langs),
                   unit=" / ".join(tr("unit.runs", lang) for lang in langs))
    parts: list[dict[str, Any] | None] = [None] * n
    own = None
    try:
        if executor is None and workers > 1 and n > 1:
            own = executor = ProcessPoolExecutor(max_workers=min(workers, n, os.cpu_count() or 1))
        if executor is None:
            for i, sq in enumerate(seqs):
                parts[i] = run_replication(scenario, sq, i, key, tables)
                if bar is not None:
                    bar.update(1)
        else:
            from concurrent.futures import as_completed  # lazy: only with worker processes

            futures = {executor.submit(run_replication, scenario, sq, i, key, tables): i for i, sq in enumerate(seqs)}
            for fut in as_completed(futures):
                parts[futures[fut]] = fut.result()
                if bar is not None:
                    bar.update(1)
    finally:
        if own is not None:
            own.shutdown(cancel_futures=True)
        if bar is not None:
            bar.close()
    return _combine(scenario, parts, seed, n, key, tables)  # type: ignore[arg-type]


def _concat(parts: list[dict[str, Any]], name: str) -> pd.DataFrame:
    frames = [p[name] for p in parts]
    out = pd.concat(frames, ignore_index=True)
    for col in frames[0].columns:  # keep categories (same categories in every replication)
        if isinstance(frames[0][col].dtype, pd.CategoricalDtype) and not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = pd.Categorical(out[col], categories=frames[0][col].cat.categories)
    return out


def _combine(scenario: Scenario, parts: list[dict[str, Any]], seed: int, n: int, key: str, tables: bool = True
             ) -> Results:
    per_rep = _concat(parts, "metrics")
    sim = scenario.spec.simulation
    net = _network(scenario, key)
    meta = {
        "seed": seed,
        "scenario_hash": key,
        "vetsim_version": __version__,
        "kpi_definitions": definition_fingerprints(),  # a KPI whose definition changed is flagged by `vetsim compare`
        "replications": n,
        "scenario_name": {"zh": scenario.name("zh"), "en": scenario.name("en")},
        "start_date": sim.start_date.isoformat(),
        "days": sim.days,
        "calendar": sim.calendar,
        "site_levels": list(net.site_level_names),  # the scenario's site levels, bottom to top (charts, tables)
        "calendar_estimated_years": [y for y in net.cal.estimated_years
                                     if sim.start_date.year <= y <= (sim.start_date + dt.timedelta(sim.days - 1)).year],
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **({} if tables else {"tables": False}),  # KPIs only: no case, visit, site-day or work table
    }
    frames = {name: _concat(parts, name) if tables else None for name in ("cases", "visits", "site_days", "work")}
    return Results(**frames, summary=summarise(per_rep), meta=meta, per_replication=per_rep)
