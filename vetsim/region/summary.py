"""Region summaries: the network per county and in total, and simulated KPIs per county and for the region.

Why: a city asks first "what do we have" (sites, staff, veterans, cases, cost per county) and then
"how does each county do, and the city as a whole" -- with intervals, since every figure is simulated.
Region totals per replication: counts (unit ``case``) add up over the counties; rates and means are
weighted by the county's new cases (its share of the region's work); the chance that the petition
backlog is cleared by the target date becomes the expected share of counties that clear it. The
counties' random streams are independent (:mod:`vetsim.region.cells`), so the intervals of the totals hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formats
from ..i18n import MONEY_DIVISOR, money_unit
from ..kpis import KPIS, cut_interval
from ..stats import t_interval, wilson_interval
from ..tables import table
from ..wording import in_lang, tr
from ..work import site_costs
from .load import Region

__all__ = ["network_table", "format_network", "kpi_table", "format_kpis", "kpi_value", "kpi_interval", "REGION_KPIS", "TOTAL"]

TOTAL = "_total"
REGION_KPIS = ("one_trip_rate", "on_time_share", "wasted_trip_share", "wait_mean_min", "workload_pressure",
               "duty_coverage", "campaign_on_time", "backlog_end", "petition_target_met")


def network_table(region: Region) -> pd.DataFrame:
    """One row per county (and none for the total): sites per level, staff, veterans, yearly cases, site cost."""
    rows = []
    for c in region.counties:
        sc = c.scenario
        cost = site_costs(sc)
        rows.append({"county": c.id, "name_zh": c.name("zh"), "name_en": c.name("en"),
                     "county_centers": len(sc.sites_at("county_center")), "townships": len(sc.sites_at("township")),
                     "villages": len(sc.sites_at("village")), "funded_staff": int(cost["funded_staff"].sum()),
                     "parttime_staff": int(cost["parttime_staff"].sum()), "veterans": int(sc.county_center.veterans),
                     "yearly_cases": int(round(sum(r.yearly_volume for r in sc.caseload))),
                     "site_cost_yuan": float(cost["total_yuan"].sum())})
    return pd.DataFrame(rows)


_NET_COLS = ("county_centers", "townships", "villages", "funded_staff", "parttime_staff", "veterans", "yearly_cases")


def format_network(region: Region, lang: str = "zh") -> str:
    """The network table as text, with a total line and the city-level centers (not simulated)."""
    df = network_table(region)
    head = [tr("region.col.county", lang), *(tr(f"region.col.{c}", lang) for c in _NET_COLS),
            tr("charts.axis_with_unit", lang, label=tr("region.col.site_cost", lang), unit=money_unit(lang, True))]
    div = MONEY_DIVISOR[lang]
    rows = [[f"{r.county} {in_lang(r, 'name', lang)}", *(formats.count(getattr(r, c), lang) for c in _NET_COLS),
             formats.number(r.site_cost_yuan / div, lang, 1)] for r in df.itertuples()]
    tot = df[list(_NET_COLS)].sum()
    rows.append([tr("total", lang), *(formats.count(int(tot[c]), lang) for c in _NET_COLS),
                 formats.number(df["site_cost_yuan"].sum() / div, lang, 1)])
    lines = [tr("region.network_title", lang, name=region.name(lang), n=len(df)), table(head, rows)]
    cc = region.spec.city_centers
    if cc is not None:
        lines.append(tr("region.city_centers", lang, n=int(cc.value)))
    return "\n".join(lines)


def _region_values(m: pd.DataFrame) -> pd.DataFrame:
    """Per replication and metric, the region's value from the counties' values (see the module docstring)."""
    weights = m[m["metric"] == "cases_arrived"].set_index(["county", "replication"])["value"].rename("w")
    x = m.join(weights, on=["county", "replication"])
    out = []
    for (metric, rep), g in x.groupby(["metric", "replication"], sort=True):
        g = g.dropna(subset=["value"])
        if g.empty:
            continue
        kpi = KPIS.get(str(metric))
        if kpi is not None and kpi.unit == "case":
            v = g["value"].sum()
        elif metric == "petition_target_met" or g["w"].sum() <= 0:
            v = g["value"].mean()
        else:
            v = (g["value"] * g["w"]).sum() / g["w"].sum()
        out.append({"county": TOTAL, "metric": metric, "replication": rep, "value": float(v)})
    return pd.DataFrame(out)


def kpi_table(metrics: pd.DataFrame, kpis: tuple[str, ...] = REGION_KPIS) -> pd.DataFrame:
    """Mean and 95% interval per county (and ``_total`` for the region) of ``kpis``, all levels and case types.

    ``metrics``: per-replication KPI values with a ``county`` column (as the experiment writes them).
    """
    m = metrics[(metrics["level"] == "all") & (metrics["case_type"] == "all")]
    m = m[m["metric"].isin(set(kpis) | {"cases_arrived"})][["county", "metric", "replication", "value"]]
    both = pd.concat([m, _region_values(m)], ignore_index=True)
    rows = []
    for (county, metric), g in both.groupby(["county", "metric"], sort=False):
        if metric not in kpis:
            continue
        x = g["value"].to_numpy(dtype=float)
        mean, lo, hi = t_interval(x)
        k = KPIS.get(str(metric))
        if k is not None and k.binary and county != TOTAL:  # a chance over one county's runs: Wilson, as its summary
            ok = x[~np.isnan(x)]
            lo, hi = wilson_interval(ok.sum(), len(ok))
        lo, hi = cut_interval(str(metric), lo, hi)  # as a county's own summary: no -585% or 154%
        rows.append({"county": county, "metric": metric, "mean": mean, "ci_low": lo, "ci_high": hi, "n": len(g)})
    return pd.DataFrame(rows)


def kpi_value(metric: str, v: float, lang: str = "zh") -> str:
    """A KPI's value as the region tables show it: shares in %, cases whole, others with one decimal."""
    unit = KPIS[metric].unit if metric in KPIS else ""
    if unit == "share":
        return formats.share(v, lang)
    return formats.count(v, lang) if unit == "case" else formats.number(v, lang, 1)


def kpi_interval(metric: str, low: float, high: float, lang: str = "zh") -> str:
    """``low – high`` (empty without an interval)."""
    return "" if pd.isna(low) else f"{kpi_value(metric, low, lang)} – {kpi_value(metric, high, lang)}"


def format_kpis(table_: pd.DataFrame, names: dict[str, str], lang: str = "zh", kpis: tuple[str, ...] = REGION_KPIS) -> str:
    """One table: per KPI, each county and the region total, mean with its 95% interval."""
    rows = []
    for metric in kpis:
        for i, r in enumerate(table_[table_["metric"] == metric].itertuples()):
            who = tr("region.total", lang) if r.county == TOTAL else f"{r.county} {names.get(r.county, '')}"
            rows.append([KPIS[metric].label(lang) if i == 0 else "", who, kpi_value(metric, r.mean, lang),
                         kpi_interval(metric, r.ci_low, r.ci_high, lang)])
    head = [tr("brief.col.indicator", lang), tr("region.col.county", lang), tr("sim.col.mean", lang), tr("charts.t.ci95", lang)]
    return table(head, rows, align=("left", "left", "right", "right"))
