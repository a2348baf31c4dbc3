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

The clock (issue 25): a purpose-built event loop, not SimPy, compiled with numba. Every event of this
model is a plain call at a time (no process per veteran, no resources, no interrupts), so all SimPy gave
was a heap and a step function with per-event bookkeeping. The loop (:mod:`vetsim.sim.flow`) keeps the
heap itself, ordered by time, then scheduling order (the order SimPy gave), and the cases as columns of
arrays. New cases are not events at all: the arrivals of all streams are merged in time order once and fed
in between the scheduled calls; hotline, letter and online cases go straight to their site's casework
queue, worked at the day's end. Every random number is pre-drawn (see ``streams``), so the cost per
service is a handful of array operations. This module prepares the arrays and runs the loop; SimPy stays
in the benchmark's textbook model (benchmarks/bench_sim.py), the yardstick this loop is measured against.
"""

from __future__ import annotations

import os

import numpy as np

from .._jit import compiled
from ..work.calendar import MINUTES_PER_DAY
from ..work.network import Network
from . import flow
from .backoffice import day_tables, work_state, work_tables
from .dayend import P_DONE_DAY, REC_ROWS
from .flow import (
    C_ROWS,
    CNT_ROWS,
    F_ROWS,
    N_VIS,
    NEED_GENS,
    NEED_ITEMS,
    NEED_PATH,
    NEED_VISITS,
    OK,
    SI_HEAD,
    SI_IDLE,
    SI_ROWS,
    SI_SRV,
    SI_TAIL,
    VISIT_LEFT,
    VISIT_NOBODY,
    VISIT_SERVED,
)
from .streams import U_CHANNEL, Stream, keyed_rng, keyed_rngs

__all__ = ["Engine", "VISIT_LEFT", "VISIT_SERVED", "VISIT_NOBODY", "flow_tables"]

DAY = MINUTES_PER_DAY


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


def _server_changes(servers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The overnight changes of counter servers: sites and changes, day by day (sites ascending), and
    where each day's changes start in these arrays (the day after the last day: the arrays' end)."""
    day, site = np.nonzero(np.diff(servers, axis=1).T)
    starts = np.searchsorted(day, np.arange(servers.shape[1] + 1))
    change = servers[site, day + 1] - servers[site, day]
    return site.astype(np.int64), change.astype(np.int64), starts.astype(np.int64)


_TABLES: dict[int, tuple[Network, flow.Tables, tuple]] = {}  # per process: the last network's tables
_ROOM: dict[int, tuple[Network, dict]] = {}  # per process and network: buffer room found needed, per case
# the room a network's first run starts with: visits and casework items per case (+ 1,024), entries of a case's
# path (0: levels + 2, the most a case can move up), overflow generators; a run that needs more asks for it
ROOM_START = {"visits": 1.5, "items": 1.5, "path": 0, "gens": False}


def flow_tables(net: Network) -> tuple[flow.Tables, tuple[np.ndarray, np.ndarray]]:
    """The network's numbers the case flow reads (:class:`vetsim.sim.flow.Tables`), and the day end's site and
    package tables as a run starts them: the same in every replication of a network, so made once (the last
    network's are kept)."""
    hit = _TABLES.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1], hit[2]
    constants, start = work_tables(net)
    seg_cum, seg_start, seg_len, seg_n = net._segment_table
    n = len(net.site_ids)
    width = max((len(sp) for sp in net.spans), default=1) or 1
    span_a, span_b = np.zeros((n, width)), np.zeros((n, width))
    for s, spans in enumerate(net.spans):
        for j, (a, b) in enumerate(spans):
            span_a[s, j], span_b[s, j] = a, b

    def ints(values) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)

    tables = flow.Tables(
        level=ints(net.level), parent=ints(net.parent), up=ints(net.level_parent),
        bo=np.asarray(net.bo_min, dtype=float), cmin=np.asarray(net.counter_min, dtype=float),
        res=np.asarray(net.resolved, dtype=float), exists=np.asarray(net.row_exists, dtype=bool),
        delay=ints(net.ref_delay), open_mask=np.asarray(net.open_mask, dtype=bool), next_open=ints(net.next_open),
        cum_work=ints(net.cal.cum_work), cal_first=int(net.cal.first_day), partner_lv=int(net.partner_level),
        missing=np.asarray(net.missing, dtype=float), return_delay=int(net.return_delay),
        partner_of=ints(net.partner_of), partner_days=ints(net.partner_days),
        partner_days_of=ints(net.partner_days_of) if len(net.partner_days_of) else np.zeros(1, dtype=np.int64),
        is_petition=np.asarray(net.is_petition, dtype=bool), last_close=np.asarray(net.last_close, dtype=float),
        span_a=span_a, span_b=span_b, span_n=ints([len(sp) for sp in net.spans]),
        seg_cum=seg_cum, seg_start=seg_start, seg_len=seg_len, seg_n=ints(seg_n),
        patience=float(net.patience if net.abandonment else np.inf), continuous=bool(net.continuous),
        days=int(net.days), horizon=float(net.days * DAY), exponential=bool(net.exponential),
        g_shape=float(1 / net.svc_cv**2) if net.svc_cv else 0.0, g_scale=float(net.svc_cv**2),
        **constants)
    _TABLES.clear()
    _TABLES[id(net)] = (net, tables, start)
    return tables, start


def _run_flow(tables: flow.Tables, state: flow.State) -> int:
    """The case flow (:func:`vetsim.sim.flow.run_flow`): compiled with numba (cached on disk), or plain Python
    with ``VETSIM_JIT=0``; the status."""
    if os.environ.get("VETSIM_JIT") == "0":
        return flow.run_flow(tables, state)
    from . import flowjit  # lazy: numba only where the engine runs compiled

    return compiled(flowjit.run)(tuple(tables), tuple(state))


def _generator_list(gens: list) -> object:
    """``gens`` as the loop takes them: a numba typed list when compiled (a plain list otherwise)."""
    if os.environ.get("VETSIM_JIT") == "0":
        return gens
    from numba.typed import List  # lazy: numba only where the engine runs compiled

    if gens:
        return List(gens)
    if "empty" not in _EMPTY:
        import numba  # lazy: as above

        _EMPTY["empty"] = List.empty_list(numba.typeof(np.random.default_rng(0)))
    return _EMPTY["empty"]


_EMPTY: dict[str, object] = {}  # the empty typed list of generators (never written to), made once


class Engine:
    """Runs one replication (the loop: :func:`vetsim.sim.flow.run_flow`); the records as arrays, read by
    ``records``: ``visits`` ([visit, 6]: site, case type, arrival, service start or leaving, service minutes,
    outcome), ``case_i`` / ``case_f`` (the cases' columns, rows ``flow.C_ROWS`` / ``flow.F_ROWS``), ``paths``
    (sites visited per case, partners as ``-1 - partner``), ``snap`` ([day, site] open cases), ``pet_snap``,
    ``rec`` (per-site-day work records) and the packages' ``pk_*``."""

    def __init__(self, net: Network, arrivals: list[Stream], backlog: list[Stream], seed_seq: np.random.SeedSequence):
        self.net, self.seed_seq = net, seed_seq
        self.now = 0.0  # the clock (minutes): the horizon once run
        self.horizon = net.days * DAY
        self.present, self.servers = _presence_draws(net, seed_seq)
        self.arrivals, self.backlog = arrivals, backlog

    def run(self) -> Engine:
        net = self.net
        (tables, start), cases = flow_tables(net), self._cases()
        day_tab, changes = day_tables(net, self.present), _server_changes(self.servers)
        n_cases = len(cases["bl_site"]) + len(cases["arr_t"])
        hit = _ROOM.get(id(net))
        room = dict(hit[1] if hit is not None and hit[0] is net else ROOM_START)
        room["path"] = room["path"] or len(net.level_names) + 2
        while True:
            state = None  # a run stopped for more room lets go of its buffers before the next is made (memory)
            state = self._state(tables, start, cases, day_tab, changes, room, n_cases)
            status = _run_flow(tables, state)
            if status == OK:
                break
            if status == NEED_GENS:
                room["gens"] = True
            else:
                key = {NEED_VISITS: "visits", NEED_ITEMS: "items", NEED_PATH: "path"}[status]
                room[key] = max(2 * room[key], 1 if key == "path" else 0.25)
        _ROOM.clear()
        _ROOM[id(net)] = (net, room)
        self._keep(state)
        self.now = self.horizon
        self.arrivals = self.backlog = None  # the pre-drawn numbers go before results are built
        return self

    def _cases(self) -> dict[str, np.ndarray]:
        """The backlog's and the arrivals' cases as arrays for the loop (arrivals merged in time order, stable,
        within the horizon), and all their pre-drawn numbers as one flat array (``dr``; ``*_off``: where each
        case's row starts). The streams let go of their numbers."""
        arrivals, backlog = self.arrivals or [], self.backlog or []
        streams = [*backlog, *arrivals]
        width = streams[0].draws.shape[1] if streams else 1
        draws = np.concatenate([s.draws for s in streams]) if streams else np.zeros((0, width))
        for st in streams:  # the merged copy replaces the streams' numbers (memory)
            st.draws = None
        out = self._backlog_cases(backlog, draws, width)
        nb = len(out["bl_site"])
        if arrivals:
            times = np.concatenate([s.times for s in arrivals])
            order = np.argsort(times, kind="stable")
            lengths = [len(s.times) for s in arrivals]
            site = np.repeat(np.array([s.site for s in arrivals], dtype=np.int64), lengths)[order]
            ct = np.repeat(np.array([s.ct for s in arrivals], dtype=np.int64), lengths)[order]
            times = times[order]
            keep = times < self.horizon
            times, order, site, ct = times[keep], order[keep], site[keep], ct[keep]
            channel = _channels(self.net, site, ct, draws[nb + order, U_CHANNEL])
        else:
            times, order, site, ct, channel = (np.zeros(0), *(np.zeros(0, dtype=np.int64),) * 4)
        out.update(arr_t=np.ascontiguousarray(times, dtype=float), arr_s=site, arr_ct=ct,
                   arr_ch=channel.astype(np.int64), arr_off=(nb + order) * width, dr=draws.reshape(-1))
        return out

    def _backlog_cases(self, backlog: list[Stream], draws: np.ndarray, width: int) -> dict[str, np.ndarray]:
        """The cases open at the start, stream by stream: site, case type, arrival (minus the age), channel,
        where their numbers start, and for long-running cases effort (NaN: none), daily cap, decider, first
        day, owner and whether current policy cannot resolve them."""
        lengths = [len(st.age_days) for st in backlog]
        nb = sum(lengths)

        def per_stream(values, dtype) -> np.ndarray:
            return np.repeat(np.array(values, dtype=dtype), lengths) if backlog else np.zeros(0, dtype=dtype)

        site, ct = per_stream([st.site for st in backlog], np.int64), per_stream([st.ct for st in backlog], np.int64)
        age = np.concatenate([st.age_days for st in backlog]) if backlog else np.zeros(0)
        effort = np.concatenate([st.effort if st.effort is not None else np.full(len(st.age_days), np.nan)
                                 for st in backlog]) if backlog else np.zeros(0)
        other = np.concatenate([st.unresolvable if st.unresolvable is not None else np.zeros(len(st.age_days), bool)
                                for st in backlog]) if backlog else np.zeros(0, dtype=bool)
        return {"bl_site": site, "bl_ct": ct, "bl_t": -age * DAY,
                "bl_ch": _channels(self.net, site, ct, draws[:nb, U_CHANNEL]).astype(np.int64),
                "bl_off": np.arange(nb, dtype=np.int64) * width, "bl_effort": effort.astype(float),
                "bl_cap": per_stream([st.daily_cap for st in backlog], float),
                "bl_decider": per_stream([st.decider for st in backlog], np.int64),
                "bl_not_before": per_stream([st.not_before for st in backlog], np.int64),
                "bl_owner": per_stream([st.owner for st in backlog], np.int64), "bl_other": other.astype(np.int64)}

    def _state(self, tables: flow.Tables, start: tuple, cases: dict, day_tab: np.ndarray, changes: tuple,
               room: dict, n_cases: int) -> flow.State:
        """A fresh state for one run of the loop (``start``: the day end's tables as a run starts them), with
        the buffers' room (per case) in ``room``."""
        net = self.net
        n, days = len(net.site_ids), net.days
        slots = n_cases + n + 1  # a slot per case, per site (a counter's resume) and the day end
        si = np.zeros((len(SI_ROWS), n), dtype=np.int64)
        si[SI_SRV] = si[SI_IDLE] = self.servers[:, 0] if days else 0
        si[SI_HEAD] = si[SI_TAIL] = -1
        n_items = int(room["items"] * n_cases) + 1024
        gens = [keyed_rng(self.seed_seq, "overflow", site) for site in net.site_ids] if room["gens"] else []
        return flow.State(
            ci=np.zeros((len(C_ROWS), n_cases), dtype=np.int64), cf=np.zeros((len(F_ROWS), n_cases)),
            path=np.zeros((n_cases, room["path"]), dtype=np.int64), heap=np.zeros(slots, dtype=np.int64),
            h_t=np.zeros(slots), h_seq=np.zeros(slots, dtype=np.int64), h_kind=np.zeros(slots, dtype=np.int64),
            h_b=np.zeros(slots, dtype=np.int64), si=si, vis=np.zeros((int(room["visits"] * n_cases) + 1024, 6)),
            items=np.zeros((n_items, 4)), item_case=np.zeros(n_items, dtype=np.int64), q_f=np.zeros((3, n_items)),
            q_i=np.zeros((2, n_items), dtype=np.int64), day_tab=day_tab, snap=np.zeros((days, n), dtype=np.int64),
            pet_snap=np.zeros(days, dtype=np.int64), sc_site=changes[0], sc_change=changes[1], sc_start=changes[2],
            cnt=np.zeros(len(CNT_ROWS), dtype=np.int64), clock=np.zeros(1), gens=_generator_list(gens),
            **work_state(net, tables, start), **cases)

    def _keep(self, state: flow.State) -> None:
        """The records of a finished run (what ``records`` reads)."""
        net = self.net
        self.visits = state.vis[: state.cnt[N_VIS]]
        self.case_i, self.case_f, self.paths = state.ci, state.cf, state.path
        self.snap, self.pet_snap = state.snap, state.pet_snap
        self.rec = {k: state.rec_tab[i].T for i, k in enumerate(REC_ROWS)}
        self.pk_rem, self.pk_done_by_due = state.pk_rem, state.pk_done_by_due
        self.pk_done_day = state.pk_tab[P_DONE_DAY]
        self.n_sites = len(net.site_ids)
