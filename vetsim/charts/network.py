"""Network charts: utilisation heatmap (site x month), backlog burn-down with the target date, and staff
and cost by level (baseline vs proposal). Same calling convention as :mod:`vetsim.charts.service`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .. import formats
from ..scenario.levels import DEFAULT_LEVELS
from ..scenario.spec import SITE_LEVELS
from ..wording import both, tr
from .data import day_to_date, monthly_utilisation, open_per_day, petition_types
from .frame import Series, chart_frame, month_axis
from .labels import MONEY_DIVISOR, level_short, money_unit
from .service import scenario_series
from .style import BASELINE_COLOUR, PROPOSAL_COLOUR, TARGET_COLOUR

__all__ = ["utilisation_heatmap", "backlog_burndown", "staff_and_cost", "backlog_frame", "staff_by_level"]

_LEVEL_ORDER = {lv: i for i, lv in enumerate(DEFAULT_LEVELS.top_down())}  # county center first


def utilisation_heatmap(results: Any, *, scenario: Any | None = None, lang: str = "zh",
                        fig: Figure | SubFigure | None = None, annotate: bool = True) -> Figure | SubFigure:
    """Staff utilisation (%) per site and month: the county center and each township station on their own
    rows, village stations pooled into one row. Cells over the scenario's limit get a red frame."""
    util = monthly_utilisation(results)
    limit = scenario.spec.targets.max_utilisation.value if scenario is not None else None
    names: dict[str, str] = {}
    if scenario is not None:
        names = {s.site_id: s.name(lang) for s in scenario.sites}
    names["village"] = tr("charts.t.villages_mean", lang)
    site_order = (util[["site_id", "level"]].drop_duplicates()
                  .assign(k=lambda d: d["level"].map(_LEVEL_ORDER).fillna(9))
                  .sort_values(["k", "site_id"])["site_id"].tolist())
    months = sorted(util["month"].unique())
    grid = (util.pivot_table(index="site_id", columns="month", values="value", aggfunc="mean")
            .reindex(index=site_order, columns=months).to_numpy(dtype=float) * 100)
    with chart_frame(fig, lang, results.meta, scenario=scenario) as f:
        ax = f.add_subplot()
        img = ax.imshow(grid, aspect="auto", cmap="cividis", norm=Normalize(0, 100), interpolation="nearest")
        levels = dict(zip(util["site_id"], util["level"]))
        ax.set_yticks(range(len(site_order)),
                      [level_short(DEFAULT_LEVELS.center, lang) if levels.get(s) == DEFAULT_LEVELS.center
                       else _short_site(names.get(s, s), lang) for s in site_order])
        ax.set_xticks(range(len(months)),
                      [formats.month(pd.Timestamp(m).date(), lang) for m in months])
        ax.tick_params(axis="y", labelsize="small" if len(site_order) <= 12 else "x-small")
        ax.tick_params(axis="x", labelsize="x-small" if lang == "en" else "small")  # "Sep" "Oct" must not touch
        ax.set_xlabel(tr("charts.t.month", lang))
        ax.grid(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if annotate and grid.size <= 400:
            for (i, j), v in np.ndenumerate(grid):
                if not np.isnan(v):
                    ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize="x-small",
                            color="black" if v >= 55 else "white")
        if limit is not None:
            for (i, j), v in np.ndenumerate(grid):
                if v > limit * 100:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=TARGET_COLOUR,
                                           linewidth=2.5))
        bar = f.colorbar(img, ax=ax, fraction=0.04, pad=0.01)
        label = tr("charts.t.utilisation", lang)
        if limit is not None:
            bar.ax.axhline(limit * 100, color=TARGET_COLOUR, linewidth=3)
            label += tr("charts.red_frame", lang, overloaded=tr("charts.t.overloaded", lang), limit=limit)
        bar.set_label(label, fontsize="x-small")  # a long label must stay beside the bar, under the title
        ax.set_title(tr("charts.t.title_utilisation", lang))
    return f


def _short_site(name: str, lang: str) -> str:
    """Site names without the repeated suffix, so the heatmap rows stay readable."""
    for suffix in (*both("charts.site_name_suffix.center"), *both("charts.site_name_suffix.station")):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    for suffix in (" Township", " Town", " Subdistrict"):  # English names are long: the place name is enough
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def backlog_frame(results: Any, scenario: Any | None = None, what: str = "petition") -> pd.DataFrame:
    """The burn-down chart's line: open cases per day (day, date, mean, ci_low, ci_high) of one run;
    ``what="petition"`` counts only the petition backlog on the ledger at the start."""
    cases = results.cases
    if what == "petition":
        kinds = set(petition_types(scenario))
        cases = cases[cases["case_type"].astype(str).isin(kinds) & cases["from_backlog"].astype(bool)]
    days = int(results.meta.get("days") or (pd.to_numeric(results.cases["arrival_day"]).max() + 1))
    out = open_per_day(cases, days, int(results.meta.get("replications") or results.cases["replication"].nunique()))
    out["date"] = [day_to_date(results, d) for d in out["day"]]
    return out


def staff_by_level(costs: pd.DataFrame) -> pd.DataFrame:
    """The staff-and-cost chart's bars: funded and part-time staff and yearly cost (yuan) summed per
    level (index: level, bottom up)."""
    g = costs.assign(level=costs["level"].astype(str)).groupby("level")[
        ["funded_staff", "parttime_staff", "total_yuan"]].sum()
    return g.reindex([lv for lv in SITE_LEVELS if lv in g.index])


def backlog_burndown(results: Any, compare: Any | None = None, *, scenario: Any | None = None,
                     lang: str = "zh", fig: Figure | SubFigure | None = None,
                     what: str = "petition") -> Figure | SubFigure:
    """Open cases per day (mean over replications, 95% band) against the target date.

    ``what="petition"``: the petition backlog on the ledger at the start (信访积案, cases with
    ``from_backlog``) and the date it must be cleared by; ``what="all"``: every open case in the county.
    """
    def frame(r: Any) -> pd.DataFrame:
        return backlog_frame(r, scenario, what)

    with chart_frame(fig, lang, results.meta, scenario=scenario) as f:
        ax = f.add_subplot()
        series = scenario_series(results, compare, lang, frame)
        for s, style in zip(series, ("-", "--")):
            d = s.values
            x = mdates.date2num(pd.to_datetime(d["date"]))
            ax.plot(x, d["mean"], color=s.colour, linestyle=style, label=s.label)
            if d["ci_low"].notna().any():
                ax.fill_between(x, d["ci_low"].clip(lower=0), d["ci_high"], color=s.colour, alpha=0.18, linewidth=0)
        if what == "petition" and scenario is not None:
            target: dt.date = scenario.spec.targets.petition_backlog_zero_by.date
            # named in the legend, not beside the line: a label at the line's top ran into the legend
            ax.axvline(mdates.date2num(target), color=TARGET_COLOUR, linestyle="--", linewidth=2.2,
                       label=f"{tr('charts.t.zero_by', lang)} {target.isoformat()}")
        month_axis(ax, lang)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # cases are counted in whole cases
        ax.set_ylabel(tr("charts.t.petition_backlog" if what == "petition" else "charts.t.open_cases", lang))
        ax.set_title(tr("charts.t.title_petition_backlog" if what == "petition" else "charts.t.title_open_cases", lang))
        ax.legend(loc="upper right")
    return f


def staff_and_cost(costs: pd.DataFrame, compare: pd.DataFrame | None = None, *, lang: str = "zh",
                   fig: Figure | SubFigure | None = None, meta: dict[str, Any] | None = None,
                   scenario: Any | None = None) -> Figure | SubFigure:
    """Staff (funded + part-time, stacked) and yearly site cost by level, baseline vs proposal.

    ``costs``/``compare`` are :func:`vetsim.work.site_costs` frames (one row per site, yuan per year);
    ``meta`` (e.g. ``Results.meta``) and ``scenario`` feed the source line.
    """
    if meta is None and scenario is not None:
        meta = {"scenario_name": scenario.name(lang), "scenario_hash": scenario.hash(), "seed": scenario.spec.seed}
    series = [Series(tr("charts.t.baseline", lang), BASELINE_COLOUR, staff_by_level(costs))]
    if compare is not None:
        series.append(Series(tr("brief.proposal", lang), PROPOSAL_COLOUR, staff_by_level(compare)))
    levels = [lv for lv in SITE_LEVELS if any(lv in s.values.index for s in series)]
    div = MONEY_DIVISOR[lang]
    with chart_frame(fig, lang, meta, scenario=scenario) as f:
        ax_staff, ax_cost = f.subplots(1, 2)
        n = len(series)
        width = 0.8 / n
        x = np.arange(len(levels))
        for i, s in enumerate(series):
            v = s.values.reindex(levels).fillna(0)
            pos = x - 0.4 + width * (i + 0.5)
            funded, part = v["funded_staff"].to_numpy(float), v["parttime_staff"].to_numpy(float)
            ax_staff.bar(pos, funded, width * 0.92, color=s.colour, label=tr("charts.legend_pair", lang, label=s.label, what=tr("funded_staff", lang)))
            ax_staff.bar(pos, part, width * 0.92, bottom=funded, color=s.colour, alpha=0.45, hatch="//",
                         edgecolor="white", label=tr("charts.legend_pair", lang, label=s.label, what=tr("parttime_staff", lang)))
            for p, a, b in zip(pos, funded, part):
                ax_staff.annotate(f"{a:.0f}+{b:.0f}", (p, a + b), xytext=(0, 3), textcoords="offset points",
                                  ha="center", va="bottom", fontsize="x-small", rotation=90)  # narrow bars
            cost = v["total_yuan"].to_numpy(float) / div
            ax_cost.bar(pos, cost, width * 0.92, color=s.colour, label=s.label)
            for p, c in zip(pos, cost):
                ax_cost.annotate(f"{c:.0f}" if lang == "zh" else f"{c:.2f}", (p, c), xytext=(0, 3),
                                 textcoords="offset points", ha="center", va="bottom", fontsize="x-small",
                                 rotation=90)
        for ax in (ax_staff, ax_cost):
            ax.set_xticks(x, [level_short(lv, lang).replace(" ", "\n") for lv in levels])  # "County\ncenter"
            ax.margins(y=0.3)
        ax_staff.set_ylabel(tr("charts.t.staff", lang))
        ax_staff.set_title(tr("charts.t.title_staff", lang))
        handles, labels = ax_staff.get_legend_handles_labels()
        f.legend(handles, labels, loc="outside upper center", ncols=2, fontsize="small")
        ax_cost.set_ylabel(tr("charts.axis_with_unit", lang, label=tr("charts.t.site_cost", lang), unit=money_unit(lang, True)))
        ax_cost.set_title(tr("charts.t.title_cost", lang))
    return f
