"""Five-haves compliance per site (五有, domain brief §2), computed from the scenario alone.

Why from the scenario: the five haves are a property of how the network is set up (who is posted,
what is funded), so a proposal that adds posts changes them before anything is simulated. What the
scenario knows about each, and the rule used (a proxy where the scenario knows little):

* organisation (有机构) -- the site is in the network: the county center, or a station attached to
  an existing parent site;
* approved post (有编制) -- at least ``staffing.min_funded_posts`` of its level budget-funded posts
  (where the scenario sets no minimum for the level: at least one post of any kind);
* people present (有人员) -- at least one person posted (budget-funded or part-time), and the share of
  open days with nobody present (each post away on ``away_share`` of its days, independently:
  ``away_share ** posts``) at most ``staffed_nobody_share`` of ``task_status.csv`` (the sample: 10%,
  so one part-time village staffer away 10% of days is staffed; 只挂牌、不配人 -- nobody posted -- is
  the failure the policy names); without that row, the scenario's ``targets.wasted_trip_share``;
* funding (有经费) -- a running cost (``costs.site_overhead``) for its level, and a yearly cost for each
  kind of post it has (``costs.funded_post`` / ``costs.parttime_post``);
* guarantees (有保障) -- regular opening: at least one open day a week and opening hours each open day.
"""

from __future__ import annotations

import pandas as pd

from ..scenario import Scenario
from ..scenario.task_spec import FIVE_HAVES
from ..work.presence import site_presence, unstaffed_share

__all__ = ["five_haves", "five_haves_share", "staffed_nobody_share"]


def _cost(costs: object, name: str, level: str) -> float:
    q = getattr(costs, name).get(level)
    return float(q.value) if q is not None else 0.0


def staffed_nobody_share(scenario: Scenario) -> float:
    """The most open days with nobody present (share) of a station that counts as staffed (有人员)."""
    row = next((r for r in scenario.table("task_status.csv") if r.key == "staffed_nobody_share"), None)
    if row is not None:
        return float(row.value)
    wasted = scenario.spec.targets.wasted_trip_share
    return float(wasted.value) if wasted is not None else 0.0


def five_haves(scenario: Scenario) -> pd.DataFrame:
    """One row per site: site_id, level, the five elements (bool) and ``all`` (every element met)."""
    spec = scenario.spec
    ids = {s.site_id for s in scenario.sites}
    min_posts = {k: float(q.value) for k, q in (spec.staffing.min_funded_posts.items() if spec.staffing else ())}
    max_nobody = staffed_nobody_share(scenario)
    rows = []
    away_of, _other, _closed = site_presence(scenario)
    for s, away in zip(scenario.sites, away_of, strict=True):
        organisation = s.level == "county_center" or (s.parent_id is not None and s.parent_id in ids)
        post = s.funded_staff >= min_posts[s.level] if s.level in min_posts else s.staff >= 1
        # nobody present (each post away independently), whether or not the station then closes
        people = s.staff >= 1 and float(unstaffed_share(away, s.staff, True)) <= max_nobody + 1e-12
        funding = (_cost(spec.costs, "site_overhead", s.level) > 0
                   and (s.funded_staff == 0 or _cost(spec.costs, "funded_post", s.level) > 0)
                   and (s.parttime_staff == 0 or _cost(spec.costs, "parttime_post", s.level) > 0))
        guarantees = len(s.open_days) >= 1 and s.open_minutes_per_day > 0
        vals = dict(zip(FIVE_HAVES, (organisation, post, people, funding, guarantees)))
        rows.append({"site_id": s.site_id, "level": s.level, **vals, "all": all(vals.values())})
    return pd.DataFrame(rows, columns=["site_id", "level", *FIVE_HAVES, "all"])


def five_haves_share(table: pd.DataFrame, element: str = "all", level: str | None = None) -> float:
    """Share of the sites of ``level`` (all sites if ``None`` or ``"all"``) meeting ``element``."""
    part = table if level in (None, "all") else table[table["level"] == level]
    return float(part[element].mean()) if len(part) else float("nan")
