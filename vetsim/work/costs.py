"""Yearly running cost of every site of the network (站点运行经费): the one place site cost is computed.

Why here, in the shared work layer: the staffing optimizer, the charts and the budget all need the
same figure, so a staffing proposal shows exactly the cost that finance will see; two model packages
(staffing, fiscal) read it, and a model package imports no other model package. Unit costs come
from ``scenario.spec.costs`` (yuan per post or per site per year, with labels and sources in
scenario.yaml); no number lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["site_costs", "site_costs_by_level", "SITE_COST_COLUMNS"]

SITE_COST_COLUMNS: tuple[str, ...] = (
    "site_id", "level", "funded_staff", "parttime_staff",
    "staff_cost_yuan", "overhead_yuan", "total_yuan",
)


def site_costs(scenario: Scenario) -> pd.DataFrame:
    """One row per site: staff and overhead cost in yuan per year.

    ``staff_cost_yuan = funded_staff x costs.funded_post[level] + parttime_staff x costs.parttime_post[level]``,
    ``overhead_yuan = costs.site_overhead[level]`` (every site pays it, staffed or not),
    ``total_yuan = staff_cost_yuan + overhead_yuan``. Columns: ``SITE_COST_COLUMNS``; ``level`` is
    categorical in the order of the scenario's site levels (village, township, county_center). Values are exact (no rounding).
    """
    costs = scenario.spec.costs
    funded = {lv: q.value for lv, q in costs.funded_post.items()}
    part = {lv: q.value for lv, q in costs.parttime_post.items()}
    over = {lv: q.value for lv, q in costs.site_overhead.items()}
    rows = []
    for s in scenario.sites:
        staff = s.funded_staff * funded[s.level] + s.parttime_staff * part[s.level]
        rows.append((s.site_id, s.level, s.funded_staff, s.parttime_staff,
                     float(staff), float(over[s.level]), float(staff + over[s.level])))
    df = pd.DataFrame(rows, columns=list(SITE_COST_COLUMNS))
    df["level"] = pd.Categorical(df["level"], categories=list(scenario.levels.site_ids))
    return df


def site_costs_by_level(scenario: Scenario) -> pd.DataFrame:
    """Per-level sums of :func:`site_costs`: level, sites, funded_staff, parttime_staff and the yuan columns.

    Every site level of the scenario appears (with zeros when the scenario has no site there).
    """
    df = site_costs(scenario)
    out = (df.groupby("level", observed=False)
             .agg(sites=("site_id", "size"), funded_staff=("funded_staff", "sum"),
                  parttime_staff=("parttime_staff", "sum"), staff_cost_yuan=("staff_cost_yuan", "sum"),
                  overhead_yuan=("overhead_yuan", "sum"), total_yuan=("total_yuan", "sum"))
             .reset_index())
    return out
