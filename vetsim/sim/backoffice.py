"""End of each day in the event engine (日终): staff time shared out, casework and owed work done.

Split from ``engine`` (which holds the model notes) to keep modules small; :class:`DayWork` is a
mixin of :class:`vetsim.sim.engine.Engine` and uses its state and its ``_decide``.

Each day, for all sites at once (numpy over sites): the time at the station is staff present x
opening minutes; the counter minutes served that day, the shared village cover and the share spent
on other township work come off first; the rest is split between campaigns, duties and casework
by the scenario's work policy (:func:`vetsim.work.policy.allocate`, the same rule the estimate
uses). Casework is worked FIFO per site (a long-running backlog case gets at most its daily
effort and lets the next case through); duties and campaigns are worked earliest-due-first per
site, and what is not done stays owed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.packages import KIND_CAMPAIGN, KIND_DUTY
from ..work.policy import allocate

if TYPE_CHECKING:
    from .case import Case

__all__ = ["DayWork"]

DAY = MINUTES_PER_DAY
EPS = 1e-6


class DayWork:
    """Mixin: casework queues and owed work packages, worked at the close of each day."""

    def _init_daywork(self) -> None:
        net = self.net
        n = len(net.site_ids)
        self.bo_owed = np.zeros(n)  # casework minutes waiting per site (capped items count at most their daily cap)
        self.capped: list[list] = [[] for _ in range(n)]  # long-running items per site
        self.capped_sites: set[int] = set()
        pk = net.packages
        self.pk_rem = pk.minutes.copy() if pk is not None else np.zeros(0)
        self.pk_released = np.zeros(len(self.pk_rem), dtype=bool)
        self.pk_done_by_due = np.full(len(self.pk_rem), np.nan)
        self.pk_done_day = np.full(len(self.pk_rem), -1, dtype=np.int64)
        self.pk_release_on: dict[int, np.ndarray] = {}
        self.pk_due_on: dict[int, np.ndarray] = {}
        # per kind (campaigns, duties): package indices, their sites, and where each site's run starts
        self.pk_kinds = []
        if pk is not None and len(pk):
            for kind, row, name in ((KIND_CAMPAIGN, 0, "campaigns"), (KIND_DUTY, 1, "duties")):
                idx = np.flatnonzero(pk.kind == kind)
                if len(idx):
                    site = pk.site[idx]
                    first = np.r_[True, site[1:] != site[:-1]]
                    self.pk_kinds.append((row, name, idx, site, first))
            for d in np.unique(pk.release):
                self.pk_release_on[int(d)] = np.flatnonzero(pk.release == d)
            for d in np.unique(pk.due):
                self.pk_due_on[int(d)] = np.flatnonzero(pk.due == d)
        # per-site-day records, [site, day]
        shape = (n, net.days)
        self.rec = {k: np.zeros(shape) for k in ("casework", "duties", "campaigns", "other", "cover", "casework_in")}
        self.open_min_arr = np.asarray(net.open_min, dtype=float)
        self.other_arr = np.asarray(net.other, dtype=float)
        self.cover_arr = np.asarray(net.cover_min, dtype=float)

    # -- casework queue --------------------------------------------------------------------------
    def _ev_backoffice(self, ev) -> None:
        case, s = ev._value
        self._backoffice(case, s, self._desk_minutes(case, s))

    def _backoffice(self, case: "Case", s: int, minutes: float, daily_cap: float = float("inf")) -> None:
        now = self.env._now
        day = int(now // DAY)
        if 0 <= day < self.net.days:
            self.rec["casework_in"][s, day] += minutes
        if minutes <= 0:
            self._decide(case, s, now)
            return
        item = [case, minutes, now, daily_cap]
        self.bo_queue[s].append(item)
        if daily_cap < minutes:
            self.capped[s].append(item)
            self.capped_sites.add(s)
        else:
            self.bo_owed[s] += minutes

    def _ev_finish(self, ev) -> None:
        self._finish(ev._value, self.env._now)

    def _casework_demand(self) -> np.ndarray:
        dem = self.bo_owed.copy()
        for s in self.capped_sites:
            dem[s] += sum(min(it[1], it[3]) for it in self.capped[s])
        return dem

    def _work_queue(self, s: int, d: int, cap: float) -> float:
        """Work site ``s``'s casework FIFO with ``cap`` minutes on day ``d``; return the minutes used."""
        net = self.net
        q = self.bo_queue[s]
        t_done = d * DAY + (DAY - 1e-6 if net.continuous else net.last_close[s])
        used, i = 0.0, 0
        while i < len(q) and cap > EPS:
            item = q[i]
            lim = item[3]
            use = min(item[1], cap, lim)
            if use <= 0:
                i += 1
                continue
            item[1] -= use
            cap -= use
            used += use
            if lim == float("inf"):
                self.bo_owed[s] -= use
            if item[1] <= 1e-9:
                del q[i]
                if lim != float("inf"):
                    self.capped[s].remove(item)
                    if not self.capped[s]:
                        self.capped_sites.discard(s)
                self.done_today.append((item[0], s, max(t_done, item[2])))
            elif lim != float("inf"):
                i += 1  # reached today's effort for this long-running case: the next case goes on
        if not q:
            self.bo_owed[s] = 0.0
        return used

    # -- the day ---------------------------------------------------------------------------------
    def _end_of_day(self, d: int) -> None:
        net = self.net
        rec = self.rec
        if d in self.pk_release_on:
            self.pk_released[self.pk_release_on[d]] = True
        is_open = net.open_mask[:, d]
        at_station = self.present[:, d] * self.open_min_arr * is_open
        counter = np.where(np.asarray(self.busy_day) == d, self.busy_min, 0.0)
        other = np.minimum(at_station * self.other_arr, np.maximum(at_station - counter, 0.0))
        cover = np.minimum(self.cover_arr * is_open, np.maximum(at_station - counter - other, 0.0))
        free = np.maximum(at_station - counter - other - cover, 0.0)
        rec["other"][:, d] = other
        rec["cover"][:, d] = cover
        n = len(free)
        owed = np.zeros((3, n))
        live = []
        for row, name, idx, site, first in self.pk_kinds:
            rem = self.pk_rem[idx] * self.pk_released[idx]
            if rem.any():
                owed[row] = np.bincount(site, weights=rem, minlength=n)
                live.append((row, name, idx, site, first, rem))
        owed[2] = self._casework_demand()
        alloc = allocate(free, owed, net.min_share, net.order)
        self.done_today = []
        for s in np.flatnonzero(alloc[2] > EPS).tolist():
            rec["casework"][s, d] = self._work_queue(s, d, float(alloc[2, s]))
        for row, name, idx, site, first, rem in live:
            give = alloc[row]
            if not (give > EPS).any():
                continue
            # packages run by site, earliest due first: what is owed before each package within its site
            cs = np.cumsum(rem)
            base = np.maximum.accumulate(np.where(first, cs - rem, 0.0))
            take = np.clip(give[site] - (cs - rem - base), 0.0, rem)
            self.pk_rem[idx] -= take
            rec[name][:, d] = np.bincount(site, weights=take, minlength=n)
            done = idx[(take > 0) & (self.pk_rem[idx] <= 1e-6) & (self.pk_done_day[idx] < 0)]
            self.pk_done_day[done] = d
        if d in self.pk_due_on:
            ids = self.pk_due_on[d]
            self.pk_done_by_due[ids] = net.packages.minutes[ids] - self.pk_rem[ids]
        for case, s, t_done in self.done_today:
            self._decide(case, s, t_done)
        self.done_today = []
