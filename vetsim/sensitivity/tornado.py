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


from .outputs import FISCAL_OUTPUTS, OUTPUTS, SERVICE_OUTPUTS, fiscal_outputs, service_outputs, short_run
from .ranges import Assumption, assumptions, variant

if TYPE_CHECKING:
    import pandas as pd
    from ..scenario import Scenario

__all__ = ["Tornado", "tornado", "TORNADO_COLUMNS", "SIM_REPLICATIONS"]

TORNADO_COLUMNS = ("output", "key", "label_zh", "label_en", "unit", "low", "mid", "high", "base", "at_low",
                   "at_high", "swing", "rank")
SIM_REPLICATIONS = 2  # replications per service arm in the CLI (tests ask for 1 and fewer days)


@dataclass(frozen=True)
class Tornado:
    """The tornado table (one row per output and assumption) and how it was made (``meta``)."""

    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def ranking(self, output: str) -> list[str]:
        """Assumption keys of ``output``, the largest swing first (only those that move it)."""
        t = self.table[(self.table["output"] == output) & (self.table["swing"] > 0)]
        return t.sort_values(["rank"])["key"].tolist()

    def of(self, output: str) -> pd.DataFrame:
        """The rows of ``output`` in rank order."""
        return self.table[self.table["output"] == output].sort_values("rank").reset_index(drop=True)


def _arms(base: "Scenario", items: Sequence[Assumption], run: Callable[["Scenario"], dict[str, float]],
          outputs: Sequence[str]) -> list[dict[str, Any]]:
    """Rows for ``items``: the model ``run`` at all-middle, then with each assumption at its P10 and P90."""
    if not items:
        return []  # nothing of this model is questioned: the model is not run
    mid = run(base)
    rows: list[dict[str, Any]] = []
    for a in items:
        lo, hi = run(variant(base, {a.key: a.low})), run(variant(base, {a.key: a.high}))
        for o in outputs:
            rows.append({"output": o, "key": a.key, "label_zh": a.label_zh, "label_en": a.label_en, "unit": a.unit,
                         "low": a.low, "mid": a.mid, "high": a.high, "base": mid[o], "at_low": lo[o], "at_high": hi[o]})
    return rows


def tornado(scenario: "Scenario", *, service: bool = True, days: int | None = None, replications: int = SIM_REPLICATIONS,
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
                      lambda s: service_outputs(s, replications, seed), SERVICE_OUTPUTS)
    table = pd.DataFrame(rows, columns=list(TORNADO_COLUMNS[:-2]))
    table["swing"] = (table["at_high"] - table["at_low"]).abs().fillna(0.0)
    table["rank"] = table.groupby("output")["swing"].rank(ascending=False, method="first").astype(int) \
        if not table.empty else pd.Series(dtype=int)
    table = table.sort_values(["output", "rank"], key=lambda c: c.map(list(OUTPUTS).index) if c.name == "output" else c)
    days = int(scenario.spec.simulation.days if days is None else days)
    meta = {"seed": seed, "scenario_hash": scenario.hash(), "days": days if service else None,
            "replications": replications if service else None, "assumptions": len(items),
            "scenario_name": scenario.name("zh"), "scenario_name_en": scenario.name("en")}
    return Tornado(table.reset_index(drop=True)[list(TORNADO_COLUMNS)], meta)

