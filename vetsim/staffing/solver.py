"""Staff requirement per site and the cost optimizer (minimum cost for the targets, or best KPIs in a budget).

Why separable: counter visits and casework at a site are served by that site's own staff, so the
least staff that meets the targets can be found site by site (all sites and candidate counts in one
vectorized call), and the cheapest post mix follows from the per-level post costs in ``data/``.
Two needs per site, both read off the one model of work (:func:`vetsim.work.derive_demand`): the
counter at peak hours (Erlang A, share served within the wait target) and the yearly workload
(WISN, :mod:`vetsim.staffing.wisn`: counter, casework, duties, campaigns and shared cover within
the posts' available time under the utilisation cap); the larger one binds, unless the funded-post
floor (编制: the rule's minimum, and today's funded posts unless cutting them is allowed) is higher.
With a fixed headcount or budget, posts go one at a time to the site where they add the most
KPI per yuan (greedy on the per-site gain curves), ties broken by site order, so the answer is
deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import VetsimError
from ..scenario import Scenario
from ..scenario.staffing_spec import StaffingSettings
from ..wording import both
from ..work.costs import site_costs
from ..work.demand import Demand, derive_demand
from .kpis import StaffTargets, evaluate_arrays, staff_targets  # re-exported: vetsim.staffing.solver.StaffTargets
from .wisn import posts_for_workload

__all__ = ["StaffTargets", "staff_targets", "requirement", "optimal_staff", "StaffingInfeasible", "Allocation",
           "BINDING_TEXT"]


class StaffingInfeasible(VetsimError):
    """The targets cannot be met within the staffing rules, or the budget is below the fixed floors."""


def _settings(scenario: Scenario) -> StaffingSettings:
    return scenario.spec.staffing or StaffingSettings()


BINDING_TEXT: dict[str, tuple[str, str]] = {
    "counter": both("staffing.binding_text.counter"),
    "workload": both("staffing.binding_text.workload"),
    "floor": both("staffing.binding_text.floor"),
    "ceiling": both("staffing.binding_text.ceiling"),
    "none": both("staffing.binding_text.none"),
}


def _counter_need(d: Demand, targets: StaffTargets, covered: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Least servers per site (visiting worker included) that serve the target share in time (Erlang A)."""
    n = len(d.site_ids)
    need = np.full(n, -1, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    window = 4
    for _ in range(50):
        todo = need < 0
        if not todo.any():
            break
        cand = start[:, None] + np.arange(window)[None, :]
        sl = evaluate_arrays(d, cand, targets.wait_minutes).service_level
        ok = sl >= targets.service_level - 1e-12
        first = np.where(ok.any(axis=1), ok.argmax(axis=1), -1)
        hit = todo & (first >= 0)
        need[hit] = cand[hit, first[hit]]
        start = np.where(todo & ~hit, start + window, start)
    return need


def _curves(d: Demand, targets: StaffTargets, k: int,
            start: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Own posts start..start+k-1 per site with service level, utilisation and work hours (visiting worker added)."""
    cand = start[:, None] + np.arange(k)[None, :]
    kp = evaluate_arrays(d, cand + d.covered[:, None].astype(np.int64), targets.wait_minutes)
    return cand, kp.service_level, kp.utilisation, kp.work_hours


def _may_cut(scenario: Scenario, may_cut_funded: bool | None) -> bool:
    return _settings(scenario).may_cut_funded if may_cut_funded is None else bool(may_cut_funded)


def requirement(scenario: Scenario, demand: Demand | None = None, may_cut_funded: bool | None = None) -> pd.DataFrame:
    """Least posts per site for the targets: the counter by Erlang A, the workload by WISN, the funded floor.

    Columns: site_id, level, staff_now, funded_now, counter_need (own posts for the service level),
    workload_need (own posts holding the yearly workload under the utilisation cap, WISN),
    min_staff (the larger), floor_funded (rule; and today's funded posts unless ``may_cut_funded``),
    ceiling (rule or NA), required, feasible (targets met at ``required``), shared_cover (village
    covered by a shared worker), binding (which of counter / workload / floor / ceiling / none sets
    ``required``; on a tie the demand reason is named). ``may_cut_funded`` None: from the scenario.
    """
    d = demand or derive_demand(scenario)
    targets = staff_targets(scenario)
    rules = _settings(scenario)
    covered = d.covered
    cov = covered.astype(np.int64)
    counter = _counter_need(d, targets, covered)
    work = posts_for_workload(d, targets.max_utilisation)
    bad = (counter < 0) | ~np.isfinite(work)
    if bad.any():
        names = [d.site_ids[i] for i in np.flatnonzero(bad)]
        raise StaffingInfeasible(*both("staffing.error.no_feasible_staff", join_names=', '.join(names)))
    # a covered village's first server is the visiting worker
    counter_own = np.maximum(counter - cov, 0)
    work_own = np.maximum(work.astype(np.int64) - cov, 0)
    own_need = np.maximum(counter_own, work_own)
    now = {s.site_id: s for s in scenario.sites}
    funded_now = np.array([now[s].funded_staff for s in d.site_ids], dtype=np.int64)
    floors = np.array([rules.floor(lv) for lv in d.levels], dtype=np.int64)
    if not _may_cut(scenario, may_cut_funded):
        floors = np.maximum(floors, funded_now)
    ceils = [rules.ceiling(lv) for lv in d.levels]
    ceil_arr = np.array([c if c is not None else np.iinfo(np.int64).max for c in ceils], dtype=np.int64)
    demand_need = np.minimum(own_need, ceil_arr)
    required = np.maximum(demand_need, floors)
    feasible = own_need <= ceil_arr
    binding = np.where(floors > demand_need, "floor",
                       np.where(~feasible, "ceiling",
                                np.where(own_need == 0, np.where(floors > 0, "floor", "none"),
                                         np.where(counter_own >= work_own, "counter", "workload"))))
    return pd.DataFrame({
        "site_id": list(d.site_ids), "level": list(d.levels), "staff_now": [now[s].staff for s in d.site_ids],
        "funded_now": funded_now, "counter_need": counter_own, "workload_need": work_own,
        "min_staff": own_need, "floor_funded": floors,
        "ceiling": pd.array([c if c is not None else pd.NA for c in ceils], dtype="Int64"),
        "required": required, "feasible": feasible, "shared_cover": covered, "binding": binding.astype(object),
    })


@dataclass(frozen=True)
class Allocation:
    """Posts per site chosen by the optimizer (arrays in site order of the scenario)."""

    site_ids: tuple[str, ...]
    funded: NDArray[np.int64]
    parttime: NDArray[np.int64]
    mode: str
    feasible: NDArray[np.bool_]
    binding: tuple[str, ...] = ()  # per site: which constraint sets the requirement (see BINDING_TEXT)
    may_cut_funded: bool = False  # whether funded posts below today's were allowed


def _mix(level: str, total: int, floor: int, scenario: Scenario) -> tuple[int, int]:
    """Cheapest split of ``total`` posts into funded and part-time with at least ``floor`` funded."""
    c = scenario.spec.costs
    funded_cost, part_cost = c.funded_post[level].value, c.parttime_post[level].value
    f = floor if part_cost < funded_cost else total
    f = min(max(f, floor), max(total, floor))
    return f, max(total, floor) - f


def optimal_staff(scenario: Scenario, budget_yuan: float | None = None, headcount: int | None = None,
                  demand: Demand | None = None, extra_staff: dict[str, int] | None = None,
                  may_cut_funded: bool | None = None) -> Allocation:
    """Posts per site: least cost meeting the targets, or the best KPIs within a budget or headcount.

    Approved posts are policy: unless ``may_cut_funded`` (None: the scenario's
    ``staffing.may_cut_funded_posts``, default no) no site gets fewer funded posts than today,
    and none is replaced by part-time staff.

    ``extra_staff`` adds posts on top of the requirement at given sites (used when the simulation
    shows a target failing there). Budget is total yearly site cost in yuan (staff + overhead),
    as :func:`vetsim.work.site_costs` computes it.
    """
    if budget_yuan is not None and headcount is not None:
        raise StaffingInfeasible(*both("staffing.error.budget_or_headcount"))
    d = demand or derive_demand(scenario)
    cut = _may_cut(scenario, may_cut_funded)
    req = requirement(scenario, d, cut)
    binding = tuple(req["binding"])
    extra = extra_staff or {}
    total = req["required"].to_numpy().copy()
    for i, sid in enumerate(d.site_ids):
        total[i] += extra.get(sid, 0)
        cap = req["ceiling"].iloc[i]
        if cap is not pd.NA and not pd.isna(cap):
            total[i] = min(total[i], int(cap))
    if budget_yuan is None and headcount is None:
        mix = [_mix(lv, int(t), int(fl), scenario) for lv, t, fl in zip(d.levels, total, req["floor_funded"])]
        return Allocation(d.site_ids, np.array([m[0] for m in mix]), np.array([m[1] for m in mix]), "min_cost",
                          req["feasible"].to_numpy(), binding, cut)
    g = _greedy(scenario, d, req, budget_yuan, headcount)
    return Allocation(g.site_ids, g.funded, g.parttime, g.mode, g.feasible, binding, cut)


def _greedy(scenario: Scenario, d: Demand, req: pd.DataFrame, budget: float | None,
            headcount: int | None) -> Allocation:
    """Best KPI score within the limit: floors and coverage first, then one post at a time by score gain per cost.

    Coverage: every site that has visitors or duties and no shared cover gets at least one post before
    any site gets a second one (五有: 有人员; a plaque without staff, 只挂牌、不配人, is never a plan),
    even though a small village weighs little in the county-wide score.
    """
    targets = staff_targets(scenario)
    costs = scenario.spec.costs
    floors = req["floor_funded"].to_numpy()
    n = len(d.site_ids)
    covered = d.covered
    k_max = int(max(req["required"].max(), 1)) + 4
    cand, sl, util, work = _curves(d, targets, k_max + 1, np.zeros(n, dtype=np.int64))
    vis = d.visits.sum(axis=(1, 2))
    wtot = work[:, -1:]  # work hours with ample staff
    fit = np.where(util > 0, np.minimum(1.0, targets.max_utilisation / np.where(util > 0, util, 1.0)), 1.0)
    score = vis[:, None] / max(vis.sum(), 1e-9) * sl + wtot / max(float(wtot.sum()), 1e-9) * fit
    overhead = float(site_costs(scenario)["overhead_yuan"].sum())
    limit = (budget - overhead) if budget is not None else float(headcount)  # type: ignore[arg-type]
    unit_f = np.array([costs.funded_post[lv].value for lv in d.levels])
    unit_p = np.array([costs.parttime_post[lv].value for lv in d.levels])
    cheap = np.minimum(unit_f, unit_p) if budget is not None else np.ones(n)
    ceil = req["ceiling"].to_numpy(dtype=float, na_value=np.inf)
    needs_post = ((vis > 0) | (wtot[:, 0] > 0)) & ~covered
    staff = np.maximum(np.minimum(np.maximum(floors, needs_post.astype(np.int64)), ceil), floors).astype(np.int64)
    spent = float((floors * (unit_f if budget is not None else 1.0)).sum() + ((staff - floors) * cheap).sum())
    if spent > limit + 1e-9:
        raise StaffingInfeasible(
            *both("staffing.error.budget_below_minimum", spent=spent, limit=limit))
    while True:
        nxt = np.minimum(staff + 1, k_max)
        gain = score[np.arange(n), nxt] - score[np.arange(n), staff]
        ok = (staff + 1 <= k_max) & (staff + 1 <= ceil) & (spent + cheap <= limit + 1e-9) & (gain > 1e-12)
        if not ok.any():
            break
        ratio = np.where(ok, gain / cheap, -np.inf)
        i = int(np.argmax(ratio))  # first maximum: deterministic tie-break by site order
        staff[i] += 1
        spent += float(cheap[i])
    part_cheaper = unit_p < unit_f
    funded = np.where(part_cheaper, floors, staff)
    parttime = staff - funded
    met = (sl[np.arange(n), staff] >= targets.service_level - 1e-12) & (util[np.arange(n), staff] <= targets.max_utilisation + 1e-12)
    return Allocation(d.site_ids, funded.astype(np.int64), parttime.astype(np.int64),
                      "budget" if budget is not None else "headcount", met)
