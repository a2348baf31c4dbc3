"""One-at-a-time sensitivity (tornado): each assumption from its P10 to its P90, the others at their middle.

For every assumption two variants of the scenario are made through the overlay mechanism (one with
the assumption at its P10, one at its P90) and run through the model the assumption feeds: the
exact budget for fiscal assumptions, a short simulation with common random numbers for the others
(see :mod:`vetsim.sensitivity.outputs`). An assumption cannot move the outputs of a model it does
not feed, so that model is not run for it. The swing ``|at_high - at_low|`` ranks the assumptions
per output: the longest bar at the top of the tornado.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..stats import t_half_width
from .outputs import FISCAL_OUTPUTS, OUTPUTS, SERVICE_OUTPUTS, fiscal_outputs, service_runs, short_run
from .ranges import Assumption, assumptions, variant

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["Tornado", "tornado", "TORNADO_COLUMNS", "SIM_REPLICATIONS"]

TORNADO_COLUMNS = ("output", "key", "label_zh", "label_en", "unit", "low", "mid", "high", "base", "at_low",
                   "at_high", "noise", "swing", "rank")
# noise: 95% half-width of the swing from the paired replications (0: exact model; NaN: one run, not known);
# rank: 1 = largest swing, only for swings larger than their noise (NA: within noise, not ranked)
SIM_REPLICATIONS = 2  # replications per service arm in the CLI (tests ask for 1 and fewer days)


@dataclass(frozen=True)
class Tornado:
    """The tornado table (one row per output and assumption) and how it was made (``meta``)."""

    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def ranking(self, output: str) -> list[str]:
        """Assumption keys of ``output``, the largest swing first (only those that move it beyond the noise)."""
        t = self.table[(self.table["output"] == output) & self.table["rank"].notna()]
        return t.sort_values(["rank"])["key"].tolist()

    def of(self, output: str) -> pd.DataFrame:
        """The rows of ``output`` in rank order (those within noise last, by swing)."""
        rows = self.table[self.table["output"] == output]
        return rows.sort_values(["rank", "swing"], ascending=[True, False], na_position="last").reset_index(drop=True)


def _arms(base: Scenario, items: Sequence[Assumption], run: Callable[[Scenario], dict[str, Any]],
          outputs: Sequence[str]) -> list[dict[str, Any]]:
    """Rows for ``items``: the model ``run`` at all-middle, then with each assumption at its P10 and P90.

    ``run`` gives one number per output (an exact model) or one per replication (a simulation with
    common random numbers); then the swing's noise is the 95% half-width of the mean of the paired
    run-by-run differences (Student t), NaN with a single run (the noise cannot be told).
    """
    if not items:
        return []  # nothing of this model is questioned: the model is not run
    mid = run(base)
    rows: list[dict[str, Any]] = []
    for a in items:
        lo, hi = run(variant(base, {a.key: a.low})), run(variant(base, {a.key: a.high}))
        for o in outputs:
            rows.append({"output": o, "key": a.key, "label_zh": a.label_zh, "label_en": a.label_en, "unit": a.unit,
                         "low": a.low, "mid": a.mid, "high": a.high, "base": _mean(mid[o]), "at_low": _mean(lo[o]),
                         "at_high": _mean(hi[o]), "noise": _noise(lo[o], hi[o])})
    return rows


def _mean(v: Any) -> float:
    a = np.atleast_1d(np.asarray(v, dtype=float))
    return float(np.nanmean(a)) if np.isfinite(a).any() else float("nan")


def _noise(lo: Any, hi: Any) -> float:
    """95% half-width of the swing from paired replications (0 for an exact model: one number per arm)."""
    if np.ndim(lo) == 0:
        return 0.0
    d = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    d = d[np.isfinite(d)]
    if len(d) < 2:
        return float("nan")
    return float(t_half_width(np.std(d, ddof=1), len(d)))


def _ranks(table: pd.DataFrame) -> pd.Series:
    """Rank per output by swing, only for swings clear of their noise (others: NA, drawn grey, unranked)."""
    clear = (table["swing"] > 0) & (table["swing"] > table["noise"].fillna(np.inf))
    ranks = table["swing"].where(clear).groupby(table["output"]).rank(ascending=False, method="first")
    return ranks.astype("Int64")


def tornado(scenario: Scenario, *, service: bool = True, days: int | None = None, replications: int = SIM_REPLICATIONS,
            seed: int | None = None, keys: Sequence[str] | None = None) -> Tornado:
    """The tornado of ``scenario``'s assumptions (or of ``keys`` only) on the budget and, with ``service``, on the KPIs.

    Service arms simulate ``days`` days (default: the scenario's ``simulation.days``) ``replications``
    times, all with ``seed`` (default: the scenario's): common random numbers across the arms.
    """
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    items = [a for a in assumptions(scenario) if keys is None or a.key in keys]
    seed = int(scenario.spec.seed if seed is None else seed)
    rows = _arms(scenario, [a for a in items if a.model == "fiscal"], fiscal_outputs, FISCAL_OUTPUTS)
    if service:
        short = short_run(scenario, days) if days is not None else scenario
        rows += _arms(short, [a for a in items if a.model == "service"],
                      lambda s: service_runs(s, replications, seed), SERVICE_OUTPUTS)
    table = pd.DataFrame(rows, columns=[*TORNADO_COLUMNS[:-3], "noise"])
    table["swing"] = (table["at_high"] - table["at_low"]).abs().fillna(0.0)
    table["rank"] = _ranks(table) if not table.empty else pd.Series(dtype="Int64")
    table = table.sort_values(["output", "rank", "swing"], ascending=[True, True, False], na_position="last",
                              key=lambda c: c.map(list(OUTPUTS).index) if c.name == "output" else c)
    days = int(scenario.spec.simulation.days if days is None else days)
    meta = {"seed": seed, "scenario_hash": scenario.hash(), "days": days if service else None,
            "replications": replications if service else None, "assumptions": len(items),
            "scenario_name": scenario.name("zh"), "scenario_name_en": scenario.name("en")}
    return Tornado(table.reset_index(drop=True)[list(TORNADO_COLUMNS)], meta)

