"""An allocation confirmed in simulation, and its text for the command line (per county and for the region)."""

from __future__ import annotations

import pandas as pd

from .. import formats
from ..i18n import MONEY_DIVISOR, money_unit
from ..kpis import KPIS
from ..tables import table
from ..wording import in_lang, tr
from .allocate import Allocation
from .load import Region
from .runner import simulate_counties
from .summary import TOTAL, kpi_interval, kpi_table, kpi_value

__all__ = ["confirm_allocation", "format_allocation", "CONFIRM_KPIS"]

CONFIRM_KPIS = ("workload_pressure", "duty_coverage", "campaign_on_time", "on_time_share", "wasted_trip_share",
                "one_trip_rate")


def confirm_allocation(region: Region, alloc: Allocation, scenarios: dict[str, object], replications: int, seed: int,
                       scheduler: str, workers: int, progress: bool | str = True) -> pd.DataFrame:
    """KPIs before and after per county and for the region (mean, 95% interval), same seeds before and after.

    Counties that get no post are simulated once: with the same seeds their "after" is their "before".
    """
    cells = [(c, "v000", "before", sc) for c, sc in scenarios.items()]
    cells += [(c, "v001", "after", scenarios[c].with_site_changes(ch)) for c, ch in alloc.changes.items()]  # type: ignore[attr-defined]
    m = simulate_counties(cells, replications, seed, scheduler, workers, progress)
    before = m[m["variant"] == "v000"]
    after = pd.concat([m[m["variant"] == "v001"], before[~before["county"].isin(list(alloc.changes))]], ignore_index=True)
    b = kpi_table(before, CONFIRM_KPIS).assign(when="before")
    a = kpi_table(after, CONFIRM_KPIS).assign(when="after")
    return pd.concat([b, a], ignore_index=True)


def format_allocation(region: Region, alloc: Allocation, confirmed: pd.DataFrame | None, lang: str = "zh") -> str:
    """The allocation per county (posts, cost, excess hours before and after) and the simulated check, as tables."""
    div = MONEY_DIVISOR[lang]
    t = alloc.table
    rows = [[f"{r.county} {in_lang(r, 'name', lang)}", formats.count(r.posts_township, lang),
             formats.count(r.posts_county_center, lang), formats.number(r.cost_yuan / div, lang, 1),
             formats.count(r.excess_before_h, lang), formats.count(r.excess_after_h, lang)] for r in t.itertuples()]
    rows.append([tr("region.total", lang), formats.count(t["posts_township"].sum(), lang),
                 formats.count(t["posts_county_center"].sum(), lang), formats.number(t["cost_yuan"].sum() / div, lang, 1),
                 formats.count(t["excess_before_h"].sum(), lang), formats.count(t["excess_after_h"].sum(), lang)])
    head = [tr(f"allocate.col.{c}", lang) for c in ("county", "township", "county_center", "cost", "before", "after")]
    lines = [tr("allocate.head", lang, posts=alloc.posts, cost=formats.number(alloc.cost_yuan / div, lang, 1),
                unit=money_unit(lang, True)), tr("allocate.objective", lang), table(head, rows)]
    if confirmed is None or confirmed.empty:
        return "\n".join(lines)
    lines += [tr("allocate.confirm_head", lang), _confirmed_table(region, alloc, confirmed, lang)]
    return "\n".join(lines)


def _confirmed_table(region: Region, alloc: Allocation, confirmed: pd.DataFrame, lang: str) -> str:
    """Per KPI and county (and the region): mean and 95% interval before and after the allocation."""
    names = {c.id: c.name(lang) for c in region.counties}
    rows = []
    for metric in CONFIRM_KPIS:
        first = True
        for county in [*alloc.changes, TOTAL]:
            b = confirmed[(confirmed["metric"] == metric) & (confirmed["county"] == county) & (confirmed["when"] == "before")]
            a = confirmed[(confirmed["metric"] == metric) & (confirmed["county"] == county) & (confirmed["when"] == "after")]
            if b.empty or a.empty:
                continue
            b, a = b.iloc[0], a.iloc[0]
            who = tr("region.total", lang) if county == TOTAL else f"{county} {names.get(county, '')}"
            rows.append([KPIS[metric].label(lang) if first else "", who,
                         kpi_value(metric, b["mean"], lang), kpi_interval(metric, b["ci_low"], b["ci_high"], lang),
                         kpi_value(metric, a["mean"], lang), kpi_interval(metric, a["ci_low"], a["ci_high"], lang)])
            first = False
    head = [tr("brief.col.indicator", lang), tr("region.col.county", lang), tr("allocate.col.mean_before", lang),
            tr("allocate.col.ci_before", lang), tr("allocate.col.mean_after", lang), tr("allocate.col.ci_after", lang)]
    return table(head, rows, align=("left", "left", "right", "right", "right", "right"))
