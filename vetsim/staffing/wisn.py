"""Workload-based staffing need per site in the manner of WHO WISN (2010; docs/DOMAIN.md §4).

Why beside Erlang: at most stations the counter queue is not what binds; staff time is. The WISN
method sizes posts from the yearly workload instead of a queue at peak hours. Its steps, read off
the one model of work (:class:`vetsim.work.Demand`, nothing re-derived here):

1. **Available working time (AWT)** of one post a year: the site's opening hours in the window x
   presence, (1 - away share) x (1 - other-duties share), less fixed time (meetings, reports,
   training: ``fixed_time:``), plus overtime up to its cap (``overtime:``) in the weeks it may serve
   = ``Demand.post_hours_year``. Posts are thus counted without overtime beyond the cap.
2. **Activity standards and workload components** (hours a year): counter visits x mean minutes a
   visit (the counter's activity standard), casework (hours per case by type and level,
   ``caseload.csv``), recurring duties and campaigns (hours per veteran or case, ``duties.csv`` /
   ``campaigns.csv``), shared village cover (the covered villages' opening time).
3. **Standard workload** of one post: AWT / activity standard (counter: visits a post can serve a year).
4. **Allowances.** Category allowance (work every post does that is not counted by volume --
   meetings, training, outreach, other township work): here it is the away and other-duties shares,
   already taken out of AWT in step 1, so the category allowance factor is 1 (never counted twice).
   Individual allowances (e.g. a head's management time) are not in the data: 0 posts.
5. **Required posts** = workload / AWT x CAF + IAF (the WISN figure). The optimizer adds the
   utilisation cap (slack for day-to-day variation): posts for the workload = ceil(workload / (AWT x cap)).
6. **WISN ratio** = staff in post / required posts (below 1: more work than time, pressure);
   **workload pressure** = required / staff in post = share of the posts' time the workload needs.

Staff in post at a village opened by a shared worker (``staffing.shared_staff``) counts the visiting
worker, as the simulation does; the worker site carries the villages' opening time as cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both
from ..work.demand import Demand, derive_demand
from .kpis import servers_per_site, staff_targets

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["CATEGORY_ALLOWANCE_FACTOR", "INDIVIDUAL_ALLOWANCE_POSTS", "WISN_COLUMNS", "STATUS_TEXT",
           "component_hours", "required_posts", "posts_for_workload", "wisn_estimate", "wisn_table", "labelled"]

# step 4: the away and other-duties shares are already out of AWT; no individual allowances in the data
CATEGORY_ALLOWANCE_FACTOR = 1.0
INDIVIDUAL_ALLOWANCE_POSTS = 0.0

COMPONENTS = ("counter_h", "casework_h", "duty_h", "campaign_h", "cover_h")

# column code -> (zh, en)
WISN_COLUMNS: dict[str, tuple[str, str]] = {
    "site_id": both("staffing.cols.site_id"),
    "level": both("staffing.cols.level"),
    "staff": both("staffing.wisn_columns.staff"),
    "awt_h": both("staffing.wisn_columns.awt_h"),
    "counter_visits": both("staffing.wisn_columns.counter_visits"),
    "counter_min_per_visit": both("staffing.wisn_columns.counter_min_per_visit"),
    "visits_per_post": both("staffing.wisn_columns.visits_per_post"),
    "counter_h": both("staffing.wisn_columns.counter_h"),
    "casework_h": both("staffing.wisn_columns.casework_h"),
    "duty_h": both("staffing.wisn_columns.duty_h"),
    "campaign_h": both("staffing.wisn_columns.campaign_h"),
    "cover_h": both("staffing.wisn_columns.cover_h"),
    "workload_h": both("staffing.wisn_columns.workload_h"),
    "category_allowance": both("staffing.wisn_columns.category_allowance"),
    "required_posts": both("staffing.wisn_columns.required_posts"),
    "required_at_cap": both("staffing.wisn_columns.required_at_cap"),
    "wisn_ratio": both("staffing.wisn_columns.wisn_ratio"),
    "pressure": both("staffing.wisn_columns.pressure"),
    "status": both("staffing.wisn_columns.status"),
}

STATUS_TEXT: dict[str, tuple[str, str]] = {
    "shortage": both("staffing.status_text.shortage"),
    "tight": both("staffing.status_text.tight"),
    "adequate": both("staffing.status_text.adequate"),
    "no_work": both("staffing.status_text.no_work"),
}


def component_hours(d: Demand) -> dict[str, NDArray[np.float64]]:
    """Yearly hours per site of each workload component (counter, casework, duties, campaigns, cover)."""
    return {"counter_h": d.counter_h.sum(axis=1), "casework_h": d.casework_h.sum(axis=1),
            "duty_h": d.duty_h.sum(axis=1), "campaign_h": d.campaign_h.sum(axis=1), "cover_h": d.cover_h.sum(axis=1)}


def required_posts(d: Demand) -> NDArray[np.float64]:
    """WISN required posts per site: workload / AWT x category allowance + individual allowance (inf: work, no time)."""
    awt, work = d.post_hours_year, d.workload_h
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(awt > 0, work / np.where(awt > 0, awt, 1.0), np.where(work > 0, np.inf, 0.0))
    return base * CATEGORY_ALLOWANCE_FACTOR + np.where(work > 0, INDIVIDUAL_ALLOWANCE_POSTS, 0.0)


def posts_for_workload(d: Demand, max_utilisation: float) -> NDArray[np.float64]:
    """Least whole posts whose time holds the workload under the utilisation cap (inf: work but no time)."""
    need = required_posts(d) / max_utilisation
    return np.where(np.isfinite(need), np.ceil(need - 1e-9), np.inf)


def wisn_estimate(d: Demand, staff: ArrayLike, max_utilisation: float) -> pd.DataFrame:
    """Tidy WISN table per site for ``staff`` in post (site order, visiting workers included); codes as columns.

    Columns: see :data:`WISN_COLUMNS` (``status`` holds a code of :data:`STATUS_TEXT`).
    """
    c = np.asarray(staff, dtype=float)
    comp = component_hours(d)
    awt = d.post_hours_year
    req = required_posts(d)
    work = d.workload_h
    visits = d.visits.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_visit = np.where(visits > 0, comp["counter_h"] * 60.0 / np.where(visits > 0, visits, 1.0), 0.0)
        per_post = np.where(per_visit > 0, awt * 60.0 / np.where(per_visit > 0, per_visit, 1.0), np.nan)
        ratio = np.where(req > 0, c / np.where(req > 0, req, 1.0), np.nan)
        pressure = np.where(c > 0, req / np.where(c > 0, c, 1.0), np.where(req > 0, np.inf, 0.0))
    at_cap = posts_for_workload(d, max_utilisation)
    status = np.where(work <= 0, "no_work", np.where(ratio < 1, "shortage", np.where(c < at_cap, "tight", "adequate")))
    return pd.DataFrame({
        "site_id": list(d.site_ids), "level": list(d.levels), "staff": c.astype(np.int64), "awt_h": awt,
        "counter_visits": visits, "counter_min_per_visit": per_visit, "visits_per_post": per_post,
        **comp, "workload_h": work, "category_allowance": CATEGORY_ALLOWANCE_FACTOR,
        "required_posts": req, "required_at_cap": at_cap, "wisn_ratio": ratio, "pressure": pressure,
        "status": status,
    })


def wisn_table(scenario: Scenario, staff: dict[str, int] | None = None, lang: str = "zh",
               labels: bool = False) -> pd.DataFrame:
    """WISN per site for the scenario's staff (or ``staff`` {site_id: posts} on top of it).

    ``labels=True``: column names, levels and status in ``lang`` (zh or en) for people to read;
    otherwise codes (for code and tests).
    """

    d = derive_demand(scenario)
    table = wisn_estimate(d, servers_per_site(scenario, d, staff), staff_targets(scenario).max_utilisation)
    return labelled(table, lang) if labels else table


def labelled(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The WISN table with column names, level names and status texts in ``lang``."""
    col = 0 if lang == "zh" else 1
    out = table.copy()
    out["level"] = out["level"].map(lambda lv: DEFAULT_LEVELS.label(lv, lang))
    out["status"] = out["status"].map(lambda s: STATUS_TEXT[s][col])
    return out.rename(columns={k: v[col] for k, v in WISN_COLUMNS.items()})
