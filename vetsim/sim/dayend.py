"""The numeric part of the engine's day end: staff time, the work policy and the owed work packages.

One call a day (:func:`day_end`) does, for every site and package, what :class:`vetsim.sim.backoffice.DayWork`
did with some forty small numpy calls: the time free for the work policy, the tier of each package, the
allocation between tiers, the packages' share of it, overtime, and the records of the day. The casework
queues (which hold the cases) stay in Python; the kernel returns each site's casework minutes.

Written as loops in the subset of Python that numba compiles; the engine runs it compiled
(:func:`vetsim._jit.compiled`), and the rule itself is :mod:`vetsim.work.policy`'s, called from here.
Every sum runs in the order the numpy code ran it, so the numbers are the same to the last bit.
The engine hands its state over as a few tables whose rows are named below.
"""

from __future__ import annotations

import numpy as np

from ..work.policy import DROPPED, ROW_CASEWORK, _hi, _lo, allocate, cum_owed_sorted, fill_in_order, overtime_need, slack_tiers

__all__ = ["day_end", "DAY_ROWS", "SITE_ROWS", "PACKAGE_ROWS", "REC_ROWS"]

# the day table, [row, day, site]: what each day's time at the station is before the counter
DAY_ROWS = ("station", "other", "cover", "fixed", "seen", "seen_n")
STATION, OTHER, COVER, FIXED, SEEN, SEEN_N = range(6)
# the site table, [row, site]: the free-time estimate (updated here), overtime, today's counter and casework
SITE_ROWS = ("free_est", "free_known", "ot_max", "ot_late", "ot_early", "open_rate", "busy_day", "busy_min", "casework")
FREE_EST, FREE_KNOWN, OT_MAX, OT_LATE, OT_EARLY, OPEN_RATE, BUSY_DAY, BUSY_MIN, CASEWORK = range(9)
# the package table (integers), [row, package]; ``edf``: the packages in earliest-deadline order (site, due, index)
PACKAGE_ROWS = ("site", "due", "cat_row", "campaign", "must", "late_value", "edf", "done_day", "released")
P_SITE, P_DUE, P_CAT_ROW, P_CAMPAIGN, P_MUST, P_LATE_VALUE, P_EDF, P_DONE_DAY, P_RELEASED = range(9)
# the records, [row, day, site] (a day's writes side by side; the engine reads them as [site, day])
REC_ROWS = ("casework", "duties", "campaigns", "other", "cover", "casework_in", "fixed", "overtime")
R_DUTIES, R_CAMPAIGNS, R_OTHER, R_COVER, R_FIXED, R_OVERTIME = 1, 2, 3, 4, 6, 7


def free_time(d: int, day: np.ndarray, site: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """Minutes per site free for the work policy on day ``d``, after counter, other work, cover and fixed
    time (recorded); the running mean of the free time per open day seen is updated in ``site``."""
    n = day.shape[2]
    free = np.empty(n)
    for s in range(n):
        counter = site[BUSY_MIN, s] if site[BUSY_DAY, s] == d else 0.0
        left = _hi(day[STATION, d, s] - counter, 0.0)
        other = _lo(day[OTHER, d, s], left)
        cover = _lo(day[COVER, d, s], left - other)
        fixed = _lo(day[FIXED, d, s], left - other - cover)
        rec[R_OTHER, d, s], rec[R_COVER, d, s], rec[R_FIXED, d, s] = other, cover, fixed
        free[s] = _hi(left - other - cover - fixed, 0.0)
        if day[SEEN, d, s] > 0:
            prev = site[FREE_KNOWN, s]
            new = prev + (free[s] - prev) / day[SEEN_N, d, s]
            site[FREE_EST, s] = new
            site[FREE_KNOWN, s] = new
    return free


def open_days(d: int, days: int, s: int, due: int, open_before: np.ndarray, site: np.ndarray) -> float:
    """Open days of site ``s`` from day ``d`` through day ``due`` (beyond the window: at the site's rate)."""
    last = min(due, days - 1)
    inside = open_before[s, last + 1] - open_before[s, d]
    return _hi(inside, 0.0) + max(due - (days - 1), 0) * site[OPEN_RATE, s]


def live_packages(rem: np.ndarray, pk: np.ndarray) -> np.ndarray:
    """Packages released and not yet done, by index."""
    live = np.empty(len(rem), dtype=np.int64)
    m = 0
    for i in range(len(rem)):
        if pk[P_RELEASED, i] and rem[i] > 1e-9:
            live[m] = i
            m += 1
    return live[:m]


def tiers(d: int, days: int, live: np.ndarray, rem: np.ndarray, pk: np.ndarray, site: np.ndarray,
          open_before: np.ndarray, pk_share: float, by_slack: bool) -> tuple[np.ndarray, np.ndarray]:
    """Tier row and order key of each live package today (see :mod:`vetsim.work.policy`)."""
    s, due = pk[P_SITE][live], pk[P_DUE][live]
    if not by_slack:
        return pk[P_CAT_ROW][live].copy(), due.astype(np.float64)
    # the work owed by each pending package's due day: a running sum in the run's fixed EDF order
    pending = np.zeros(len(rem), dtype=np.bool_)
    for j in range(len(live)):
        pending[live[j]] = due[j] >= d
    edf = pk[P_EDF]
    sel = edf[pending[edf]]
    owed = np.zeros(len(rem))
    owed[sel] = cum_owed_sorted(pk[P_SITE][sel], pk[P_DUE][sel], rem[sel])
    capacity = np.empty(len(live))
    for j in range(len(live)):
        per_day = site[FREE_KNOWN, s[j]] * pk_share
        capacity[j] = per_day * open_days(d, days, s[j], due[j], open_before, site)
    return slack_tiers(d, s, due, rem[live], pk[P_MUST][live] != 0, pk[P_LATE_VALUE][live] != 0, capacity,
                       owed[live])


def owed_by_tier(live: np.ndarray, row: np.ndarray, rem: np.ndarray, pk: np.ndarray, site: np.ndarray,
                 tiers_n: int) -> np.ndarray:
    """Minutes owed per tier and site, ``[tier, site]``: the live packages by their tier, casework from ``site``."""
    n = site.shape[1]
    owed = np.zeros((tiers_n, n))
    for j in range(len(live)):
        if row[j] != DROPPED:
            owed[row[j], pk[P_SITE, live[j]]] += rem[live[j]]
    owed[ROW_CASEWORK, :] = site[CASEWORK]
    return owed


def _overtime_ok(d: int, live: np.ndarray, row: np.ndarray, pk: np.ndarray, site: np.ndarray,
                 open_mask: np.ndarray) -> np.ndarray:
    """The live packages overtime may serve today: must-do work not past its date (or, where the site
    allows it, any work still worth doing) at a site open today with overtime to give."""
    ok = np.zeros(len(live), dtype=np.bool_)
    for j in range(len(live)):
        i = live[j]
        s = pk[P_SITE, i]
        if row[j] == DROPPED or not site[OT_MAX, s] > 0 or not open_mask[s, d]:
            continue
        ok[j] = (pk[P_MUST, i] != 0 and pk[P_DUE, i] >= d) or site[OT_LATE, s] != 0
    return np.flatnonzero(ok)


def overtime(d: int, days: int, live: np.ndarray, row: np.ndarray, rem: np.ndarray, pk: np.ndarray,
             site: np.ndarray, open_before: np.ndarray, open_mask: np.ndarray, rec: np.ndarray,
             pk_share: float) -> np.ndarray:
    """Overtime minutes each live package gets today: must-do work (or any late work where allowed) that
    would otherwise miss its date, up to each site's overtime capacity (:func:`overtime_need`)."""
    out = np.zeros(len(live))
    idx = _overtime_ok(d, live, row, pk, site, open_mask)
    if len(idx) == 0:
        return out
    n = site.shape[1]
    lk = live[idx]
    s_ok, due_ok = pk[P_SITE][lk], pk[P_DUE][lk]
    open_left, future, key = np.empty(len(lk)), np.empty(len(lk)), np.empty(len(lk))
    for j in range(len(lk)):
        s = s_ok[j]
        open_left[j] = _hi(open_days(d, days, s, due_ok[j], open_before, site) - site[OT_EARLY, s], 1.0)
        future[j] = site[FREE_KNOWN, s] * pk_share * _hi(open_left[j] - 1.0, 0.0)
        key[j] = (0.0 if pk[P_MUST, lk[j]] != 0 else 1e9) + due_ok[j]  # must-do work first, then by due day
    need = overtime_need(d, s_ok, due_ok, rem[lk], future, open_left, n)
    budget = np.empty((1, n))
    for s in range(n):
        budget[0, s] = _lo(need[s], site[OT_MAX, s])
    got = fill_in_order(s_ok, np.zeros(len(lk), dtype=np.int64), key, rem[lk], budget)
    rec[R_OVERTIME, d, :] = 0.0
    for j in range(len(lk)):
        out[idx[j]] = got[j]
        rec[R_OVERTIME, d, s_ok[j]] += got[j]
    return out


def work_packages(d: int, days: int, alloc: np.ndarray, live: np.ndarray, row: np.ndarray, key: np.ndarray,
                  rem: np.ndarray, pk: np.ndarray, site: np.ndarray, open_before: np.ndarray,
                  open_mask: np.ndarray, rec: np.ndarray, pk_share: float) -> None:
    """Give each tier's minutes to its packages in order, then overtime; record what was done."""
    keep = np.flatnonzero(row != DROPPED)
    lk = live[keep]
    got = fill_in_order(pk[P_SITE][lk], row[keep], key[keep], rem[lk], alloc)
    take = np.zeros(len(live))
    for j in range(len(keep)):
        take[keep[j]] = got[j]
    for j in range(len(live)):
        rem[live[j]] -= take[j]
    extra = overtime(d, days, live, row, rem, pk, site, open_before, open_mask, rec, pk_share)
    rec[R_CAMPAIGNS, d, :] = 0.0
    rec[R_DUTIES, d, :] = 0.0
    for j in range(len(live)):
        i = live[j]
        rem[i] -= extra[j]
        rec[R_CAMPAIGNS if pk[P_CAMPAIGN, i] != 0 else R_DUTIES, d, pk[P_SITE, i]] += take[j]
        if take[j] + extra[j] > 0 and rem[i] <= 1e-6 and pk[P_DONE_DAY, i] < 0:
            pk[P_DONE_DAY, i] = d


def day_end(d: int, days: int, by_slack: bool, pk_share: float, min_share: np.ndarray, order: np.ndarray,
            day: np.ndarray, site: np.ndarray, open_before: np.ndarray, open_mask: np.ndarray,
            rem: np.ndarray, pk: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """Day ``d`` of the work model for all sites: returns each site's casework minutes (the queues are the
    caller's); updates the packages' owed minutes ``rem``, their done day, the free-time estimate and ``rec``."""
    free = free_time(d, day, site, rec)
    live = live_packages(rem, pk)
    if len(live):
        row, key = tiers(d, days, live, rem, pk, site, open_before, pk_share, by_slack)
    else:
        row, key = np.zeros(0, dtype=np.int64), np.zeros(0)
    alloc = allocate(free, owed_by_tier(live, row, rem, pk, site, len(min_share)), min_share, order)
    if len(live):
        work_packages(d, days, alloc, live, row, key, rem, pk, site, open_before, open_mask, rec, pk_share)
    return alloc[ROW_CASEWORK].copy()
