"""Budget charts: yearly burden stacked by level of government with the P10-P90 band, and by budget line.

They take a :class:`vetsim.fiscal.Budget` (``table``: year, line, tier, value, p10, p50, p90, in
yuan) and show money in 万元 (Chinese) or million yuan (English). The individual's own
contributions (tier ``individual``) are not government money and are left out of the stacks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure

from .. import formats
from ..wording import tr
from .frame import chart_frame
from .labels import MONEY_DIVISOR, line_label, money_unit, tier_label
from .style import LINE_COLOURS, TIER_COLOURS

__all__ = ["GOVERNMENT_TIERS", "budget_by_tier", "budget_by_line", "government_total", "budget_pivot"]

GOVERNMENT_TIERS: tuple[str, ...] = ("central", "province", "city", "county")
_TOTAL = "total"


def _parts(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of single government tiers and single lines (no total rows, no individual part)."""
    return table[table["tier"].isin(GOVERNMENT_TIERS) & (table["line"] != _TOTAL)]


def government_total(table: pd.DataFrame) -> pd.DataFrame:
    """Per year: the government total ``value`` and its P10/P90 (columns year, value, p10, p90).

    The quantiles of a sum are not the sum of quantiles, so the band comes from the table's total
    rows (line and tier ``total``, quantiles of the summed draws); without them it is NaN, never
    made up. ``value`` is the sum of the parts, so the label on top of a stack equals the stack.
    """
    value = _parts(table).groupby("year")["value"].sum()
    out = pd.DataFrame({"year": value.index, "value": value.to_numpy(), "p10": np.nan, "p90": np.nan})
    totals = table[(table["line"] == _TOTAL) & (table["tier"] == _TOTAL)].set_index("year")
    if not totals.empty:
        out["p10"] = totals["p10"].reindex(out["year"]).to_numpy(dtype=float)
        out["p90"] = totals["p90"].reindex(out["year"]).to_numpy(dtype=float)
    return out


def _stacked(ax: Any, pivot: pd.DataFrame, colours: dict[str, str], labels: dict[str, str], div: float) -> None:
    bottom = np.zeros(len(pivot))
    years = pivot.index.to_numpy()
    for col in pivot.columns:
        vals = pivot[col].to_numpy(dtype=float) / div
        ax.bar(years, vals, 0.7, bottom=bottom, color=colours[col], label=labels[col], edgecolor="white")
        bottom += vals


def _band(ax: Any, totals: pd.DataFrame, div: float, lang: str) -> None:
    years = totals["year"].to_numpy()
    val = totals["value"].to_numpy(float) / div
    lo, hi = totals["p10"].to_numpy(float) / div, totals["p90"].to_numpy(float) / div
    top = np.where(np.isnan(hi), val, np.fmax(hi, val))
    for y, v, tp in zip(years, val, top):
        ax.annotate(formats.number(v, lang, 0 if lang == "zh" else 2), (y, tp), xytext=(0, 4),
                    textcoords="offset points", ha="center", va="bottom", fontsize="x-small", fontweight="bold")
    if totals["p10"].notna().any():
        ax.errorbar(years, val, yerr=np.vstack([np.maximum(val - lo, 0), np.maximum(hi - val, 0)]),
                    fmt="none", ecolor="#222222", elinewidth=2.2, capsize=8, label=tr("charts.t.p10_p90", lang))


def _axes_labels(ax: Any, lang: str, title: str, totals: pd.DataFrame, div: float) -> None:
    ax.set_xlabel(tr("charts.t.year", lang))
    unit = money_unit(lang)
    ax.set_ylabel(tr("charts.amount", lang, unit=unit))
    ax.set_title(title)
    top = float(np.nanmax(np.fmax(totals["value"].to_numpy(float), totals["p90"].to_numpy(float)), initial=0.0))
    ax.set_ylim(0, max(top / div, 1e-9) * 1.2)  # head room for the totals over the stacks
    # beside the plot, not over it: inside, its rows ran into the totals on a small (A4) page
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), ncols=1, fontsize="x-small")


def budget_by_tier(budget: Any, *, lang: str = "zh", fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """Government burden per year, stacked by tier (central, province, city, county), P10-P90 whiskers on the total."""
    return _stacked_budget(budget, "tier", lang, fig)


def budget_by_line(budget: Any, *, lang: str = "zh", fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """Government burden per year, stacked by budget line (社保接续, 抚恤补助, ...), P10-P90 whiskers on the total."""
    return _stacked_budget(budget, "line", lang, fig)


def budget_pivot(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """The stacks of a budget chart: government money (yuan) per year (index) and tier or line (columns,
    in the order they are stacked: tiers central first, lines largest first)."""
    pivot = _parts(table).pivot_table(index="year", columns=by, values="value", aggfunc="sum").fillna(0.0)
    if by == "tier":
        return pivot[[c for c in GOVERNMENT_TIERS if c in pivot.columns]]
    return pivot[pivot.sum().sort_values(ascending=False).index]


def _stacked_budget(budget: Any, by: str, lang: str, fig: Figure | SubFigure | None) -> Figure | SubFigure:
    """Yearly government burden stacked by ``by`` ("tier" or "line") with the P10-P90 band of the total."""
    table = budget.table
    pivot = budget_pivot(table, by)
    if by == "tier":
        colours, labels = TIER_COLOURS, {c: tier_label(c, lang) for c in pivot.columns}
    else:
        colours = {c: LINE_COLOURS[i % len(LINE_COLOURS)] for i, c in enumerate(pivot.columns)}
        labels = {c: line_label(c, lang) for c in pivot.columns}
    div = MONEY_DIVISOR[lang]
    with chart_frame(fig, lang, getattr(budget, "meta", {})) as f:
        ax = f.add_subplot()
        _stacked(ax, pivot, colours, labels, div)
        totals = government_total(table)
        _band(ax, totals, div, lang)
        ax.set_xticks(pivot.index.to_numpy(), [str(int(y)) for y in pivot.index])
        _axes_labels(ax, lang, tr(f"charts.t.title_budget_{by}", lang), totals, div)
    return f
