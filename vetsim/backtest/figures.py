"""Charts of the calibration report in the house style: monthly volumes, shares, back-test.

Each function returns a stand-alone matplotlib ``Figure`` (no pyplot) drawn inside
:func:`vetsim.charts.house_style`, with every text from the wording catalogue.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..charts.frame import Series, grouped_bars
from ..charts.style import BASELINE_COLOUR, OKABE_ITO, PROPOSAL_COLOUR, SourceInfo, add_source_line, house_style, new_figure
from ..scenario import Scenario
from ..wording import tr

__all__ = ["volume_figure", "shares_figure", "backtest_figure", "ct_label"]

_SIZE = (12.8, 7.2)


def ct_label(scenario: Scenario, ct: str, lang: str) -> str:
    if ct == "all":
        return tr("calibration.all_types", lang)
    spec = scenario.spec.case_types.get(ct)
    return spec.label(lang) if spec is not None else ct


def _source(scenario: Scenario, lang: str, extra: str) -> SourceInfo:
    return SourceInfo(scenario.name(lang), extra=extra)


def volume_figure(compare: pd.DataFrame, scenario: Scenario, level: str, lang: str, source: str) -> Figure:
    """Matters per month at ``level``: observed points, simulated mean with its 95% interval and the
    2.5-97.5% range of the replications; one panel per case type (the busiest six and all types)."""
    v = compare[(compare["measure"] == "volume") & (compare["level"] == level)]
    totals = v[v["case_type"] != "all"].groupby("case_type")["observed"].sum().sort_values(ascending=False)
    cts = ["all", *list(totals.index[:5])]
    with house_style(lang, scale=0.8):
        fig = new_figure(_SIZE)
        axes = fig.subplots(2, 3, squeeze=False).ravel()
        for ax, ct in zip(axes, cts):
            g = v[v["case_type"] == ct].sort_values("month")
            x = _month_axis(ax, list(g["month"]), lang)
            ax.fill_between(x, g["range_low"], g["range_high"], color=BASELINE_COLOUR, alpha=0.15, lw=0,
                            label=tr("calibration.sim_range", lang))
            ax.fill_between(x, g["ci_low"], g["ci_high"], color=BASELINE_COLOUR, alpha=0.35, lw=0,
                            label=tr("calibration.sim_ci", lang))
            ax.plot(x, g["simulated"], color=BASELINE_COLOUR, label=tr("calibration.simulated", lang))
            ax.plot(x, g["observed"], "o", color=PROPOSAL_COLOUR, label=tr("calibration.observed", lang))
            ax.set_title(ct_label(scenario, ct, lang), fontsize="medium")
            ax.set_ylim(bottom=0)
            ax.tick_params(axis="x", labelrotation=45, labelsize="small")
        for ax in axes[len(cts):]:
            ax.set_visible(False)
        axes[0].legend(loc="upper left", fontsize="x-small")
        fig.suptitle(tr("calibration.chart_volume", lang, level=scenario.levels.label(level, lang)))
        add_source_line(fig, _source(scenario, lang, source), lang, size=9)
    return fig


def _month_axis(ax, months: list[str], lang: str) -> np.ndarray:
    """Positions 0..n-1 for 'YYYY-MM' months, quarterly tick labels ('27年4月' / 'Apr 27'); plain
    numbers instead of a date axis (its automatic locator is slow)."""
    x = np.arange(len(months))
    ticks = [i for i, m in enumerate(months) if int(m[5:]) in (1, 4, 7, 10)]
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ax.set_xticks(ticks, [tr("calibration.month_tick", lang, yy=m[2:4], month=int(m[5:]), name=names[int(m[5:]) - 1])
                          for m in (months[i] for i in ticks)])
    return x


def shares_figure(compare: pd.DataFrame, scenario: Scenario, measure: str, lang: str, source: str) -> Figure:
    """Observed vs simulated ``measure`` (a share) per level and case type, simulated with 95% whiskers."""
    s = compare[(compare["measure"] == measure) & compare["observed"].notna()]
    with house_style(lang, scale=0.8):
        fig = new_figure(_SIZE)
        levels = [lv for lv in scenario.levels.site_ids if (s["level"] == lv).any()]
        axes = fig.subplots(1, max(len(levels), 1), squeeze=False).ravel()
        for ax, lv in zip(axes, levels):
            g = s[s["level"] == lv].set_index("case_type")
            cats = list(g.index)
            names = [ct_label(scenario, c, lang) for c in cats]
            obs = pd.DataFrame({"mean": g["observed"] * 100, "ci_low": np.nan, "ci_high": np.nan}).set_axis(names)
            sim = pd.DataFrame({"mean": g["simulated"] * 100, "ci_low": g["ci_low"] * 100,
                                "ci_high": g["ci_high"] * 100}).set_axis(names)
            grouped_bars(ax, names, [Series(tr("calibration.observed", lang), PROPOSAL_COLOUR, obs),
                                     Series(tr("calibration.simulated", lang), BASELINE_COLOUR, sim)],
                         horizontal=True, annotate=False)
            ax.set_title(scenario.levels.label(lv, lang), fontsize="medium")
            ax.set_xlim(0, 105)
            ax.grid(axis="x", color="#D9D9D9")
            ax.set_xlabel("%")
        axes[0].legend(loc="lower right", fontsize="x-small")
        fig.suptitle(tr(f"calibration.measure.{measure}", lang))
        add_source_line(fig, _source(scenario, lang, source), lang, size=9)
    return fig


def backtest_figure(table: pd.DataFrame, scenario: Scenario, coverage: float, fit_end: dt.date, lang: str,
                    source: str) -> Figure:
    """Later months per level (all case types summed): observed and the 90% prediction intervals
    of the case types, the share of observed values inside them in the title."""
    with house_style(lang, scale=0.8):
        fig = new_figure(_SIZE)
        levels = [lv for lv in scenario.levels.site_ids if (table["level"] == lv).any()]
        axes = fig.subplots(1, max(len(levels), 1), squeeze=False).ravel()
        for ax, lv in zip(axes, levels):
            g = table[table["level"] == lv]
            cts = list(g.groupby("case_type")["observed"].sum().sort_values(ascending=False).index[:4])
            for i, ct in enumerate(cts):
                h = g[g["case_type"] == ct].sort_values("month")
                x = _month_axis(ax, list(h["month"]), lang)
                colour = list(OKABE_ITO.values())[1 + i]
                ax.fill_between(x, h["low"], h["high"], color=colour, alpha=0.25, lw=0)
                ax.plot(x, h["observed"], "o-", color=colour, lw=1.2, label=ct_label(scenario, ct, lang))
            ax.set_title(scenario.levels.label(lv, lang), fontsize="medium")
            ax.set_ylim(bottom=0)
            ax.tick_params(axis="x", labelrotation=45, labelsize="small")
            ax.legend(loc="upper left", fontsize="x-small")
        fig.suptitle(tr("calibration.chart_backtest", lang, coverage=f"{coverage:.0%}", fit_end=fit_end.isoformat()))
        add_source_line(fig, _source(scenario, lang, source), lang, size=9)
    return fig
