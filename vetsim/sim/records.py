"""One replication's engine records -> numpy tables, their KPI values, and (on request) tidy DataFrames.

The KPI-only path (issue 25): :func:`replication_tables` gives each table as :class:`Columns` (numpy
columns; categorical ones as codes with their names; columns only a reader of the table needs are computed
when the DataFrame is made). :func:`replication_metrics` computes the KPIs from these columns, so a run that
wants KPIs only builds no DataFrame, and a run that keeps the tables (``Columns.frame``) gets the very same
KPI values, bit for bit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..work.calendar import MINUTES_PER_DAY
from ..work.network import CHANNELS, Network
from ..work.packages import KIND_CAMPAIGN
from .engine import VISIT_NOBODY, VISIT_SERVED, Engine
from .flow import (
    C_ABAND,
    C_BACKLOG,
    C_CHANNEL,
    C_CT,
    C_LEVEL,
    C_ON_SPOT,
    C_ORIGIN,
    C_OTHER,
    C_PLEN,
    C_SENT_ON,
    C_TRIPS,
    C_VISITS,
    F_T_ARR,
    F_T_FIN,
    F_WAIT,
)

__all__ = ["Columns", "replication_tables", "replication_frames", "replication_metrics"]

DAY = MINUTES_PER_DAY


def _cat(values: np.ndarray, names: tuple[str, ...] | list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(values.astype(np.int64), dtype=_cat_dtype(tuple(names)))


@functools.lru_cache(maxsize=64)
def _cat_dtype(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical type of these names (made once: its index of names costs more than the codes)."""
    return pd.CategoricalDtype(list(names))


def _path_texts(net: Network, paths: np.ndarray, lengths: np.ndarray) -> list[str]:
    """Each case's path as text (``C01>T01>civil_affairs``): ``paths[case, :lengths[case]]`` are its sites, a
    partner department as ``-1 - partner``; each distinct path is spelled once."""
    names = np.array([*net.site_ids, *net.partners], dtype=object)
    idx = np.where(paths >= 0, paths, len(net.site_ids) + (-1 - paths))  # each entry's name
    out = names[idx[:, 0]] if len(lengths) else np.zeros(0, dtype=object)  # most cases: still at their first site
    longer = np.flatnonzero(lengths > 1)
    if len(longer):
        rows = np.where(np.arange(paths.shape[1]) < lengths[longer, None], idx[longer], -1)
        distinct, which = np.unique(rows, axis=0, return_inverse=True)
        texts = np.array([">".join(names[i] for i in row if i >= 0) for row in distinct.tolist()], dtype=object)
        out[longer] = texts[which.reshape(-1)]
    return out.tolist()


class Columns:
    """A table of one replication as numpy columns, in the order of its DataFrame.

    ``cols[name]``: an array (None for a column only the DataFrame has); ``cats[name]``: the category
    names of a categorical column, whose array holds the codes; ``lazy[name]``: a function of no
    arguments that makes the DataFrame's column (a column the KPIs do not read, or read in another form).
    Indexing gives the array (codes for a categorical column).
    """

    __slots__ = ("cols", "cats", "lazy", "n")

    def __init__(self, n: int, cols: dict[str, Any], cats: dict[str, Any] | None = None,
                 lazy: dict[str, Callable[[], Any]] | None = None):
        self.n, self.cols, self.cats, self.lazy = n, cols, cats or {}, lazy or {}

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name]

    def __len__(self) -> int:
        return self.n

    def settle(self) -> None:
        """Make the lazy columns now, for a run that keeps its tables: what they read (the engine's case
        objects) is freed before the DataFrames are built, so the two never take memory at once. Call it
        after the KPIs: a settled column is the DataFrame's form (``on_time`` with its undecided cases)."""
        for name, make in self.lazy.items():
            self.cols[name] = make()
        self.lazy = {}

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame. It takes the arrays as they are, without a copy (a third of the cost of
        building it): each table's arrays are its own, made for it (none is the network's or another table's)."""
        out: dict[str, Any] = {}
        for name, col in self.cols.items():
            col = self.lazy[name]() if name in self.lazy else col
            out[name] = _cat(col, self.cats[name]) if name in self.cats else col
        return pd.DataFrame(out, copy=False)


def replication_tables(net: Network, eng: Engine, rep: int) -> dict[str, Any]:
    """``cases``, ``visits``, ``site_days`` and ``work`` as :class:`Columns`, and ``petition`` (daily
    petition backlog) for one run."""
    cases = _case_columns(net, eng, rep)
    v = eng.visits
    vs, vct, t0, t1, svc, outcome = (v[:, i] for i in range(6))
    served = outcome == VISIT_SERVED
    vs_i = vs.astype(np.int64)
    vday = np.floor(t0 / DAY).astype(np.int64)
    wait = t1 - t0
    nobody = outcome == VISIT_NOBODY
    visits = Columns(len(v), {
        "replication": np.full(len(v), rep, dtype=np.int32),
        "site_id": vs_i,
        "level": np.asarray(net.level, dtype=np.int64)[vs_i],
        "case_type": vct.astype(np.int64),
        "day": vday,
        "wait_min": wait,
        "served": served,
        "found_nobody": nobody,
        "arrive_min": t0,
        "service_min": svc,
    }, {"site_id": net.site_ids, "level": net.level_names, "case_type": net.case_types})
    return {"cases": cases, "visits": visits,
            "site_days": _site_days(net, eng, rep, vs_i, vday, wait, t0, t1, svc, served, nobody),
            "work": _work_columns(net, eng, rep),
            "petition": np.asarray(eng.pet_snap, dtype=np.int64)}


def replication_frames(net: Network, eng: Engine, rep: int) -> dict[str, Any]:
    """The tables of :func:`replication_tables` as DataFrames (``petition`` stays an array)."""
    return {k: t.frame() if isinstance(t, Columns) else t for k, t in replication_tables(net, eng, rep).items()}


# columns of the case table only its DataFrame shows (no KPI reads them): column, the engine's case row, dtype
_CASE_TABLE_ONLY = (("channel", C_CHANNEL, np.int64), ("visits", C_VISITS, np.int32),
                    ("abandoned_visits", C_ABAND, np.int32), ("sent_on_unstaffed", C_SENT_ON, bool))


def _case_columns(net: Network, eng: Engine, rep: int) -> Columns:
    ci, cf, paths = eng.case_i, eng.case_f, eng.paths
    n = ci.shape[1]
    ct = ci[C_CT].copy()  # the rows the tables keep are copies: a view would keep the whole case table alive
    origin = ci[C_ORIGIN].copy()
    plen = ci[C_PLEN]
    last = paths[np.arange(n), plen - 1] if n else np.zeros(0, dtype=np.int64)
    flevel = ci[C_LEVEL].copy()
    t_arr, t_fin = cf[F_T_ARR], cf[F_T_FIN]
    is_open = np.isnan(t_fin)
    arr_day = np.floor(t_arr / DAY).astype(np.int64)
    fin_day = np.where(is_open, np.nan, np.floor(t_fin / DAY))
    site_names = list(net.site_ids) + list(net.partners)
    final_code = np.where(last >= 0, last, len(net.site_ids) + (-1 - last))
    deadline = net.deadline[ct, flevel]
    wdays = np.full(n, np.nan)
    fin_idx = np.where(is_open, 0, np.nan_to_num(fin_day)).astype(np.int64)
    wdays[~is_open] = net.cal.working_days_between(arr_day[~is_open], fin_idx[~is_open])
    # open at the end: working days so far (from the arrival day to the last day of the window)
    last = np.full(n, net.days - 1, dtype=np.int64)
    age_wd = net.cal.working_days_between(arr_day, last) if n else np.zeros(0)
    overdue = is_open & (age_wd > deadline)
    on_time = np.where(is_open, False, wdays <= deadline)  # the KPIs read an open case as not on time

    def on_time_column() -> pd.api.extensions.ExtensionArray:
        out = pd.array(on_time, dtype="boolean")
        out[is_open & ~overdue] = pd.NA  # still open, not yet late: undecided
        return out

    def row(r: int, dtype: type) -> Callable[[], np.ndarray]:
        return lambda: ci[r].astype(dtype)

    # columns no KPI reads are made only with the DataFrame (``lazy``): the KPI-only path skips them
    lazy = {"path": lambda: _path_texts(net, paths, plen),
            "on_time": on_time_column, **{col: row(r, dtype) for col, r, dtype in _CASE_TABLE_ONLY},
            "counter_wait_min": lambda: cf[F_WAIT].copy()}
    cols: dict[str, np.ndarray | None] = {
        "replication": np.full(n, rep, dtype=np.int32),
        "case_id": np.arange(n, dtype=np.int64),
        "case_type": ct,
        "origin_site": origin,
        "origin_level": np.asarray(net.level, dtype=np.int64)[origin] if n else origin,
        "final_site": final_code,
        "final_level": flevel,
        "path": None,
        "channel": None,
        "from_backlog": ci[C_BACKLOG].astype(bool),
        "not_resolvable": ci[C_OTHER].astype(bool),  # 积案 closed by other means
        "arrival_day": arr_day,
        "finish_day": fin_day,
        "trips": ci[C_TRIPS].astype(np.int32),
        "visits": None,
        "abandoned_visits": None,
        "sent_on_unstaffed": None,
        "counter_wait_min": None,
        "working_days": wdays,
        "age_working_days": np.where(is_open, age_wd, wdays),
        "deadline_working_days": deadline.astype(np.int32),
        "on_time": on_time,
        "open_at_end": is_open,
        "overdue_open": overdue,
        "on_spot": ci[C_ON_SPOT].astype(bool),
    }
    eng.case_i = eng.case_f = eng.paths = None  # the columns (and the lazy ones) hold what the tables need
    return Columns(n, cols, {"case_type": net.case_types, "origin_site": net.site_ids, "origin_level": net.level_names,
                             "final_site": site_names, "final_level": net.level_names, "channel": CHANNELS}, lazy)


def _work_columns(net: Network, eng: Engine, rep: int) -> Columns:
    """Duties and campaigns: one row per site x period, what was owed and what was done by the due day."""
    pk = net.packages
    n = len(pk) if pk is not None else 0
    cats = {"site_id": net.site_ids, "level": net.level_names, "item": pk.names if n else (),
            "kind": ("duty", "campaign")}
    if n == 0:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
        return Columns(0, {"replication": np.zeros(0, np.int32), "site_id": empty_i, "level": empty_i, "item": empty_i,
                           "kind": empty_i, "release_day": empty_i, "due_day": empty_i, "owed_min": empty_f,
                           "done_by_due_min": empty_f, "done_min": empty_f, "done_day": empty_f}, cats)
    done_day = eng.pk_done_day.astype(float)
    done_day[done_day < 0] = np.nan
    return Columns(n, {  # the network's arrays copied: the DataFrame takes the columns as they are
        "replication": np.full(n, rep, dtype=np.int32),
        "site_id": pk.site.copy(),
        "level": np.asarray(net.level, dtype=np.int64)[pk.site],
        "item": pk.item.copy(),
        "kind": (pk.kind == KIND_CAMPAIGN).astype(np.int64),
        "release_day": pk.release.copy(),
        "due_day": pk.due.copy(),
        "owed_min": pk.minutes.copy(),
        "done_by_due_min": eng.pk_done_by_due,  # NaN: due after the window
        "done_min": pk.minutes - eng.pk_rem,
        "done_day": done_day,
    }, cats)


def _site_days(net: Network, eng: Engine, rep: int, vs: np.ndarray, vday: np.ndarray, wait: np.ndarray,
               t0: np.ndarray, t1: np.ndarray, svc: np.ndarray, served: np.ndarray,
               nobody: np.ndarray) -> Columns:
    """One row per site and day kept (a site's open days and any day with activity). The grid (site x day)
    is read once, for the days kept; every column is computed on the kept cells only."""
    ns, nd = len(net.site_ids), net.days
    size = ns * nd
    keep_v = vday < nd
    flat = vs[keep_v] * nd + vday[keep_v]
    arrivals = np.bincount(flat, minlength=size)
    sday = np.floor(t1 / DAY).astype(np.int64)
    ok = served & (sday < nd)
    busy_c = np.bincount(vs[ok] * nd + sday[ok], weights=svc[ok], minlength=size)
    rec = eng.rec
    opened = np.array(net.open_mask[:, :nd], dtype=bool)
    keep, hit = opened.copy(), np.empty((ns, nd), dtype=bool)
    for grid in (arrivals.reshape(ns, nd), busy_c.reshape(ns, nd), rec["casework"], rec["duties"], rec["campaigns"],
                 rec["casework_in"], rec["overtime"]):  # e.g. the cases open at the start arrive on a holiday
        keep |= np.greater(grid[:, :nd], 0, out=hit)
    idx = np.flatnonzero(keep)
    si, di = idx // nd, idx % nd
    idx_t = di * ns + si  # the same cells in a day-major grid (the engine's records are [day, site] arrays, transposed)

    def kept(grid: np.ndarray) -> np.ndarray:
        """The kept cells of a [site, day] grid, in row order, without copying the grid."""
        g = grid[:, :nd]
        if g.flags.c_contiguous:
            return g.reshape(size).take(idx)
        if g.flags.f_contiguous:
            return g.T.reshape(size).take(idx_t)
        return g[si, di]

    # the visits counted per kept cell (each visit's cell is kept: it has an arrival)
    pos = (np.cumsum(keep.reshape(size), dtype=np.int64) - 1)[flat]
    k = len(idx)

    def count(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        m = slice(None) if mask is None else mask[keep_v]
        return np.bincount(pos[m], weights=None if weights is None else weights[keep_v][m], minlength=k)

    n_arr, n_served, n_nobody = arrivals.take(idx), count(served), count(nobody)
    present = kept(eng.present)
    avail = present * np.asarray(net.open_min, dtype=float)[si] * opened.reshape(size).take(idx)
    busy = {name: kept(rec[name]) for name in ("casework", "duties", "campaigns", "other", "cover", "casework_in",
                                              "fixed", "overtime")}
    busy_ck = busy_c.take(idx)

    def wait_mean() -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n_arr > 0, count(weights=wait) / np.maximum(n_arr, 1), np.nan)

    def utilisation() -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            used = (busy_ck + busy["casework"] + busy["duties"] + busy["campaigns"] + busy["other"] + busy["cover"]
                    + busy["fixed"])
            return np.where(avail > 0, used / np.where(avail > 0, avail, 1), np.nan)

    lazy = {"date": lambda: _dates(net.cal.start, nd)[di],
            "wait_mean_min": wait_mean, "queue_max": lambda: _queue_max(vs, t0, t1, wait, ns, nd).reshape(size)[idx],
            "backlog_open": lambda: kept(_backlog_open(eng, (ns, nd))), "utilisation": utilisation}
    return Columns(k, {
        "replication": np.full(k, rep, dtype=np.int32),
        "site_id": si,
        "level": np.asarray(net.level, dtype=np.int64)[si],
        "date": None,
        "day": di,
        "arrivals": n_arr.astype(np.int32),
        "served": n_served.astype(np.int32),
        "abandoned": (n_arr - n_served - n_nobody).astype(np.int32),
        "found_nobody": n_nobody.astype(np.int32),
        "staff_present": present.astype(np.int32),
        "wait_mean_min": None,
        "queue_max": None,
        "backlog_open": None,
        "busy_counter_min": busy_ck,
        "busy_backoffice_min": busy["casework"],
        "available_min": avail,
        "utilisation": None,
        "busy_duties_min": busy["duties"],
        "busy_campaign_min": busy["campaigns"],
        "other_work_min": busy["other"],
        "cover_min": busy["cover"],
        "casework_in_min": busy["casework_in"],
        "fixed_min": busy["fixed"],  # meetings, reports, training (fixed_time)
        "overtime_min": busy["overtime"],  # duties and campaigns done in overtime (beyond available_min)
    }, {"site_id": net.site_ids, "level": net.level_names}, lazy)


@functools.lru_cache(maxsize=16)
def _dates(start: Any, days: int) -> np.ndarray:
    """The date of each day of the window, as the site-day table shows it (made once per window; read-only)."""
    out = pd.to_datetime(np.datetime64(start) + np.arange(days).astype("timedelta64[D]")).to_numpy()
    out.setflags(write=False)
    return out


def _queue_max(vs: np.ndarray, t0: np.ndarray, t1: np.ndarray, wait: np.ndarray, ns: int, nd: int) -> np.ndarray:
    """Longest queue per site and day, exact: +1 when a veteran starts waiting, -1 when served or gone."""
    qmax = np.zeros(ns * nd)
    w = wait > 0
    if w.any():
        times = np.concatenate([t0[w], t1[w]])
        delta = np.concatenate([np.ones(w.sum()), -np.ones(w.sum())])
        site = np.concatenate([vs[w], vs[w]])
        order = np.lexsort((delta, times, site))
        qlen = np.cumsum(delta[order])
        up = delta[order] > 0
        day = np.floor(times[order] / DAY).astype(np.int64)
        inside = up & (day < nd)
        np.maximum.at(qmax, site[order][inside] * nd + day[inside], qlen[inside])
    return qmax.reshape(ns, nd).astype(np.int32)


def _backlog_open(eng: Engine, shape: tuple[int, int]) -> np.ndarray:
    """Cases open per site at each day's end (the engine's snapshots; the last carried on if the run stopped early)."""
    backlog = np.asarray(eng.snap, dtype=np.int64).T if len(eng.snap) else np.zeros(shape, dtype=np.int64)
    if backlog.shape[1] < shape[1]:
        backlog = np.pad(backlog, ((0, 0), (0, shape[1] - backlog.shape[1])), mode="edge")
    return backlog


class _Groups:
    """The KPI groups of a table's rows, in the order their KPI rows are listed: all; each case type; then
    each level that has rows, with all its case types and each (a group without rows is left out).

    Group ``i * (nc + 1) + j``: level slot ``i`` (0 all levels, ``1 + level``) and case type slot ``j``
    (0 all, ``1 + case type``). Counts come from one bincount per condition. A sum or mean over a group
    reads the group's rows in their table order (a stable sort puts each group's rows side by side), as a
    boolean mask would pick them: the same floats summed in the same order, so the same value to the last bit.
    """

    def __init__(self, levels: np.ndarray, cts: np.ndarray | None, level_names, ct_names):
        self.level_names, self.ct_names = tuple(level_names), tuple(ct_names)
        self.nl, self.nc = len(self.level_names), max(len(self.ct_names), 1)
        nl, nc = self.nl, self.nc
        self.lv = np.where((levels >= 0) & (levels < nl), levels, nl)  # a level without a name: in "all" only
        self.ct = np.zeros(len(levels), np.int64) if cts is None else np.asarray(cts, dtype=np.int64)
        self.pair = self.lv * nc + self.ct
        self.n = self.count()
        small = np.int16 if (nl + 1) * nc < 2**15 else np.int64  # a radix sort for small keys
        self._keys = ((self.ct.astype(small), nc, lambda k: 1 + k),  # (all levels, case type k)
                      (self.lv.astype(small), nl, lambda k: (1 + k) * (nc + 1)),  # (level k, all)
                      (self.pair.astype(small), nl * nc, lambda k: (1 + k // nc) * (nc + 1) + 1 + k % nc))

    def count(self, sel: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (of the rows where ``sel``)."""
        key = self.pair if sel is None else self.pair[sel]
        return self._spread(np.bincount(key, minlength=(self.nl + 1) * self.nc))

    def total(self, values: np.ndarray, sel: np.ndarray) -> np.ndarray:
        """The sum of ``values`` over each group's rows where ``sel``: exact only for whole numbers (see
        :func:`_group_means`), whose sums are the same in any order."""
        return self._spread(np.bincount(self.pair[sel], weights=values[sel], minlength=(self.nl + 1) * self.nc))

    def _spread(self, per_pair: np.ndarray) -> np.ndarray:
        """Per group, from the values per (level, case type) pair (the last level: no named level)."""
        nl, nc = self.nl, self.nc
        m = per_pair.reshape(nl + 1, nc)
        out = np.zeros((nl + 1, nc + 1), per_pair.dtype)
        out[0, 0] = m.sum()
        out[0, 1:] = m.sum(axis=0)
        out[1:, 0] = m[:nl].sum(axis=1)
        out[1:, 1:] = m[:nl]
        return out.ravel()

    def listed(self, with_ct: bool = True) -> list[tuple[int, str, str]]:
        """(group, level label, case type label) of each group with rows, in the order of the KPI rows
        (all levels and all case types always)."""
        n, nc = self.n, self.nc
        out = []
        for i in range(self.nl + 1):
            if i and not n[i * (nc + 1)]:
                continue
            for j in range(nc + 1 if with_ct and self.ct_names else 1):
                g = i * (nc + 1) + j
                if j and not n[g]:
                    continue
                out.append((g, "all" if i == 0 else self.level_names[i - 1], "all" if j == 0 else self.ct_names[j - 1]))
        return out

    def reduce(self, fn: Callable[..., Any], *values: np.ndarray, sel: np.ndarray | None = None,
               only: tuple[int, ...] = (0, 1, 2)) -> list[Any]:
        """``fn`` of each group's rows (where ``sel``) of each of ``values``, in table order; None for a group
        without any. ``only``: the kinds of group besides "all" (0 by case type, 1 by level, 2 by both)."""
        vals = values if sel is None else [v[sel] for v in values]
        out: list[Any] = [None] * len(self.n)
        if len(vals[0]):
            out[0] = fn(*vals)
        for kind in only:
            keys, size, group = self._keys[kind]
            k = keys if sel is None else keys[sel]
            order = np.argsort(k, kind="stable")
            vs = [v[order] for v in vals]
            ends = np.cumsum(np.bincount(k, minlength=size)[:size]).tolist()
            start = 0
            for key, end in enumerate(ends):
                if end > start:
                    out[group(key)] = fn(*(v[start:end] for v in vs))
                start = end
        return out


def _share(hits: np.ndarray, base: np.ndarray) -> np.ndarray:
    """``hits / base`` per group (NaN where the base is 0): the mean of a boolean over the base's rows."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, hits / np.maximum(base, 1), np.nan)


def _p90(w: np.ndarray) -> float:
    """``float(np.quantile(w, 0.9))`` (numpy's linear method, to the last bit) without its per-call cost:
    the order statistics around (n - 1) * 0.9 and numpy's interpolation between them."""
    n = len(w)
    vi = (n - 1) * 0.9
    if vi >= n - 1:  # numpy takes the last value for both, with a weight of vi + 1
        lo = hi = n - 1
        t = vi + 1
    else:
        lo = math.floor(vi)
        hi, t = lo + 1, vi - lo
    part = np.partition(w, (lo, hi, n - 1) if hi < n - 1 else (lo, hi))
    if math.isnan(part[n - 1]):
        return math.nan
    a, b = float(part[lo]), float(part[hi])
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def _mean(x: np.ndarray) -> float:
    return float(x.mean())


def replication_metrics(net: Network, tables: dict[str, Any], rep: int,
                        target_day: int | None = None) -> pd.DataFrame:
    """KPI values of one replication, tidy: replication, metric, level, case_type, value.

    Formulas: :mod:`vetsim.kpis` (every rate over all cases of the window, open ones included).
    For duty and campaign metrics ``case_type`` holds the duty or campaign id (or ``all``).
    """
    vis, cases, sd, work = tables["visits"], tables["cases"], tables["site_days"], tables["work"]
    # sites with no staff time in the whole window (只挂牌、不配人): their KPIs are red, never "—"
    site_avail = np.bincount(sd["site_id"], weights=sd["available_min"], minlength=len(net.site_ids))
    unstaffed = site_avail <= 0
    rows = _visit_metrics(net, vis, unstaffed)
    rows += _case_metrics(net, cases, vis)
    rows += _time_metrics(net, sd, work, unstaffed)
    rows += _work_metrics(work)
    rows += _overtime_metrics(net, sd)
    rows += _petition_metrics(net, tables["petition"], cases, target_day)
    metric, level, case_type, value = zip(*rows) if rows else ((), (), (), ())
    return pd.DataFrame({"replication": np.full(len(rows), rep, dtype=np.int64), "metric": metric, "level": level,
                         "case_type": case_type, "value": np.array(value, dtype=float)}, copy=False)


def _visit_metrics(net: Network, vis: Columns, unstaffed: np.ndarray) -> list[tuple[str, str, str, float]]:
    """Waiting apart from visits that found nobody: the wait counts the visits that found staff only
    (a visit that found nobody "waited" until closing time and would swamp the mean); those visits are
    their own KPI, and the service level counts both. A veteran who came to a site with no staff at
    all in the window is never served there: the wait of any group with such visits is infinite (red),
    so that removing a station's staff cannot shorten the wait of its level or of the county."""
    rows: list[tuple[str, str, str, float]] = []
    wait = vis["wait_min"]
    nobody = vis["found_nobody"]
    found = ~nobody
    grp = _Groups(vis["level"], vis["case_type"], net.site_level_names, net.case_types)
    n = grp.n
    inf = grp.count(unstaffed[vis["site_id"]]) > 0
    in_time = _share(grp.count(vis["served"] & (wait <= net.wait_target)), n)
    wasted = _share(grp.count(nobody), n)
    waits = grp.reduce(lambda w: (float(w.mean()), _p90(w)), wait, sel=found)
    for g, lv, ct in grp.listed():
        if not n[g]:
            continue
        mean, p90 = (np.inf, np.inf) if inf[g] else (np.nan, np.nan) if waits[g] is None else waits[g]
        rows += [("wait_mean_min", lv, ct, mean), ("wait_p90_min", lv, ct, p90),
                 ("service_level", lv, ct, float(in_time[g])), ("wasted_trip_share", lv, ct, float(wasted[g]))]
    return rows


def _case_metrics(net: Network, cases: Columns, vis: Columns) -> list[tuple[str, str, str, float]]:
    """Counts and rates of the cases by the level where they started; time in process and on-time
    share of new cases apart from the cases open at the start (an old backlog diluted by new cases
    must not look faster)."""
    rows: list[tuple[str, str, str, float]] = []
    fin = ~cases["open_at_end"]
    new = ~cases["from_backlog"]
    trips = cases["trips"]
    age = cases["age_working_days"]
    overdue = cases["overdue_open"]
    ct_codes = cases["case_type"]
    old, still_open = ~new, ~fin
    # per case, once: the trip base (finished new cases, and open ones the veteran came for), its one-trip
    # cases, and the on-time base (finished, or open past the limit) of new and of old cases
    late_base = fin | overdue
    grp = _Groups(cases["origin_level"], ct_codes, net.site_level_names, net.case_types)
    n, count = grp.n, grp.count
    n_new, n_old, n_open, n_fin = count(new), count(old), count(still_open), count(fin)
    n_base, n_one, n_overdue = count(new & (fin | (trips >= 1))), count(new & fin & (trips <= 1)), count(overdue)
    on_time = _group_share(grp, cases["on_time"], late_base & new)  # an open case: not on time (NA in the frame)
    resolution = _group_means(grp, age, new)
    on_time_old = resolution_old = []  # of the cases open at the start, where there are any
    if n_old.any():
        on_time_old, resolution_old = _group_share(grp, cases["on_time"], late_base & old), _group_means(grp, age, old)
    for g, lv, ct in grp.listed():
        rows += [("cases_arrived", lv, ct, float(n_new[g])),
                 ("backlog_start", lv, ct, float(n_old[g])),
                 ("cases_finished", lv, ct, float(n_fin[g])),
                 ("cases_open", lv, ct, float(n_open[g])),
                 ("finish_rate", lv, ct, float(np.int64(n_fin[g]) / np.int64(n[g])) if n[g] else np.nan),
                 ("overdue_open", lv, ct, float(n_overdue[g])),
                 ("backlog_growth", lv, ct, float(n_open[g] - n_old[g])),
                 ("one_trip_rate", lv, ct, float(np.int64(n_one[g]) / np.int64(n_base[g])) if n_base[g] else np.nan),
                 ("on_time_share", lv, ct, on_time[g]),
                 ("resolution_working_days_mean", lv, ct, resolution[g])]
        if n_old[g]:  # cases open at the start, where there are any
            rows += [("on_time_share_backlog", lv, ct, on_time_old[g]),
                     ("resolution_working_days_backlog", lv, ct, resolution_old[g])]
    final = _Groups(cases["final_level"], ct_codes, net.level_names, net.case_types)
    n_end = final.count(still_open)
    rows += [("backlog_end", lv, ct, float(n_end[g])) for g, lv, ct in final.listed()]
    # on the spot: per counter visit of the level where the case was resolved on the spot
    nl = len(net.site_level_names)
    visits_lv = np.bincount(vis["level"][vis["level"] < nl], minlength=nl)
    spot_lv = final.count(cases["on_spot"]).reshape(final.nl + 1, final.nc + 1)[1:, 0]
    for li, lname in enumerate(net.site_level_names):
        if visits_lv[li]:
            rows.append(("on_spot_share", lname, "all", float(np.int64(spot_lv[li]) / np.int64(visits_lv[li]))))
    return rows


def _group_share(grp: _Groups, values: np.ndarray, base: np.ndarray) -> list[float]:
    """The mean of ``values`` over each group's rows where ``base`` (NaN where none)."""
    if values.dtype == bool:  # a count over a count: the mean of a boolean
        share = _share(grp.count(base & values), grp.count(base))
        return [float(x) for x in share]
    return _group_means(grp, values, base)


def _group_means(grp: _Groups, values: np.ndarray, sel: np.ndarray) -> list[float]:
    """The mean of ``values`` over each group's rows where ``sel`` (NaN where none), as numpy's mean of the
    masked rows gives it. Whole numbers (working days) are summed exactly in any order while every sum stays
    below 2**53: their sums by bincount are the same floats, and each mean the same quotient."""
    v = values[sel]
    if v.dtype.kind == "f" and np.abs(v).sum() < 2.0**53 and np.array_equal(v, np.trunc(v)):
        return [float(x) for x in _share(grp.total(values, sel), grp.count(sel))]
    return [np.nan if m is None else m for m in grp.reduce(_mean, values, sel=sel)]


def _time_metrics(net: Network, sd: Columns, work: Columns,
                  unstaffed_site: np.ndarray) -> list[tuple[str, str, str, float]]:
    """Utilisation and workload pressure per level. A site with no staff time at all in the window
    (只挂牌、不配人) still has work due: it counts as time used in its level and county-wide, so a level
    without staff is infinitely loaded (red), and removing staff cannot lower the county's utilisation."""
    rows: list[tuple[str, str, str, float]] = []
    busy = (sd["busy_counter_min"] + sd["busy_backoffice_min"] + sd["busy_duties_min"] + sd["busy_campaign_min"]
            + sd["other_work_min"] + sd["cover_min"] + sd["fixed_min"])
    due = sd["busy_counter_min"] + sd["casework_in_min"] + sd["other_work_min"] + sd["cover_min"] + sd["fixed_min"]
    ns = len(net.site_ids)
    owed_codes, owed_lv, owed_site = _owed(work, ns)
    site = sd["site_id"]
    grp = _Groups(sd["level"], None, net.site_level_names, ())
    unstaffed = unstaffed_site[site]

    def sums(*values: np.ndarray, sel: np.ndarray | None = None) -> list[tuple[float, ...]]:
        none = (0.0,) * len(values)  # the sum over no rows
        return [none if x is None else x for x in grp.reduce(lambda *v: tuple(x.sum() for x in v), *values, sel=sel,
                                                             only=(1,))]

    summed = sums(sd["available_min"], due, busy)
    unmet = sums(due, sel=unstaffed) if unstaffed.any() else [(0.0,)] * len(grp.n)
    with_rows = np.bincount(site, minlength=ns) > 0
    site_lv = np.asarray(net.level, dtype=np.int64)
    for g, lv, ct in grp.listed(with_ct=False):
        li = g // (grp.nc + 1) - 1 if g else None  # the level (None: all)
        a, due_g, busy_g = summed[g]
        owed = float(owed_lv.sum() if li is None else owed_lv[owed_codes == li].sum())
        lv_sites = np.flatnonzero(with_rows if li is None else with_rows & (site_lv == li))  # sorted, as np.unique
        used_g = busy_g + (unmet[g][0] + owed_site[lv_sites[unstaffed_site[lv_sites]]].sum())
        load_g = due_g + owed
        rows.append(("utilisation", lv, ct, float(used_g / a) if a > 0 else (np.inf if used_g > 0 else np.nan)))
        rows.append(("workload_pressure", lv, ct, float(load_g / a) if a > 0 else (np.inf if load_g > 0 else np.nan)))
    return rows


_OWED: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # _owed's answers by the work table's content


def _owed(work: Columns, n_sites: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minutes of duties and campaigns owed: the levels that owe any (sorted), their sums, and the sum per site
    (pandas' grouped sums, which add with Kahan's compensation). What is owed is the network's, the same in
    every replication: it is summed once and kept, keyed by the columns' bytes (a changed table sums anew)."""
    if not len(work):
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(n_sites)
    cols = [np.ascontiguousarray(work[c]) for c in ("owed_min", "level", "site_id")]
    key = (n_sites, *((c.dtype.str, c.tobytes()) for c in cols))
    hit = _OWED.get(key)
    if hit is None:
        owed = pd.Series(cols[0])
        by_lv = owed.groupby(cols[1]).sum()
        by_site = owed.groupby(cols[2]).sum().reindex(range(n_sites), fill_value=0.0).to_numpy()
        hit = (by_lv.index.to_numpy(), by_lv.to_numpy(), by_site)
        for a in hit:
            a.setflags(write=False)
        if len(_OWED) >= 8:
            _OWED.clear()
        _OWED[key] = hit
    return hit


def _petition_metrics(net: Network, pet: np.ndarray, cases: Columns,
                      target_day: int | None) -> list[tuple[str, str, str, float]]:
    """The petition backlog (信访积案): open at the end, the day it reaches zero, whether by the target
    day, and -- counted apart -- the cases that cannot be resolved under current policy."""
    zero = np.flatnonzero(pet == 0)
    zero_day = float(zero[0]) if len(zero) else np.nan
    rows = [("petition_backlog_end", "all", "all", float(pet[-1]) if len(pet) else np.nan),
            ("petition_backlog_zero_day", "all", "all", zero_day)]
    if not any(net.is_petition[b[1]] for b in net.backlog):
        return rows
    if target_day is not None:
        rows.append(("petition_target_met", "all", "all", float(not np.isnan(zero_day) and zero_day <= target_day)))
    pet_ct = np.asarray(net.is_petition, dtype=bool)[cases["case_type"]]
    other = cases["from_backlog"] & pet_ct & cases["not_resolvable"]
    rows.append(("petition_backlog_not_resolvable", "all", "all", float(other.sum())))
    return rows


def _overtime_metrics(net: Network, sd: Columns) -> list[tuple[str, str, str, float]]:
    """Overtime hours per post a month, and weeks over the cap per site, per level and overall (none: 0)."""
    rows: list[tuple[str, str, str, float]] = []
    if not net.ot_cap_h_week or not any(net.ot_max_min):
        return rows
    ns, nd = len(net.site_ids), net.days
    weeks = max(1, (nd + 6) // 7)
    cell = sd["site_id"] * weeks + sd["day"] // 7  # added in row order, as np.add.at would
    ot = np.bincount(cell, weights=sd["overtime_min"] / 60.0, minlength=ns * weeks).reshape(ns, weeks)
    posts = np.asarray(net.staff, dtype=float)
    per_post = ot / np.maximum(posts, 1.0)[:, None]
    over = (per_post > np.asarray(net.ot_cap_h_week)[:, None] + 1e-9).sum(axis=1)
    months = nd / (365.0 / 12.0)
    level = np.asarray(net.level)
    for li, lname in [(None, "all"), *enumerate(net.level_names)]:
        m = np.ones(ns, bool) if li is None else level == li
        if not m.any() or posts[m].sum() <= 0:
            continue
        rows += [("overtime_h_per_post_month", lname, "all", float(ot[m].sum() / posts[m].sum() / months)),
                 ("overtime_weeks_over_cap", lname, "all", float(over[m].mean()))]
    return rows


def _work_metrics(work: Columns) -> list[tuple[str, str, str, float]]:
    """Duty coverage and campaign completion by the due date, per level and item (and overall)."""
    rows: list[tuple[str, str, str, float]] = []
    if not len(work):
        return rows
    done, owed, level, item, kind = (work[c] for c in ("done_by_due_min", "owed_min", "level", "item", "kind"))
    lv_names, item_names = work.cats["level"], work.cats["item"]
    ni = len(item_names)
    has_due = ~np.isnan(done)  # due within the window
    ratio = functools.partial(_by_key, lambda d, o: float(d.sum() / o.sum()), done, owed)
    for k, metric in ((0, "duty_coverage"), (1, "campaign_on_time")):  # kind codes: duty 0, campaign 1
        part = has_due & (kind == k)
        if not part.any():
            continue
        rows.append((metric, "all", "all", float(done[part].sum() / owed[part].sum())))
        for pair, r in ratio(level * ni + item, part):  # by level, then item
            lv, it = divmod(pair, ni)
            rows.append((metric, str(lv_names[lv]), str(item_names[it]), r))
        rows += [(metric, str(lv_names[lv]), "all", r) for lv, r in ratio(level, part)]
    last = functools.partial(_by_key, lambda d: float(d.max()) if not np.isnan(d).any() else np.nan, work["done_day"])
    rows += [("campaign_done_day", "all", str(item_names[it]), day) for it, day in last(item, kind == 1)]
    return rows


def _by_key(fn: Callable[..., float], *columns_key_sel: np.ndarray) -> list[tuple[int, float]]:
    """(key, ``fn`` of the columns over the rows where ``sel`` with that key) for each key, ascending; each
    column's rows in table order (as a boolean mask picks them). Arguments: the columns, then key and sel."""
    *columns, key, sel = columns_key_sel
    k = key[sel]
    order = np.argsort(k, kind="stable")
    k = k[order]
    parts = [c[sel][order] for c in columns]
    keys, starts = np.unique(k, return_index=True)
    ends = [*starts[1:].tolist(), len(k)]
    return [(kk, fn(*(p[a:b] for p in parts))) for kk, a, b in zip(keys.tolist(), starts.tolist(), ends)]
