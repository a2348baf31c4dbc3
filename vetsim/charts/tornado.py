"""Tornado chart: which assumption matters most (哪个假设最重要) for one output, in the house style.

It takes a :class:`vetsim.sensitivity.Tornado` (or its table) and never reruns a model. One bar per
assumption, longest swing on top: from the output at the middle of every assumption (the vertical
line) to the output with this assumption at its P10 (blue) and at its P90 (orange); each bar's end
carries its value and the label says the assumption's P10-P90 range with its unit. Money in 万元/year
(Chinese) or million yuan/year (English), shares in percent. A simulated output's bars carry their noise
band (the swing's 95% run-to-run half-width from paired replications); a bar within it is grey and
unranked, below the ranked ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch

from ..sensitivity.outputs import OUTPUTS
from ..sensitivity.ranges import range_text
from ..wording import in_lang, tr
from .frame import chart_frame
from .labels import wrap_text
from .style import BASELINE_COLOUR, PROPOSAL_COLOUR

__all__ = ["tornado_chart"]

LOW_COLOUR, HIGH_COLOUR = BASELINE_COLOUR, PROPOSAL_COLOUR


NOISE_COLOUR = "#BBBBBB"  # a bar within the run-to-run noise: grey, not ranked


def _label(r: Any, lang: str) -> str:
    """The assumption on lines of about 26 letters (never inside a number or a short bracketed phrase),
    its P10-P90 range with its unit, and "within noise" for a bar that is not ranked."""
    name = "\n".join(wrap_text(in_lang(r, "label", lang), 13.0 if lang == "zh" else 15.6, lang))
    rank = getattr(r, "rank", None)
    noisy = rank is None or pd.isna(rank)
    head = name if noisy else f"{int(rank)}. {name}"
    tail = tr("sens.range_paren", lang, range=range_text(r.low, r.high, lang, str(r.unit)))
    return f"{head}\n{tail}" + (f"\n{tr('sens.within_noise', lang)}" if noisy else "")


def tornado_chart(tornado: Any, output: str = "budget_total", *, lang: str = "zh", top: int = 8,
                  fig: Figure | SubFigure | None = None, note: str = "") -> Figure | SubFigure:
    """The tornado of ``output`` (a key of ``vetsim.sensitivity.OUTPUTS``): the ``top`` assumptions by swing.

    Stand-alone its title asks "which assumption matters most"; as a panel (``fig`` given, under a
    page title that asks it) the title names the output only, with ``note`` on a second line.
    """
    table: pd.DataFrame = tornado.table if hasattr(tornado, "table") else tornado
    meta = getattr(tornado, "meta", {}) or {}
    o = OUTPUTS[output]
    rows = table[table["output"] == output]
    rows = (rows.sort_values(["rank", "swing"], ascending=[True, False], na_position="last", kind="stable")
            if "rank" in rows else rows.sort_values("swing", ascending=False, kind="stable"))  # ranked bars on top
    moving = rows[rows["swing"] > 0]
    shown = moving.head(top)
    k = o.scale(lang)
    with chart_frame(fig, lang, meta) as f:
        ax = f.add_subplot()
        title = o.label(lang) if fig is not None else tr("sens.title_output", lang, output=o.label(lang))
        # room between the title and the axes for the legend (one row above the bars)
        ax.set_title(f"{title}\n{note}" if note else title, fontsize="medium" if fig is not None else None,
                     pad=26 if not moving.empty else 6)
        ax.set_xlabel(tr("sens.axis", lang, output=o.label(lang), unit=o.unit_label(lang)))
        if shown.empty:
            ax.text(0.5, 0.5, tr("sens.no_effect", lang), ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
            return f
        base = float(shown["base"].iloc[0]) * k
        y = np.arange(len(shown))
        lo = shown["at_low"].to_numpy(float) * k
        hi = shown["at_high"].to_numpy(float) * k
        ranked = shown["rank"].notna().to_numpy() if "rank" in shown else np.ones(len(shown), bool)
        grey = np.where(ranked, "", NOISE_COLOUR)
        ax.barh(y, lo - base, left=base, color=[c or LOW_COLOUR for c in grey], height=0.6, label=tr("sens.at_low", lang))
        ax.barh(y, hi - base, left=base, color=[c or HIGH_COLOUR for c in grey], height=0.6,
                label=tr("sens.at_high", lang))
        noise = shown["noise"].to_numpy(float) * k if "noise" in shown else np.zeros(len(shown))
        band = np.isfinite(noise) & (noise > 0)
        if band.any():  # the swing's 95% run-to-run noise, drawn at the P90 end of each simulated bar
            ax.errorbar(hi[band], y[band], xerr=noise[band], fmt="none", ecolor="#333333", elinewidth=1.2, capsize=3,
                        label=tr("sens.noise_band", lang))
        ax.axvline(base, color="#222222", linewidth=1.6, label=tr("sens.base", lang, value=o.fmt(base / k, lang)))
        tiny = 0.003 * float(np.max(np.abs(np.r_[lo, hi] - base)))
        for yi, a, b, nb in zip(y, lo, hi, np.where(band, noise, 0.0)):
            for v, off in ((a, nb), (b, nb)):  # the numbers clear the noise whisker
                if abs(v - base) <= tiny:
                    continue  # no visible bar this way: no number to crowd the other one
                right = v >= base
                ax.annotate(o.fmt(v / k, lang), (v + off if right else v - off, yi), xytext=(5 if right else -5, 0),
                            textcoords="offset points", ha="left" if right else "right", va="center",
                            fontsize="x-small")
        labels = [_label(r, lang) for r in shown.itertuples()]
        ax.set_yticks(y, labels, fontsize="x-small")
        ax.invert_yaxis()
        ax.margins(x=0.25)
        if len(moving) > len(shown):
            ax.text(1.0, -0.1, tr("sens.more", lang, n=len(moving) - len(shown)), transform=ax.transAxes,
                    ha="right", va="top", fontsize="x-small", color="#4D4D4D")
        handles, names = ax.get_legend_handles_labels()
        if not ranked.all():
            handles.append(Patch(color=NOISE_COLOUR))
            names.append(tr("sens.within_noise_legend", lang))
        # one row between the title and the bars (3 to 5 entries: the noise band and grey bars when simulated)
        ax.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(names), fontsize="x-small",
                  frameon=False, columnspacing=1.0, handlelength=1.5)
    return f
