"""The outputs a sensitivity analysis watches: the budget (fiscal model) and four service KPIs (simulation).

Budget: the exact budget (``vetsim.fiscal.budget``, no draws: the assumptions are set, not drawn),
as the yearly mean over the horizon of the government total and of the county's part.

Service KPIs (township mean wait, duties done on time, township workload pressure, one-trip rate)
come from a short simulation, not from the instant estimate: two of the four (duties on time and the
one-trip rate) exist only in the simulation, and one model for all four keeps the arms comparable.
Every arm is simulated with the same seed, so the arms share their random numbers (common random
numbers: ``vetsim.sim.simulate`` draws by site and case type) and a difference between arms comes
from the assumption, not from luck.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from .. import formats
from ..i18n import MONEY_DIVISOR, money_unit
from ..scenario import apply_overlay
from ..wording import tr

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["Output", "OUTPUTS", "FISCAL_OUTPUTS", "SERVICE_OUTPUTS", "fiscal_outputs", "service_outputs", "service_runs",
           "short_run"]

Unit = Literal["money", "minute", "percent", "ratio"]


@dataclass(frozen=True)
class Output:
    """One watched output: its model, display unit and, for a KPI, the metric and level in the results."""

    id: str
    model: Literal["fiscal", "service"]
    unit: Unit
    metric: str = ""
    level: str = "all"

    def label(self, lang: str = "zh") -> str:
        return tr(f"sens.output.{self.id}", lang)

    def scale(self, lang: str = "zh") -> float:
        """Factor from the model's unit (yuan/year, share, minute, ratio) to the displayed unit."""
        return 1.0 / MONEY_DIVISOR[lang] if self.unit == "money" else 100.0 if self.unit == "percent" else 1.0

    def digits(self, lang: str = "zh") -> int:
        """Decimals of a value of this output as displayed: one way for the bars, the swings and the CLI."""
        return {"money": 1 if lang == "zh" else 2, "minute": 1, "percent": 1}.get(self.unit, 3)

    def fmt(self, value: float, lang: str = "zh", *, signed: bool = False) -> str:
        """A value (or a swing) of this output in the displayed unit, e.g. "6,197.3" (万元/年), "84.1" (%)."""
        return formats.number(value * self.scale(lang), lang, self.digits(lang), signed=signed)

    def unit_label(self, lang: str = "zh") -> str:
        return money_unit(lang, per_year=True) if self.unit == "money" else tr(f"sens.unit.{self.unit}", lang)


OUTPUTS: dict[str, Output] = {o.id: o for o in (
    Output("budget_total", "fiscal", "money"),
    Output("budget_county", "fiscal", "money"),
    Output("township_wait", "service", "minute", "wait_mean_min", "township"),
    Output("duty_coverage", "service", "percent", "duty_coverage", "all"),
    Output("workload_pressure", "service", "ratio", "workload_pressure", "township"),
    Output("one_trip_rate", "service", "percent", "one_trip_rate", "all"),
)}
FISCAL_OUTPUTS = tuple(k for k, o in OUTPUTS.items() if o.model == "fiscal")
SERVICE_OUTPUTS = tuple(k for k, o in OUTPUTS.items() if o.model == "service")


def fiscal_outputs(scenario: Scenario) -> dict[str, float]:
    """Yearly mean (over the horizon) of the government total and of the county's part, in yuan, exact run."""
    from ..fiscal import budget  # heavy: the fiscal model (pandas); `vetsim sensitivity --help` reads OUTPUTS here

    b = budget(scenario, draws=0)
    by_tier = b.totals(("year", "tier"))
    return {"budget_total": float(b.totals(("year",))["value"].mean()),
            "budget_county": float(by_tier.loc[by_tier["tier"] == "county", "value"].mean())}


def short_run(scenario: Scenario, days: int) -> Scenario:
    """The scenario simulated over ``days`` days only (an overlay of ``simulation.days``)."""
    return apply_overlay(scenario, {"simulation": {"days": int(days)}})


def service_runs(scenario: Scenario, replications: int, seed: int) -> dict[str, np.ndarray]:
    """The four service KPIs of each of ``replications`` runs with ``seed`` (in replication order, so that
    two arms with the same seed pair up run by run: common random numbers)."""
    from ..sim import simulate  # heavy: the simulation (pandas, SimPy); `vetsim sensitivity --help` reads OUTPUTS here

    res = simulate(scenario, replications=replications, seed=seed, tables=False)  # KPIs only
    per = res.per_replication
    out: dict[str, np.ndarray] = {}
    for k in SERVICE_OUTPUTS:
        o = OUTPUTS[k]
        if per is None:
            out[k] = np.array([_kpi_or_nan(res, o)])
            continue
        rows = per[(per["metric"] == o.metric) & (per["level"].astype(str) == o.level)
                   & per["case_type"].astype(str).isin(["all", ""])].sort_values("replication")
        out[k] = rows["value"].to_numpy(float) if len(rows) else np.full(replications, np.nan)
    return out


def _kpi_or_nan(res, o: Output) -> float:
    try:
        return res.kpi(o.metric, o.level)
    except KeyError:
        return float("nan")


def service_outputs(scenario: Scenario, replications: int, seed: int) -> dict[str, float]:
    """The four service KPIs (shares as shares, waits in minutes) from ``replications`` runs with ``seed``."""
    from ..sim import simulate  # heavy: the simulation (pandas, SimPy); `vetsim sensitivity --help` reads OUTPUTS here

    res = simulate(scenario, replications=replications, seed=seed, tables=False)  # KPIs only
    return {k: _kpi_or_nan(res, OUTPUTS[k]) for k in SERVICE_OUTPUTS}
