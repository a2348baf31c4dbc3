"""The numeric part of the engine's day end: staff time, the work policy and the owed work packages.

One call a day (:func:`day_end`, from the compiled case flow :mod:`vetsim.sim.flow`) does, for every site and
package, what some forty small numpy calls did before: the time free for the work policy, the tier of each package, the
allocation between tiers, the packages' share of it, overtime, the casework queues (as arrays: the engine
keeps the cases themselves, by item id) and the records of the day; it returns the casework items done,
whose cases the engine then decides in that order.

Written as loops in the subset of Python that numba compiles; the engine runs it compiled
(:func:`vetsim._jit.compiled`), and the rule itself is :mod:`vetsim.work.policy`'s, called from here.
Every sum runs in the order the numpy code ran it, so the numbers are the same to the last bit.
The engine hands its state over as a few tables whose rows are named below.
"""

from __future__ import annotations

import numpy as np

from ..work.calendar import MINUTES_PER_DAY as DAY_MIN
from ..work.policy import DROPPED, ROW_CASEWORK, _hi, _lo, allocate, cum_owed_sorted, fill_in_order, overtime_need, slack_tiers

__all__ = ["day_end", "DAY_ROWS", "SITE_ROWS", "PACKAGE_ROWS", "REC_ROWS"]

EPS = 1e-6
INF = np.inf

# the day table, [row, day, site]: what each day's time at the station is before the counter
DAY_ROWS = ("station", "other", "cover", "fixed", "seen", "seen_n")
STATION, OTHER, COVER, FIXED, SEEN, SEEN_N = range(6)
# the site table, [row, site]: the free-time estimate (updated here), overtime, today's counter and casework
# ``owed``: casework minutes queued (long-running items not counted); ``t_close``: when the day's casework is done
SITE_ROWS = ("free_est", "free_known", "ot_max", "ot_late", "ot_early", "open_rate", "busy_day", "busy_min", "casework",
             "owed", "t_close")
FREE_EST, FREE_KNOWN, OT_MAX, OT_LATE, OT_EARLY, OPEN_RATE, BUSY_DAY, BUSY_MIN, CASEWORK, OWED, T_CLOSE = range(11)
# the casework queues: items [row, item] (floats: minutes left, time queued, daily effort cap; integers: the
# next item of the site's FIFO, -1 at the end, and whether the item is long-running, i.e. capped below its
# minutes), sites [row, site] (first and last item, -1: empty; the number of long-running items)
Q_MIN, Q_T, Q_CAP = range(3)
Q_NEXT, Q_CAPPED = range(2)
S_HEAD, S_TAIL, S_NCAP = range(3)
# the package table (integers), [row, package]; ``edf``: the packages in earliest-deadline order (site, due, index)
PACKAGE_ROWS = ("site", "due", "cat_row", "campaign", "must", "late_value", "edf", "done_day", "released")
P_SITE, P_DUE, P_CAT_ROW, P_CAMPAIGN, P_MUST, P_LATE_VALUE, P_EDF, P_DONE_DAY, P_RELEASED = range(9)
# the records, [row, day, site] (a day's writes side by side; the engine reads them as [site, day])
REC_ROWS = ("casework", "duties", "campaigns", "other", "cover", "casework_in", "fixed", "overtime")
R_CASEWORK, R_DUTIES, R_CAMPAIGNS, R_OTHER, R_COVER, R_CASEWORK_IN, R_FIXED, R_OVERTIME = range(8)


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


def enqueue(new: np.ndarray, first: int, qf: np.ndarray, qi: np.ndarray, qs: np.ndarray, site: np.ndarray) -> None:
    """Queue the items that arrived since the last day end (rows of ``new``: site, minutes, time, daily cap;
    item ids from ``first``) at the end of their sites' FIFOs."""
    for k in range(new.shape[0]):
        i, s, m, cap = first + k, int(new[k, 0]), new[k, 1], new[k, 3]
        qf[Q_MIN, i], qf[Q_T, i], qf[Q_CAP, i] = m, new[k, 2], cap
        qi[Q_NEXT, i] = -1
        qi[Q_CAPPED, i] = cap < m
        if qs[S_TAIL, s] >= 0:
            qi[Q_NEXT, qs[S_TAIL, s]] = i
        else:
            qs[S_HEAD, s] = i
        qs[S_TAIL, s] = i
        if cap < m:
            qs[S_NCAP, s] += 1
        else:
            site[OWED, s] += m


def casework_demand(qf: np.ndarray, qi: np.ndarray, qs: np.ndarray, site: np.ndarray) -> None:
    """Casework minutes owed per site (a long-running item counts at most its daily effort) into ``site``."""
    for s in range(site.shape[1]):
        dem = site[OWED, s]
        if qs[S_NCAP, s] > 0:
            extra = 0.0
            i = qs[S_HEAD, s]
            while i >= 0:
                if qi[Q_CAPPED, i]:
                    extra += _lo(qf[Q_MIN, i], qf[Q_CAP, i])
                i = qi[Q_NEXT, i]
            dem += extra
        site[CASEWORK, s] = dem


def _unlink(s: int, i: int, prev: int, qi: np.ndarray, qs: np.ndarray) -> None:
    """Take item ``i`` (after ``prev``, -1: the first) out of site ``s``'s FIFO."""
    nxt = qi[Q_NEXT, i]
    if prev < 0:
        qs[S_HEAD, s] = nxt
    else:
        qi[Q_NEXT, prev] = nxt
    if qs[S_TAIL, s] == i:
        qs[S_TAIL, s] = prev
    if qi[Q_CAPPED, i]:
        qs[S_NCAP, s] -= 1


def work_queue(d: int, s: int, cap: float, qf: np.ndarray, qi: np.ndarray, qs: np.ndarray, site: np.ndarray,
               done: np.ndarray, done_t: np.ndarray, n_done: int) -> tuple[float, int]:
    """Work site ``s``'s casework FIFO with ``cap`` minutes on day ``d``: a long-running item gets at most its
    daily effort and lets the next item through. Items done go to ``done`` (with the time they are done);
    returns the minutes used and the new count of items done."""
    t_close = d * DAY_MIN + site[T_CLOSE, s]
    used, prev, i = 0.0, -1, qs[S_HEAD, s]
    while i >= 0 and cap > EPS:
        lim = qf[Q_CAP, i]
        use = _lo(_lo(qf[Q_MIN, i], cap), lim)
        if use <= 0:
            prev, i = i, qi[Q_NEXT, i]
            continue
        qf[Q_MIN, i] -= use
        cap -= use
        used += use
        if lim == INF:
            site[OWED, s] -= use
        if qf[Q_MIN, i] <= 1e-9:
            _unlink(s, i, prev, qi, qs)
            done[n_done], done_t[n_done] = i, _hi(t_close, qf[Q_T, i])
            n_done += 1
            i = qi[Q_NEXT, i]
        elif lim != INF:
            prev, i = i, qi[Q_NEXT, i]  # reached today's effort for this long-running case: the next case goes on
    if qs[S_HEAD, s] < 0:
        site[OWED, s] = 0.0
    return used, n_done


def work_queues(d: int, casework: np.ndarray, qf: np.ndarray, qi: np.ndarray, qs: np.ndarray, site: np.ndarray,
                rec: np.ndarray, items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every site's casework FIFO with its minutes ``casework``; the items done (id, site, time), site by site."""
    done, done_s = np.empty(items, dtype=np.int64), np.empty(items, dtype=np.int64)
    done_t = np.empty(items)
    n_done = 0
    for s in range(len(casework)):
        if casework[s] > EPS:
            before = n_done
            used, n_done = work_queue(d, s, casework[s], qf, qi, qs, site, done, done_t, n_done)
            rec[R_CASEWORK, d, s] = used
            done_s[before:n_done] = s
    return done[:n_done], done_s[:n_done], done_t[:n_done]


def day_end(d: int, days: int, by_slack: bool, pk_share: float, min_share: np.ndarray, order: np.ndarray,
            day: np.ndarray, site: np.ndarray, open_before: np.ndarray, open_mask: np.ndarray,
            rem: np.ndarray, pk: np.ndarray, rec: np.ndarray, new: np.ndarray, first: int, qf: np.ndarray,
            qi: np.ndarray, qs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day ``d`` of the work model for all sites: the casework items that arrived are queued, the staff time
    shared, the queues and the packages worked. Updates the packages' owed minutes ``rem`` and done day,
    the queues, the free-time estimate and ``rec``; returns the casework items done (id, site, time)."""
    enqueue(new, first, qf, qi, qs, site)
    casework_demand(qf, qi, qs, site)
    free = free_time(d, day, site, rec)
    live = live_packages(rem, pk)
    if len(live):
        row, key = tiers(d, days, live, rem, pk, site, open_before, pk_share, by_slack)
    else:
        row, key = np.zeros(0, dtype=np.int64), np.zeros(0)
    alloc = allocate(free, owed_by_tier(live, row, rem, pk, site, len(min_share)), min_share, order)
    if len(live):
        work_packages(d, days, alloc, live, row, key, rem, pk, site, open_before, open_mask, rec, pk_share)
    return work_queues(d, alloc[ROW_CASEWORK], qf, qi, qs, site, rec, first + new.shape[0])
