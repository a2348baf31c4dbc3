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

:func:`allocate` is vectorised over sites: the engine calls it once per day for all sites;
:func:`fill_in_order` hands each site's tier budget to its packages in priority order.
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


def allocate(free: NDArray[np.float64], demand: NDArray[np.float64], min_share: NDArray[np.float64],
             order: tuple[int, ...]) -> NDArray[np.float64]:
    """Minutes per tier and site, ``[tier, site]``, from ``free`` minutes ``[site]`` and ``demand`` ``[tier, site]``.

    Never gives a tier more than it owes, never gives out more than ``free``.
    """
    free = np.maximum(free, 0.0)
    out = np.minimum(min_share[:, None] * free[None, :], demand)
    rest = free - out.sum(axis=0)
    for k in order:
        extra = np.minimum(rest, demand[k] - out[k])
        out[k] += extra
        rest = rest - extra
    return out


def fill_in_order(site: NDArray[np.int64], row: NDArray[np.int64], key: NDArray[np.float64],
                  rem: NDArray[np.float64], budget: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minutes each package gets: per site and tier row, packages in ``key`` order share ``budget[row, site]``.

    The first package of a (site, row) group takes what it owes up to the budget, the next what is
    left, and so on (ties in ``key`` keep the input order). Returns the minutes per package, input order.
    """
    if not len(site):
        return np.zeros(0)
    by_key = np.argsort(key, kind="stable")  # two stable sorts: (site, row), then key, then input order
    low = int(row.min())
    order = by_key[np.argsort((site * (int(row.max()) - low + 1) + (row - low))[by_key], kind="stable")]
    s, r, owed = site[order], row[order], rem[order]
    first = _starts(s, r)
    cs = np.cumsum(owed)
    base = np.maximum.accumulate(np.where(first, cs - owed, 0.0))
    take = np.minimum(np.maximum(budget[r, s] - (cs - owed - base), 0.0), owed)
    out = np.empty_like(take)
    out[order] = take
    return out


def _cum_by_site_due(site: NDArray[np.int64], due: NDArray[np.int64], rem: NDArray[np.float64]) -> NDArray[np.float64]:
    """Work owed per package by its due day at its site: its own and every package due no later (EDF order)."""
    order = np.lexsort((np.arange(len(site)), due, site))
    out = np.empty(len(site))
    out[order] = cum_owed_sorted(site[order], due[order], rem[order])
    return out


def cum_owed_sorted(s: NDArray[np.int64], d: NDArray[np.int64], owed: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`_cum_by_site_due` for packages already in EDF order (by site, then due day; ties in a fixed
    order): the engine keeps that order from the start, so no sort is needed each day."""
    if not len(s):
        return np.zeros(0)
    first = _starts(s)
    cs = np.cumsum(owed)
    before = cs - owed
    base = np.maximum.accumulate(np.where(first, before, 0.0))
    # packages due on the same day at a site owe together: the group's total (the largest running sum of
    # the group; groups are runs of the sorted order)
    group_first = _starts(s, d)
    starts = np.flatnonzero(group_first)
    group = np.maximum.reduceat(cs - base, starts)
    return group[np.cumsum(group_first) - 1]


def _starts(a: NDArray[np.int64], b: NDArray[np.int64] | None = None) -> NDArray[np.bool_]:
    """True where a run of equal ``a`` (and ``b``) values begins in a sorted array."""
    out = np.empty(len(a), dtype=bool)
    if len(a):
        out[0] = True
        np.not_equal(a[1:], a[:-1], out=out[1:])
        if b is not None:
            out[1:] |= b[1:] != b[:-1]
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
    row = np.full(len(site), DROPPED, dtype=np.int64)
    key = due.astype(float)
    if not len(site):
        return row, key
    pending = due >= today
    slack = np.full(len(site), -np.inf)
    if pending.any():
        owed = (_cum_by_site_due(site[pending], due[pending], rem[pending]) if owed_by_due is None
                else owed_by_due[pending])
        slack[pending] = capacity_to_due[pending] - owed
    row[pending & must] = 0
    row[pending & ~must] = 1
    row[~pending & late_value] = ROW_LATE
    # within row 1: work that can still meet its date by least slack, then work that cannot (earliest due)
    key = np.where(row == 1, np.where(slack >= 0, slack, _BEHIND + due), key)
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
    if not len(site):
        return need
    owed = _cum_by_site_due(site, np.maximum(due, today), rem_after)
    rate = (owed - np.where(due >= today, future_capacity, 0.0)) / np.maximum(open_days_to_due, 1.0)
    np.maximum.at(need, site, np.maximum(rate, 0.0))
    return need
