"""The day end's tables (日终): staff time, the work packages and the casework queues, as arrays.

Each day, for all sites at once: the time at the station is staff present x
opening minutes; the counter minutes served that day, the share spent on other township work, the
shared village cover and fixed time (meetings, reports, training) come off first; the rest is split
between tiers of work by the scenario's work policy (:func:`vetsim.work.policy.allocate`): by
category (campaigns, duties, casework; packages earliest due first) or by slack (must-do work,
work that can still meet its date by least slack, casework, late work still worth doing).
Casework is worked FIFO per site (a long-running backlog case gets at most its daily effort and
lets the next case through); what is not done stays owed. Then overtime (``overtime:``): where
must-do work (or, with ``use: late``, any late work) would otherwise miss its date, the site works
the least uniform overtime that meets every date, within its maximum (recorded apart from the
time present, ``rec["overtime"]``).

The numbers of the day are one call of :func:`vetsim.sim.dayend.day_end` from the compiled case flow
(:mod:`vetsim.sim.flow`). This module makes the tables it works on (rows named in ``dayend``): the day
table (time at the station per day and site, known from the start since presence is drawn up front), the
site table, the package table, the records and the casework queues; and the network's constants (which
packages are released and due on each day, the policy's shares and order).
"""

from __future__ import annotations

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network
from ..work.packages import KIND_CAMPAIGN
from ..work.policy import ROW_CASEWORK
from .dayend import (
    BUSY_DAY,
    COVER,
    DAY_ROWS,
    FIXED,
    FREE_EST,
    OPEN_RATE,
    OT_EARLY,
    OT_LATE,
    OT_MAX,
    OTHER,
    P_CAMPAIGN,
    P_CAT_ROW,
    P_DONE_DAY,
    P_DUE,
    P_EDF,
    P_LATE_VALUE,
    P_MUST,
    P_SITE,
    PACKAGE_ROWS,
    REC_ROWS,
    S_HEAD,
    S_TAIL,
    SEEN,
    SEEN_N,
    SITE_ROWS,
    STATION,
    T_CLOSE,
)

__all__ = ["work_tables", "day_tables", "work_state"]

DAY = MINUTES_PER_DAY


def _by_day(days: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """The indices of ``days`` grouped by day 0 .. n_days - 1 (ascending within a day), as (starts, ids):
    day ``d``'s are ``ids[starts[d]:starts[d + 1]]``; days outside the window are left out."""
    order = np.argsort(days, kind="stable")
    inside = order[(days[order] >= 0) & (days[order] < n_days)]
    starts = np.searchsorted(days[inside], np.arange(n_days + 1))
    return starts.astype(np.int64), inside.astype(np.int64)


def work_tables(net: Network) -> tuple[dict, tuple[np.ndarray, np.ndarray]]:
    """The day end's constants of a network (fields of :class:`vetsim.sim.flow.Tables`), and its site and
    package tables as they start a run (copied for each run by :func:`work_state`)."""
    n = len(net.site_ids)
    pk = net.packages
    n_pk = len(pk.minutes) if pk is not None else 0
    mask = net.open_mask[:, : net.days].astype(float)
    site = np.zeros((len(SITE_ROWS), n))
    site[OT_MAX] = np.asarray(net.ot_max_min or (0.0,) * n, dtype=float) * np.asarray(net.staff, dtype=float)
    site[OT_LATE] = np.asarray(net.ot_late or (False,) * n, dtype=bool)
    site[OT_EARLY] = np.asarray(net.ot_early or (0.0,) * n, dtype=float)
    site[OPEN_RATE] = mask.mean(axis=1) if net.days else np.zeros(n)
    site[FREE_EST] = np.nan  # running mean of the time free for packages per open day
    site[T_CLOSE] = (DAY - 1e-6) if net.continuous else np.asarray(net.last_close, dtype=float)
    site[BUSY_DAY] = -1  # no counter service yet
    tab = np.zeros((len(PACKAGE_ROWS), n_pk), dtype=np.int64)
    tab[P_DONE_DAY] = -1
    release = due = np.zeros(0, dtype=np.int64)
    if n_pk:
        tab[P_SITE], tab[P_DUE] = pk.site, pk.due
        tab[P_CAMPAIGN] = pk.kind == KIND_CAMPAIGN
        tab[P_CAT_ROW] = np.where(pk.kind == KIND_CAMPAIGN, 0, 1)  # category rows: campaigns 0, duties 1
        tab[P_MUST] = pk.must if pk.must is not None else False
        tab[P_LATE_VALUE] = pk.late_value if pk.late_value is not None else True
        # earliest-deadline order (site, due day, index), fixed for the run: the slack of the day's
        # packages is a running sum in this order (no sort each day)
        tab[P_EDF] = np.lexsort((np.arange(n_pk), pk.due, pk.site))
        release, due = np.asarray(pk.release, dtype=np.int64), np.asarray(pk.due, dtype=np.int64)
    release_start, release_ids = _by_day(release, net.days)
    due_start, due_ids = _by_day(due, net.days)
    cw = float(net.min_share[ROW_CASEWORK]) if net.min_share is not None and len(net.min_share) > ROW_CASEWORK else 0.0
    return {"by_slack": bool(net.by_slack), "pk_share": 1.0 - cw,  # the share of free time packages can count on
            "min_share": np.asarray(net.min_share, dtype=float), "order": np.asarray(net.order, dtype=np.int64),
            "day_any_open": mask.any(axis=0), "release_start": release_start, "release_ids": release_ids,
            "due_start": due_start, "due_ids": due_ids,
            "pk_minutes": pk.minutes.astype(float) if n_pk else np.zeros(0),
            # open days per site before each day (for the time a site can still give until a due day)
            "open_before": np.concatenate([np.zeros((n, 1)), np.cumsum(mask, axis=1)], axis=1)}, (site, tab)


def day_tables(net: Network, present: np.ndarray) -> np.ndarray:
    """What each day's time at the station is before the counter, ``[row, day, site]`` (rows ``DAY_ROWS``):
    all known from the start (presence is drawn up front), so computed for every day at once."""
    n = len(net.site_ids)
    mask = net.open_mask[:, : net.days].astype(float)
    present = present[:, : net.days]
    open_min = np.asarray(net.open_min, dtype=float)
    at_station = present * open_min[:, None] * mask
    day = np.zeros((len(DAY_ROWS), net.days, n))
    day[STATION] = at_station.T
    day[OTHER] = (at_station * np.asarray(net.other, dtype=float)[:, None]).T
    day[COVER] = (np.asarray(net.cover_min, dtype=float)[:, None] * mask).T
    day[FIXED] = (present * np.asarray(net.fixed_min or (0.0,) * n, dtype=float)[:, None] * mask).T
    seen = ((mask > 0) & (present > 0)).T
    day[SEEN] = seen
    day[SEEN_N] = np.maximum(np.cumsum(seen, axis=0, dtype=float), 1)  # open days seen so far
    return day


def work_state(net: Network, tables, start: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """A run's fresh work state (fields of :class:`vetsim.sim.flow.State`): the site and package tables as
    they start (``start``, from :func:`work_tables`), the work owed per package, the records, the casework
    queues' ends."""
    n = len(net.site_ids)
    q_s = np.zeros((3, n), dtype=np.int64)
    q_s[S_HEAD] = q_s[S_TAIL] = -1
    return {"site": start[0].copy(), "pk_tab": start[1].copy(),
            "pk_rem": tables.pk_minutes.copy(), "pk_done_by_due": np.full(len(tables.pk_minutes), np.nan),
            "rec_tab": np.zeros((len(REC_ROWS), net.days, n)), "q_s": q_s}
