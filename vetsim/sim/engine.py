"""The event engine: one replication of the county service network on a SimPy clock.

Model (minutes since 00:00 of the start date):

* **Counter** (窗口接待): each site has ``staff`` servers and one FCFS queue. Nobody starts
  service outside the site's open spans; a server that frees up in a break waits for the next
  span; whoever still waits when the day's last span has closed is sent home. A veteran leaves
  the queue when the patience (exponential) runs out. Both are an abandoned visit and the
  veteran comes back ``return_delay_days`` working days later (another trip). Reneging is
  evaluated lazily when a server reaches the veteran, which is exact for FCFS queues. A site with
  no staff at all (只挂牌、不配人) turns walk-ins away; they go on to the parent site.
* **Staff present** (see ``_presence_draws``): each post is away on a day with the site's
  ``away`` share; with nobody present the site is closed (a walk-in finds nobody: a wasted trip,
  waiting until closing time) unless a stand-in keeps the counter open.
* **Back office** (后台办理, see ``backoffice``): after the counter (or straight away for
  hotline/letter/online cases, whose counter minutes become desk time), a case needs
  ``backoffice_hours`` of staff effort at the site. Each open day (``backoffice._end_of_day``) the time
  present goes first to the counter, then to shared cover, other township work and fixed time, and
  the rest is shared by the scenario's ``work_policy`` (:func:`vetsim.work.policy.allocate`; by
  category or by slack, must-do work first); casework is worked FIFO, work not done stays owed, and
  overtime serves must-do work that would otherwise miss its date. A case whose effort is covered that day is done
  at that day's closing time; a long-running backlog case (积案) gets at most its daily effort, then
  its partner decides, not before its earliest day. Its coordination is worked in the queue of its
  owner site (包案: the leaders who took the case give the hours from their own time), and a share of
  such cases cannot be resolved under current policy: closed by other means, recorded apart.
* **Flow**: at the first counter service, documents are missing with the case type's rate; the
  veteran returns with them later (another trip; online/hotline cases just lose the delay). After
  the back office, the case is resolved here with ``resolved_here_share``, else referred to the
  parent after ``referral_delay_days`` working days (a walk-in case visits the parent's counter if
  that level has counter minutes, otherwise the file moves without the veteran), and from the county
  center to the case type's partner department, which decides after ``processing_days`` working days
  (at 17:00). Day counts are rounded up to whole working days; a delay of 0 means straight on.
* **Channels**: hotline with the case type's ``hotline_share``; of the rest, online with the
  origin site's ``online_share``; the others walk in.
* **Backlog** (backlog.csv, incl. 信访积案): open cases start in the back office of their site
  with the full effort of that level, opened an exponential age (mean ``mean_age_days``) before
  the start; a walk-in backlog case counts the trip that opened it.

The clock (issue 25): a purpose-built event loop, not SimPy. Every event of this model is a plain
callback at a time (no process per veteran, no resources, no interrupts), so all SimPy gave was a heap
and a step function with per-event bookkeeping. The engine keeps the heap itself: ``_at`` pushes
(time, sequence number, function, payload) -- the order SimPy gave, time first, then scheduling order --
and ``_run_until`` pops and calls. New cases are not events at all: the arrivals of all streams are merged
in time order once and fed in between the scheduled calls (``_arrivals_loop``); hotline, letter and online
cases go straight to their site's casework queue, worked at the day's end. Every random number is
pre-drawn (see ``streams``), so the cost per service is a handful of heap operations. SimPy stays in the
benchmark's textbook model (benchmarks/bench_sim.py), the yardstick this loop is measured against.
"""

from __future__ import annotations

import itertools
import math
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from heapq import heappop, heappush

import numpy as np

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network
from .backoffice import DayWork
from .case import Case
from .streams import PAT, SVC, U_CHANNEL, U_MISSING, U_RESOLVE, VISIT_DRAWS, WHEN, Stream, keyed_rng, keyed_rngs

__all__ = ["Case", "Engine", "VISIT_LEFT", "VISIT_SERVED", "VISIT_NOBODY"]

DAY = MINUTES_PER_DAY
VISIT_LEFT, VISIT_SERVED, VISIT_NOBODY = 0, 1, 2  # visit outcomes: left unserved, served, found nobody


def _presence_draws(net: Network, seed_seq: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    """Staff present per site and day, and counter servers per site and day ([site, day] ints).

    Each post is away on a day with the site's ``away`` share, independently (keyed by site, so a
    proposal that adds a post keeps the draws of the others). With nobody present a site is closed,
    unless ``closed_when_away`` is off: then a stand-in keeps the counter (one server, no casework).
    """
    posts = np.asarray(net.staff, dtype=np.int64)
    present = np.repeat(posts[:, None], net.days, axis=1)
    if net.presence_on:
        sites = [s for s, away in enumerate(net.away) if away > 0 and posts[s] > 0]
        for s, rng in zip(sites, keyed_rngs(seed_seq, "presence", [(net.site_ids[s],) for s in sites]), strict=True):
            present[s] = (rng.random((posts[s], net.days)) >= net.away[s]).sum(axis=0)  # a row per post
    servers = present.copy()
    stand_in = (present == 0) & (posts[:, None] > 0) & ~np.asarray(net.closed_when_away, dtype=bool)[:, None]
    servers[stand_in] = 1
    return present, servers


def _channels(net: Network, site: np.ndarray, ct: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Channel of each case from its channel uniform: hotline (1) with the case type's hotline share, letter
    (3) with its letter share, online (2) with the site's online share of the rest, else walk-in (0)."""
    h = np.asarray(net.hotline, dtype=float)[ct]
    hl = h + np.asarray(net.letter, dtype=float)[ct]
    online = hl + (1 - hl) * np.asarray(net.online, dtype=float)[site]
    return np.where(u < h, 1, np.where(u < hl, 3, np.where(u < online, 2, 0)))


_HOT: dict[int, tuple[Network, tuple]] = {}  # per process: the last network's hot-path tables


def _hot_tables(net: Network) -> tuple:
    """The network's tables the engine reads per event, as (nested) tuples of Python numbers: the same in
    every replication of a network, so made once (the last network's are kept)."""
    hit = _HOT.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1]

    def rows(a: np.ndarray) -> tuple:
        return tuple(map(tuple, a.tolist()))

    tables = (tuple(net.level), tuple(net.parent), tuple(net.staff), tuple(net.level_parent), rows(net.bo_min),
              rows(net.counter_min), rows(net.resolved), rows(net.row_exists), rows(net.ref_delay),
              rows(net.open_mask), rows(net.next_open), tuple(net.cal.cum_work.tolist()))
    _HOT.clear()
    _HOT[id(net)] = (net, tables)
    return tables


def _server_changes(servers: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """The overnight changes of counter servers: sites and changes, day by day (sites ascending), and
    where each day's changes start in these lists (the day after the last day: the lists' end)."""
    day, site = np.nonzero(np.diff(servers, axis=1).T)
    starts = np.searchsorted(day, np.arange(servers.shape[1] + 1))
    return site.tolist(), (servers[site, day + 1] - servers[site, day]).tolist(), starts.tolist()


class Engine(DayWork):
    """Runs one replication; records are plain lists, turned into arrays by ``records``."""

    def __init__(self, net: Network, arrivals: list[Stream], backlog: list[Stream], seed_seq: np.random.SeedSequence):
        self.net = net
        self.now = 0.0  # the clock (minutes)
        self._heap: list[tuple] = []  # scheduled calls: (time, sequence number, function, payload)
        self._seq = itertools.count()
        self.horizon = net.days * DAY
        n = len(net.site_ids)
        self.present, self.servers = _presence_draws(net, seed_seq)
        self.srv = self.servers[:, 0].tolist() if net.days else [0] * n  # counter servers today
        self._server_changes = _server_changes(self.servers)
        self.idle = list(self.srv)
        self.queue: list[deque] = [deque() for _ in range(n)]
        self.resume_pending = [False] * n
        self.busy_day = [-1] * n
        self.busy_min = [0.0] * n
        self.open_cases = [0] * n
        self.pet_open = 0
        self.cases: list[Case] = []
        self.visits = array("d")  # flat records: site, ct, t0, t_start_or_leave, service_min, outcome (VISIT_*)
        self.snap: list[list[int]] = []
        self.pet_snap: list[int] = []
        self.seed_seq = seed_seq
        self._overflow: dict[int, np.random.Generator] = {}  # per site, made on first use (rare: visits past VISIT_DRAWS)
        self.arrivals, self.backlog = arrivals, backlog
        # hot-path tables as tuples of Python numbers (numpy scalar indexing costs more than the model itself);
        # levels from the scenario's registry: where an unresolved case goes (up), and the partner level
        (self.level, self.parent, self.staff, self.up, self.bo, self.cmin, self.res, self.exists, self.delay,
         self.open_mask, self.next_open, self.cum_work) = _hot_tables(net)
        self.partner_lv, self.cal_first = net.partner_level, net.cal.first_day
        self._init_daywork()
        self.patience = net.patience if net.abandonment else math.inf
        self.continuous = net.continuous
        self.days, self.spans = net.days, net.spans

    # -- time helpers ----------------------------------------------------------------------------
    def _add_wd(self, day: int, k: int) -> int:
        """Day index of the k-th working day after ``day`` (``day`` itself for k <= 0)."""
        if k <= 0:
            return day
        cum = self.cum_work
        i = bisect_left(cum, cum[day - self.cal_first] + k)
        return self.cal_first + i if i < len(cum) else self.cal_first + len(cum)

    def _is_open(self, s: int, t: float) -> bool:
        if self.continuous:
            return True
        d = int(t // DAY)
        if d >= self.days or not self.open_mask[s][d]:
            return False
        m = t - d * DAY
        for a, b in self.spans[s]:
            if a <= m < b:
                return True
        return False

    def _over(self, s: int) -> np.random.Generator:
        """Random numbers of visits past the pre-drawn ones at site ``s`` (keyed by the site id, so the
        visits at one site never shift the numbers of another)."""
        o = self._overflow.get(s)
        if o is None:
            o = self._overflow[s] = keyed_rng(self.seed_seq, "overflow", self.net.site_ids[s])
        return o

    def _at(self, t: float, fn, payload) -> None:
        """Call ``fn(payload)`` at time ``t`` (now if ``t`` has passed); nothing beyond the horizon.

        The time is kept as now + delay (what an event scheduled after a delay gets); calls due at the
        same time run in the order they were scheduled."""
        if t < self.horizon:
            now = self.now
            heappush(self._heap, (now + (t - now if t > now else 0.0), next(self._seq), fn, payload))

    def _run_until(self, t: float) -> None:
        """Run every scheduled call due at or before ``t`` (all of them: ``t`` infinite)."""
        heap = self._heap
        while heap and heap[0][0] <= t:
            when, _, fn, payload = heappop(heap)
            self.now = when
            fn(payload)

    # -- run -------------------------------------------------------------------------------------
    def run(self) -> Engine:
        for st in self.backlog:
            n = len(st.times)
            channels = _channels(self.net, np.full(n, st.site), np.full(n, st.ct), st.draws[:, U_CHANNEL]).tolist()
            for row, d in enumerate(st.draws.tolist()):
                self._start_backlog(st, row, d, channels[row])
        if self.net.days:
            self._at(DAY - 1e-6, self._day_end, 0)
        self._arrivals_loop()
        self._run_until(math.inf)
        self.now = self.horizon
        self.rec["casework_in"] = np.array(self.casework_in, dtype=float).reshape(self.rec["casework_in"].shape)
        self.arrivals = self.backlog = None  # free the pre-drawn numbers before results are built
        for case in self.cases:  # a case still open holds a view of all arrivals' numbers: one such view would
            case.d = None  # keep the whole array (20 MB for the stress network) alive while results are built
        return self

    def _arrivals_loop(self) -> None:
        """Run the clock through all arrivals: new cases are not events; the loop takes the next arrival
        whenever it comes before the next scheduled event (merging two time-ordered lists)."""
        if not self.arrivals:
            return
        heap, run_until, visit, remote = self._heap, self._run_until, self._visit, self._remote
        new_case, add_case, enter = Case, self.cases.append, self._enter
        times, sites, cts, channels, starts, flat, width = self._merged_arrivals()
        for t, s, c, ch, start in zip(times, sites, cts, channels, starts, strict=True):
            if heap and heap[0][0] <= t:
                run_until(t)
            self.now = t
            d = flat[start:start + width]
            case = new_case(c, s, d, t, ch, False)
            add_case(case)
            enter(case, s)
            if ch == 0:
                visit(case, s, t)
            else:
                remote(case, s, t, d)

    def _merged_arrivals(self) -> tuple[list, list, list, list, list, memoryview, int]:
        """The arrivals of all streams in time order (stable), within the horizon: times, sites, case types,
        channels (decided in one vectorised step), and where each case's random numbers start in the
        flat view of all numbers, that view and the numbers per case.

        The numbers stay in one array, in stream order; each case gets a view of its row (a memoryview:
        indexing gives Python floats), so no number becomes a Python object before it is used."""
        arrivals = self.arrivals
        times = np.concatenate([s.times for s in arrivals])
        order = np.argsort(times, kind="stable")
        draws = np.concatenate([s.draws for s in arrivals])
        lengths = [len(s.times) for s in arrivals]
        site = np.repeat(np.array([s.site for s in arrivals], dtype=np.int64), lengths)[order]
        ct = np.repeat(np.array([s.ct for s in arrivals], dtype=np.int64), lengths)[order]
        times = times[order]
        for st in arrivals:  # the merged copy replaces the streams' numbers (memory)
            st.draws = None
        keep = times < self.horizon
        times, order, site, ct = times[keep], order[keep], site[keep], ct[keep]
        channel = _channels(self.net, site, ct, draws[order, U_CHANNEL])
        width = draws.shape[1]
        return (times.tolist(), site.tolist(), ct.tolist(), channel.tolist(), (order * width).tolist(),
                memoryview(draws.reshape(-1)), width)

    def _remote(self, case: Case, s: int, t: float, d: Sequence[float]) -> None:
        """A hotline, letter or online case: straight to the site's casework queue (worked at the day's end)."""
        ct = case.ct
        case.checked = True
        if d[U_MISSING] < self.net.missing[ct]:  # documents follow later, without a trip
            day = self._add_wd(int(t // DAY), self.net.return_delay)
            self._at(day * DAY + (t % DAY), self._ev_backoffice, (case, s))
        else:
            self._backoffice(case, s, self._desk_minutes(case, s))

    def _start_backlog(self, st: Stream, row: int, d: list[float], channel: int) -> None:
        case = Case(st.ct, st.site, d, -float(st.age_days[row]) * DAY, channel, True)
        case.trips = 1 if channel == 0 else 0  # the visit that opened the case, before the start
        self.cases.append(case)
        self._enter(case, st.site)
        if self.net.is_petition[st.ct]:
            self.pet_open += 1
        if st.effort is not None:  # long-running (积案): effort over weeks, then a partner's decision
            owner = st.owner if st.owner >= 0 else st.site
            case.decider, case.not_before = st.decider, st.not_before
            case.long = bool(st.not_before or st.decider >= 0 or owner != st.site)
            case.other = bool(st.unresolvable[row])
            # 包案: the coordination comes out of the owner's staff time (the case stays on its site's ledger)
            self._backoffice(case, owner, float(st.effort[row]), st.daily_cap)
        else:
            self._backoffice(case, st.site, self.bo[st.ct][self.level[st.site]])

    def _day_end(self, d: int) -> None:
        """End of day ``d``: share out the staff time and do the work, take the snapshot, set tomorrow's
        servers; then the next day's end is scheduled."""
        self._end_of_day(d)
        self.snap.append(self.open_cases.copy())
        self.pet_snap.append(self.pet_open)
        if d + 1 < self.net.days:
            sites, changes, starts = self._server_changes
            for i in range(starts[d], starts[d + 1]):
                s, change = sites[i], changes[i]
                self.srv[s] += change
                self.idle[s] += change
                if self.idle[s] > 0 and self.queue[s]:
                    self._serve_next(s, self.now)
            self._at((d + 2) * DAY - 1e-6, self._day_end, d + 1)

    # -- case movements ------------------------------------------------------------------------
    def _enter(self, case: Case, s: int) -> None:
        case.site, case.level = s, self.level[s]
        case.path.append(s)
        self.open_cases[s] += 1

    def _leave(self, case: Case) -> None:
        if case.level != self.partner_lv:
            self.open_cases[case.site] -= 1

    def _finish(self, case: Case, t: float) -> None:
        self._leave(case)
        case.t_fin = t
        case.d = None  # its random numbers are no longer needed
        if case.backlog and self.net.is_petition[case.ct]:
            self.pet_open -= 1

    def _desk_minutes(self, case: Case, s: int) -> float:
        lv = self.level[s]
        extra = self.cmin[case.ct][lv] if case.channel != 0 else 0.0
        return self.bo[case.ct][lv] + extra

    def _decide(self, case: Case, s: int, t: float) -> None:
        """Back office done at site ``s`` at time ``t``: resolve, or refer upward."""
        if case.long:  # long-running backlog case: a partner decides, not before its day
            self._long_decision(case, t)
            return
        ct = case.ct
        lv = self.level[s]
        nxt = self.up[lv]
        if case.d[U_RESOLVE + lv] < self.res[ct][lv] or not self.exists[ct][nxt]:
            if case.channel == 0 and case.vsite == s and case.vday == int(t // DAY):
                case.on_spot = True
            self._finish(case, t)
            return
        day = int(t // DAY)
        target = self._add_wd(day, self.delay[ct][lv])
        self._leave(case)
        if nxt == self.partner_lv:
            net = self.net
            case.level = nxt
            case.path.append(-1 - net.partner_of[ct])
            done_day = self._add_wd(target, net.partner_days[ct])
            self._at(max(done_day * DAY + 17 * 60, t), self._ev_finish, case)
            return
        p = self.parent[s]
        self._enter(case, p)
        if case.channel == 0 and self.cmin[ct][nxt] > 0:
            if target <= day and t >= self.now and self._is_open(p, t):
                self._visit(case, p, t)  # no hand-off delay: straight on to the parent
            else:
                self._visit_on(case, p, target, t)
        else:
            self._at(t if target <= day else target * DAY, self._ev_backoffice, (case, p))

    def _long_decision(self, case: Case, t: float) -> None:
        """A long-running case whose coordination effort is done: the partner decides (not before its day)."""
        net = self.net
        day = int(t // DAY)
        if case.decider >= 0:
            self._leave(case)
            case.level = self.partner_lv
            case.path.append(-1 - case.decider)
            day = self._add_wd(day, net.partner_days_of[case.decider])
        done = max(day, case.not_before) * DAY + 17 * 60
        if case.decider >= 0:
            self._at(max(done, t), self._ev_finish, case)
        elif done > t:
            self._at(done, self._ev_finish, case)
        else:
            self._finish(case, t)

    # -- counter ---------------------------------------------------------------------------------
    def _visit_on(self, case: Case, s: int, day: int, now: float) -> None:
        """Schedule a trip to site ``s`` on its first open day from ``day`` (today: not before ``now``)."""
        net = self.net
        if day >= net.days:
            return
        k = case.k
        u = case.d[WHEN + k] if k < VISIT_DRAWS else self._over(s).random()
        d = self.next_open[s][day]
        if d >= net.days:
            return
        t = d * DAY + net.time_in_day(s, u)
        if t < now:  # the drawn time has passed today: come now if open, else on the next open day
            if self._is_open(s, now):
                t = now
            else:
                d = self.next_open[s][d + 1]
                if d >= net.days:
                    return
                t = d * DAY + net.time_in_day(s, u)
        self._at(t, self._ev_visit, (case, s))

    def _ev_visit(self, payload) -> None:
        case, s = payload
        self._visit(case, s, self.now)

    def _visit(self, case: Case, s: int, t: float) -> None:
        case.trips += 1
        case.visits += 1
        k = case.k
        case.k = k + 1
        if k < VISIT_DRAWS:
            d = case.d
            svc, pat = d[SVC + k], d[PAT + k]
        else:
            o, net = self._over(s), self.net
            svc = o.standard_exponential() if net.exponential else o.gamma(1 / net.svc_cv**2, net.svc_cv**2)
            pat = o.standard_exponential()
        svc *= self.cmin[case.ct][self.level[s]]
        pat *= self.patience
        if self.srv[s] == 0:
            self._unstaffed(case, s, t)
            return
        idle, q = self.idle[s], self.queue[s]
        if idle > 0 and not q and self._is_open(s, t):
            self._start(s, case, t, svc, t)
        else:
            q.append((case, t, svc, pat))
            if idle > 0:
                self._serve_next(s, t)

    def _unstaffed(self, case: Case, s: int, t: float) -> None:
        """Nobody at the site (只挂牌、不配人, or the only worker away): a wasted trip; the veteran tries the parent next."""
        # the veteran cannot be served that day: the visit counts as waiting until the site closes
        close = int(t // DAY) * DAY + self.net.last_close[s]
        self.visits.extend((s, case.ct, t, max(t, close), 0.0, VISIT_NOBODY))
        case.aband += 1
        p = self.parent[s]
        later = self._add_wd(int(t // DAY), self.net.return_delay)
        if p >= 0 and self.exists[case.ct][self.level[p]]:
            case.sent_on = case.sent_on or len(case.path) == 1  # still at its first site, nothing decided yet
            self._leave(case)
            self._enter(case, p)
            self._visit_on(case, p, later, t)
        else:
            self._visit_on(case, s, later, t)

    def _start(self, s: int, case: Case, t0: float, svc: float, t: float) -> None:
        self.idle[s] -= 1
        self.visits.extend((s, case.ct, t0, t, svc, VISIT_SERVED))
        case.wait += t - t0
        d = int(t // DAY)
        case.vday, case.vsite = d, s
        busy_min = self.busy_min
        if self.busy_day[s] != d:
            self.busy_day[s] = d
            busy_min[s] = 0.0
        busy_min[s] += svc
        self._at(t + svc, self._ev_end, (s, case))

    def _ev_end(self, payload) -> None:
        """A counter service ends: the case goes on (back for missing documents, or to the back office)."""
        s, case = payload
        t = self.now
        self.idle[s] += 1
        ct = case.ct
        if not case.checked:
            case.checked = True
            if case.d[U_MISSING] < self.net.missing[ct]:
                self._visit_on(case, s, self._add_wd(int(t // DAY), self.net.return_delay), t)
                if self.queue[s]:
                    self._serve_next(s, t)
                return
        self._backoffice(case, s, self.bo[ct][self.level[s]])
        if self.queue[s]:
            self._serve_next(s, t)

    def _abandon(self, case: Case, s: int, t0: float, t_leave: float) -> None:
        self.visits.extend((s, case.ct, t0, t_leave, 0.0, VISIT_LEFT))
        case.aband += 1
        case.wait += t_leave - t0
        self._visit_on(case, s, self._add_wd(int(t_leave // DAY), self.net.return_delay),
                       self.now)

    def _serve_next(self, s: int, t: float) -> None:
        net, q = self.net, self.queue[s]
        if not net.continuous:
            d = int(t // DAY)
            m = t - d * DAY
            if not (d < net.days and self.open_mask[s][d]) or m >= net.last_close[s]:
                close = d * DAY + net.last_close[s] if m >= net.last_close[s] else t
                while q:  # the day is over: everyone still waiting is sent home
                    case, t0, _svc, pat = q.popleft()
                    self._abandon(case, s, t0, min(t0 + pat, max(close, t0)))
                return
            nxt = next((a for a, b in net.spans[s] if m < b), None)
            if nxt is not None and m < nxt:  # in a break: resume when the next span opens
                if not self.resume_pending[s]:
                    self.resume_pending[s] = True
                    self._at(d * DAY + nxt, self._ev_resume, s)
                return
        while q and self.idle[s] > 0:
            case, t0, svc, pat = q.popleft()
            if t - t0 > pat:
                self._abandon(case, s, t0, t0 + pat)
            else:
                self._start(s, case, t0, svc, t)

    def _ev_resume(self, s: int) -> None:
        self.resume_pending[s] = False
        if self.queue[s]:
            self._serve_next(s, self.now)
