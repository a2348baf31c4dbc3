"""Service charts: counter waits and one-trip rate by site level, time to resolution against the deadline.

Each chart takes simulation ``Results`` (and optionally a second ``Results`` to compare, made with
the same seed), plus the ``Scenario`` for targets and labels. Pass ``fig`` (a Figure or SubFigure
already inside :func:`~vetsim.charts.style.house_style`) to draw into a page; otherwise a new
stand-alone figure with a source line is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure

from ..scenario.spec import SITE_LEVELS
from ..wording import tr
from .data import by_case_type, by_level, site_levels
from .frame import Series, chart_frame, grouped_bars, percent_axis, target_hline
from .labels import level_short
from .style import BASELINE_COLOUR, PROPOSAL_COLOUR, TARGET_COLOUR

__all__ = ["waits_by_level", "one_trip_by_level", "resolution_vs_deadline", "scenario_series", "mean_deadlines",
           "level_rows"]


def scenario_series(results: Any, compare: Any | None, lang: str, frame: Any) -> list[Series]:
    """Baseline (and proposal) series: ``frame(results)`` gives each one's values."""
    out = [Series(tr("charts.t.baseline", lang), BASELINE_COLOUR, frame(results))]
    if compare is not None:
        out.append(Series(tr("brief.proposal", lang), PROPOSAL_COLOUR, frame(compare)))
    return out


def _levels_present(series: list[Series], order: Sequence[str] = SITE_LEVELS) -> list[str]:
    present = set().union(*(set(s.values.index) for s in series))
    return [lv for lv in (*order, "all") if lv in present]


def _level_chart(results: Any, compare: Any | None, metric: str, *, lang: str, scale: float, fmt: str,
                 ylabel: str, title: str, target: float | None, target_text: str,
                 fig: Figure | SubFigure | None, with_overall: bool, scenario: Any | None) -> Figure | SubFigure:
    def frame(r: Any) -> pd.DataFrame:
        return level_rows(r, metric, with_overall, results).set_index("level")

    with chart_frame(fig, lang, results.meta, scenario=scenario) as f:
        ax = f.add_subplot()
        series = scenario_series(results, compare, lang, frame)
        cats = _levels_present(series, site_levels(results))
        grouped_bars(ax, cats, series, scale=scale, fmt=fmt)
        ax.set_xticks(range(len(cats)), [level_short(c, lang) for c in cats])
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if target is not None:
            target_hline(ax, target, target_text)
        top = max([target or 0.0] + [float(np.nanmax(s.values["ci_high"].to_numpy(float) * scale, initial=0))
                                     for s in series] + [float(np.nanmax(s.values["mean"].to_numpy(float) * scale,
                                                                         initial=0)) for s in series])
        ax.set_ylim(0, max(top, 1e-9) * 1.32)  # head room for the one-row legend
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, labels, loc="upper left", ncols=len(handles))
    return f


def waits_by_level(results: Any, compare: Any | None = None, *, scenario: Any | None = None, lang: str = "zh",
                   fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """Mean counter wait (minutes) by site level, with 95% CI whiskers and the waiting-time target."""
    target = scenario.spec.targets.wait_minutes.value if scenario is not None else None
    text = (tr("charts.target_minutes", lang, target_label=tr("charts.t.target", lang), target=target)) \
        if target is not None else ""
    return _level_chart(results, compare, "wait_mean_min", lang=lang, scale=1.0, fmt="{:.1f}",
                        ylabel=tr("charts.t.wait_mean_min", lang), title=tr("charts.t.title_waits", lang), target=target,
                        target_text=text, fig=fig, with_overall=False, scenario=scenario)


def one_trip_by_level(results: Any, compare: Any | None = None, *, scenario: Any | None = None,
                      lang: str = "zh", fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """One-trip rate (最多跑一次, %) by the level where cases start, county-wide too, against the target."""
    target = scenario.spec.targets.one_trip_rate.value * 100 if scenario is not None else None
    text = f"{tr('charts.t.target', lang)} {target:.0f}%" if target is not None else ""
    f = _level_chart(results, compare, "one_trip_rate", lang=lang, scale=100.0, fmt="{:.1f}",
                     ylabel=tr("charts.t.one_trip_rate", lang), title=tr("kpi.one_trip_rate", lang), target=target,
                     target_text=text, fig=fig, with_overall=True, scenario=scenario)
    percent_axis(f.axes[0], 128)
    f.axes[0].set_yticks(range(0, 101, 20))
    return f


def mean_deadlines(results: Any) -> pd.Series:
    """The deadline marker of the resolution chart: mean ``deadline_working_days`` of the finished cases,
    per case type."""
    finished = results.cases[results.cases["finish_day"].notna()]
    return finished.groupby(finished["case_type"].astype(str))["deadline_working_days"].mean()


def level_rows(results: Any, metric: str, with_overall: bool, levels_of: Any | None = None) -> pd.DataFrame:
    """One series of a by-level bar chart: ``metric`` per site level (and county-wide as ``all``); the
    levels are those of ``levels_of`` (the baseline's results when a proposal is drawn beside it)."""
    src = results if levels_of is None else levels_of
    levels = (*site_levels(src), "all") if with_overall else site_levels(src)
    return by_level(results, metric, levels)


def resolution_vs_deadline(results: Any, compare: Any | None = None, *, scenario: Any | None = None,
                           lang: str = "zh", fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """Mean working days to resolve each case type (95% CI), with the mean deadline of its cases as a marker.

    The deadline of a case depends on the level that resolves it, so the marker is the mean of
    ``deadline_working_days`` over the baseline's finished cases of that type.
    """
    names = {ct: spec.label(lang) for ct, spec in scenario.spec.case_types.items()} if scenario is not None else {}
    order = list(names) or sorted(results.cases["case_type"].astype(str).unique())

    def frame(r: Any) -> pd.DataFrame:
        return by_case_type(r, "resolution_working_days_mean", order).set_index("case_type")

    with chart_frame(fig, lang, results.meta, scenario=scenario) as f:
        ax = f.add_subplot()
        series = scenario_series(results, compare, lang, frame)
        cats = [ct for ct in order if any(ct in s.values.index for s in series)]
        grouped_bars(ax, cats, series, fmt="{:.1f}", horizontal=True)
        y = np.arange(len(cats))
        dl = mean_deadlines(results).reindex(cats).to_numpy(dtype=float)
        ok = ~np.isnan(dl)
        ax.vlines(dl[ok], y[ok] - 0.45, y[ok] + 0.45, colors=TARGET_COLOUR, linewidths=3.5, zorder=4,
                  label=tr("charts.t.deadline", lang))
        ax.set_yticklabels([names.get(c, c) for c in cats])
        ax.set_xlabel(tr("charts.t.working_days", lang))
        ax.set_title(tr("charts.t.title_resolution", lang))
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.12)
        ax.set_xlim(left=0)  # a CI reaching below zero days is cut at zero
        ax.legend(loc="upper right")  # the first case types (consultations) are the quick ones
    return f
