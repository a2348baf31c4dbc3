"""End of each day in the event engine (日终): staff time shared out, casework and owed work done.

Split from ``engine`` (which holds the model notes) to keep modules small; :class:`DayWork` is a
mixin of :class:`vetsim.sim.engine.Engine` and uses its state and its ``_decide``.

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

The numbers of the day are one call of :func:`vetsim.sim.dayend.day_end`, compiled with numba
(:func:`vetsim._jit.compiled`, cached on disk; ``VETSIM_JIT=0`` runs it as plain Python): the day
end had been some forty small numpy calls over ~216 sites and the packages, 0.1 s of a county-year's
0.3 s. The state it works on is held here as a few tables (rows named in ``dayend``): the day table
(time at the station per day and site), the site table, the package table, the records and the
casework queues as arrays (FIFO links per site; this mixin keeps the cases themselves by item id,
queues new items in ``q_new`` until the day end, and decides the cases the kernel returns as done,
in its order). Numbers are the same to the last bit as the numpy code's.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from .._jit import compiled
from ..work.calendar import MINUTES_PER_DAY
from ..work.packages import KIND_CAMPAIGN
from ..work.policy import ROW_CASEWORK
from .dayend import (
    BUSY_DAY,
    BUSY_MIN,
    COVER,
    DAY_ROWS,
    FIXED,
    FREE_EST,
    FREE_KNOWN,
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
    P_RELEASED,
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
    day_end,
)

if TYPE_CHECKING:
    from .case import Case

__all__ = ["DayWork"]

DAY = MINUTES_PER_DAY
INF = float("inf")


def _kernel():
    """The day-end kernel: compiled with numba (cached on disk), or plain Python with ``VETSIM_JIT=0``."""
    return day_end if os.environ.get("VETSIM_JIT") == "0" else compiled(day_end)


class DayWork:
    """Mixin: casework queues and owed work packages, worked at the close of each day."""

    def _init_daywork(self) -> None:
        net = self.net
        n = len(net.site_ids)
        # the casework queues as arrays for the kernel (rows: dayend.Q_*, S_*); the cases by item id; items
        # queued since the last day end wait in q_new (site, minutes, time, daily cap) until it
        self.q_case: list = []
        self.q_new: list[tuple] = []
        self.q_f, self.q_i = np.zeros((3, 1024)), np.zeros((2, 1024), dtype=np.int64)
        self.q_s = np.zeros((3, n), dtype=np.int64)
        self.q_s[S_HEAD] = self.q_s[S_TAIL] = -1
        pk = net.packages
        n_pk = len(pk.minutes) if pk is not None else 0
        self.pk_rem = pk.minutes.copy() if pk is not None else np.zeros(0)
        self.pk_done_by_due = np.full(n_pk, np.nan)
        # the packages as one integer table for the day-end kernel (rows: dayend.PACKAGE_ROWS)
        self.pk_tab = np.zeros((len(PACKAGE_ROWS), n_pk), dtype=np.int64)
        self.pk_done_day = self.pk_tab[P_DONE_DAY]
        self.pk_done_day[:] = -1
        self.pk_release_on: dict[int, np.ndarray] = {}
        self.pk_due_on: dict[int, np.ndarray] = {}
        if n_pk:
            tab = self.pk_tab
            tab[P_SITE], tab[P_DUE] = pk.site, pk.due
            tab[P_CAMPAIGN] = pk.kind == KIND_CAMPAIGN
            tab[P_CAT_ROW] = np.where(pk.kind == KIND_CAMPAIGN, 0, 1)  # category rows: campaigns 0, duties 1
            tab[P_MUST] = pk.must if pk.must is not None else False
            tab[P_LATE_VALUE] = pk.late_value if pk.late_value is not None else True
            # earliest-deadline order (site, due day, index), fixed for the run: the slack of the day's
            # packages is a running sum in this order (no sort each day)
            tab[P_EDF] = np.lexsort((np.arange(n_pk), pk.due, pk.site))
            for d in np.unique(pk.release):
                self.pk_release_on[int(d)] = np.flatnonzero(pk.release == d)
            for d in np.unique(pk.due):
                self.pk_due_on[int(d)] = np.flatnonzero(pk.due == d)
        # per-site-day records, [site, day]: views of one table the day-end kernel writes, [row, day, site]
        self.rec_tab = np.zeros((len(REC_ROWS), net.days, n))
        self.rec = {k: self.rec_tab[i].T for i, k in enumerate(REC_ROWS)}
        self.casework_in = [[0.0] * net.days for _ in range(n)]  # into rec["casework_in"] when the run ends
        self._init_time()
        self._day_end_kernel = _kernel()

    def _init_time(self) -> None:
        """Per-site time arrays (opening, other work, cover, fixed time, overtime, open days, the free-time
        estimate) and what each day's time at the station is before the counter, as the kernel's tables."""
        net = self.net
        n = len(net.site_ids)
        site = self.site_tab = np.zeros((len(SITE_ROWS), n))
        site[OT_MAX] = np.asarray(net.ot_max_min or (0.0,) * n, dtype=float) * np.asarray(net.staff, dtype=float)
        site[OT_LATE] = np.asarray(net.ot_late or (False,) * n, dtype=bool)
        site[OT_EARLY] = np.asarray(net.ot_early or (0.0,) * n, dtype=float)
        # open days per site before each day (for the time a site can still give until a due day)
        mask = net.open_mask[:, : net.days].astype(float)
        self.open_before = np.concatenate([np.zeros((n, 1)), np.cumsum(mask, axis=1)], axis=1)
        site[OPEN_RATE] = mask.mean(axis=1) if net.days else np.zeros(n)
        site[FREE_EST] = np.nan  # running mean of the time free for packages per open day
        self.free_est, self.free_known = site[FREE_EST], site[FREE_KNOWN]  # the latter 0 where not yet seen
        # what each day's time at the station is before the counter: all known from the start (presence
        # is drawn up front), so computed for every day at once, [row, day, site]
        present = self.present[:, : net.days]
        open_min = np.asarray(net.open_min, dtype=float)
        at_station = present * open_min[:, None] * mask
        day = self.day_tab = np.zeros((len(DAY_ROWS), net.days, n))
        day[STATION] = at_station.T
        day[OTHER] = (at_station * np.asarray(net.other, dtype=float)[:, None]).T
        day[COVER] = (np.asarray(net.cover_min, dtype=float)[:, None] * mask).T
        day[FIXED] = (present * np.asarray(net.fixed_min or (0.0,) * n, dtype=float)[:, None] * mask).T
        seen = ((mask > 0) & (present > 0)).T
        day[SEEN] = seen
        day[SEEN_N] = np.maximum(np.cumsum(seen, axis=0, dtype=float), 1)  # open days seen so far
        self.day_any_open = mask.any(axis=0).tolist()  # a day with some site open (else the day end has nothing to do)
        cw = float(net.min_share[ROW_CASEWORK]) if net.min_share is not None and len(net.min_share) > ROW_CASEWORK else 0.0
        self.pk_share = 1.0 - cw  # share of the free time packages can count on (casework keeps its minimum)
        self.policy_order = np.asarray(net.order, dtype=np.int64)
        site[T_CLOSE] = (DAY - 1e-6) if net.continuous else np.asarray(net.last_close, dtype=float)

    # -- casework queue --------------------------------------------------------------------------
    def _ev_backoffice(self, payload) -> None:
        case, s = payload
        self._backoffice(case, s, self._desk_minutes(case, s))

    def _backoffice(self, case: Case, s: int, minutes: float, daily_cap: float = INF) -> None:
        now = self.now
        day = int(now // DAY)
        if 0 <= day < self.net.days:
            self.casework_in[s][day] += minutes  # Python floats here (a numpy scalar update costs more)
        if minutes <= 0:
            self._decide(case, s, now)
            return
        self.q_case.append(case)
        self.q_new.append((s, minutes, now, daily_cap))

    def _ev_finish(self, case: Case) -> None:
        self._finish(case, self.now)

    def _queue_arrivals(self) -> tuple[np.ndarray, int]:
        """The items queued since the last day end as rows (site, minutes, time, daily cap), and the first one's
        id; the item tables grow to hold them."""
        new = np.array(self.q_new, dtype=float).reshape(-1, 4)
        self.q_new = []
        first = len(self.q_case) - len(new)
        if len(self.q_case) > self.q_f.shape[1]:
            size = 2 * len(self.q_case)
            self.q_f = np.concatenate([self.q_f, np.zeros((3, size - self.q_f.shape[1]))], axis=1)
            self.q_i = np.concatenate([self.q_i, np.zeros((2, size - self.q_i.shape[1]), dtype=np.int64)], axis=1)
        return new, first

    # -- the day ---------------------------------------------------------------------------------
    def _end_of_day(self, d: int) -> None:
        net = self.net
        if d in self.pk_release_on:
            self.pk_tab[P_RELEASED, self.pk_release_on[d]] = 1
        if not self.day_any_open[d]:  # every site closed (a weekend, a holiday): no time, no work, no overtime
            self._record_due(d)
            return
        site = self.site_tab
        site[BUSY_DAY] = self.busy_day
        site[BUSY_MIN] = self.busy_min
        new, first = self._queue_arrivals()
        done, done_site, done_t = self._day_end_kernel(
            d, net.days, net.by_slack, self.pk_share, net.min_share, self.policy_order, self.day_tab, site,
            self.open_before, net.open_mask, self.pk_rem, self.pk_tab, self.rec_tab, new, first, self.q_f, self.q_i,
            self.q_s)
        self._record_due(d)
        cases = self.q_case
        for i, s, t in zip(done.tolist(), done_site.tolist(), done_t.tolist(), strict=True):
            case, cases[i] = cases[i], None
            self._decide(case, s, t)

    def _record_due(self, d: int) -> None:
        """The work done by their due day of the packages due today."""
        if d in self.pk_due_on:
            ids = self.pk_due_on[d]
            self.pk_done_by_due[ids] = self.net.packages.minutes[ids] - self.pk_rem[ids]
