"""An allocation confirmed in simulation, and its text for the command line (per county and for the region)."""

from __future__ import annotations

import pandas as pd

from ..i18n import MONEY_DIVISOR, money_unit
from ..kpis import KPIS
from ..wording import tr
from .allocate import Allocation
from .load import Region
from .runner import simulate_counties
from .summary import TOTAL, kpi_table

__all__ = ["confirm_allocation", "format_allocation", "CONFIRM_KPIS"]

CONFIRM_KPIS = ("workload_pressure", "duty_coverage", "campaign_on_time", "on_time_share", "wasted_trip_share",
                "one_trip_rate")


def confirm_allocation(region: Region, alloc: Allocation, scenarios: dict[str, object], replications: int, seed: int,
                       scheduler: str, workers: int) -> pd.DataFrame:
    """KPIs before and after per county and for the region (mean, 95% interval), same seeds before and after.

    Counties that get no post are simulated once: with the same seeds their "after" is their "before".
    """
    cells = [(c, "v000", "before", sc) for c, sc in scenarios.items()]
    cells += [(c, "v001", "after", scenarios[c].with_site_changes(ch)) for c, ch in alloc.changes.items()]  # type: ignore[attr-defined]
    m = simulate_counties(cells, replications, seed, scheduler, workers)
    before = m[m["variant"] == "v000"]
    after = pd.concat([m[m["variant"] == "v001"], before[~before["county"].isin(list(alloc.changes))]], ignore_index=True)
    b = kpi_table(before, CONFIRM_KPIS).assign(when="before")
    a = kpi_table(after, CONFIRM_KPIS).assign(when="after")
    return pd.concat([b, a], ignore_index=True)


def _fmt(metric: str, v: float) -> str:
    if pd.isna(v):
        return "—"
    return f"{v:.1%}" if KPIS[metric].unit == "share" else f"{v:,.1f}"


def format_allocation(region: Region, alloc: Allocation, confirmed: pd.DataFrame | None, lang: str = "zh") -> str:
    """The allocation per county (posts, cost, excess hours before and after) and the simulated check."""
    div = MONEY_DIVISOR[lang]
    lines = [tr("allocate.head", lang, posts=alloc.posts, cost=f"{alloc.cost_yuan / div:,.1f}", unit=money_unit(lang, True)),
             tr("allocate.objective", lang),
             "\t".join(tr(f"allocate.col.{c}", lang) for c in ("county", "township", "county_center", "cost", "before", "after"))]
    t = alloc.table
    for r in t.itertuples():
        name = r.name_zh if lang == "zh" else r.name_en
        lines.append(f"{r.county} {name}\t{r.posts_township}\t{r.posts_county_center}\t{r.cost_yuan / div:,.1f}\t"
                     f"{r.excess_before_h:,.0f}\t{r.excess_after_h:,.0f}")
    lines.append(f"{tr('region.total', lang)}\t{t['posts_township'].sum()}\t{t['posts_county_center'].sum()}\t"
                 f"{t['cost_yuan'].sum() / div:,.1f}\t{t['excess_before_h'].sum():,.0f}\t{t['excess_after_h'].sum():,.0f}")
    if confirmed is None or confirmed.empty:
        return "\n".join(lines)
    lines.append(tr("allocate.confirm_head", lang))
    names = {c.id: c.name(lang) for c in region.counties}
    shown = [c for c in [*alloc.changes, TOTAL]]
    for metric in CONFIRM_KPIS:
        rows = confirmed[confirmed["metric"] == metric]
        if rows.empty:
            continue
        lines.append(KPIS[metric].label(lang))
        for county in shown:
            b = rows[(rows["county"] == county) & (rows["when"] == "before")]
            a = rows[(rows["county"] == county) & (rows["when"] == "after")]
            if b.empty or a.empty:
                continue
            b, a = b.iloc[0], a.iloc[0]
            who = tr("region.total", lang) if county == TOTAL else f"{county} {names.get(county, '')}"
            lines.append(f"  {who}: {_fmt(metric, b['mean'])} ({_fmt(metric, b['ci_low'])} – {_fmt(metric, b['ci_high'])})"
                         f" → {_fmt(metric, a['mean'])} ({_fmt(metric, a['ci_low'])} – {_fmt(metric, a['ci_high'])})")
    return "\n".join(lines)
