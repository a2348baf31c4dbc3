"""Replications that stop when the answer is sure: batches in parallel, a precision rule, a cap.

Why: a brief or the dashboard ran a fixed count of county-years (20 a scenario) one after the other,
although the headline KPIs of the sample county are known to a fraction of what the page prints after
five. Here replications run in batches on worker processes; after each batch the 95% interval of every
headline KPI (``data/replicate.yaml``: metric, level, precision, unit, label, source) is compared with
its precision, and the run stops when each is narrower or at the cap (the scenario's replication count).

Deterministic: replication ``i`` uses ``SeedSequence(seed).spawn(n)[i]`` (as :func:`vetsim.sim.simulate`),
and the rule is judged on whole batches in seed order (5, 10, 15, ... runs), never on whichever runs
finished first, so one worker and many stop at the same count with the same numbers. Scenarios run
together (baseline and proposal) stop together: every pair of runs shares its random numbers.

Reuse: every run stopped here is stored in the results cache (:mod:`vetsim.cache`) under its count,
with a record of where the rule stopped for these scenarios, seed, cap and rule; the next command, app
or page reads both instead of simulating. Within a process, replications already simulated (the
baseline while the dashboard's proposal changes) are kept and not run again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import socket
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .cache import (
    cached_counts,
    cached_results,
    check_cache_location,
    has_cached,
    marker_is_live,
    source_fingerprint,
    store_results,
)
from .errors import PolicyFileError, Problem
from .files import PROJECT_DATA, atomic_write_text, display_path
from .kpis import KPIS
from .stats import t_half_width, wilson_interval
from .wording import both

if TYPE_CHECKING:
    from .scenario import Scenario
    from .sim import Results

__all__ = ["Precision", "Rule", "Stop", "load_rule", "schedule", "half_widths", "is_precise", "default_workers",
           "simulate_until_sure", "new_memo", "is_recorded", "wait_for_recorded", "computing_marker", "mark_computing",
           "RULE_FILE"]

RULE_FILE = PROJECT_DATA / "replicate.yaml"  # a policy choice: data, with unit, label and source per figure
REASONS = ("precision", "cap", "fixed")  # why a run has the count it has
MEMO_SCENARIOS = 4  # scenarios whose replications a session keeps in memory (baseline, proposals being tried)


@dataclass(frozen=True)
class Precision:
    """One headline KPI's precision: the 95% interval of ``metric`` at ``level`` is at most mean ± ``precision``."""

    metric: str
    level: str
    precision: float
    unit: str
    label_zh: str
    label_en: str
    source: str


@dataclass(frozen=True)
class Rule:
    """When replications stop: judged first after ``min_replications``, then after every ``batch`` runs."""

    min_replications: int
    batch: int
    kpis: tuple[Precision, ...]

    def key(self) -> str:
        """A hash of what decides the stopping count (a changed rule is a different run)."""
        parts = [self.min_replications, self.batch, [(p.metric, p.level, p.precision) for p in self.kpis]]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Stop:
    """How many replications ran and why: ``precision`` reached, the ``cap``, or a ``fixed`` count asked for."""

    replications: int
    cap: int
    reason: str

    def as_meta(self) -> dict[str, Any]:
        return {"replications": self.replications, "cap": self.cap, "reason": self.reason}


@lru_cache(maxsize=4)
def load_rule(path: str | os.PathLike[str] | None = None) -> Rule:
    """The stopping rule of ``data/replicate.yaml`` (or ``path``); a bad file: :class:`PolicyFileError` naming
    the file, the key and what is allowed (every problem, not only the first)."""
    from .scenario.sources import read_yaml  # lazy: start-up of `vetsim --help`

    p = Path(path) if path is not None else RULE_FILE
    problems: list[Problem] = []
    raw = read_yaml(p, problems)  # size, alias-bomb and syntax checks of the scenario files
    rule = _rule_of(raw, display_path(p), problems) if raw is not None else None
    if problems or rule is None:
        raise PolicyFileError(problems)
    return rule


def _count(raw: dict[str, Any], key: str, least: int, label: str, problems: list[Problem]) -> int:
    """``raw[key]["value"]``: a whole number >= ``least``, else a problem (0 returned)."""
    item = raw.get(key)
    value = item.get("value") if isinstance(item, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.append(Problem(label, *both("policy.err.where_key", key=f"{key}.value"),
                                *both("policy.err.count", least=least, value=str(value)[:40])))
        return 0
    return value


def _precision(item: Any, i: int, label: str, problems: list[Problem]) -> Precision | None:
    """One ``kpis:`` entry, checked: a known metric, a level, a precision > 0, unit, labels and source."""
    where = both("policy.err.where_kpi", n=i + 1)
    if not isinstance(item, dict):
        problems.append(Problem(label, *where, *both("policy.err.kpi_not_mapping")))
        return None
    found = len(problems)
    if str(item.get("metric", "")) not in KPIS:
        problems.append(Problem(label, *where, *both("policy.err.metric", value=str(item.get("metric"))[:40],
                                                     allowed=", ".join(sorted(KPIS)))))
    precision = item.get("precision")
    if isinstance(precision, bool) or not isinstance(precision, (int, float)) or not precision > 0:
        problems.append(Problem(label, *where, *both("policy.err.precision", value=str(precision)[:40])))
    for field in ("level", "unit", "label_zh", "label_en", "source"):
        if not str(item.get(field) or "").strip():
            problems.append(Problem(label, *where, *both("policy.err.empty", field=field)))
    if len(problems) > found:
        return None
    return Precision(str(item["metric"]), str(item["level"]), float(precision), str(item["unit"]),
                     str(item["label_zh"]), str(item["label_en"]), str(item["source"]))


def _rule_of(raw: dict[str, Any], label: str, problems: list[Problem]) -> Rule | None:
    """The rule in a parsed file, or ``None`` with every problem added."""
    found = len(problems)
    least_runs = _count(raw, "min_replications", 2, label, problems)
    batch = _count(raw, "batch", 1, label, problems)
    items = raw.get("kpis")
    if not isinstance(items, list) or not items:
        problems.append(Problem(label, *both("policy.err.where_key", key="kpis"), *both("policy.err.no_kpis")))
        items = []
    kpis = [_precision(item, i, label, problems) for i, item in enumerate(items)]
    if len(problems) > found:
        return None
    return Rule(least_runs, batch, tuple(k for k in kpis if k is not None))


def schedule(cap: int, rule: Rule) -> list[int]:
    """The counts at which the rule is judged: ``min_replications``, then every ``batch`` more, ending at ``cap``."""
    counts, n = [], min(rule.min_replications, cap)
    while n < cap:
        counts.append(n)
        n += rule.batch
    return [*counts, cap]


def half_widths(results: Results, rule: Rule) -> dict[tuple[str, str], float]:
    """The 95% interval half-width of each KPI of ``rule`` in ``results`` (all case types): Student's t
    before it is cut to the KPI's range, Wilson's for a chance over runs. NaN where the KPI has fewer than
    two values; a KPI the scenario does not have (no township level) is left out."""

    per = results.per_replication
    out: dict[tuple[str, str], float] = {}
    for p in rule.kpis:
        rows = per[(per["metric"] == p.metric) & (per["level"].astype(str) == p.level)
                   & per["case_type"].astype(str).isin(["all", ""])]
        if rows.empty:
            continue
        x = rows["value"].astype(float).dropna().to_numpy()
        if KPIS[p.metric].binary:
            lo, hi = wilson_interval(x.sum(), len(x)) if len(x) else (math.nan, math.nan)
            out[p.metric, p.level] = (hi - lo) / 2
        else:
            out[p.metric, p.level] = t_half_width(x.std(ddof=1), len(x)) if len(x) >= 2 else math.nan
    return out


def is_precise(results: Results, rule: Rule) -> bool:
    """Every KPI of ``rule`` has an interval at most ± its precision (a NaN half-width is not precise;
    a KPI with no value in any run, such as a clearing day never reached, does not hold the run back)."""
    limits = {(p.metric, p.level): p.precision for p in rule.kpis}
    return all(h <= limits[k] for k, h in half_widths(results, rule).items())


def default_workers() -> int:
    """Worker processes when none are asked for: the cores this process may use (2 on a 2-core machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Memo(Executor):
    """Runs replications on ``inner`` (or here, at submission) and keeps each one's future by scenario,
    seed and index: a replication asked for again (the next batch, the same baseline) is not run again."""

    def __init__(self, inner: Executor | None, tick: Callable[[], None] | None = None):
        self.inner = inner
        self.tick = tick
        self.futures: dict[tuple[Any, ...], Future[Any]] = {}
        self.prefilled: set[tuple[str, int]] = set()  # scenarios and seeds whose cached runs were taken

    @staticmethod
    def _key(args: tuple[Any, ...]) -> tuple[Any, ...]:
        _scenario, seq, rep, scenario_hash, tables = (*args, None, True)[:5]
        return scenario_hash, seq.entropy, tuple(seq.spawn_key), rep, tables

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        key = self._key(args)
        fut = self.futures.get(key)
        if fut is not None and not (fut.done() and fut.exception() is not None):
            return fut
        if self.inner is not None:
            fut = self.inner.submit(fn, *args, **kwargs)
            if self.tick is not None:
                fut.add_done_callback(lambda _f: self.tick())
        else:
            fut = Future()
            try:
                fut.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                fut.set_exception(exc)
            if self.tick is not None:
                self.tick()
        self.futures[key] = fut
        self._forget_old(key[0])
        return fut

    def _forget_old(self, newest: str) -> None:
        """Keep the replications of the last :data:`MEMO_SCENARIOS` scenarios only (memory of a long session)."""
        order = list(dict.fromkeys(k[0] for k in self.futures))
        if len(order) > MEMO_SCENARIOS:
            drop = set(order[:-MEMO_SCENARIOS]) - {newest}
            self.futures = {k: f for k, f in self.futures.items() if k[0] not in drop}

    def prefetch(self, scenario: Scenario, seed: int, upto: int) -> None:
        """Start replications ``0..upto-1`` of ``scenario`` that are not started yet (the pool stays busy
        with the proposal's runs while the baseline's last ones finish)."""

        from .sim import run_replication  # lazy: checking the cache (dashboard start-up) loads no engine

        key = scenario.hash()
        for i, seq in enumerate(np.random.SeedSequence(seed).spawn(upto)):
            self.submit(run_replication, scenario, seq, i, key, True)

    def prefill(self, scenario: Scenario, seed: int) -> None:
        """Take the replications of ``scenario`` from ``seed`` that the results cache holds (its longest run):
        a baseline simulated once, for one proposal or by another command, is not simulated again for the
        next. Replication ``i`` of any run is the same (``SeedSequence(seed).spawn(n)[i]``)."""

        key = scenario.hash()
        if (key, seed) in self.prefilled:
            return
        self.prefilled.add((key, seed))
        found = next((r for n in cached_counts(scenario, seed) if (r := cached_results(scenario, n, seed)) is not None
                      and r.cases is not None), None)
        if found is None:
            return
        for i, seq in enumerate(np.random.SeedSequence(seed).spawn(int(found.meta["replications"]))):
            fut: Future[Any] = Future()
            fut.set_result(_one_replication(found, i))
            self.futures.setdefault((key, seq.entropy, tuple(seq.spawn_key), i, True), fut)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.inner is not None:
            self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def _one_replication(results: Results, rep: int) -> dict[str, Any]:
    """Replication ``rep`` of ``results`` as :func:`vetsim.sim.run_replication` returns it (its frames and KPIs)."""
    def part(frame: Any) -> Any:
        return frame[frame["replication"] == rep].reset_index(drop=True)

    out = {name: part(getattr(results, name)) for name in ("cases", "visits", "site_days", "work")}
    out["metrics"] = part(results.per_replication)
    return out


def _record_path(scenarios: Sequence[Scenario], seed: int, cap: int, rule: Rule) -> Path:
    """Where the stopping count of these scenarios (in this order), seed, cap, rule and code is kept."""

    parts = {"scenarios": [s.hash() for s in scenarios], "seed": seed, "cap": cap, "rule": rule.key(),
             "source": source_fingerprint(), "numpy": np.__version__}
    name = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:40]
    return check_cache_location(*scenarios).resolve() / "stops" / f"{name}.json"


def _recorded(scenarios: Sequence[Scenario], seed: int, cap: int, rule: Rule, load: bool = True
              ) -> tuple[list[Results], Stop] | None:
    """The runs of an earlier stop of these very scenarios, seed, cap and rule, if the cache has them all
    (``load=False``: ``None`` for each run, only checked to be there)."""

    try:
        record = json.loads(_record_path(scenarios, seed, cap, rule).read_text(encoding="utf-8"))
        stop = Stop(int(record["replications"]), cap, str(record["reason"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stop.reason not in REASONS or not 1 <= stop.replications <= cap:
        return None
    if not load:
        return ([None] * len(scenarios), stop) if all(has_cached(s, stop.replications, seed) for s in scenarios) \
            else None  # type: ignore[return-value]
    found = [cached_results(s, stop.replications, seed) for s in scenarios]
    return (found, stop) if all(r is not None for r in found) else None  # type: ignore[return-value]


def _remember(scenarios: Sequence[Scenario], seed: int, rule: Rule, results: Sequence[Results], stop: Stop) -> None:
    """Store the runs in the results cache and where the rule stopped; a cache that cannot be written
    only costs the next command a simulation."""

    for sc, res in zip(scenarios, results, strict=True):
        store_results(sc, stop.replications, seed, res)
    try:
        path = _record_path(scenarios, seed, stop.cap, rule)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(stop.as_meta()))
    except OSError:
        pass


def computing_marker(scenarios: Sequence[Scenario], seed: int, cap: int, rule: Rule | None = None) -> Path:
    """The file that says: these scenarios are being simulated until sure right now (pid, host, start)."""
    return _record_path(scenarios, int(seed), int(cap), rule or load_rule()).with_suffix(".computing")


def _mark(marker: Path | None) -> Path | None:
    """Write the computing marker; None where the cache cannot be written (only the cache is lost)."""

    if marker is None:
        return None
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(marker, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
    except OSError:
        return None
    return marker


def mark_computing(scenarios: Sequence[Scenario], cap: int, seed: int) -> Path | None:
    """Write now the marker that :func:`simulate_until_sure` writes when it starts (and removes when it ends),
    for a caller that starts it a moment later: another process (a preheated dashboard kernel) waits for the
    run from now on instead of simulating the same pair. The caller removes it if the run does not start;
    None where the cache cannot be written."""
    try:
        return _mark(computing_marker(scenarios, int(seed), int(cap)))
    except Exception:  # noqa: BLE001 - a cache that cannot be written only means: no one waits for this run
        return None


def wait_for_recorded(scenarios: Sequence[Scenario], cap: int, seed: int, timeout: float = 900.0,
                      poll: float = 0.5) -> bool:
    """Whether these scenarios' stop and runs are in the cache, waiting (at most ``timeout`` s) while another
    live process simulates them (its marker, :func:`vetsim.cache.marker_is_live`). A preheated dashboard
    kernel, which nobody waits for, uses it so as not to simulate the same runs a second time."""

    deadline = time.monotonic() + timeout
    marker = computing_marker(scenarios, seed, cap)
    while True:
        if is_recorded(scenarios, cap, seed):
            return True
        if not marker_is_live(marker, timeout) or time.monotonic() > deadline:
            return False
        time.sleep(poll)


def _with_stop(results: Results, stop: Stop) -> Results:
    return dataclasses.replace(results, meta={**results.meta, "stop": stop.as_meta()})


OnBatch = Callable[[list["Results"], Stop | None], None]


def simulate_until_sure(scenarios: Sequence[Scenario], cap: int, seed: int, *, workers: int | None = None,
                        rule: Rule | None = None, on_batch: OnBatch | None = None, use_cache: bool = True,
                        memo: _Memo | None = None, tick: Callable[[], None] | None = None
                        ) -> tuple[list[Results], Stop]:
    """Simulate ``scenarios`` with ``seed`` in batches until every headline KPI of each is precise
    (:func:`is_precise`), at most ``cap`` replications; returns their ``Results`` (``meta["stop"]``: how
    many ran, the cap, and why they stopped) and the :class:`Stop`.

    ``workers``: processes (default :func:`default_workers`); the count and the numbers are the same for
    any. ``on_batch(results, stop)``: called after every judged batch with the runs so far (``stop`` is
    None until the last); the dashboard refines its cards with it. ``tick()``: once per replication done.
    ``memo``: replications kept between calls (see :func:`new_memo`). The results cache is read and
    written unless ``use_cache`` is false.
    """

    rule = rule or load_rule()
    cap, seed = int(cap), int(seed)
    if use_cache:
        hit = _recorded(scenarios, seed, cap, rule)
        if hit is not None:
            found, stop = hit
            out = [_with_stop(r, stop) for r in found]
            if on_batch is not None:
                on_batch(out, stop)
            return out, stop
    workers = default_workers() if workers is None else int(workers)
    from .sim import simulate  # lazy: checking the cache (dashboard start-up) loads no engine

    marker = _mark(computing_marker(scenarios, seed, cap, rule) if use_cache else None)
    own = memo is None
    if memo is None:
        memo = new_memo(workers, tick)
    try:
        if use_cache:
            for sc in scenarios:
                memo.prefill(sc, seed)
        for n in schedule(cap, rule):
            for sc in scenarios:
                memo.prefetch(sc, seed, n)
            results = [simulate(sc, replications=n, seed=seed, executor=memo) for sc in scenarios]
            precise = all(is_precise(r, rule) for r in results)
            if precise or n == cap:
                stop = Stop(n, cap, "precision" if precise else "cap")
                break
            if on_batch is not None:
                on_batch(results, None)
        if use_cache:
            _remember(scenarios, seed, rule, results, stop)
    finally:
        if own:
            memo.shutdown(cancel_futures=True)
        if marker is not None:
            marker.unlink(missing_ok=True)
    out = [_with_stop(r, stop) for r in results]
    if on_batch is not None:
        on_batch(out, stop)
    return out, stop


def new_memo(workers: int = 1, tick: Callable[[], None] | None = None, spawn: bool = False) -> _Memo:
    """Replications kept between runs (one dashboard session): on ``workers`` processes, or here for 1.
    ``spawn``: fresh worker processes rather than forks (a kernel with threads, such as the dashboard's)."""
    inner = None
    if workers > 1:
        import multiprocessing  # loaded only when replications run in worker processes
        from concurrent.futures import ProcessPoolExecutor  # loaded only when replications run in worker processes

        context = multiprocessing.get_context("spawn") if spawn else None
        inner = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return _Memo(inner, tick)


def is_recorded(scenarios: Sequence[Scenario], cap: int, seed: int, rule: Rule | None = None) -> bool:
    """Whether these scenarios' stop (seed, cap, rule) and all their runs are in the results cache: a page
    can show them without simulating."""
    try:
        return _recorded(scenarios, int(seed), int(cap), rule or load_rule(), load=False) is not None
    except Exception:  # noqa: BLE001 - a cache that cannot be read only means: simulate
        return False
