"""End of each day in the event engine (日终): staff time shared out, casework and owed work done.

Split from ``engine`` (which holds the model notes) to keep modules small; :class:`DayWork` is a
mixin of :class:`vetsim.sim.engine.Engine` and uses its state and its ``_decide``.

Each day, for all sites at once (numpy over sites): the time at the station is staff present x
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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.packages import KIND_CAMPAIGN
from ..work.policy import DROPPED, ROW_CASEWORK, allocate, cum_owed_sorted, fill_in_order, overtime_need, slack_tiers

if TYPE_CHECKING:
    from .case import Case

__all__ = ["DayWork"]

DAY = MINUTES_PER_DAY
EPS = 1e-6
INF = float("inf")


class DayWork:
    """Mixin: casework queues and owed work packages, worked at the close of each day."""

    def _init_daywork(self) -> None:
        net = self.net
        n = len(net.site_ids)
        self.bo_owed = [0.0] * n  # casework minutes waiting per site (capped items count at most their daily cap)
        self.capped: list[list] = [[] for _ in range(n)]  # long-running items per site
        self.capped_sites: set[int] = set()
        pk = net.packages
        self.pk_rem = pk.minutes.copy() if pk is not None else np.zeros(0)
        self.pk_released = np.zeros(len(self.pk_rem), dtype=bool)
        self.pk_done_by_due = np.full(len(self.pk_rem), np.nan)
        self.pk_done_day = np.full(len(self.pk_rem), -1, dtype=np.int64)
        self.pk_release_on: dict[int, np.ndarray] = {}
        self.pk_due_on: dict[int, np.ndarray] = {}
        if pk is not None and len(pk):
            # category rows: campaigns 0, duties 1 (the slack rows are set each day)
            self.pk_cat_row = np.where(pk.kind == KIND_CAMPAIGN, 0, 1)
            self.pk_must = pk.must if pk.must is not None else np.zeros(len(pk), dtype=bool)
            self.pk_late_value = pk.late_value if pk.late_value is not None else np.ones(len(pk), dtype=bool)
            for d in np.unique(pk.release):
                self.pk_release_on[int(d)] = np.flatnonzero(pk.release == d)
            for d in np.unique(pk.due):
                self.pk_due_on[int(d)] = np.flatnonzero(pk.due == d)
            # earliest-deadline order (site, due day, index), fixed for the run: the slack of the day's
            # packages is a running sum in this order (no sort each day)
            self.pk_edf = np.lexsort((np.arange(len(pk)), pk.due, pk.site))
            self.pk_edf_site, self.pk_edf_due = pk.site[self.pk_edf], pk.due[self.pk_edf]
        # per-site-day records, [site, day]
        shape = (n, net.days)
        self.rec = {k: np.zeros(shape) for k in ("casework", "duties", "campaigns", "other", "cover", "casework_in",
                                                 "fixed", "overtime")}
        self.casework_in = [[0.0] * net.days for _ in range(n)]  # into rec["casework_in"] when the run ends
        self._init_time()

    def _init_time(self) -> None:
        """Per-site time arrays: opening, other work, cover, fixed time, overtime, open days, the free-time estimate."""
        net = self.net
        n = len(net.site_ids)
        self.open_min_arr = np.asarray(net.open_min, dtype=float)
        self.other_arr = np.asarray(net.other, dtype=float)
        self.cover_arr = np.asarray(net.cover_min, dtype=float)
        self.fixed_arr = np.asarray(net.fixed_min or (0.0,) * n, dtype=float)
        self.ot_max = np.asarray(net.ot_max_min or (0.0,) * n, dtype=float) * np.asarray(net.staff, dtype=float)
        self.ot_late = np.asarray(net.ot_late or (False,) * n, dtype=bool)
        self.ot_early = np.asarray(net.ot_early or (0.0,) * n, dtype=float)
        # open days per site before each day (for the time a site can still give until a due day)
        mask = net.open_mask[:, : net.days].astype(float)
        self.open_before = np.concatenate([np.zeros((n, 1)), np.cumsum(mask, axis=1)], axis=1)
        self.open_rate = mask.mean(axis=1) if net.days else np.zeros(n)
        self.free_est = np.full(n, np.nan)  # running mean of the time free for packages per open day
        self.free_known = np.zeros(n)  # ... 0 where not yet seen (the estimate the policies read)
        # what each day's time at the station is before the counter: all known from the start (presence
        # is drawn up front), so computed for every day at once, [day, site]
        present = self.present[:, : net.days]
        at_station = present * self.open_min_arr[:, None] * mask
        self.day_station = at_station.T.copy()
        self.day_other = (at_station * self.other_arr[:, None]).T.copy()
        self.day_cover = (self.cover_arr[:, None] * mask).T.copy()
        self.day_fixed = (present * self.fixed_arr[:, None] * mask).T.copy()
        self.day_seen = ((mask > 0) & (present > 0)).T.copy()
        self.day_any_open = mask.any(axis=0).tolist()  # a day with some site open (else the day end has nothing to do)
        self.day_seen_n = np.maximum(np.cumsum(self.day_seen, axis=0, dtype=float), 1)  # open days seen so far
        cw = float(net.min_share[ROW_CASEWORK]) if net.min_share is not None and len(net.min_share) > ROW_CASEWORK else 0.0
        self.pk_share = 1.0 - cw  # share of the free time packages can count on (casework keeps its minimum)

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
        item = [case, minutes, now, daily_cap]
        self.bo_queue[s].append(item)
        if daily_cap < minutes:
            self.capped[s].append(item)
            self.capped_sites.add(s)
        else:
            self.bo_owed[s] += minutes

    def _ev_finish(self, case: Case) -> None:
        self._finish(case, self.now)

    def _casework_demand(self) -> np.ndarray:
        dem = np.array(self.bo_owed, dtype=float)
        for s in self.capped_sites:
            dem[s] += sum(min(it[1], it[3]) for it in self.capped[s])
        return dem

    def _work_queue(self, s: int, d: int, cap: float) -> float:
        """Work site ``s``'s casework FIFO with ``cap`` minutes on day ``d``; return the minutes used."""
        net = self.net
        q = self.bo_queue[s]
        t_done = d * DAY + (DAY - 1e-6 if net.continuous else net.last_close[s])
        used, i = 0.0, 0
        owed = self.bo_owed
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
            if lim == INF:
                owed[s] -= use
            if item[1] <= 1e-9:
                del q[i]
                if lim != INF:
                    self.capped[s].remove(item)
                    if not self.capped[s]:
                        self.capped_sites.discard(s)
                self.done_today.append((item[0], s, max(t_done, item[2])))
            elif lim != INF:
                i += 1  # reached today's effort for this long-running case: the next case goes on
        if not q:
            self.bo_owed[s] = 0.0
        return used

    # -- the day ---------------------------------------------------------------------------------
    def _free_time(self, d: int) -> np.ndarray:
        """Minutes per site free for the work policy today, after counter, other work, cover and fixed time."""
        rec = self.rec
        counter = np.where(np.asarray(self.busy_day) == d, self.busy_min, 0.0)
        left = np.maximum(self.day_station[d] - counter, 0.0)
        other = np.minimum(self.day_other[d], left)
        cover = np.minimum(self.day_cover[d], left - other)
        fixed = np.minimum(self.day_fixed[d], left - other - cover)
        rec["other"][:, d] = other
        rec["cover"][:, d] = cover
        rec["fixed"][:, d] = fixed
        free = np.maximum(left - other - cover - fixed, 0.0)
        seen = self.day_seen[d]
        prev = self.free_known
        new = prev + (free - prev) / self.day_seen_n[d]
        self.free_est = np.where(seen, new, self.free_est)
        self.free_known = np.where(seen, new, prev)
        return free

    def _open_days(self, d: int, site: np.ndarray, due: np.ndarray) -> np.ndarray:
        """Open days of each package's site from day ``d`` through its due day (beyond the window: at the site's rate)."""
        days = self.net.days
        last = np.minimum(due, days - 1)
        inside = self.open_before[site, last + 1] - self.open_before[site, d]
        return np.maximum(inside, 0.0) + np.maximum(due - (days - 1), 0) * self.open_rate[site]

    def _tiers(self, d: int, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tier row and order key of each live package today (see :mod:`vetsim.work.policy`)."""
        pk = self.net.packages
        site, due = pk.site[live], pk.due[live]
        if not self.net.by_slack:
            return self.pk_cat_row[live], due.astype(float)
        per_day = self.free_known[site] * self.pk_share
        pending = np.zeros(len(self.pk_rem), dtype=bool)
        pending[live[due >= d]] = True
        m = pending[self.pk_edf]
        owed = np.zeros(len(self.pk_rem))
        owed[self.pk_edf[m]] = cum_owed_sorted(self.pk_edf_site[m], self.pk_edf_due[m], self.pk_rem[self.pk_edf[m]])
        return slack_tiers(d, site, due, self.pk_rem[live], self.pk_must[live], self.pk_late_value[live],
                           per_day * self._open_days(d, site, due), owed[live])

    def _overtime(self, d: int, live: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Overtime minutes each live package gets today: must-do work (or any late work where allowed) that
        would otherwise miss its date, up to each site's overtime capacity (:func:`overtime_need`)."""
        pk, net = self.net.packages, self.net
        site, due = pk.site[live], pk.due[live]
        ok = (row != DROPPED) & (self.ot_max[site] > 0) & net.open_mask[site, d]
        ok &= (self.pk_must[live] & (due >= d)) | self.ot_late[site]
        if not ok.any():
            return np.zeros(len(live))
        s_ok, due_ok = site[ok], due[ok]
        open_left = np.maximum(self._open_days(d, s_ok, due_ok) - self.ot_early[s_ok], 1.0)
        future = self.free_known[s_ok] * self.pk_share * np.maximum(open_left - 1.0, 0.0)
        need = overtime_need(d, s_ok, due_ok, self.pk_rem[live[ok]], future, open_left, len(net.site_ids))
        budget = np.minimum(need, self.ot_max)
        key = np.where(self.pk_must[live[ok]], 0, 1) * 1e9 + due_ok
        out = np.zeros(len(live))
        out[ok] = fill_in_order(s_ok, np.zeros(ok.sum(), dtype=np.int64), key, self.pk_rem[live[ok]], budget[None, :])
        self.rec["overtime"][:, d] = np.bincount(s_ok, weights=out[ok], minlength=len(net.site_ids))
        return out

    def _work_packages(self, d: int, alloc: np.ndarray, live: np.ndarray, row: np.ndarray, key: np.ndarray) -> None:
        """Give each tier's minutes to its packages in order, then overtime; record what was done."""
        pk, rec, n = self.net.packages, self.rec, len(self.net.site_ids)
        keep = row != DROPPED
        take = np.zeros(len(live))
        take[keep] = fill_in_order(pk.site[live[keep]], row[keep], key[keep], self.pk_rem[live[keep]], alloc)
        self.pk_rem[live] -= take
        extra = self._overtime(d, live, row)
        self.pk_rem[live] -= extra
        is_camp = pk.kind[live] == KIND_CAMPAIGN
        rec["campaigns"][:, d] = np.bincount(pk.site[live][is_camp], weights=take[is_camp], minlength=n)
        rec["duties"][:, d] = np.bincount(pk.site[live][~is_camp], weights=take[~is_camp], minlength=n)
        done = live[(take + extra > 0) & (self.pk_rem[live] <= 1e-6) & (self.pk_done_day[live] < 0)]
        self.pk_done_day[done] = d

    def _end_of_day(self, d: int) -> None:
        net = self.net
        if d in self.pk_release_on:
            self.pk_released[self.pk_release_on[d]] = True
        if not self.day_any_open[d]:  # every site closed (a weekend, a holiday): no time, no work, no overtime
            self._record_due(d)
            return
        free = self._free_time(d)
        n = len(free)
        live = np.flatnonzero(self.pk_released & (self.pk_rem > 1e-9))
        row, key = self._tiers(d, live) if len(live) else (np.zeros(0, np.int64), np.zeros(0))
        keep = row != DROPPED
        if len(live):
            owed = np.bincount(row[keep] * n + net.packages.site[live[keep]], weights=self.pk_rem[live[keep]],
                               minlength=len(net.min_share) * n).reshape(len(net.min_share), n)
        else:
            owed = np.zeros((len(net.min_share), n))
        owed[ROW_CASEWORK] = self._casework_demand()
        alloc = allocate(free, owed, net.min_share, net.order)
        self.done_today = []
        for s in np.flatnonzero(alloc[ROW_CASEWORK] > EPS).tolist():
            self.rec["casework"][s, d] = self._work_queue(s, d, float(alloc[ROW_CASEWORK, s]))
        if len(live):
            self._work_packages(d, alloc, live, row, key)
        self._record_due(d)
        for case, s, t_done in self.done_today:
            self._decide(case, s, t_done)
        self.done_today = []

    def _record_due(self, d: int) -> None:
        """The work done by their due day of the packages due today."""
        if d in self.pk_due_on:
            ids = self.pk_due_on[d]
            self.pk_done_by_due[ids] = self.net.packages.minutes[ids] - self.pk_rem[ids]
