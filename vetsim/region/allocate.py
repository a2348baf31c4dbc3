"""Where the next funded posts do most good: allocation across the counties of a region, then confirmed.

Objective (and why): the region's **hours of work a year beyond what the posts can do at the utilisation
cap** (sum over sites of ``max(0, workload - posts x available time x cap)``, from the WISN estimate of the
one work model, :func:`vetsim.staffing.wisn_table`). At most stations staff time, not the counter queue, is
what binds (domain brief §6): every such hour is a household visit, a verification or a case that waits.
The objective is separable by site and each site's part is convex and piecewise linear in its posts, so
greedy marginal analysis (give the next post where it removes the most excess hours, per yuan with a
budget) is optimal for a number of posts, and the usual near-optimal rule for a budget. Posts go to
township stations and county centers (village stations are part-time posts, not funded ones).

The allocation is then **confirmed in simulation**: each county before and after, same seeds (paired),
with 95% intervals per county and for the region.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import VetsimError
from ..staffing import wisn_table
from ..wording import both
from .load import Region

__all__ = ["Allocation", "allocate", "AllocationError", "LEVELS_FUNDED"]

LEVELS_FUNDED = ("township", "county_center")


class AllocationError(VetsimError):
    """Bad arguments to an allocation (neither or both of posts and budget, negative numbers)."""


@dataclass
class Allocation:
    """The posts given per site, the per-county table and the objective before and after."""

    changes: dict[str, dict[str, dict[str, int]]]  # county -> site -> {"funded_staff": new value}
    table: pd.DataFrame  # per county: posts added per level, cost, excess hours before and after
    posts: int
    cost_yuan: float
    sites: pd.DataFrame = field(repr=False)  # per site that got posts

    def scenario(self, region: Region, county: str):
        """The county's scenario with its extra posts (validated)."""
        sc = region.county(county).scenario
        return sc.with_site_changes(self.changes[county]) if county in self.changes else sc


def _excess(work: np.ndarray, awt: np.ndarray, cap: float, staff: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, work - staff * awt * cap)


def allocate(region: Region, posts: int | None = None, budget_yuan: float | None = None) -> Allocation:
    """Greedy marginal allocation of ``posts`` extra funded posts, or of ``budget_yuan`` a year, across counties."""
    if (posts is None) == (budget_yuan is None):
        raise AllocationError(*both("allocate.error.posts_or_budget"))
    if (posts is not None and posts < 0) or (budget_yuan is not None and not budget_yuan >= 0):
        raise AllocationError(*both("allocate.error.negative"))
    frames = []
    for c in region.counties:
        sc = c.scenario
        w = wisn_table(sc)
        w = w[w["level"].isin(LEVELS_FUNDED)].copy()
        w["county"] = c.id
        w["cap"] = float(sc.spec.targets.max_utilisation.value)
        w["cost"] = [float(sc.spec.costs.funded_post[lv].value) for lv in w["level"]]
        w["funded_before"] = [sc.site(s).funded_staff for s in w["site_id"]]
        frames.append(w)
    sites = pd.concat(frames, ignore_index=True)
    work, awt, cap = sites["workload_h"].to_numpy(), sites["awt_h"].to_numpy(), sites["cap"].to_numpy()
    staff = sites["staff"].to_numpy(dtype=float)
    cost = sites["cost"].to_numpy() if budget_yuan is not None else np.ones(len(sites))
    limit = float(posts if posts is not None else budget_yuan)  # type: ignore[arg-type]
    added = np.zeros(len(sites), dtype=int)

    def gain(i: int) -> float:
        k = staff[i] + added[i]
        return float(_excess(work[i], awt[i], cap[i], k) - _excess(work[i], awt[i], cap[i], k + 1))

    heap = [(-gain(i) / cost[i], i) for i in range(len(sites))]
    heapq.heapify(heap)
    spent = 0.0
    while heap:
        neg, i = heapq.heappop(heap)
        if -neg <= 1e-9:
            break
        if spent + cost[i] > limit + 1e-9:
            continue  # this site is too dear for what is left; a cheaper one may still fit
        added[i] += 1
        spent += cost[i]
        heapq.heappush(heap, (-gain(i) / cost[i], i))
    sites["added"] = added
    sites["excess_before_h"] = _excess(work, awt, cap, staff)
    sites["excess_after_h"] = _excess(work, awt, cap, staff + added)
    sites["cost_yuan"] = added * sites["cost"]
    changes: dict[str, dict[str, dict[str, int]]] = {}
    for r in sites[sites["added"] > 0].itertuples():
        changes.setdefault(r.county, {})[r.site_id] = {"funded_staff": int(r.funded_before + r.added)}
    rows = []
    for c in region.counties:
        s = sites[sites["county"] == c.id]
        rows.append({"county": c.id, "name_zh": c.name("zh"), "name_en": c.name("en"),
                     "posts_township": int(s.loc[s["level"] == "township", "added"].sum()),
                     "posts_county_center": int(s.loc[s["level"] == "county_center", "added"].sum()),
                     "cost_yuan": float(s["cost_yuan"].sum()),
                     "excess_before_h": float(s["excess_before_h"].sum()), "excess_after_h": float(s["excess_after_h"].sum())})
    return Allocation(changes, pd.DataFrame(rows), int(added.sum()), float(sites["cost_yuan"].sum()),
                      sites[sites["added"] > 0].reset_index(drop=True))
