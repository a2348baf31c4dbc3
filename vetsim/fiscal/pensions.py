"""Pensions and subsidies for entitled groups (抚恤补助), plus hardship aid, temporary relief and site costs.

Pension rule, per group and budget year ``y``:
  headcount_y = count x (1 - exit_rate + entry_rate)^(y - base_year)   (exact: expected headcount;
                Monte Carlo: exits ~ Binomial, entrants ~ Poisson, from the whole-number count);
                the headcount on 1 January is paid for all twelve months of the year.
  per person  = sum over the 12 months of standard(1st of month) / 12, standards in yuan/year
                (a yuan/month standard is x12), so a rise on 1 August pays 7 months old + 5 months new.
After the last dated standard, it rises by ``pensions.rise_after_last`` on every later 1 August.
A ``central_subsidy`` (yuan per person per month, the value in force each month, capped at the
standard) is paid by the central tier; the rest is split by the group's funding key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..scenario.fiscal_checks import MONEY_UNITS
from ..scenario.fiscal_spec import AidLine, Pensions, SiteCostLine
from .draws import Draws
from .flows import Flow

__all__ = ["pension_flows", "aid_flows", "site_cost_flows", "monthly_values", "month_index", "caseload_counts"]


def monthly_values(param: Any, years: np.ndarray, rise: np.ndarray | None = None) -> np.ndarray:
    """Yuan per person per month in force on the 1st of each month: (draws, years, 12).

    ``rise`` (draws,) compounds on each 1 August after the parameter's last dated value.
    """
    factor = MONEY_UNITS[param.unit] / 12.0
    idx, k = month_index(param, years)
    vals = np.array(list(param.values.values()), dtype=float)[idx] * factor
    if rise is None:
        return vals[None]
    return vals[None] * (1.0 + rise[:, None, None]) ** k[None]


def month_index(param: Any, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each month of ``years`` (years, 12): the index of the dated value in force on its 1st, and
    the number of 1 August rises since the parameter's last dated value (used by :func:`monthly_values`
    and by the budget's trace, which names each value)."""
    dates = list(param.values)
    starts = np.array([d.year * 12 + d.month - 1 + (d.day > 1) for d in dates])
    months = (years[:, None] * 12 + np.arange(12)[None, :])                       # (years, 12)
    idx = np.searchsorted(starts, months, side="right") - 1
    if (idx < 0).any():
        raise ValueError(f"{param.label_en}: no value in force in {int(years[0])}")
    last = starts[-1]
    # number of 1 Augusts in (last change, month]: August of year Y is month Y*12+7
    first_aug = (last // 12) * 12 + 7
    first_aug = first_aug if first_aug > last else first_aug + 12
    k = np.where(months >= first_aug, (months - first_aug) // 12 + 1, 0)
    return idx, k


def _headcount(g: Any, years: np.ndarray, draws: Draws, rng: np.random.Generator | None) -> np.ndarray:
    """(draws, years): headcount on 1 January of each budget year."""
    steps = years - years[0]
    if rng is None:
        return np.broadcast_to(g.count * (1.0 - g.exit_rate + g.entry_rate) ** steps, (draws.n, len(years))).copy()
    out = np.empty((draws.n, len(years)))
    heads = np.full(draws.n, int(round(g.count)), dtype=np.int64)
    for j in range(len(years)):
        out[:, j] = heads
        heads = heads - rng.binomial(heads, g.exit_rate) + rng.poisson(heads * g.entry_rate)
    return out


def pension_flows(settings: Pensions, groups: Sequence[Any], params: dict[str, Any], years: np.ndarray,
                  draws: Draws, region_tier: str) -> list[Flow]:
    """One or two flows per group: the central subsidy (if any) and the rest, split by funding key."""
    rng = draws.rng("pension")
    rise = draws.of(settings.rise_after_last, rng)
    flows: list[Flow] = []
    for g in groups:
        heads = _headcount(g, years, draws, rng)
        std = monthly_values(params[g.standard], years, rise)                     # (n, years, 12)
        if g.central_subsidy:
            sub = np.minimum(monthly_values(params[g.central_subsidy], years), std)
            flows.append(Flow("pension", heads * sub.sum(axis=2), tier="central"))
            std = std - sub
        flows.append(Flow("pension", heads * std.sum(axis=2), funding=g.funding, region_tier=region_tier))
    return flows


def caseload_counts(caseload: Any, case_type: str, days: int, replications: int | None = None) -> np.ndarray:
    """Cases of ``case_type`` per replication, scaled to a year (x 365 / simulated days).

    ``caseload`` is a vetsim simulation ``Results``: ``caseload.cases`` has ``case_type`` and
    ``replication`` columns (one row per case); replications without such a case count 0. Cases
    open at the start (``from_backlog``) are a one-off stock, not the yearly flow, and are left out.
    """
    cases = caseload.cases
    ids = np.unique(cases["replication"].to_numpy())              # every replication that has any case
    if "from_backlog" in cases.columns:
        cases = cases[~cases["from_backlog"].astype(bool)]
    meta = getattr(caseload, "meta", {}) or {}
    days = int(meta.get("days", days))
    reps = max(len(ids), int(meta.get("replications", replications) or 0), 1)
    found, counts = np.unique(cases.loc[cases["case_type"] == case_type, "replication"].to_numpy(),
                              return_counts=True)
    per_rep = dict(zip(found.tolist(), counts.tolist()))
    out = [per_rep.get(r, 0) for r in ids.tolist()] + [0] * (reps - len(ids))
    return np.array(out, dtype=float) * 365.0 / days


def aid_flows(name: str, line: AidLine, years: np.ndarray, draws: Draws, region_tier: str,
              counts: np.ndarray | None = None) -> list[Flow]:
    """Cases x amount per case, each year. Exact: point values (or the mean of ``counts``).

    Monte Carlo: without ``counts``, cases ~ Poisson(rate drawn from ``cases_per_year``) each year;
    with ``counts`` (cases per simulated replication-year), each year takes a random replication's
    count. The amount per case is drawn once per draw (uncertainty of the average amount).
    """
    rng = draws.rng(name)  # type: ignore[arg-type]
    amount = draws.of(line.amount_per_case, rng)
    ny = len(years)
    if rng is None:
        cases = np.full((1, ny), float(counts.mean()) if counts is not None else float(line.cases_per_year.value))
    elif counts is not None:
        cases = counts[rng.integers(0, len(counts), (draws.n, ny))]
    else:
        rate = draws.of(line.cases_per_year, rng)
        cases = rng.poisson(np.repeat(rate[:, None], ny, axis=1)).astype(float)
    return [Flow(name, cases * amount[:, None], funding=line.funding, region_tier=region_tier)]


def site_cost_flows(line: SiteCostLine, yearly_total: float, years: np.ndarray, draws: Draws,
                    region_tier: str) -> list[Flow]:
    """Site running costs of the scenario's staffing, growing by ``growth`` a year from the base year."""
    growth = draws.of(line.growth, draws.rng("site_costs"))
    steps = years - years[0]
    amounts = yearly_total * (1.0 + growth[:, None]) ** steps[None, :]
    return [Flow("site_costs", amounts, funding=line.funding, region_tier=region_tier)]
