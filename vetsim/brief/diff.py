"""What changed since the last meeting: two runs of the same kind side by side (``vetsim compare A B``).

Three lists, so that a change of method is never read as a change in the county:

* **figures that moved beyond their noise**: each KPI (per level and case type) of the two runs, with the
  difference and its 95% interval over the replications: over the run-by-run differences when both runs
  used the same seed (common random numbers: :func:`vetsim.stats.paired_interval`), else Welch's
  (:func:`vetsim.stats.welch_interval`); a figure *moved* when that interval leaves out 0 and the list as a whole holds: of the hundreds of figures
  judged, those called moved pass the Benjamini-Hochberg step-up rule at the false discovery rate of
  ``data/compare.yaml`` (:func:`vetsim.stats.false_discoveries_controlled`), so figures that did not move are
  not listed one time in twenty by chance. A figure no replication varies (a count of the input) moved when it
  differs at all;
* **inputs that changed**: the scenario diff, file, row and field (:func:`vetsim.brief.changes.input_changes`);
  without the scenarios (two results folders) only whether their content hash differs;
* **method changes**: the vetsim version, a KPI whose definition changed (``meta["kpi_definitions"]``,
  :func:`vetsim.kpis.definition_fingerprints`), a calibration whose provenance changed (a ``source`` or
  ``se`` of the scenario). A figure whose method changed is flagged and never listed as moved.

:func:`compare_runs` compares two results (and their scenarios when known); :func:`compare_paths` loads
what two paths name (a scenario folder is simulated through the results cache, a results folder of
``vetsim simulate --out`` is read); the tables for people are in :mod:`vetsim.brief.diff_text`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cache import check_cache_location, simulate_cached
from ..errors import PolicyFileError, Problem
from ..files import PROJECT_DATA, display_path
from ..kpis import KPIS
from ..scenario import load_scenario
from ..sim import Results
from ..stats import (
    false_discoveries_controlled,
    paired_interval,
    t_quantile,
    t_test_p_value,
    welch_interval,
    welch_p_value,
)
from ..wording import both
from .changes import INPUT_COLUMNS, input_changes

__all__ = ["Run", "Comparison", "compare_runs", "compare_paths", "load_run", "false_discovery_rate", "FIGURE_COLUMNS",
           "METHOD_COLUMNS", "RATE_FILE"]

FIGURE_COLUMNS = ["metric", "level", "case_type", "unit", "before", "after", "diff", "diff_low", "diff_high",
                  "p_value", "replications_before", "replications_after", "moved", "method_changed"]
RATE_FILE = PROJECT_DATA / "compare.yaml"  # the false discovery rate of the moved list (a policy choice: data)
METHOD_COLUMNS = ["what", "item", "before", "after"]
_KEYS = ["metric", "level", "case_type"]
_TINY = 1e-9  # relative: a difference of rounding, not of the county


@dataclass(frozen=True)
class Run:
    """One side of a comparison: its results, its scenario (``None`` for a results folder) and a short label."""

    results: Any  # vetsim.sim.Results
    scenario: Any = None  # vetsim.scenario.Scenario
    label: str = ""

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.results.meta)


@dataclass(frozen=True)
class Comparison:
    """Two runs compared: every figure (``figures``, :data:`FIGURE_COLUMNS`), the inputs that changed
    (``inputs``, :data:`vetsim.brief.changes.INPUT_COLUMNS`) and the method changes (``method``)."""

    before: Run
    after: Run
    figures: pd.DataFrame
    inputs: pd.DataFrame
    method: pd.DataFrame
    inputs_known: bool = True  # False: results folders without their scenarios (only the hash is compared)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def moved(self) -> pd.DataFrame:
        """The figures that moved beyond their noise (method unchanged)."""
        return self.figures[self.figures["moved"]].reset_index(drop=True)

    @property
    def method_flagged(self) -> pd.DataFrame:
        """The figures whose method changed: their difference is not a change in the county."""
        return self.figures[self.figures["method_changed"]].reset_index(drop=True)

    @property
    def nothing_changed(self) -> bool:
        return self.moved.empty and self.inputs.empty and self.method.empty


def _samples(results: Any) -> pd.DataFrame:
    """Per replication values keyed by (metric, level, case_type), with the replication index; empty when a run
    kept none (then its summary gives the interval)."""
    per = getattr(results, "per_replication", None)
    if per is not None and not per.empty:
        return per[["replication", *_KEYS, "value"]]
    return pd.DataFrame(columns=["replication", *_KEYS, "value"])


def paired_runs(a: Any, b: Any) -> bool:
    """Two runs whose replication ``i`` drew the same random numbers: the same seed (common random numbers keyed
    by site and case type make the draws the same wherever the two scenarios agree)."""
    sa, sb = a.meta.get("seed"), b.meta.get("seed")
    return sa is not None and sa == sb


def _interval(xa: pd.Series | None, xb: pd.Series | None, ra: Any, rb: Any, paired: bool
              ) -> tuple[float, float, float, float]:
    """(difference, low, high, p-value) of one figure: paired over the replications both runs have when they
    share their draws, else Welch's; from the summaries when no values per replication were kept."""
    if xa is not None and xb is not None:
        if paired and len(xa) == len(xb) and set(xa.index) == set(xb.index):
            return paired_interval(xa.to_numpy(), xb.reindex(xa.index).to_numpy())
        diff, low, high = welch_interval(xa.to_numpy(), xb.to_numpy())
        return diff, low, high, welch_p_value(xa.to_numpy(), xb.to_numpy())
    if ra is not None and rb is not None:
        return _summary_interval(ra, rb)
    return math.nan, math.nan, math.nan, math.nan


def _summary_interval(sa: pd.Series, sb: pd.Series) -> tuple[float, float, float, float]:
    """Welch's interval and p-value from two summary rows (mean, 95% half width, replications) when the values per
    replication were not kept: each standard error recovered from its Student-t half width (the wider side:
    an interval cut at a bound, e.g. a wait near 0 minutes, keeps its other side whole)."""

    def se(row: pd.Series) -> tuple[float, float]:
        n = int(row["replications"])
        mean = float(row["mean"])
        half = max(float(row["ci_high"]) - mean, mean - float(row["ci_low"]))
        return (half / t_quantile(0.975, n - 1)) ** 2 if n >= 2 else math.nan, n

    (va, na), (vb, nb) = se(sa), se(sb)
    diff = float(sb["mean"]) - float(sa["mean"])
    if math.isnan(va) or math.isnan(vb):
        return diff, math.nan, math.nan, math.nan
    if va + vb <= 0:
        return diff, diff, diff, t_test_p_value(diff, 0.0, math.inf)
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    from scipy.special import stdtrit  # heavy: scipy, loaded only when an interval has few replications

    half = float(stdtrit(df, 0.975)) * math.sqrt(va + vb)
    return diff, diff - half, diff + half, t_test_p_value(diff, va + vb, df)


def _moved(diff: float, low: float, high: float, before: float) -> bool:
    if math.isnan(diff) or abs(diff) <= _TINY * max(1.0, abs(before)):
        return False
    if math.isnan(low):  # one replication: no interval, so nothing can be said to have moved beyond noise
        return False
    return bool(low > 0 or high < 0)


def _figures(a: Any, b: Any, method_metrics: set[str], all_methods: bool) -> pd.DataFrame:
    """Every KPI of both runs with the difference and its interval over the replications (paired when the runs
    share their draws, else Welch's), then the list as a whole (Benjamini-Hochberg)."""
    sa, sb = a.summary, b.summary
    keys = pd.concat([sa[_KEYS], sb[_KEYS]]).drop_duplicates()
    keys = keys[keys["metric"].isin(list(KPIS))]
    paired = paired_runs(a, b)
    pa, pb = (_samples(r).set_index("replication").groupby(_KEYS, sort=False)["value"] for r in (a, b))
    ga, gb = dict(list(pa)), dict(list(pb))
    ia, ib = sa.set_index(_KEYS), sb.set_index(_KEYS)
    rows = []
    for key in keys.itertuples(index=False, name=None):
        in_a, in_b = key in ia.index, key in ib.index
        ra, rb = (ia.loc[key] if in_a else None), (ib.loc[key] if in_b else None)
        before = float(ra["mean"]) if in_a else math.nan
        after = float(rb["mean"]) if in_b else math.nan
        diff, low, high, p = _interval(ga.get(key), gb.get(key), ra, rb, paired)
        changed_method = all_methods or key[0] in method_metrics
        rows.append({"metric": key[0], "level": key[1], "case_type": key[2], "unit": KPIS[key[0]].unit,
                     "before": before, "after": after, "diff": diff, "diff_low": low, "diff_high": high,
                     "p_value": p, "replications_before": int(ra["replications"]) if in_a else 0,
                     "replications_after": int(rb["replications"]) if in_b else 0,
                     "moved": (not changed_method) and _moved(diff, low, high, before),
                     "method_changed": changed_method})
    out = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    # the list as a whole: Benjamini-Hochberg over the figures that could move (method unchanged, an interval)
    judged = ~out["method_changed"].to_numpy(dtype=bool)
    p = np.where(judged & out["diff_low"].notna().to_numpy(), out["p_value"].to_numpy(dtype=float), np.nan)
    out["moved"] = out["moved"].to_numpy(dtype=bool) & false_discoveries_controlled(p, false_discovery_rate())
    return out


@lru_cache(maxsize=4)
def false_discovery_rate(path: str | os.PathLike[str] | None = None) -> float:
    """The false discovery rate of the moved list, from ``data/compare.yaml`` (or ``path``); a bad file:
    :class:`vetsim.errors.PolicyFileError` naming the file, the key and what is allowed."""
    from ..scenario.sources import read_yaml  # lazy: the scenario package's checked YAML reader

    file = Path(path) if path is not None else RATE_FILE
    problems: list[Problem] = []
    raw = read_yaml(file, problems)
    item = raw.get("false_discovery_rate") if isinstance(raw, dict) else None
    value = item.get("value") if isinstance(item, dict) else None
    if raw is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1):
        problems.append(Problem(display_path(file), *both("policy.err.where_key", key="false_discovery_rate.value"),
                                *both("policy.err.share", value=str(value)[:40])))
    if problems:
        raise PolicyFileError(problems)
    return float(value)


def _method(meta_a: dict[str, Any], meta_b: dict[str, Any], inputs: pd.DataFrame) -> pd.DataFrame:
    """The method changes: vetsim version, KPI definitions (where both runs stamped them), calibration provenance."""
    rows = []
    va, vb = meta_a.get("vetsim_version"), meta_b.get("vetsim_version")
    if va != vb:
        rows.append({"what": "vetsim_version", "item": "", "before": va, "after": vb})
    da, db = meta_a.get("kpi_definitions") or {}, meta_b.get("kpi_definitions") or {}
    for metric in dict.fromkeys([*da, *db]):
        if da and db and da.get(metric) != db.get(metric):
            rows.append({"what": "kpi_definition", "item": metric, "before": da.get(metric), "after": db.get(metric)})
    if not inputs.empty:
        for r in inputs[inputs["calibration"]].itertuples(index=False):
            item = " ".join(str(x) for x in (r.file, r.row, r.field) if x)
            rows.append({"what": "calibration", "item": item, "before": r.before, "after": r.after})
    return pd.DataFrame(rows, columns=METHOD_COLUMNS)


def _hash_only(meta_a: dict[str, Any], meta_b: dict[str, Any]) -> pd.DataFrame:
    """Two results folders without their scenarios: the inputs differ exactly when the content hashes do."""
    ha, hb = meta_a.get("scenario_hash"), meta_b.get("scenario_hash")
    rows = [] if ha == hb else [{"file": "scenario", "row": "", "field": "scenario_hash", "change": "changed",
                                 "before": str(ha)[:12], "after": str(hb)[:12], "calibration": False}]
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def compare_runs(before: Run, after: Run) -> Comparison:
    """Compare two runs: figures with Welch's intervals, the scenario diff (when both scenarios are known),
    the method changes; see the module's description."""
    known = before.scenario is not None and after.scenario is not None
    inputs = input_changes(before.scenario, after.scenario) if known else _hash_only(before.meta, after.meta)
    method = _method(before.meta, after.meta, inputs)
    all_methods = bool((method["what"] == "vetsim_version").any())
    metrics = set(method.loc[method["what"] == "kpi_definition", "item"])
    figures = _figures(before.results, after.results, metrics, all_methods)
    judged = int((figures["p_value"].notna() & figures["diff_low"].notna() & ~figures["method_changed"]).sum())
    return Comparison(before, after, figures, inputs, method, inputs_known=known,
                      extra={"false_discovery_rate": false_discovery_rate(), "figures_judged": judged,
                             "paired": paired_runs(before.results, after.results)})


def _is_results_folder(path: Path) -> bool:
    return path.is_dir() and (path / "meta.json").is_file() and (path / "summary.parquet").is_file()


def load_run(path: str | os.PathLike[str], *, replications: int | None = None, seed: int | None = None,
             workers: int = 1, progress: bool | str = False) -> Run:
    """The run a path names: a results folder (``vetsim simulate --out``) is read as it is; a scenario folder
    is simulated (``replications``, ``seed``: the scenario's by default) through the results cache."""
    p = Path(path)
    if _is_results_folder(p):

        return Run(Results.from_parquet(p), None, p.name)

    sc = load_scenario(p)
    res = simulate_cached(sc, replications=replications, seed=seed, workers=workers, progress=progress)
    return Run(res, sc, p.name)


def compare_paths(before: str | os.PathLike[str], after: str | os.PathLike[str], *, replications: int | None = None,
                  seed: int | None = None, workers: int = 1, progress: bool | str = False) -> Comparison:
    """:func:`compare_runs` of what two paths name (:func:`load_run`). Two scenarios are simulated with the
    same replications and seed (the first run's when not given), so their differences are the inputs'."""

    check_cache_location(before, after)  # before any work
    a = load_run(before, replications=replications, seed=seed, workers=workers, progress=progress)
    # the second run as the first was made (a results folder's own replications and seed included)
    if replications is None and a.results.meta.get("replications"):
        replications = int(a.results.meta["replications"])
    if seed is None and a.results.meta.get("seed") is not None:
        seed = int(a.results.meta["seed"])
    b = load_run(after, replications=replications, seed=seed, workers=workers, progress=progress)
    return compare_runs(a, b)


def finite(x: Any) -> bool:
    """A number that can be shown (not NaN, not missing)."""
    try:
        return not np.isnan(float(x))
    except (TypeError, ValueError):
        return False
