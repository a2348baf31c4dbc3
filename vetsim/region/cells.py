"""Cells of a region run: one county x one variant x one replication, with a seed keyed by county and replication.

Why keyed seeds: a cell's random numbers must not depend on which other cells exist, so that a run can
be split, resumed or extended and still give the same numbers. Cell ``(county, variant, rep)`` uses
``SeedSequence(seed, spawn_key=(county_key(county), rep))``: counties draw independent streams (their
totals add up without hidden correlation), and every variant of a county shares its streams (common
random numbers: baseline-vs-variant differences are paired, as in :func:`vetsim.simulate`).

A *group* is one county x variant with the replications still to run: one task, so that the compiled
network of a scenario is built once per task rather than once per replication.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..sim.runner import run_replication

__all__ = ["Group", "OUTPUTS", "county_key", "cell_seed", "run_group", "seed_key"]

OUTPUTS = ("metrics", "cases", "visits", "site_days", "work")


def county_key(county_id: str) -> int:
    """A stable 32-bit number for a county id (the first spawn-key element of its cells)."""
    return int.from_bytes(hashlib.sha256(county_id.encode("utf-8")).digest()[:4], "big")


def cell_seed(seed: int, county_id: str, rep: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``rep`` of ``county_id`` (the same for every variant)."""
    return np.random.SeedSequence(seed, spawn_key=(county_key(county_id), rep))


def seed_key(county_id: str, rep: int) -> str:
    """The spawn key of a cell as text, stored beside the seed so that any cell can be re-run alone."""
    return f"{county_key(county_id)}/{rep}"


@dataclass(frozen=True)
class Group:
    """One county x variant: its scenario, the replications to run and the parameters to record."""

    county: str
    variant: str  # a path-safe id, e.g. v01
    variant_name: str
    scenario: Scenario = field(repr=False)
    reps: tuple[int, ...]
    params: tuple[tuple[str, Any], ...] = ()


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as text: every file of the dataset gets the same schema."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(str)
    return out


def run_group(group: Group, seed: int, outputs: tuple[str, ...], scenario_hash: str) -> list[tuple[int, dict[str, pd.DataFrame]]]:
    """Run the group's replications; per replication the wanted frames with the cell's columns added.

    Top-level and picklable: it runs as one task on a Dask worker or in this process, with identical
    results. Added columns: variant_name, the parameters (``param_<name>``), scenario_hash, seed, seed_key.
    """
    out = []
    tables = any(name != "metrics" for name in outputs)  # KPIs only: no per-replication DataFrame is built
    for rep in group.reps:
        frames = run_replication(group.scenario, cell_seed(seed, group.county, rep), rep, scenario_hash, tables)
        kept = {}
        for name in outputs:
            df = _plain(frames[name])
            df.insert(0, "variant_name", group.variant_name)
            for k, v in group.params:
                df[f"param_{k}"] = v
            df["scenario_hash"] = scenario_hash
            df["seed"] = np.int64(seed)
            df["seed_key"] = seed_key(group.county, rep)
            kept[name] = df
        out.append((rep, kept))
    return out
