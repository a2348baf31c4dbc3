"""Confirm a staffing plan by simulation, and tighten it until every site meets the targets with 95% confidence.

Why: the Erlang estimates assume steady hourly queues and a smooth casework load; the simulation
has the calendar, multi-day casework, return visits and referrals. A plan is accepted only when,
at every site, the 95% confidence interval over replications is on the right side of each target:
service level (share of visits served within the wait target) lower bound >= target, and
utilisation (counter, casework, duties, campaigns and cover over the staff time present less other
township work -- the estimate's definition) upper bound <= the cap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cache import simulate_cached
from ..scenario import Scenario
from ..staffing.plan import Plan, build_plan
from ..staffing.solver import StaffTargets, optimal_staff
from ..stats import t_half_width

__all__ = ["Confirmation", "confirm", "site_targets_from_results", "optimize_confirmed"]

def site_targets_from_results(results: Any, targets: StaffTargets, levels: Mapping[str, str] | None = None
                              ) -> pd.DataFrame:
    """Per site and target: mean over replications, 95% CI, and whether the target holds.

    Long table: site_id, level, target ('service_level' or 'utilisation'), goal, mean, ci_low,
    ci_high, replications, holds (CI on the right side), verdict: 'holds', 'fails' (CI wholly on the
    wrong side: missed with 95% confidence) or 'uncertain' (the CI straddles the goal: at a village
    with a dozen visits a year, too few visits for 95% either way). A site without visits has no
    service-level row. ``levels`` (site_id -> level, the scenario's sites) saves reading every site-day
    row's level from the results (a few hundred thousand rows).
    """
    v = results.visits
    ok = v["served"].to_numpy(dtype=bool) & (v["wait_min"].to_numpy(dtype=float) <= targets.wait_minutes)
    sl = (pd.DataFrame({"replication": v["replication"].to_numpy(), "site_id": v["site_id"].astype(str).to_numpy(),
                        "ok": ok})
          .groupby(["site_id", "replication"], sort=True)["ok"].mean().rename("value").reset_index())
    sd = results.site_days
    def col(name: str) -> Any:
        return sd[name] if name in sd else 0.0

    # as the estimate: veterans' work (counter, casework, duties, campaigns, cover) over the time present
    # less other township work (presence, vetsim.work)
    busy = (sd["busy_counter_min"] + sd["busy_backoffice_min"] + col("busy_duties_min") + col("busy_campaign_min")
            + col("cover_min")).to_numpy(dtype=float)
    avail = (sd["available_min"] - col("other_work_min")).to_numpy(dtype=float)
    ut = (pd.DataFrame({"replication": sd["replication"].to_numpy(), "site_id": sd["site_id"].astype(str).to_numpy(),
                        "busy": busy, "avail": avail})
          .groupby(["site_id", "replication"], sort=True)[["busy", "avail"]].sum().reset_index())
    ut["value"] = np.where(ut["avail"] > 0, ut["busy"] / ut["avail"].where(ut["avail"] > 0, 1.0),
                           np.where(ut["busy"] > 0, np.inf, 0.0))
    n_rep = int(results.meta.get("replications", v["replication"].nunique() or 1))
    if levels is None:
        levels = dict(zip(sd["site_id"].astype(str), sd["level"].astype(str)))
    rows = []
    for name, frame, goal in (("service_level", sl, targets.service_level), ("utilisation", ut, targets.max_utilisation)):
        for sid, g in frame.groupby("site_id", sort=True):
            vals = g["value"].to_numpy(dtype=float)
            if name == "utilisation" and len(vals) < n_rep:
                vals = np.concatenate([vals, np.zeros(n_rep - len(vals))])  # days without records: idle
            m = float(vals.mean())
            half = t_half_width(float(vals.std(ddof=1)), len(vals)) if len(vals) > 1 else math.inf
            if not np.isfinite(half):
                half = 0.0 if np.all(vals == vals[0]) else math.inf
            lo, hi = m - half, m + half
            holds = lo >= goal - 1e-12 if name == "service_level" else hi <= goal + 1e-12
            fails = hi < goal - 1e-12 if name == "service_level" else lo > goal + 1e-12
            verdict = "holds" if holds else ("fails" if fails else "uncertain")
            rows.append((sid, levels.get(sid, ""), name, goal, m, lo, hi, len(vals), bool(holds), verdict))
    return pd.DataFrame(rows, columns=["site_id", "level", "target", "goal", "mean", "ci_low", "ci_high",
                                       "replications", "holds", "verdict"])


@dataclass(frozen=True)
class Confirmation:
    """Outcome of simulating a plan: per-site target table and whether all hold."""

    plan: Plan
    table: pd.DataFrame
    meta: dict[str, Any]

    @property
    def all_hold(self) -> bool:
        return bool(self.table["holds"].all())

    def failing_sites(self) -> tuple[str, ...]:
        """Sites missing a target with 95% confidence (tables without a verdict: every target not holding)."""
        t = self.table
        bad = t["verdict"] == "fails" if "verdict" in t else ~t["holds"]
        return tuple(sorted(set(t.loc[bad, "site_id"])))

    def uncertain_sites(self) -> tuple[str, ...]:
        """Sites where the simulation cannot tell at 95% (more replications would decide)."""
        t = self.table
        return tuple(sorted(set(t.loc[t["verdict"] == "uncertain", "site_id"]))) if "verdict" in t else ()


def confirm(plan: Plan, replications: int | None = None, seed: int | None = None, workers: int = 1,
            executor: Any = None, use_cache: bool = False) -> Confirmation:
    """Simulate the plan (``plan.scenario()``; the simulation honours shared cover itself) and test every
    site's targets at 95% confidence. With ``use_cache`` a run of the same scenario, seed and replications
    is read from (and written to) the results cache (:func:`vetsim.cache.simulate_cached`), as ``report`` does."""
    sc = plan.scenario()
    res = simulate_cached(sc, replications=replications, seed=seed, workers=workers, executor=executor,
                          use_cache=use_cache)
    table = site_targets_from_results(res, plan.targets, {s.site_id: s.level for s in sc.sites})
    meta = {"seed": res.meta.get("seed"), "replications": res.meta.get("replications"),
            "scenario_hash": res.meta.get("scenario_hash", sc.hash())}
    return Confirmation(plan, table, meta)


def optimize_confirmed(scenario: Scenario, budget_yuan: float | None = None, headcount: int | None = None,
                       replications: int | None = None, seed: int | None = None, workers: int = 1,
                       max_rounds: int = 4, executor: Any = None,
                       may_cut_funded: bool | None = None, use_cache: bool = False) -> tuple[Plan, Confirmation]:
    """Optimize, simulate, add one post at each failing site, and repeat (at most ``max_rounds`` simulations).

    A site whose confidence interval straddles a target is not given a post (noise, not a shortfall);
    ``plan.meta["uncertain_sites"]`` lists them and ``confirmed`` stays False while any remain.

    With a budget or headcount the plan cannot grow, so it is simulated once and reported as is.
    ``use_cache``: each round's run through the results cache (see :func:`confirm`).
    """
    extra: dict[str, int] = {}
    history: list[dict[str, Any]] = []
    conf: Confirmation | None = None
    plan: Plan | None = None
    for round_no in range(1, max_rounds + 1):
        alloc = optimal_staff(scenario, budget_yuan, headcount, extra_staff=extra, may_cut_funded=may_cut_funded)
        plan = build_plan(scenario, alloc, {"round": round_no, "extra_staff": dict(extra), "history": list(history)})
        conf = confirm(plan, replications, seed, workers, executor, use_cache)
        failing = conf.failing_sites()
        history.append({"round": round_no, "failing_sites": list(failing)})
        if not failing or budget_yuan is not None or headcount is not None:
            break
        for sid in failing:
            extra[sid] = extra.get(sid, 0) + 1
    assert plan is not None and conf is not None
    plan.meta["history"] = history
    plan.meta["confirmed"] = conf.all_hold
    plan.meta["uncertain_sites"] = list(conf.uncertain_sites())
    return plan, conf
