"""Instant KPI estimates per site for a given staffing, from the Erlang formulas and the demand arrays.

Why: the staffing explorer calls :func:`evaluate` on every slider change, and the optimizer calls it
for many candidate staff counts at once; both need the whole county in milliseconds.

Model per site: during opening hours all ``staff`` serve the counter first (M/M/c+M per month x
hour cell, exponential patience from ``simulation.patience_minutes``); casework, duties, campaigns
and shared village cover fill the remaining time. Yearly KPIs are visit-weighted over the cells.
Presence: each post is away on a day with the site's away share; on a day all are away a closed
station serves nobody, so the service level is scaled by (1 - away**staff) (exact for one post; with
more posts the days some are away are not modelled in the queue -- small at low load).
Utilisation = (counter hours actually served + casework + duties + campaigns + cover hours) /
(staff x hours a post gives to this work: opening hours x presence, ``Demand.post_hours_year``).
``staff`` counts the servers at the site, a visiting worker at a covered village included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..wording import both, tr
from ..work.demand import Demand, derive_demand
from .erlang import erlang_a, erlang_c

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["estimate", "evaluate", "evaluate_arrays", "servers_per_site", "Kpis", "FLAG_TEXT", "PERIOD_MIN", "StaffTargets",
           "staff_targets"]


@dataclass(frozen=True)
class StaffTargets:
    """The targets staffing answers for: share served within ``wait_minutes``, and utilisation cap."""

    wait_minutes: float
    service_level: float
    max_utilisation: float


def staff_targets(scenario: Scenario) -> StaffTargets:
    t = scenario.spec.targets
    return StaffTargets(float(t.wait_minutes.value), float(t.service_level.value), float(t.max_utilisation.value))


PERIOD_MIN = 60.0  # the analytic periods are clock hours

# reason code -> (zh, en); shown by the UI next to an estimate that should be checked by simulation
FLAG_TEXT: dict[str, tuple[str, str]] = {
    "near_capacity": both("staffing.flag_text.near_capacity"),
    "unsteady": both("staffing.flag_text.unsteady"),
    "long_visits": both("staffing.flag_text.long_visits"),
    "multi_day_cases": both("staffing.flag_text.multi_day_cases"),
    "no_staff": both("staffing.flag_text.no_staff"),
}


@dataclass(frozen=True)
class Kpis:
    """Per-site yearly KPI arrays (length S) for one staffing vector."""

    staff: NDArray[np.int64]
    visits: NDArray[np.float64]
    service_level: NDArray[np.float64]
    mean_wait: NDArray[np.float64]
    p_wait: NDArray[np.float64]
    p_abandon: NDArray[np.float64]
    utilisation: NDArray[np.float64]
    peak_occupancy: NDArray[np.float64]
    work_hours: NDArray[np.float64]
    flags: tuple[tuple[str, ...], ...]


def _cells(d: Demand) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Indices (site, month, hour) of the cells with visits, cached on the Demand object."""
    cached = d.__dict__.get("_cells")
    if cached is None:
        cached = np.nonzero(d.visits > 0)
        object.__setattr__(d, "_cells", cached)
    return cached


def evaluate_arrays(d: Demand, staff: ArrayLike, wait_minutes: float, model: str = "erlang_a") -> Kpis:
    """KPIs for ``staff`` ([S] ints, or [S, K] for K candidate counts per site at once)."""
    c = np.asarray(staff, dtype=np.int64)
    two_d = c.ndim == 2
    cs = c if two_d else c[:, None]
    s_i, m_i, h_i = _cells(d)
    k = cs.shape[1]
    lam = d.arrival_rate[s_i, m_i, h_i]
    svc = d.service_min[s_i, m_i]
    load = (lam * svc)[:, None] * np.ones((1, k))
    cc = cs[s_i]
    svc_b = svc[:, None] * np.ones((1, k))
    if model == "erlang_a" and np.isfinite(d.patience_min):
        r = erlang_a(load, cc, svc_b, d.patience_min, wait_minutes)
    else:
        r = erlang_c(load, cc, svc_b, wait_minutes)
        r["p_abandon"] = np.zeros(load.shape)
    vis = d.visits[s_i, m_i, h_i][:, None]
    n = len(d.site_ids)

    def site_sum(values: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.zeros((n, k))
        np.add.at(out, s_i, values)
        return out

    tot = site_sum(vis * np.ones((1, k)))
    safe = np.where(tot > 0, tot, 1.0)
    # a visitor who comes on a day nobody is present (every post away, station closed) is not served
    unstaffed = d.unstaffed_share(cs)
    sl = np.where(tot > 0, site_sum(vis * r["service_level"]) / safe * (1.0 - unstaffed), 1.0)
    with np.errstate(invalid="ignore"):
        wait = np.where(tot > 0, site_sum(vis * r["mean_wait"]) / safe, 0.0)
    pw = np.where(tot > 0, site_sum(vis * r["p_wait"]) / safe, 0.0)
    pab = np.where(tot > 0, site_sum(vis * r["p_abandon"]) / safe, 0.0)
    counter_h = site_sum(vis * (1.0 - r["p_abandon"]) * svc[:, None]) / 60.0
    desk_h = (d.casework_h + d.duty_h + d.campaign_h + d.cover_h).sum(axis=1)
    work_h = counter_h + desk_h[:, None]
    cap = cs * d.post_hours_year[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(cap > 0, work_h / np.where(cap > 0, cap, 1.0), np.where(work_h > 0, np.inf, 0.0))
    occ = np.zeros((n, k))
    np.maximum.at(occ, s_i, np.where(cc > 0, load / np.maximum(cc, 1), np.inf))
    # relaxation time of the queue (~ s / (c (1 - sqrt(rho))^2)) against the period length
    rho = np.where(cc > 0, load / np.maximum(cc, 1), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        relax = np.where(rho < 1, svc_b / (np.maximum(cc, 1) * (1 - np.sqrt(np.minimum(rho, 1))) ** 2), np.inf)
    slow = np.zeros((n, k), dtype=bool)
    np.logical_or.at(slow, s_i, relax > PERIOD_MIN)
    long_visit = np.zeros(n, dtype=bool)
    np.logical_or.at(long_visit, s_i, svc >= PERIOD_MIN / 2)
    flags: list[tuple[str, ...]] = []
    for i in range(n):
        for j in range(k):
            f = []
            if cs[i, j] == 0 and tot[i, j] > 0:
                f.append("no_staff")
            elif occ[i, j] >= 0.9 or util[i, j] >= 0.95:
                f.append("near_capacity")
            elif slow[i, j]:
                f.append("unsteady")
            if long_visit[i]:
                f.append("long_visits")
            if d.case_hours[i] * 60 > PERIOD_MIN * 8:
                f.append("multi_day_cases")
            flags.append(tuple(f))
    squeeze = (lambda a: a) if two_d else (lambda a: a[:, 0])
    return Kpis(c, squeeze(tot), squeeze(sl), squeeze(wait), squeeze(pw), squeeze(pab), squeeze(util),
                squeeze(occ), squeeze(work_h), tuple(flags))


def evaluate(d: Demand, staff: ArrayLike, wait_minutes: float, lang: str = "zh",
             model: str = "erlang_a") -> pd.DataFrame:
    """Tidy per-site table of the estimate for one staffing vector (what the UI shows per slider move).

    Columns: site_id, level, staff, visits, service_level, mean_wait_min, p_wait, p_abandon,
    utilisation, peak_occupancy, reliable (bool), reason (text in ``lang``, '' when reliable).
    """
    k = evaluate_arrays(d, staff, wait_minutes, model)
    col = 0 if lang == "zh" else 1
    reasons = [tr("punct.semicolon", lang).join(FLAG_TEXT[f][col] for f in fl) for fl in k.flags]
    return pd.DataFrame({
        "site_id": list(d.site_ids), "level": list(d.levels), "staff": k.staff, "visits": k.visits,
        "service_level": k.service_level, "mean_wait_min": k.mean_wait, "p_wait": k.p_wait,
        "p_abandon": k.p_abandon, "utilisation": k.utilisation, "peak_occupancy": k.peak_occupancy,
        "reliable": [not fl for fl in k.flags], "reason": reasons,
    })


def estimate(scenario: Scenario, staff: dict[str, int] | None = None, lang: str = "zh") -> pd.DataFrame:
    """Per-site estimate for the scenario's staff, or for ``staff`` ({site_id: total staff}) on top of it.

    For the UI: the demand is derived once per scenario content (staff counts excluded) and cached,
    so each call on a slider move costs only the vectorized Erlang evaluation.
    """
    d = derive_demand(scenario)
    return evaluate(d, servers_per_site(scenario, d, staff), float(scenario.spec.targets.wait_minutes.value), lang)


def servers_per_site(scenario: Scenario, d: Demand, staff: dict[str, int] | None = None) -> NDArray[np.int64]:
    """Posts per site in demand order (the scenario's, or ``staff`` {site_id: posts} on top of it) plus the
    visiting worker at a village opened by a shared worker (the simulation does the same)."""
    now = {s.site_id: s.staff for s in scenario.sites}
    unknown = sorted(set(staff or {}) - set(now))
    if unknown:
        raise KeyError(f"unknown site ids: {unknown}")
    counts = np.array([(staff or {}).get(s, now[s]) for s in d.site_ids], dtype=np.int64)
    if np.any(counts < 0):
        raise ValueError("staff counts must be >= 0")
    return counts + d.covered.astype(np.int64)
