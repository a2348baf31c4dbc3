"""Social-insurance continuation (社保接续): back-payments of interrupted pension and medical contributions.

Rule (docs/DOMAIN.md §6.1), per interrupted month ``m`` of a person (inclusive months, YYYY-MM):
  base_m        = si_base_share(m) x local_average_wage(year of m) / 12          (yuan/month)
  government_m  = base_m x (si_unit_pension_rate(m) + si_unit_medical_rate(m))   (the unit part)
  individual_m  = base_m x (si_individual_pension_rate(m) + si_individual_medical_rate(m))
where a dated parameter's value on the 1st of the month applies to the whole month (so a year
spanning 2019-05-01 uses 20% for Jan-Apr and 16% for May-Dec, pro rata by month). Wages after
the last published year grow by ``wage_growth`` a year. No rounding here (see budget.py).
Verification funnel: eligible -> paid; ineligible status or an ineligible placement -> 0;
pending -> paid with ``pending_pass_rate`` (exact: expected value; Monte Carlo: a Bernoulli draw
per person). Vectorised: a person's liability is a difference of two cumulative sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..scenario.fiscal_spec import REGION_TIERS, SIContinuation, parse_month
from ..scenario.limits import check_limit
from .draws import Draws
from .flows import Flow

__all__ = ["SIPeople", "MonthGrid", "month_grid", "si_flows", "check_draw_size", "STATUS"]

STATUS = ("eligible", "ineligible", "pending")


@dataclass(frozen=True)
class SIPeople:
    """Applicants as arrays (one entry per person); months count from year 0 (2019-05 = 2019*12+4)."""

    start: np.ndarray        # first interrupted month (int64)
    end: np.ndarray          # last interrupted month, inclusive (int64)
    status: np.ndarray       # index into STATUS; ineligible placements are coded 1 (ineligible)
    registered: np.ndarray   # registration year, not before the base year (int64)
    region: np.ndarray       # index into REGION_TIERS (int64)

    @classmethod
    def from_rows(cls, rows: Sequence[Any], si: SIContinuation, base_year: int, region_tier: str) -> SIPeople:
        n = len(rows)
        start, end = np.empty(n, np.int64), np.empty(n, np.int64)
        status, reg, region = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
        for i, r in enumerate(rows):
            start[i], end[i] = r.months
            ok = r.placement in si.eligible_placements
            status[i] = STATUS.index(r.status) if ok else 1
            reg[i] = max(r.registered_year or base_year, base_year)
            region[i] = REGION_TIERS.index(r.region_tier or region_tier)
        return cls(start, end, status, reg, region)

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class MonthGrid:
    """Cumulative government and individual amounts per person-month from month ``m0``: (draws, months+1)."""

    m0: int
    gov: np.ndarray
    ind: np.ndarray

    def liability(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum over months start..end (inclusive) per draw and person: two arrays (draws, people)."""
        a, b = start - self.m0, end - self.m0 + 1
        if a.ndim == 1:
            return self.gov[:, b] - self.gov[:, a], self.ind[:, b] - self.ind[:, a]
        rows = np.arange(self.gov.shape[0])[:, None]
        return self.gov[rows, b] - self.gov[rows, a], self.ind[rows, b] - self.ind[rows, a]


def _on_first(param: Any, months: np.ndarray) -> np.ndarray:
    """Value in force on the 1st of each month (vectorised over the parameter's change dates)."""
    dates = list(param.values)
    starts = np.array([d.year * 12 + d.month - 1 + (d.day > 1) for d in dates])
    idx = np.searchsorted(starts, months, side="right") - 1
    if (idx < 0).any():
        first = int(months[idx < 0][0])
        raise ValueError(f"{param.label_en}: no value in force in {first // 12}-{first % 12 + 1:02d}")
    return np.array(list(param.values.values()), dtype=float)[idx]


def month_grid(params: dict[str, Any], m0: int, m1: int, growth: np.ndarray) -> MonthGrid:
    """Cumulative per-person amounts over months m0..m1 for each wage-growth draw ``growth`` (n,)."""
    months = np.arange(m0, m1 + 1)
    years = months // 12
    wage_p = params["local_average_wage"]
    last = max(wage_p.values)
    last_year = last.year
    known = _on_first(wage_p, np.minimum(years, last_year) * 12)          # wage of the year (or last year)
    ahead = np.maximum(years - last_year, 0)
    wage = known[None, :] * (1.0 + growth[:, None]) ** ahead[None, :]    # (n, months)
    base = _on_first(params["si_base_share"], months)[None, :] * wage / 12.0
    unit = _on_first(params["si_unit_pension_rate"], months) + _on_first(params["si_unit_medical_rate"], months)
    indiv = (_on_first(params["si_individual_pension_rate"], months)
             + _on_first(params["si_individual_medical_rate"], months))
    zero = np.zeros((len(growth), 1))
    return MonthGrid(m0, np.hstack([zero, np.cumsum(base * unit, axis=1)]),
                     np.hstack([zero, np.cumsum(base * indiv, axis=1)]))


def _paid_fractions(liab: np.ndarray, reg_years: np.ndarray, years: np.ndarray, si: SIContinuation) -> np.ndarray:
    """Share of each registration year's liability paid in each budget year: (draws, reg years, years).

    ``liab``: government liability per draw and registration year (draws, reg years).
    """
    n, nr = liab.shape
    frac = np.zeros((n, nr, len(years)))
    pay = si.payment
    if pay.mode == "spread":
        k = years[None, :] - reg_years[:, None]
        frac[:] = np.where((k >= 0) & (k < pay.years), 1.0 / pay.years, 0.0)[None]
        return frac
    cap = float(pay.yearly_cap.value)  # type: ignore[union-attr]
    left = liab.copy()
    for j, y in enumerate(years):
        room = np.full(n, cap)
        for r in np.argsort(reg_years, kind="stable"):
            if reg_years[r] > y:
                continue
            paid = np.minimum(room, left[:, r])
            room -= paid
            left[:, r] -= paid
            frac[:, r, j] = np.divide(paid, liab[:, r], out=np.zeros(n), where=liab[:, r] > 0)
    return frac


CHUNK_CELLS = 2_000_000  # draws x applicants held at once (a few arrays of 16 MB): memory no longer grows with draws


def _add_people(gov: np.ndarray, ind: np.ndarray, grid: MonthGrid, people: SIPeople, reg_years: np.ndarray,
                p_pass: np.ndarray, rng: np.random.Generator | None) -> None:
    """Add the applicants' liabilities into gov/ind (draws, registration years, region tiers).

    Draws are taken in blocks of ``CHUNK_CELLS // applicants`` rows, so memory stays near
    ``CHUNK_CELLS`` float64 per array whatever the number of draws; the random numbers are the same
    as one (draws, applicants) array would hold (a generator fills arrays row after row), so the
    result does not depend on the block size. Applicants are summed per (registration year, region
    tier) with one ``reduceat`` over applicants sorted by that key."""
    n, nt = gov.shape[0], gov.shape[2]
    key = np.searchsorted(reg_years, people.registered) * nt + people.region
    order = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[order], return_index=True)
    a, b = people.start[order] - grid.m0, people.end[order] - grid.m0 + 1
    status = people.status[order]
    flat_gov, flat_ind = gov.reshape(n, -1), ind.reshape(n, -1)  # views: writes land in gov and ind
    step = max(1, CHUNK_CELLS // max(len(people), 1))
    for d0 in range(0, n, step):
        d1 = min(n, d0 + step)
        if rng is None:
            w = np.select([status == 0, status == 2], [1.0, p_pass[0]], 0.0)[None, :]
        else:
            passed = rng.random((d1 - d0, len(people)))[:, order] < p_pass[d0:d1, None]
            w = np.where(status == 0, 1.0, np.where(status == 2, passed, 0.0))
        for cum, flat in ((grid.gov, flat_gov), (grid.ind, flat_ind)):
            part = cum[d0:d1]
            flat[d0:d1, keys] += np.add.reduceat((part[:, b] - part[:, a]) * w, starts, axis=1)


def _add_cohort(gov: np.ndarray, ind: np.ndarray, grid: MonthGrid, cohort: Any, r: int, t: int, draws: Draws,
                p_pass: np.ndarray, count: np.ndarray, rng: np.random.Generator | None) -> None:
    """Add the not-yet-screened cohort (exact: count x pass rate x one person's liability)."""
    end = parse_month(cohort.interrupted_to, end=True)
    if rng is None:
        months = max(1, int(round(12 * cohort.years_in_arrears.value)))
        g, i = grid.liability(np.array([end - months + 1]), np.array([end]))
        gov[:, r, t] += count[0] * p_pass[0] * g[0, 0]
        ind[:, r, t] += count[0] * p_pass[0] * i[0, 0]
        return
    heads = np.maximum(np.rint(count), 0).astype(np.int64)
    width = max(int(heads.max()), 1)
    months = np.maximum(1, np.rint(12 * draws.of_matrix(cohort.years_in_arrears, rng, width))).astype(np.int64)
    g, i = grid.liability(end - months + 1, np.full_like(months, end))
    alive = (np.arange(width)[None, :] < heads[:, None]) & (rng.random((draws.n, width)) < p_pass[:, None])
    gov[:, r, t] += (g * alive).sum(axis=1)
    ind[:, r, t] += (i * alive).sum(axis=1)


def _cohort_first_month(cohort: Any, monte_carlo: bool) -> int:
    """Earliest interrupted month the cohort can have (longest arrears when drawing)."""
    y = cohort.years_in_arrears
    longest = y.dist.high if (monte_carlo and y.dist is not None) else y.value
    return parse_month(cohort.interrupted_to, end=True) - max(1, int(round(12 * longest))) + 1


def check_draw_size(n_draws: int, n_people: int, cohort: Any) -> None:
    """Refuse, before any array is allocated, a Monte Carlo run larger than the documented limits.

    Memory grows with draws x (applicants + cohort people): a few arrays of that many float64.
    """
    check_limit("draws", n_draws)
    heads = 0.0
    if cohort is not None and n_draws:
        c = cohort.count
        heads = max(c.value, c.dist.high) if c.dist is not None else c.value
    check_limit("draw_cells", n_draws * (n_people + max(heads, 0.0)))


def si_flows(si: SIContinuation, params: dict[str, Any], people: SIPeople, years: np.ndarray,
             draws: Draws, region_tier: str) -> tuple[list[Flow], dict[str, Any]]:
    """Yearly flows of the continuation line, and facts for the report (liabilities, unpaid after the horizon).

    Returns one government flow per region tier involved (split by ``si.funding``) and the
    individual's flow. Random numbers are drawn in a fixed order from the line's own stream.
    """
    rng = draws.rng("si_continuation")
    n, nt = draws.n, len(REGION_TIERS)
    check_draw_size(n if rng is not None else 0, len(people), si.cohort)
    growth = draws.of(si.wage_growth, rng)
    p_pass = draws.of(si.pending_pass_rate, rng)
    cohort = si.cohort
    count = draws.of(cohort.count, rng) if cohort else np.zeros(n)
    first_year = int(years[0])
    lo = [int(people.start.min())] if len(people) else []
    hi = [int(people.end.max())] if len(people) else []
    regs = [people.registered]
    if cohort:
        lo.append(_cohort_first_month(cohort, rng is not None))
        hi.append(parse_month(cohort.interrupted_to, end=True))
        regs.append(np.array([max(cohort.registered_year, first_year)]))
    reg_years = np.unique(np.concatenate(regs)).astype(np.int64)
    gov = np.zeros((n, len(reg_years), nt))
    ind = np.zeros((n, len(reg_years), nt))
    if lo:
        grid = month_grid(params, min(lo), max(hi), growth)
        if len(people):
            _add_people(gov, ind, grid, people, reg_years, p_pass, rng)
        if cohort:
            r = int(np.searchsorted(reg_years, max(cohort.registered_year, first_year)))
            t = REGION_TIERS.index(cohort.region_tier or region_tier)
            _add_cohort(gov, ind, grid, cohort, r, t, draws, p_pass, count, rng)
    frac = _paid_fractions(gov.sum(axis=2), reg_years, years, si)         # (draws, reg years, years)
    paid_gov = np.einsum("nrt,nry->nty", gov, frac)
    paid_ind = np.einsum("nrt,nry->nty", ind, frac)
    flows = [Flow("si_continuation", paid_gov[:, t, :], funding=si.funding, region_tier=REGION_TIERS[t])
             for t in range(nt) if paid_gov[:, t, :].any() or REGION_TIERS[t] == region_tier]
    flows.append(Flow("si_continuation", paid_ind.sum(axis=1), tier="individual"))
    total_gov = gov.sum(axis=(1, 2))
    facts = {"si_liability_government": float(total_gov.mean()),
             "si_liability_individual": float(ind.sum(axis=(1, 2)).mean()),
             "si_unpaid_after_horizon": float((total_gov - paid_gov.sum(axis=(1, 2))).mean())}
    return flows, facts


def people_detail(people_rows: Sequence[Any], si: SIContinuation, params: dict[str, Any], base_year: int,
                  region_tier: str, people: SIPeople | None = None) -> Any:
    """Per applicant (exact values): months, status, paid weight and liabilities; for audit and Excel.
    ``people``: the rows already as arrays (``SIPeople.from_rows``), not read twice."""
    people = SIPeople.from_rows(people_rows, si, base_year, region_tier) if people is None else people
    cols = ["person_id", "placement", "status", "interrupted_from", "interrupted_to", "months",
            "registered_year", "region_tier", "weight", "government_yuan", "individual_yuan"]
    if not len(people):
        return pd.DataFrame(columns=cols)
    grid = month_grid(params, int(people.start.min()), int(people.end.max()), np.array([si.wage_growth.value]))
    g, i = grid.liability(people.start, people.end)
    w = np.select([people.status == 0, people.status == 2], [1.0, si.pending_pass_rate.value], 0.0)
    return pd.DataFrame({
        "person_id": [r.person_id for r in people_rows], "placement": [r.placement for r in people_rows],
        "status": [STATUS[s] for s in people.status],
        "interrupted_from": [r.interrupted_from for r in people_rows],
        "interrupted_to": [r.interrupted_to for r in people_rows],
        "months": people.end - people.start + 1, "registered_year": people.registered,
        "region_tier": [REGION_TIERS[t] for t in people.region], "weight": w,
        "government_yuan": g[0] * w, "individual_yuan": i[0] * w,
    }, columns=cols)

