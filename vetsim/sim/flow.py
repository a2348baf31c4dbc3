"""The case flow of one replication as plain loops over arrays, compiled with numba (issue 25).

:mod:`vetsim.sim.engine` holds the model notes and prepares the arrays; this module is the event loop
itself: the clock and its heap, arrivals fed in time order, counters, referrals, decisions and the day
end (whose numbers are :func:`vetsim.sim.dayend.day_end`'s). It is written in the subset of Python that
numba compiles (:func:`vetsim._jit.compiled`); with ``VETSIM_JIT=0`` the same functions run as plain
Python (slowly: for checks only; the random numbers of :mod:`vetsim.sim.streams` are drawn compiled either way). Every sum and comparison is the one the engine's Python objects made,
in the same order, so the numbers are the same to the last bit.

State lives in two named tuples of arrays:

* ``T`` (:class:`Tables`): the network's numbers (the same in every replication of a network);
* ``S`` (:class:`State`): the replication's state: the cases as columns (``ci`` integers and ``cf``
  floats, rows named ``C_*`` and ``F_*``), the heap of scheduled calls, the counters per site, the
  casework items, the day end's tables and the records.

Each case has at most one scheduled call at a time, so the heap's slots are the case ids (then one per
site for a counter resuming after its break, and one for the day end): nothing is allocated per event.
The buffers whose size is not known in advance (visits, casework items, the path of each case) have a
capacity; a run that would exceed one stops with a status (``NEED_*``) and the engine runs it again
with more room. The same happens the first time a case's visits outrun its pre-drawn numbers: the
engine makes the per-site overflow generators and runs again. A run is a pure function of its inputs,
so a repeated run gives the same numbers.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..work.calendar import MINUTES_PER_DAY as DAY
from ..work.network import minute_of_day
from .dayend import BUSY_DAY, BUSY_MIN, P_RELEASED, R_CASEWORK_IN, day_end
from .streams import PAT, SVC, U_MISSING, U_RESOLVE, VISIT_DRAWS, WHEN

__all__ = ["Tables", "State", "run_flow", "heap_push", "heap_pop", "VISIT_DRAWS", "C_ROWS", "F_ROWS", "SI_ROWS", "CNT_ROWS",
           "VISIT_LEFT", "VISIT_SERVED", "VISIT_NOBODY", "OK", "NEED_GENS", "NEED_VISITS", "NEED_ITEMS",
           "NEED_PATH"]

INF = np.inf
VISIT_LEFT, VISIT_SERVED, VISIT_NOBODY = 0, 1, 2  # visit outcomes: left unserved, served, found nobody
# run status: done, or stopped for want of overflow generators or of room in a buffer
OK, NEED_GENS, NEED_VISITS, NEED_ITEMS, NEED_PATH = 0, 1, 2, 3, 4
# scheduled calls: the day end, a visit, back-office work, a decision's finish, a counter service's end, a resume
K_DAY, K_VISIT, K_BACKOFFICE, K_FINISH, K_END, K_RESUME = range(6)

# the cases' integer columns, [row, case]
C_ROWS = ("ct", "origin", "site", "level", "channel", "backlog", "trips", "visits", "aband", "k", "checked", "vday",
          "vsite", "on_spot", "decider", "not_before", "long", "other", "sent_on", "off", "plen", "qnext")
(C_CT, C_ORIGIN, C_SITE, C_LEVEL, C_CHANNEL, C_BACKLOG, C_TRIPS, C_VISITS, C_ABAND, C_K, C_CHECKED, C_VDAY, C_VSITE,
 C_ON_SPOT, C_DECIDER, C_NOT_BEFORE, C_LONG, C_OTHER, C_SENT_ON, C_OFF, C_PLEN, C_QNEXT) = range(22)
# the cases' float columns: arrival, finish (NaN: open), counter wait; in a counter queue: since, service, patience
F_ROWS = ("t_arr", "t_fin", "wait", "q_t0", "q_svc", "q_pat")
F_T_ARR, F_T_FIN, F_WAIT, F_Q_T0, F_Q_SVC, F_Q_PAT = range(6)
# per site, [row, site]: counter servers today and idle, the counter queue (first, last case, -1: empty),
# whether a resume is scheduled, open cases
SI_ROWS = ("srv", "idle", "q_head", "q_tail", "resume", "open")
SI_SRV, SI_IDLE, SI_HEAD, SI_TAIL, SI_RESUME, SI_OPEN = range(6)
# counters: heap size, next sequence number, visits recorded, casework items, first item not yet queued at
# a day end, open petition backlog cases, status, the capacity a NEED_* status asks for
CNT_ROWS = ("heap", "seq", "visits", "items", "pending", "pet_open", "status")
N_HEAP, N_SEQ, N_VIS, N_ITEMS, N_PENDING, N_PET, N_STATUS = range(7)

Tables = namedtuple("Tables", (
    "level", "parent", "up", "bo", "cmin", "res", "exists", "delay", "open_mask", "next_open", "cum_work",
    "cal_first", "partner_lv", "missing", "return_delay", "partner_of", "partner_days", "partner_days_of",
    "is_petition", "last_close", "span_a", "span_b", "span_n", "seg_cum", "seg_start", "seg_len", "seg_n",
    "patience", "continuous", "days", "horizon", "exponential", "g_shape", "g_scale", "by_slack", "pk_share",
    "min_share", "order", "day_any_open", "release_start", "release_ids", "due_start", "due_ids", "pk_minutes",
    "open_before"))
Tables.__doc__ = "The network's numbers the case flow reads (see :func:`vetsim.sim.engine.flow_tables`)."

State = namedtuple("State", (
    "ci", "cf", "dr", "path", "heap", "h_t", "h_seq", "h_kind", "h_b", "si", "site", "vis", "items", "item_case",
    "q_f", "q_i", "q_s", "day_tab", "pk_rem", "pk_tab", "rec_tab", "pk_done_by_due", "snap",
    "pet_snap", "sc_site", "sc_change", "sc_start", "cnt", "clock", "gens", "arr_t", "arr_s", "arr_ct", "arr_ch",
    "arr_off", "bl_site", "bl_ct", "bl_t", "bl_ch", "bl_off", "bl_effort", "bl_cap", "bl_decider",
    "bl_not_before", "bl_owner", "bl_other"))
State.__doc__ = "One replication's state (see :meth:`vetsim.sim.engine.Engine._state`)."


# -- the clock ----------------------------------------------------------------------------------------
def _before(a: int, b: int, h_t: np.ndarray, h_seq: np.ndarray) -> bool:
    """Slot ``a`` is due before slot ``b``: earlier, or at the same time and scheduled first."""
    return h_t[a] < h_t[b] or (h_t[a] == h_t[b] and h_seq[a] < h_seq[b])


def heap_push(heap: np.ndarray, size: int, slot: int, h_t: np.ndarray, h_seq: np.ndarray) -> int:
    """Put ``slot`` on the heap of ``size`` slots (a binary heap by time, then sequence); the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(slot, heap[parent], h_t, h_seq):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = slot
    return size + 1


def heap_pop(heap: np.ndarray, size: int, h_t: np.ndarray, h_seq: np.ndarray) -> int:
    """Take the first slot off the heap of ``size`` (> 0) slots; returns it (the heap is then ``size - 1``)."""
    top = heap[0]
    size -= 1
    last = heap[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _before(heap[child + 1], heap[child], h_t, h_seq):
            child += 1
        if not _before(heap[child], last, h_t, h_seq):
            break
        heap[i] = heap[child]
        i = child
    if size > 0:
        heap[i] = last
    return top


def _at(T, S, t: float, kind: int, slot: int, b: int) -> None:
    """Schedule call ``kind`` for ``slot`` (payload ``b``) at ``t`` (now if ``t`` has passed); nothing beyond
    the horizon. The time is kept as now + delay, as an event scheduled after a delay; calls due at the same
    time run in the order they were scheduled."""
    if t < T.horizon:
        now = S.clock[0]
        S.h_t[slot] = now + (t - now if t > now else 0.0)
        S.h_seq[slot] = S.cnt[N_SEQ]
        S.cnt[N_SEQ] += 1
        S.h_kind[slot], S.h_b[slot] = kind, b
        S.cnt[N_HEAP] = heap_push(S.heap, S.cnt[N_HEAP], slot, S.h_t, S.h_seq)


def _run_until(T, S, t: float) -> None:
    """Run every scheduled call due at or before ``t`` (stops early on a status)."""
    n_cases = S.ci.shape[1]
    while S.cnt[N_HEAP] > 0 and S.h_t[S.heap[0]] <= t and S.cnt[N_STATUS] == OK:
        slot = heap_pop(S.heap, S.cnt[N_HEAP], S.h_t, S.h_seq)
        S.cnt[N_HEAP] -= 1
        S.clock[0] = S.h_t[slot]
        _dispatch(T, S, S.h_kind[slot], slot, S.h_b[slot], n_cases)


def _dispatch(T, S, kind: int, slot: int, b: int, n_cases: int) -> None:
    now = S.clock[0]
    if kind == K_DAY:
        _day_end(T, S, b)
    elif kind == K_VISIT:
        _visit(T, S, slot, b, now)
    elif kind == K_BACKOFFICE:
        _backoffice(T, S, slot, b, _desk_minutes(T, S, slot, b), INF)
    elif kind == K_FINISH:
        _finish(T, S, slot, now)
    elif kind == K_END:
        _counter_end(T, S, b, slot, now)
    else:  # K_RESUME: the counter of site ``slot - n_cases`` after its break
        s = slot - n_cases
        S.si[SI_RESUME, s] = 0
        if S.si[SI_HEAD, s] >= 0:
            _serve_next(T, S, s, now)


# -- time helpers ---------------------------------------------------------------------------------------
def _add_wd(T, day: int, k: int) -> int:
    """Day index of the k-th working day after ``day`` (``day`` itself for k <= 0)."""
    if k <= 0:
        return day
    cum = T.cum_work
    i = np.searchsorted(cum, cum[day - T.cal_first] + k)
    return T.cal_first + i if i < len(cum) else T.cal_first + len(cum)


def _is_open(T, s: int, t: float) -> bool:
    if T.continuous:
        return True
    d = int(t // DAY)
    if d >= T.days or not T.open_mask[s, d]:
        return False
    m = t - d * DAY
    for j in range(T.span_n[s]):
        if T.span_a[s, j] <= m < T.span_b[s, j]:
            return True
    return False


def _time_in_day(T, s: int, u: float) -> float:
    """Minute of the day at site ``s`` for a uniform ``u`` (:func:`vetsim.work.network.minute_of_day`)."""
    return minute_of_day(T.seg_cum, T.seg_start, T.seg_len, T.seg_n, s, u)


def _gen_ok(S, s: int) -> bool:
    """Site ``s``'s overflow generator is there; else the run stops, asking for them (NEED_GENS)."""
    if len(S.gens) > s:
        return True
    S.cnt[N_STATUS] = NEED_GENS
    return False


# -- case movements -----------------------------------------------------------------------------------
def _enter(T, S, c: int, s: int) -> None:
    ci = S.ci
    ci[C_SITE, c], ci[C_LEVEL, c] = s, T.level[s]
    _path_add(S, c, s)
    S.si[SI_OPEN, s] += 1


def _path_add(S, c: int, entry: int) -> None:
    n = S.ci[C_PLEN, c]
    if n >= S.path.shape[1]:
        S.cnt[N_STATUS] = NEED_PATH
        return
    S.path[c, n] = entry
    S.ci[C_PLEN, c] = n + 1


def _leave(T, S, c: int) -> None:
    if S.ci[C_LEVEL, c] != T.partner_lv:
        S.si[SI_OPEN, S.ci[C_SITE, c]] -= 1


def _finish(T, S, c: int, t: float) -> None:
    _leave(T, S, c)
    S.cf[F_T_FIN, c] = t
    if S.ci[C_BACKLOG, c] and T.is_petition[S.ci[C_CT, c]]:
        S.cnt[N_PET] -= 1


def _desk_minutes(T, S, c: int, s: int) -> float:
    lv, ct = T.level[s], S.ci[C_CT, c]
    extra = T.cmin[ct, lv] if S.ci[C_CHANNEL, c] != 0 else 0.0
    return T.bo[ct, lv] + extra


def _backoffice(T, S, c: int, s: int, minutes: float, daily_cap: float) -> None:
    """Back-office work of ``minutes`` for case ``c`` at site ``s``: queued for the day end (decided now if none)."""
    now = S.clock[0]
    day = int(now // DAY)
    if 0 <= day < T.days:
        S.rec_tab[R_CASEWORK_IN, day, s] += minutes
    if minutes <= 0:
        _decide(T, S, c, s, now)
        return
    i = S.cnt[N_ITEMS]
    if i >= len(S.item_case):
        S.cnt[N_STATUS] = NEED_ITEMS
        return
    S.item_case[i] = c
    S.items[i, 0], S.items[i, 1], S.items[i, 2], S.items[i, 3] = s, minutes, now, daily_cap
    S.cnt[N_ITEMS] = i + 1


def _decide(T, S, c: int, s: int, t: float) -> None:
    """Back office done at site ``s`` at time ``t``: resolve, or refer upward."""
    ci = S.ci
    if ci[C_LONG, c]:  # long-running backlog case: a partner decides, not before its day
        _long_decision(T, S, c, t)
        return
    ct, lv = ci[C_CT, c], T.level[s]
    nxt = T.up[lv]
    if S.dr[ci[C_OFF, c] + U_RESOLVE + lv] < T.res[ct, lv] or not T.exists[ct, nxt]:
        if ci[C_CHANNEL, c] == 0 and ci[C_VSITE, c] == s and ci[C_VDAY, c] == int(t // DAY):
            ci[C_ON_SPOT, c] = 1
        _finish(T, S, c, t)
        return
    day = int(t // DAY)
    target = _add_wd(T, day, T.delay[ct, lv])
    _leave(T, S, c)
    if nxt == T.partner_lv:
        ci[C_LEVEL, c] = nxt
        _path_add(S, c, -1 - T.partner_of[ct])
        done_day = _add_wd(T, target, T.partner_days[ct])
        _at(T, S, max(done_day * DAY + 17 * 60, t), K_FINISH, c, 0)
        return
    p = T.parent[s]
    _enter(T, S, c, p)
    if ci[C_CHANNEL, c] == 0 and T.cmin[ct, nxt] > 0:
        if target <= day and t >= S.clock[0] and _is_open(T, p, t):
            _visit(T, S, c, p, t)  # no hand-off delay: straight on to the parent
        else:
            _visit_on(T, S, c, p, target, t)
    else:
        _at(T, S, t if target <= day else target * DAY, K_BACKOFFICE, c, p)


def _long_decision(T, S, c: int, t: float) -> None:
    """A long-running case whose coordination effort is done: the partner decides (not before its day)."""
    ci = S.ci
    day = int(t // DAY)
    decider = ci[C_DECIDER, c]
    if decider >= 0:
        _leave(T, S, c)
        ci[C_LEVEL, c] = T.partner_lv
        _path_add(S, c, -1 - decider)
        day = _add_wd(T, day, T.partner_days_of[decider])
    done = max(day, ci[C_NOT_BEFORE, c]) * DAY + 17 * 60
    if decider >= 0:
        _at(T, S, max(done, t), K_FINISH, c, 0)
    elif done > t:
        _at(T, S, done, K_FINISH, c, 0)
    else:
        _finish(T, S, c, t)


# -- counter ------------------------------------------------------------------------------------------
def _visit_on(T, S, c: int, s: int, day: int, now: float) -> None:
    """Schedule a trip to site ``s`` on its first open day from ``day`` (today: not before ``now``)."""
    if day >= T.days:
        return
    k = S.ci[C_K, c]
    if k < VISIT_DRAWS:
        u = S.dr[S.ci[C_OFF, c] + WHEN + k]
    elif _gen_ok(S, s):
        u = S.gens[s].random()
    else:
        return
    d = T.next_open[s, day]
    if d >= T.days:
        return
    t = d * DAY + _time_in_day(T, s, u)
    if t < now:  # the drawn time has passed today: come now if open, else on the next open day
        if _is_open(T, s, now):
            t = now
        else:
            d = T.next_open[s, d + 1]
            if d >= T.days:
                return
            t = d * DAY + _time_in_day(T, s, u)
    _at(T, S, t, K_VISIT, c, s)


def _record_visit(S, s: int, ct: int, t0: float, t1: float, svc: float, outcome: int) -> None:
    i = S.cnt[N_VIS]
    if i >= S.vis.shape[0]:
        S.cnt[N_STATUS] = NEED_VISITS
        return
    v = S.vis
    v[i, 0], v[i, 1], v[i, 2], v[i, 3], v[i, 4], v[i, 5] = s, ct, t0, t1, svc, outcome
    S.cnt[N_VIS] = i + 1


def _visit_draws(T, S, c: int, s: int) -> tuple[float, float]:
    """The service-time and patience multipliers of case ``c``'s next visit (pre-drawn, or overflow at ``s``)."""
    k = S.ci[C_K, c]
    S.ci[C_K, c] = k + 1
    if k < VISIT_DRAWS:
        off = S.ci[C_OFF, c]
        return S.dr[off + SVC + k], S.dr[off + PAT + k]
    if not _gen_ok(S, s):
        return 1.0, 1.0
    g = S.gens[s]
    svc = g.standard_exponential() if T.exponential else g.gamma(T.g_shape, T.g_scale)
    return svc, g.standard_exponential()


def _visit(T, S, c: int, s: int, t: float) -> None:
    ci = S.ci
    ci[C_TRIPS, c] += 1
    ci[C_VISITS, c] += 1
    svc, pat = _visit_draws(T, S, c, s)
    svc *= T.cmin[ci[C_CT, c], T.level[s]]
    pat *= T.patience
    si = S.si
    if si[SI_SRV, s] == 0:
        _unstaffed(T, S, c, s, t)
        return
    if si[SI_IDLE, s] > 0 and si[SI_HEAD, s] < 0 and _is_open(T, s, t):
        _start(T, S, s, c, t, svc, t)
        return
    cf = S.cf
    cf[F_Q_T0, c], cf[F_Q_SVC, c], cf[F_Q_PAT, c] = t, svc, pat
    ci[C_QNEXT, c] = -1
    if si[SI_TAIL, s] >= 0:
        ci[C_QNEXT, si[SI_TAIL, s]] = c
    else:
        si[SI_HEAD, s] = c
    si[SI_TAIL, s] = c
    if si[SI_IDLE, s] > 0:
        _serve_next(T, S, s, t)


def _unstaffed(T, S, c: int, s: int, t: float) -> None:
    """Nobody at the site (只挂牌、不配人, or the only worker away): a wasted trip; the veteran tries the parent next."""
    ci = S.ci
    ct = ci[C_CT, c]
    # the veteran cannot be served that day: the visit counts as waiting until the site closes
    close = int(t // DAY) * DAY + T.last_close[s]
    _record_visit(S, s, ct, t, max(t, close), 0.0, VISIT_NOBODY)
    ci[C_ABAND, c] += 1
    p = T.parent[s]
    later = _add_wd(T, int(t // DAY), T.return_delay)
    if p >= 0 and T.exists[ct, T.level[p]]:
        if ci[C_PLEN, c] == 1:  # still at its first site, nothing decided yet
            ci[C_SENT_ON, c] = 1
        _leave(T, S, c)
        _enter(T, S, c, p)
        _visit_on(T, S, c, p, later, t)
    else:
        _visit_on(T, S, c, s, later, t)


def _start(T, S, s: int, c: int, t0: float, svc: float, t: float) -> None:
    S.si[SI_IDLE, s] -= 1
    _record_visit(S, s, S.ci[C_CT, c], t0, t, svc, VISIT_SERVED)
    S.cf[F_WAIT, c] += t - t0
    d = int(t // DAY)
    S.ci[C_VDAY, c], S.ci[C_VSITE, c] = d, s
    site = S.site
    if site[BUSY_DAY, s] != d:
        site[BUSY_DAY, s] = d
        site[BUSY_MIN, s] = 0.0
    site[BUSY_MIN, s] += svc
    _at(T, S, t + svc, K_END, c, s)


def _counter_end(T, S, s: int, c: int, t: float) -> None:
    """A counter service ends: the case goes on (back for missing documents, or to the back office)."""
    S.si[SI_IDLE, s] += 1
    ci = S.ci
    ct = ci[C_CT, c]
    if not ci[C_CHECKED, c]:
        ci[C_CHECKED, c] = 1
        if S.dr[ci[C_OFF, c] + U_MISSING] < T.missing[ct]:
            _visit_on(T, S, c, s, _add_wd(T, int(t // DAY), T.return_delay), t)
            if S.si[SI_HEAD, s] >= 0:
                _serve_next(T, S, s, t)
            return
    _backoffice(T, S, c, s, T.bo[ct, T.level[s]], INF)
    if S.si[SI_HEAD, s] >= 0:
        _serve_next(T, S, s, t)


def _abandon(T, S, c: int, s: int, t0: float, t_leave: float) -> None:
    _record_visit(S, s, S.ci[C_CT, c], t0, t_leave, 0.0, VISIT_LEFT)
    S.ci[C_ABAND, c] += 1
    S.cf[F_WAIT, c] += t_leave - t0
    _visit_on(T, S, c, s, _add_wd(T, int(t_leave // DAY), T.return_delay), S.clock[0])


def _pop_queue(S, s: int) -> int:
    """The first case of site ``s``'s counter queue, taken off it."""
    c = S.si[SI_HEAD, s]
    nxt = S.ci[C_QNEXT, c]
    S.si[SI_HEAD, s] = nxt
    if nxt < 0:
        S.si[SI_TAIL, s] = -1
    return c


def _closed_now(T, S, s: int, t: float) -> bool:
    """Outside the day's service at site ``s`` (closed day or after the last span: the queue is sent home;
    in a break: a resume is scheduled); True when nobody can be served now."""
    d = int(t // DAY)
    m = t - d * DAY
    if not (d < T.days and T.open_mask[s, d]) or m >= T.last_close[s]:
        close = d * DAY + T.last_close[s] if m >= T.last_close[s] else t
        while S.si[SI_HEAD, s] >= 0:  # the day is over: everyone still waiting is sent home
            c = _pop_queue(S, s)
            t0, pat = S.cf[F_Q_T0, c], S.cf[F_Q_PAT, c]
            _abandon(T, S, c, s, t0, min(t0 + pat, max(close, t0)))
        return True
    for j in range(T.span_n[s]):
        if m < T.span_b[s, j]:
            nxt = T.span_a[s, j]
            if m < nxt:  # in a break: resume when the next span opens
                if not S.si[SI_RESUME, s]:
                    S.si[SI_RESUME, s] = 1
                    _at(T, S, d * DAY + nxt, K_RESUME, S.ci.shape[1] + s, 0)
                return True
            return False
    return False


def _serve_next(T, S, s: int, t: float) -> None:
    if not T.continuous and _closed_now(T, S, s, t):
        return
    while S.si[SI_HEAD, s] >= 0 and S.si[SI_IDLE, s] > 0:
        c = _pop_queue(S, s)
        t0, svc, pat = S.cf[F_Q_T0, c], S.cf[F_Q_SVC, c], S.cf[F_Q_PAT, c]
        if t - t0 > pat:
            _abandon(T, S, c, s, t0, t0 + pat)
        else:
            _start(T, S, s, c, t0, svc, t)


# -- arrivals and the backlog -------------------------------------------------------------------------
def _remote(T, S, c: int, s: int, t: float) -> None:
    """A hotline, letter or online case: straight to the site's casework queue (worked at the day's end)."""
    ci = S.ci
    ci[C_CHECKED, c] = 1
    if S.dr[ci[C_OFF, c] + U_MISSING] < T.missing[ci[C_CT, c]]:  # documents follow later, without a trip
        day = _add_wd(T, int(t // DAY), T.return_delay)
        _at(T, S, day * DAY + (t % DAY), K_BACKOFFICE, c, s)
    else:
        _backoffice(T, S, c, s, _desk_minutes(T, S, c, s), INF)


def _new_case(S, c: int, ct: int, s: int, off: int, t: float, channel: int, backlog: int) -> None:
    ci, cf = S.ci, S.cf
    ci[C_CT, c], ci[C_ORIGIN, c], ci[C_SITE, c], ci[C_OFF, c] = ct, s, s, off
    ci[C_CHANNEL, c], ci[C_BACKLOG, c], ci[C_CHECKED, c] = channel, backlog, backlog
    ci[C_LEVEL, c], ci[C_VDAY, c], ci[C_VSITE, c], ci[C_DECIDER, c], ci[C_QNEXT, c] = -1, -1, -1, -1, -1
    cf[F_T_ARR, c], cf[F_T_FIN, c] = t, np.nan


def _start_backlog(T, S) -> None:
    """The cases open at the start, in the back office of their site (or their 包案 owner's)."""
    for c in range(len(S.bl_site)):
        s, ct, channel = S.bl_site[c], S.bl_ct[c], S.bl_ch[c]
        _new_case(S, c, ct, s, S.bl_off[c], S.bl_t[c], channel, 1)
        S.ci[C_TRIPS, c] = 1 if channel == 0 else 0  # the visit that opened the case, before the start
        _enter(T, S, c, s)
        if T.is_petition[ct]:
            S.cnt[N_PET] += 1
        effort = S.bl_effort[c]
        if effort == effort:  # long-running (积案): effort over weeks, then a partner's decision
            owner = S.bl_owner[c] if S.bl_owner[c] >= 0 else s
            decider, not_before = S.bl_decider[c], S.bl_not_before[c]
            S.ci[C_DECIDER, c], S.ci[C_NOT_BEFORE, c] = decider, not_before
            S.ci[C_LONG, c] = 1 if (not_before != 0 or decider >= 0 or owner != s) else 0
            S.ci[C_OTHER, c] = S.bl_other[c]
            # 包案: the coordination comes out of the owner's staff time (the case stays on its site's ledger)
            _backoffice(T, S, c, owner, effort, S.bl_cap[c])
        else:
            _backoffice(T, S, c, s, T.bo[ct, T.level[s]], INF)


def run_flow(T, S) -> int:
    """Run one replication: the backlog, then the clock through all arrivals and scheduled calls, to the
    horizon. Returns the status (``OK``, or what the run needs to be run again)."""
    _start_backlog(T, S)
    if T.days:
        _at(T, S, DAY - 1e-6, K_DAY, S.ci.shape[1] + S.si.shape[1], 0)
    n_backlog = len(S.bl_site)
    for i in range(len(S.arr_t)):
        if S.cnt[N_STATUS] != OK:
            return S.cnt[N_STATUS]
        t = S.arr_t[i]
        if S.cnt[N_HEAP] > 0 and S.h_t[S.heap[0]] <= t:
            _run_until(T, S, t)
            if S.cnt[N_STATUS] != OK:
                return S.cnt[N_STATUS]
        S.clock[0] = t
        c, s = n_backlog + i, S.arr_s[i]
        _new_case(S, c, S.arr_ct[i], s, S.arr_off[i], t, S.arr_ch[i], 0)
        _enter(T, S, c, s)
        if S.arr_ch[i] == 0:
            _visit(T, S, c, s, t)
        else:
            _remote(T, S, c, s, t)
    _run_until(T, S, INF)
    return S.cnt[N_STATUS]


# -- the day end ----------------------------------------------------------------------------------------
def _day_end(T, S, d: int) -> None:
    """End of day ``d``: share out the staff time and do the work, take the snapshot, set tomorrow's
    servers; then the next day's end is scheduled."""
    _day_work(T, S, d)
    for s in range(S.si.shape[1]):
        S.snap[d, s] = S.si[SI_OPEN, s]
    S.pet_snap[d] = S.cnt[N_PET]
    if d + 1 < T.days:
        now = S.clock[0]
        for i in range(S.sc_start[d], S.sc_start[d + 1]):
            s, change = S.sc_site[i], S.sc_change[i]
            S.si[SI_SRV, s] += change
            S.si[SI_IDLE, s] += change
            if S.si[SI_IDLE, s] > 0 and S.si[SI_HEAD, s] >= 0:
                _serve_next(T, S, s, now)
        _at(T, S, (d + 2) * DAY - 1e-6, K_DAY, S.ci.shape[1] + S.si.shape[1], d + 1)


def _day_work(T, S, d: int) -> None:
    """The day's work (:func:`vetsim.sim.dayend.day_end`), then the cases whose casework got done are decided."""
    for j in range(T.release_start[d], T.release_start[d + 1]):
        S.pk_tab[P_RELEASED, T.release_ids[j]] = 1
    if not T.day_any_open[d]:  # every site closed (a weekend, a holiday): no time, no work, no overtime
        _record_due(T, S, d)
        return
    first, end = S.cnt[N_PENDING], S.cnt[N_ITEMS]
    S.cnt[N_PENDING] = end
    done, done_site, done_t = day_end(d, T.days, T.by_slack, T.pk_share, T.min_share, T.order, S.day_tab, S.site,
                                      T.open_before, T.open_mask, S.pk_rem, S.pk_tab, S.rec_tab, S.items[first:end],
                                      first, S.q_f, S.q_i, S.q_s)
    _record_due(T, S, d)
    for j in range(len(done)):
        _decide(T, S, S.item_case[done[j]], done_site[j], done_t[j])


def _record_due(T, S, d: int) -> None:
    """The work done by their due day of the packages due today."""
    for j in range(T.due_start[d], T.due_start[d + 1]):
        i = T.due_ids[j]
        S.pk_done_by_due[i] = T.pk_minutes[i] - S.pk_rem[i]
