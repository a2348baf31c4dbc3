"""The instant staffing estimate as the apps show it: per-level summary and the sites to watch.

Only presentation: the numbers come from ``vetsim.staffing.estimate`` (Erlang formulas over the
demand of the base scenario, which it caches without the staff counts, so every staffing change
costs one vectorized evaluation).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .. import formats
from ..scenario import SITE_LEVELS, Scenario
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both, tr
from .common import frame_html

__all__ = ["InstantEstimate", "level_summary", "summary_html", "wisn_html"]


class InstantEstimate:
    """Evaluates staffing vectors against one base scenario's demand; ``table(values)`` per site."""

    def __init__(self, base: Scenario, lang: str = "zh"):
        self.base = base
        self.lang = lang
        self.wait_target = float(base.spec.targets.wait_minutes.value)
        self.max_util = float(base.spec.targets.max_utilisation.value)

    def table(self, values: dict[str, dict[str, int]]) -> pd.DataFrame:
        """Per-site estimate for the staffing ``{site_id: {funded_staff, parttime_staff}}`` (total staff counts)."""
        from ..staffing import estimate  # deferred: the staffing model loads on the first estimate, not with the dashboard

        staff = {sid: v["funded_staff"] + v["parttime_staff"] for sid, v in values.items()}
        return estimate(self.base, staff, lang=self.lang)

    def wisn(self, values: dict[str, dict[str, int]]) -> pd.DataFrame:
        """WISN per site (workload need, WISN ratio) for the same staffing, codes as columns."""
        from ..staffing import wisn_table  # deferred: as in table()

        staff = {sid: v["funded_staff"] + v["parttime_staff"] for sid, v in values.items()}
        return wisn_table(self.base, staff)


def level_summary(est: pd.DataFrame, max_util: float, lang: str = "zh") -> pd.DataFrame:
    """Per level: staff, visits, visit-weighted wait and service level, mean/max utilisation, sites to check."""
    rows = []
    for level in reversed(SITE_LEVELS):
        part = est[est["level"] == level]
        if part.empty:
            continue
        w = part["visits"].to_numpy(float)
        tot = w.sum()
        wait = float(np.average(part["mean_wait_min"], weights=w)) if tot > 0 else 0.0
        sl = float(np.average(part["service_level"], weights=w)) if tot > 0 else 1.0
        util = part["utilisation"].to_numpy(float)
        rows.append({
            "level": DEFAULT_LEVELS.label(level, lang),
            "sites": len(part), "staff": int(part["staff"].sum()), "visits": tot,
            "wait": wait, "service_level": sl,
            "util_mean": float(np.mean(util)), "util_max": float(np.max(util)),
            "overloaded": int((util > max_util).sum()), "unreliable": int((~part["reliable"]).sum()),
        })
    return pd.DataFrame(rows)


_COLS = {
    "level": both("level"), "sites": both("sites"), "staff": both("ui.cols.staff"),
    "visits": both("ui.cols.visits"), "wait": both("ui.cols.wait"),
    "service_level": both("ui.cols.service_level"), "util_mean": both("ui.cols.util_mean"),
    "util_max": both("ui.cols.util_max"), "overloaded": both("ui.cols.overloaded"),
    "unreliable": both("ui.cols.unreliable"),
}


def wisn_html(wisn: pd.DataFrame, lang: str = "zh") -> str:
    """Per level: posts in post, posts the workload needs (WISN), and the sites short of staff (WISN ratio < 1)."""
    rows = []
    for level in reversed(SITE_LEVELS):
        part = wisn[wisn["level"] == level]
        if part.empty:
            continue
        short = part[part["wisn_ratio"] < 1.0].sort_values("wisn_ratio")
        rows.append({tr("level", lang): DEFAULT_LEVELS.label(level, lang),
                     tr("ui.posts", lang): formats.count(part['staff'].sum(), lang),
                     tr("ui.wisn_required_posts", lang): formats.number(part['required_posts'].sum(), lang, 1),
                     tr("ui.wisn_short_sites", lang):
                         str(len(short)) + (tr("ui.in_brackets", lang, text=tr("list.sep", lang).join(
                             short["site_id"].astype(str).head(5)) + ("…" if len(short) > 5 else "")) if len(short) else "")})
    head = tr("ui.wisn_heading", lang)
    return head + frame_html(pd.DataFrame(rows))


def summary_html(est: pd.DataFrame, max_util: float, lang: str = "zh", worst: int = 5) -> str:
    """The estimate as HTML: the level table and the ``worst`` sites by utilisation with their flags."""
    lv = 0 if lang == "zh" else 1
    summ = level_summary(est, max_util, lang)
    fmts = {"visits": "{:,.0f}", "wait": "{:.1f}", "service_level": "{:.0%}", "util_mean": "{:.0%}",
            "util_max": "{:.0%}"}
    shown = summ.copy()
    for col in ("wait",):
        shown[col] = [v if np.isfinite(v) else np.nan for v in shown[col]]
    head = tr("ui.estimate_heading", lang)
    out = [head, frame_html(shown.rename(columns={k: v[lv] for k, v in _COLS.items()}),
                            {_COLS[k][lv]: f for k, f in fmts.items()})]
    top = est.sort_values("utilisation", ascending=False).head(worst)
    items = []
    for r in top.itertuples():
        util = "∞" if not np.isfinite(r.utilisation) else formats.share(r.utilisation, lang, 0)
        flag = f' <span class="vetsim-flag">⚠ {html.escape(r.reason)}</span>' if r.reason else ""
        line = tr("ui.busy_site", lang, site=html.escape(str(r.site_id)), util=util,
                  wait=formats.number(r.mean_wait_min, lang, 1, group=False))
        items.append(f"<li>{line}{flag}</li>")
    title = tr("ui.busiest_sites", lang)
    out.append(f"<div>{title}{tr('punct.colon', lang)}<ul style='margin:2px 0'>{''.join(items)}</ul></div>")
    return "".join(out)
