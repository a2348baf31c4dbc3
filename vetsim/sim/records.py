"""One replication's engine records -> numpy tables, their KPI values, and (on request) tidy DataFrames.

The KPI-only path (issue 25): :func:`replication_tables` gives each table as :class:`Columns` (numpy
columns; categorical ones as codes with their names; columns only a reader of the table needs are computed
when the DataFrame is made). :func:`replication_metrics` computes the KPIs from these columns, so a run that
wants KPIs only builds no DataFrame, and a run that keeps the tables (``Columns.frame``) gets the very same
KPI values, bit for bit.
"""

from __future__ import annotations

import functools
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


def _path_texts(net: Network, paths: list[list[int]]) -> list[str]:
    """Each path as text (``C01>T01>civil_affairs``); each distinct path is spelled once."""
    seen: dict[tuple[int, ...], str] = {}
    out = []
    sites = net.site_ids
    for path in paths:
        if len(path) == 1:  # still at its first site (always a site): most cases
            out.append(sites[path[0]])
            continue
        key = tuple(path)
        text = seen.get(key)
        if text is None:
            text = seen[key] = ">".join(net.site_ids[p] if p >= 0 else net.partners[-1 - p] for p in path)
        out.append(text)
    return out


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
        out: dict[str, Any] = {}
        for name, col in self.cols.items():
            col = self.lazy[name]() if name in self.lazy else col
            out[name] = _cat(col, self.cats[name]) if name in self.cats else col
        return pd.DataFrame(out)


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
    ct = ci[C_CT]
    origin = ci[C_ORIGIN]
    plen = ci[C_PLEN]
    last = paths[np.arange(n), plen - 1] if n else np.zeros(0, dtype=np.int64)
    flevel = ci[C_LEVEL]
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
    lazy = {"path": lambda: _path_texts(net, [p[:k].tolist() for p, k in zip(paths, plen.tolist(), strict=True)]),
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
    return Columns(n, {
        "replication": np.full(n, rep, dtype=np.int32),
        "site_id": pk.site,
        "level": np.asarray(net.level, dtype=np.int64)[pk.site],
        "item": pk.item,
        "kind": (pk.kind == KIND_CAMPAIGN).astype(np.int64),
        "release_day": pk.release,
        "due_day": pk.due,
        "owed_min": pk.minutes,
        "done_by_due_min": eng.pk_done_by_due,  # NaN: due after the window
        "done_min": pk.minutes - eng.pk_rem,
        "done_day": done_day,
    }, cats)


def _site_days(net: Network, eng: Engine, rep: int, vs: np.ndarray, vday: np.ndarray, wait: np.ndarray,
               t0: np.ndarray, t1: np.ndarray, svc: np.ndarray, served: np.ndarray,
               nobody: np.ndarray) -> Columns:
    ns, nd = len(net.site_ids), net.days
    shape = (ns, nd)
    keep_v = vday < nd
    flat = vs[keep_v] * nd + vday[keep_v]

    def count(weights: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        m = keep_v if mask is None else keep_v & mask
        f = vs[m] * nd + vday[m]
        w = None if weights is None else weights[m]
        return np.bincount(f, weights=w, minlength=ns * nd).reshape(shape)

    arrivals = np.bincount(flat, minlength=ns * nd).reshape(shape)
    n_served = count(mask=served)
    n_nobody = count(mask=nobody)
    wait_sum = count(weights=wait)
    sday = np.floor(t1 / DAY).astype(np.int64)
    ok = served & (sday < nd)
    busy_c = np.bincount(vs[ok] * nd + sday[ok], weights=svc[ok], minlength=ns * nd).reshape(shape)
    rec = eng.rec
    busy_b, busy_d, busy_p = rec["casework"], rec["duties"], rec["campaigns"]
    other, cover = rec["other"], rec["cover"]
    avail = eng.present[:, :nd] * np.asarray(net.open_min, dtype=float)[:, None] * net.open_mask[:, :nd]
    keep = (net.open_mask[:, :nd] | (arrivals > 0) | (busy_c > 0) | (busy_b > 0) | (busy_d > 0) | (busy_p > 0)
            | (rec["casework_in"] > 0) | (rec["overtime"] > 0))  # e.g. the cases open at the start arrive on a holiday
    si, di = np.nonzero(keep)

    def wait_mean() -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arrivals > 0, wait_sum / np.maximum(arrivals, 1), np.nan)[keep]

    def utilisation() -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            used = busy_c + busy_b + busy_d + busy_p + other + cover + rec["fixed"]
            return np.where(avail > 0, used / np.where(avail > 0, avail, 1), np.nan)[keep]

    lazy = {"date": lambda: pd.to_datetime(np.datetime64(net.cal.start) + di.astype("timedelta64[D]")),
            "wait_mean_min": wait_mean, "queue_max": lambda: _queue_max(vs, t0, t1, wait, ns, nd)[keep],
            "backlog_open": lambda: _backlog_open(eng, shape)[keep], "utilisation": utilisation}
    return Columns(len(si), {
        "replication": np.full(len(si), rep, dtype=np.int32),
        "site_id": si,
        "level": np.asarray(net.level, dtype=np.int64)[si],
        "date": None,
        "day": di,
        "arrivals": arrivals[keep].astype(np.int32),
        "served": n_served[keep].astype(np.int32),
        "abandoned": (arrivals - n_served - n_nobody)[keep].astype(np.int32),
        "found_nobody": n_nobody[keep].astype(np.int32),
        "staff_present": eng.present[keep].astype(np.int32),
        "wait_mean_min": None,
        "queue_max": None,
        "backlog_open": None,
        "busy_counter_min": busy_c[keep],
        "busy_backoffice_min": busy_b[keep],
        "available_min": avail[keep].astype(float),
        "utilisation": None,
        "busy_duties_min": busy_d[keep],
        "busy_campaign_min": busy_p[keep],
        "other_work_min": other[keep],
        "cover_min": cover[keep],
        "casework_in_min": rec["casework_in"][keep],
        "fixed_min": rec["fixed"][keep],  # meetings, reports, training (fixed_time)
        "overtime_min": rec["overtime"][keep],  # duties and campaigns done in overtime (beyond available_min)
    }, {"site_id": net.site_ids, "level": net.level_names}, lazy)


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


def _groups(levels: np.ndarray, cts: np.ndarray, level_names, ct_names, with_ct: bool = True):
    """(level label, case type label, mask) for all, each level, each case type and each pair."""
    lv_keys = [("all", None)] + [(name, i) for i, name in enumerate(level_names)]
    ct_keys = [("all", None)] + ([(name, i) for i, name in enumerate(ct_names)] if with_ct else [])
    ct_masks = {ci: cts == ci for _, ci in ct_keys if ci is not None}  # once, not once per level
    for lname, li in lv_keys:
        lm = np.ones(len(levels), bool) if li is None else levels == li
        if li is not None and not lm.any():
            continue
        for cname, ci in ct_keys:
            m = lm if ci is None else lm & ct_masks[ci]
            if ci is not None and not m.any():
                continue
            yield lname, cname, m


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
    out = pd.DataFrame(rows, columns=["metric", "level", "case_type", "value"])
    out.insert(0, "replication", rep)
    return out


def _visit_metrics(net: Network, vis: Columns, unstaffed: np.ndarray) -> list[tuple[str, str, str, float]]:
    """Waiting apart from visits that found nobody: the wait counts the visits that found staff only
    (a visit that found nobody "waited" until closing time and would swamp the mean); those visits are
    their own KPI, and the service level counts both. A veteran who came to a site with no staff at
    all in the window is never served there: the wait of any group with such visits is infinite (red),
    so that removing a station's staff cannot shorten the wait of its level or of the county."""
    rows: list[tuple[str, str, str, float]] = []
    target = net.wait_target
    wait = vis["wait_min"]
    served = vis["served"]
    nobody = vis["found_nobody"]
    never = unstaffed[vis["site_id"]]
    found, in_time = ~nobody, served & (wait <= target)
    for lv, ct, m in _groups(vis["level"], vis["case_type"], net.site_level_names, net.case_types):
        if not m.any():
            continue
        inf = bool((m & never).any())
        w = wait[:0] if inf else wait[m & found]  # an infinite wait needs no mean
        rows += [("wait_mean_min", lv, ct, np.inf if inf else float(w.mean()) if len(w) else np.nan),
                 ("wait_p90_min", lv, ct, np.inf if inf else float(np.quantile(w, 0.9)) if len(w) else np.nan),
                 ("service_level", lv, ct, float(np.mean(in_time[m]))),
                 ("wasted_trip_share", lv, ct, float(np.mean(nobody[m])))]
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
    ontime = cases["on_time"]  # an open case: not on time (the DataFrame shows NA until it is late)
    overdue = cases["overdue_open"]
    spot = cases["on_spot"]
    ct_codes = cases["case_type"]
    old, still_open = ~new, ~fin
    # per case, once: the trip base (finished new cases, and open ones the veteran came for), its one-trip
    # cases, and the on-time base (finished, or open past the limit) of new and of old cases
    trip_base_all = new & (fin | (trips >= 1))
    one_trip_all = new & fin & (trips <= 1)
    late_base_all = fin | overdue
    late_new, late_old = late_base_all & new, late_base_all & old
    for lv, ct, m in _groups(cases["origin_level"], ct_codes, net.site_level_names, net.case_types):
        nf = m & fin
        n_new, n_old, n_open = int((m & new).sum()), int((m & old).sum()), int((m & still_open).sum())
        n_base = int((m & trip_base_all).sum())
        rows += [("cases_arrived", lv, ct, float(n_new)),
                 ("backlog_start", lv, ct, float(n_old)),
                 ("cases_finished", lv, ct, float(nf.sum())),
                 ("cases_open", lv, ct, float(n_open)),
                 ("finish_rate", lv, ct, float(nf.sum() / m.sum()) if m.any() else np.nan),
                 ("overdue_open", lv, ct, float((m & overdue).sum())),
                 ("backlog_growth", lv, ct, float(n_open - n_old)),
                 ("one_trip_rate", lv, ct, float(np.int64((m & one_trip_all).sum()) / np.int64(n_base))
                  if n_base else np.nan),
                 ("on_time_share", lv, ct, _mean(ontime, m & late_new)),
                 ("resolution_working_days_mean", lv, ct, _mean(age, m & new))]
        if n_old:  # cases open at the start, where there are any
            rows += [("on_time_share_backlog", lv, ct, _mean(ontime, m & late_old)),
                     ("resolution_working_days_backlog", lv, ct, _mean(age, m & old))]
    for lv, ct, m in _groups(cases["final_level"], ct_codes, net.level_names, net.case_types):
        rows.append(("backlog_end", lv, ct, float((m & still_open).sum())))
    # on the spot: per counter visit of the level where the case was resolved on the spot
    vis_lv = vis["level"]
    final_lv = cases["final_level"]
    for li, lname in enumerate(net.site_level_names):
        nv = int((vis_lv == li).sum())
        if nv:
            rows.append(("on_spot_share", lname, "all", float((spot & (final_lv == li)).sum() / nv)))
    return rows


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else np.nan


def _time_metrics(net: Network, sd: Columns, work: Columns,
                  unstaffed_site: np.ndarray) -> list[tuple[str, str, str, float]]:
    """Utilisation and workload pressure per level. A site with no staff time at all in the window
    (只挂牌、不配人) still has work due: it counts as time used in its level and county-wide, so a level
    without staff is infinitely loaded (red), and removing staff cannot lower the county's utilisation."""
    rows: list[tuple[str, str, str, float]] = []
    busy = (sd["busy_counter_min"] + sd["busy_backoffice_min"] + sd["busy_duties_min"] + sd["busy_campaign_min"]
            + sd["other_work_min"] + sd["cover_min"] + sd["fixed_min"])
    avail = sd["available_min"]
    due = sd["busy_counter_min"] + sd["casework_in_min"] + sd["other_work_min"] + sd["cover_min"] + sd["fixed_min"]
    sd_lv = sd["level"]
    owed = pd.Series(work["owed_min"])
    owed_lv = owed.groupby(work["level"]).sum() if len(work) else pd.Series(dtype=float)
    owed_lv.index = [net.level_names[i] for i in owed_lv.index]
    # work due at sites with no staff time in the whole window: time used that nobody had
    site = sd["site_id"]
    owed_site = (owed.groupby(work["site_id"]).sum().reindex(range(len(net.site_ids)), fill_value=0.0).to_numpy()
                 if len(work) else np.zeros(len(net.site_ids)))
    unstaffed = unstaffed_site[site]
    for lv, ct, m in _groups(sd_lv, np.zeros(len(sd), int), net.site_level_names, (), False):
        a = avail[m].sum()
        owed = float(owed_lv.sum() if lv == "all" else owed_lv.get(lv, 0.0))
        load = due[m].sum() + owed
        lv_sites = np.flatnonzero(np.bincount(site[m], minlength=len(net.site_ids)))  # sorted, as np.unique
        unmet = due[m & unstaffed].sum() + owed_site[lv_sites[unstaffed_site[lv_sites]]].sum()
        used = busy[m].sum() + unmet
        rows.append(("utilisation", lv, ct, float(used / a) if a > 0 else (np.inf if used > 0 else np.nan)))
        rows.append(("workload_pressure", lv, ct, float(load / a) if a > 0 else (np.inf if load > 0 else np.nan)))
    return rows


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
    ot = np.zeros((ns, weeks))
    np.add.at(ot, (sd["site_id"], sd["day"] // 7), sd["overtime_min"] / 60.0)
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
    has_due = ~np.isnan(done)  # due within the window

    def ratio(m: np.ndarray) -> float:
        return float(done[m].sum() / owed[m].sum())

    for k, metric in ((0, "duty_coverage"), (1, "campaign_on_time")):  # kind codes: duty 0, campaign 1
        part = has_due & (kind == k)
        if not part.any():
            continue
        rows.append((metric, "all", "all", ratio(part)))
        for pair in np.unique(level[part] * len(item_names) + item[part]).tolist():  # by level, then item
            lv, it = divmod(pair, len(item_names))
            rows.append((metric, str(lv_names[lv]), str(item_names[it]), ratio(part & (level == lv) & (item == it))))
        for lv in np.unique(level[part]).tolist():
            rows.append((metric, str(lv_names[lv]), "all", ratio(part & (level == lv))))
    camp = kind == 1
    for it in np.unique(item[camp]).tolist():
        d = work["done_day"][camp & (item == it)]
        rows.append(("campaign_done_day", "all", str(item_names[it]), float(d.max()) if not np.isnan(d).any() else np.nan))
    return rows
