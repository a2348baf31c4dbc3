"""The daily allocation of staff time (人员时间分配): one rule for the simulation and the estimate.

A site-day: staff present x opening minutes is the time at the station. The counter is served
first whenever someone waits; shared village cover (a worker opening covered villages), non-veteran
township work (一人多岗, ``other_duties_share`` of the time present) and fixed time (meetings,
reports, training; ``fixed_time:``) come next. What is left is shared between tiers of work by the
scenario's ``work_policy``: each tier first gets up to its minimum share of that time (if it has
work owed), then the rest goes to the tiers in priority order. Time no tier can use is idle.

Two families of tiers (rows of the demand and allocation arrays):

* by category (today's rule): ``campaigns`` (row 0), ``duties`` (row 1), ``casework`` (row 2);
  within a category, packages earliest due first, late or not;
* by slack: ``must`` (row 0: must-do packages not yet past their date), ``on_time`` (row 1: other
  packages not yet past their date: first those that can still meet it, least slack first, then
  those that cannot), ``casework`` (row 2), ``late`` (row 3: packages past their date that are
  still worth doing, earliest due first). Within ``must`` the earliest due goes first. A package past its
  date that is not worth doing late (``late_value`` no) is dropped.

Slack of a package (:func:`slack_tiers`): the time its site can still give to packages until the
package's due day, less the work owed by then (its own and that of every package due no later,
earliest due first) -- the classic feasibility test of earliest-deadline scheduling on one resource.

:func:`allocate` shares each site's time between its tiers: the engine calls it once per day for all
sites; :func:`fill_in_order` hands each site's tier budget to its packages in priority order.

These functions are the one copy of the rule. They are written as loops over sites and packages in
the subset of Python and numpy that numba compiles: the engine calls them compiled, from its day end
(:mod:`vetsim.sim.dayend`, compiled by :mod:`vetsim._jit`; one compiled call a day instead of some
forty small numpy calls), while any other caller (the tests, a notebook) runs them as plain Python
and so never imports numba. Compiled or not, they give the same numbers to the last bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..scenario.work_spec import CATEGORY_TIERS, SLACK_TIERS, WORK_KINDS, WorkPolicy

__all__ = ["allocate", "policy_arrays", "fill_in_order", "slack_tiers", "overtime_need", "WORK_KINDS",
           "ROW_CASEWORK", "ROW_LATE", "DROPPED", "cum_owed_sorted"]

ROW_CASEWORK, ROW_LATE, DROPPED = 2, 3, -1
_BEHIND = 1e12  # order key offset: work that can no longer meet its date comes after all that can
_ROWS = {"campaigns": 0, "duties": 1, "casework": 2, "must": 0, "on_time": 1, "late": 3}


def policy_arrays(policy: WorkPolicy) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """(minimum share per tier row, priority order as tier rows); 3 rows by category, 4 by slack."""
    tiers = SLACK_TIERS if policy.by_slack else CATEGORY_TIERS
    shares = np.zeros(len(tiers))
    for t in tiers:
        shares[_ROWS[t]] = policy.share(t)
    return shares, tuple(_ROWS[t] for t in policy.order)


# The functions below are written as explicit loops over sites and packages, in the subset of Python and
# numpy that numba compiles (:mod:`vetsim._jit`). Each sum runs in the order numpy's own cumulative sums
# ran before them (element by element), so compiled or not they give the same numbers to the last bit.

def _lo(a: float, b: float) -> float:
    """``np.minimum`` of two numbers (the first where they are equal, as numpy keeps it)."""
    return a if a <= b else b


def _hi(a: float, b: float) -> float:
    """``np.maximum`` of two numbers (the first where they are equal, as numpy keeps it)."""
    return a if a >= b else b


def allocate(free: NDArray[np.float64], demand: NDArray[np.float64], min_share: NDArray[np.float64],
             order) -> NDArray[np.float64]:
    """Minutes per tier and site, ``[tier, site]``, from ``free`` minutes ``[site]`` and ``demand`` ``[tier, site]``.

    Each tier first gets its minimum share of the free time (at most what it owes), then what is left
    goes to the tiers in ``order`` (tier rows, highest priority first). Never gives a tier more than it
    owes, never gives out more than ``free``.
    """
    rows, n = demand.shape
    out = np.empty((rows, n))
    for s in range(n):
        f = _hi(free[s], 0.0)
        given = 0.0
        for k in range(rows):
            out[k, s] = _lo(min_share[k] * f, demand[k, s])
            given = out[k, s] if k == 0 else given + out[k, s]
        rest = f - given
        for k in order:
            extra = _lo(rest, demand[k, s] - out[k, s])
            out[k, s] += extra
            rest = rest - extra
    return out


def _stable_order(first: NDArray[np.int64], then: NDArray) -> NDArray[np.int64]:
    """Indices that sort by ``first`` (integers >= 0), then by ``then``, then by position.

    A counting sort by ``first`` (groups are a site's packages, or a site's packages of one tier: few), then
    each group sorted by ``then`` in place: by insertion when small, else by numpy's stable sort. Any stable
    sort gives this one order, so the result is the same as two stable numpy sorts.
    """
    m = len(first)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.zeros(first.max() + 2, dtype=np.int64)
    for i in range(m):
        start[first[i] + 1] += 1
    start = np.cumsum(start)
    fill = start[:-1].copy()
    idx = np.empty(m, dtype=np.int64)
    for i in range(m):
        idx[fill[first[i]]] = i
        fill[first[i]] += 1
    for g in range(len(start) - 1):
        if start[g + 1] - start[g] > 1:
            _sort_group(idx, then, start[g], start[g + 1])
    return idx


def _sort_group(idx: NDArray[np.int64], then: NDArray, a: int, b: int) -> None:
    """Sort ``idx[a:b]`` (in position order) by ``then``, stable, in place."""
    if b - a > 32:
        part = idx[a:b].copy()
        idx[a:b] = part[np.argsort(then[part], kind="mergesort")]
        return
    for j in range(a + 1, b):
        cur = idx[j]
        k = j - 1
        while k >= a and then[idx[k]] > then[cur]:
            idx[k + 1] = idx[k]
            k -= 1
        idx[k + 1] = cur


def fill_in_order(site: NDArray[np.int64], row: NDArray[np.int64], key: NDArray[np.float64],
                  rem: NDArray[np.float64], budget: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minutes each package gets: per site and tier row, packages in ``key`` order share ``budget[row, site]``.

    The first package of a (site, row) group takes what it owes up to the budget, the next what is
    left, and so on (ties in ``key`` keep the input order). Returns the minutes per package, input order.
    """
    m = len(site)
    out = np.zeros(m)
    if m == 0:
        return out
    low, high = row.min(), row.max()
    order = _stable_order(site * (high - low + 1) + (row - low), key)
    total = base = 0.0  # running sum over the sorted packages; the sum before the group's first package
    for j in range(m):
        i = order[j]
        s, r, owed = site[i], row[i], rem[i]
        total += owed
        before = total - owed
        if j == 0 or s != site[order[j - 1]] or r != row[order[j - 1]]:
            base = before if j == 0 else _hi(base, before)
        out[i] = _lo(_hi(budget[r, s] - (before - base), 0.0), owed)
    return out


def _cum_by_site_due(site: NDArray[np.int64], due: NDArray[np.int64], rem: NDArray[np.float64]) -> NDArray[np.float64]:
    """Work owed per package by its due day at its site: its own and every package due no later (EDF order)."""
    order = _stable_order(site, due)
    owed = cum_owed_sorted(site[order], due[order], rem[order])
    out = np.empty(len(site))
    for j in range(len(order)):
        out[order[j]] = owed[j]
    return out


def cum_owed_sorted(s: NDArray[np.int64], d: NDArray[np.int64], owed: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`_cum_by_site_due` for packages already in EDF order (by site, then due day; ties in a fixed
    order): the engine keeps that order from the start, so no sort is needed each day."""
    m = len(s)
    run = np.empty(m)  # owed at the package's site up to and including it, in this order
    total = base = 0.0
    for j in range(m):
        total += owed[j]
        before = total - owed[j]
        if j == 0 or s[j] != s[j - 1]:
            base = before if j == 0 else _hi(base, before)
        run[j] = total - base
    # packages due on the same day at a site owe together: the group's total (the largest running sum of
    # the group; groups are runs of the sorted order)
    out = np.empty(m)
    start = 0
    for j in range(1, m + 1):
        if j == m or s[j] != s[j - 1] or d[j] != d[j - 1]:
            group = run[start]
            for i in range(start + 1, j):
                group = _hi(group, run[i])
            out[start:j] = group
            start = j
    return out


def slack_tiers(today: int, site: NDArray[np.int64], due: NDArray[np.int64], rem: NDArray[np.float64],
                must: NDArray[np.bool_], late_value: NDArray[np.bool_],
                capacity_to_due: NDArray[np.float64], owed_by_due: NDArray[np.float64] | None = None
                ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(tier row, order key) of each package under a slack policy on day ``today``.

    ``capacity_to_due``: minutes the package's site can still give to packages from today through
    the package's due day. Slack = that capacity less the work owed by the due day (EDF order).
    Must-do work not past its date: row 0, earliest due first (with the cumulative slack test this
    is the order that meets every date when any order can; least slack would put a later date that
    inherits the earlier work's load first); other work not past its date: row 1, first what can
    still meet its date (least slack first), then what cannot (earliest due: part done by the date
    still counts); work past its date: row 3 by due day if still worth doing, else dropped (-1).
    ``owed_by_due``: the work owed by each package's due day (EDF order) where the caller has it at
    hand; by default computed here over the packages not yet past their date.
    """
    m = len(site)
    row = np.full(m, DROPPED, dtype=np.int64)
    key = due.astype(np.float64)
    pending = np.flatnonzero(due >= today)
    if owed_by_due is None:
        owed = _cum_by_site_due(site[pending], due[pending], rem[pending])
    else:
        owed = owed_by_due[pending]
    for j in range(len(pending)):
        i = pending[j]
        if must[i]:
            row[i] = 0
            continue
        row[i] = 1
        # within row 1: work that can still meet its date by least slack, then work that cannot (earliest due)
        slack = capacity_to_due[i] - owed[j]
        key[i] = slack if slack >= 0 else _BEHIND + due[i]
    for i in range(m):
        if due[i] < today and late_value[i]:
            row[i] = ROW_LATE
    return row, key


def overtime_need(today: int, site: NDArray[np.int64], due: NDArray[np.int64], rem_after: NDArray[np.float64],
                  future_capacity: NDArray[np.float64], open_days_to_due: NDArray[np.float64],
                  n_sites: int) -> NDArray[np.float64]:
    """Overtime minutes per site today for the packages given (those overtime may serve).

    Each package needs the work still owed by its due day after today's regular time (EDF order,
    ``rem_after``) less the regular time the site can still give after today (``future_capacity``),
    spread evenly over the open days left through its due day, today included (``open_days_to_due``,
    at least 1; a package past its date needs all of it today). The site works the largest of
    these rates: the least uniform overtime that meets every date.
    """
    need = np.zeros(n_sites)
    owed = _cum_by_site_due(site, np.maximum(due, today), rem_after)
    for i in range(len(site)):
        future = future_capacity[i] if due[i] >= today else 0.0
        rate = (owed[i] - future) / _hi(open_days_to_due[i], 1.0)
        need[site[i]] = _hi(need[site[i]], _hi(rate, 0.0))
    return need
