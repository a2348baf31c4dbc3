"""One replication's engine records -> tidy DataFrames and per-replication KPI values."""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..staffing.duties import split_days
from .calendar import MINUTES_PER_DAY
from .engine import Engine
from .network import CHANNELS, LEVEL_NAMES, Network

__all__ = ["replication_frames", "replication_metrics"]

DAY = MINUTES_PER_DAY


def _cat(values: np.ndarray, names: tuple[str, ...] | list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(values.astype(np.int64), categories=list(names))


def _path_text(net: Network, path: list[int]) -> str:
    return ">".join(net.site_ids[p] if p >= 0 else net.partners[-1 - p] for p in path)


def replication_frames(net: Network, eng: Engine, rep: int) -> dict[str, pd.DataFrame]:
    """``cases``, ``visits``, ``site_days`` and ``petition`` (daily petition backlog) for one run."""
    cases = eng.cases
    n = len(cases)
    ct = np.fromiter((c.ct for c in cases), np.int64, n)
    origin = np.fromiter((c.origin for c in cases), np.int64, n)
    last = np.fromiter((c.path[-1] for c in cases), np.int64, n)
    flevel = np.fromiter((c.level for c in cases), np.int64, n)
    t_arr = np.fromiter((c.t_arr for c in cases), float, n)
    t_fin = np.fromiter((c.t_fin for c in cases), float, n)
    is_open = np.isnan(t_fin)
    arr_day = np.floor(t_arr / DAY).astype(np.int64)
    fin_day = np.where(is_open, np.nan, np.floor(t_fin / DAY))
    site_names = list(net.site_ids) + list(net.partners)
    final_code = np.where(last >= 0, last, len(net.site_ids) + (-1 - last))
    deadline = net.deadline[ct, flevel]
    wdays = np.full(n, np.nan)
    fin_idx = np.where(is_open, 0, np.nan_to_num(fin_day)).astype(np.int64)
    wdays[~is_open] = net.cal.working_days_between(arr_day[~is_open], fin_idx[~is_open])
    on_time = pd.array(np.where(is_open, False, wdays <= deadline), dtype="boolean")
    on_time[is_open] = pd.NA
    case_df = pd.DataFrame({
        "replication": np.full(n, rep, dtype=np.int32),
        "case_id": np.arange(n, dtype=np.int64),
        "case_type": _cat(ct, net.case_types),
        "origin_site": _cat(origin, net.site_ids),
        "origin_level": _cat(np.asarray(net.level)[origin] if n else origin, LEVEL_NAMES),
        "final_site": _cat(final_code, site_names),
        "final_level": _cat(flevel, LEVEL_NAMES),
        "path": [_path_text(net, c.path) for c in cases],
        "channel": _cat(np.fromiter((c.channel for c in cases), np.int64, n), CHANNELS),
        "from_backlog": np.fromiter((c.backlog for c in cases), bool, n),
        "arrival_day": arr_day,
        "finish_day": fin_day,
        "trips": np.fromiter((c.trips for c in cases), np.int32, n),
        "visits": np.fromiter((c.visits for c in cases), np.int32, n),
        "abandoned_visits": np.fromiter((c.aband for c in cases), np.int32, n),
        "counter_wait_min": np.fromiter((c.wait for c in cases), float, n),
        "working_days": wdays,
        "deadline_working_days": deadline.astype(np.int32),
        "on_time": on_time,
        "open_at_end": is_open,
    })
    eng.cases = []  # the frame holds everything now; free the objects before the next frames
    del cases

    v = np.array(eng.visits, dtype=float).reshape(-1, 6)
    vs, vct, t0, t1, svc, served = (v[:, i] for i in range(6))
    vs_i = vs.astype(np.int64)
    vday = np.floor(t0 / DAY).astype(np.int64)
    wait = t1 - t0
    level_arr = np.asarray(net.level)
    visit_df = pd.DataFrame({
        "replication": np.full(len(v), rep, dtype=np.int32),
        "site_id": _cat(vs_i, net.site_ids),
        "level": _cat(level_arr[vs_i], LEVEL_NAMES),
        "case_type": _cat(vct, net.case_types),
        "day": vday,
        "wait_min": wait,
        "served": served.astype(bool),
        "arrive_min": t0,
        "service_min": svc,
    })
    return {"cases": case_df, "visits": visit_df,
            "site_days": _site_days(net, eng, rep, vs_i, vday, wait, t0, t1, svc, served.astype(bool)),
            "petition": np.asarray(eng.pet_snap, dtype=np.int64)}


def _site_days(net: Network, eng: Engine, rep: int, vs: np.ndarray, vday: np.ndarray, wait: np.ndarray,
               t0: np.ndarray, t1: np.ndarray, svc: np.ndarray, served: np.ndarray) -> pd.DataFrame:
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
    wait_sum = count(weights=wait)
    sday = np.floor(t1 / DAY).astype(np.int64)
    ok = served & (sday < nd)
    busy_c = np.bincount(vs[ok] * nd + sday[ok], weights=svc[ok], minlength=ns * nd).reshape(shape)
    bo = np.array(eng.bo_rec, dtype=float).reshape(-1, 3)
    busy_b = np.bincount((bo[:, 0] * nd + bo[:, 1]).astype(np.int64), weights=bo[:, 2],
                         minlength=ns * nd).reshape(shape)
    avail = (np.asarray(net.staff) * np.asarray(net.open_min))[:, None] * net.open_mask[:, :nd]
    # recurring duties (and shared village cover): the engine's rule, counter first, then duties
    reserved = np.asarray(net.reserved_min, dtype=float)[:, None] * net.open_mask[:, :nd]
    busy_d = split_days(avail.astype(float), busy_c, reserved)[0]
    # exact queue length: +1 when a veteran starts waiting, -1 when served or gone
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
    qmax = qmax.reshape(shape)
    backlog = np.asarray(eng.snap, dtype=np.int64).T if eng.snap else np.zeros(shape, dtype=np.int64)
    if backlog.shape[1] < nd:
        backlog = np.pad(backlog, ((0, 0), (0, nd - backlog.shape[1])), mode="edge")
    keep = (avail > 0) | (arrivals > 0) | (busy_c > 0) | (busy_b > 0) | (busy_d > 0)
    si, di = np.nonzero(keep)
    start = net.cal.start
    with np.errstate(invalid="ignore", divide="ignore"):
        wait_mean = np.where(arrivals > 0, wait_sum / np.maximum(arrivals, 1), np.nan)
        util = np.where(avail > 0, (busy_c + busy_b + busy_d) / np.where(avail > 0, avail, 1), np.nan)
    return pd.DataFrame({
        "replication": np.full(len(si), rep, dtype=np.int32),
        "site_id": _cat(si, net.site_ids),
        "level": _cat(np.asarray(net.level)[si], LEVEL_NAMES),
        "date": pd.to_datetime(np.datetime64(start) + di.astype("timedelta64[D]")),
        "day": di,
        "arrivals": arrivals[si, di].astype(np.int32),
        "served": n_served[si, di].astype(np.int32),
        "abandoned": (arrivals - n_served)[si, di].astype(np.int32),
        "wait_mean_min": wait_mean[si, di],
        "queue_max": qmax[si, di].astype(np.int32),
        "backlog_open": backlog[si, di],
        "busy_counter_min": busy_c[si, di],
        "busy_backoffice_min": busy_b[si, di],
        "available_min": avail[si, di].astype(float),
        "utilisation": util[si, di],
        "busy_duties_min": busy_d[si, di],
        "duties_missed_min": (reserved - busy_d)[si, di],
    })


def _groups(levels: np.ndarray, cts: np.ndarray, level_names, ct_names, with_ct: bool = True):
    """(level label, case type label, mask) for all, each level, each case type and each pair."""
    lv_keys = [("all", None)] + [(name, i) for i, name in enumerate(level_names)]
    ct_keys = [("all", None)] + ([(name, i) for i, name in enumerate(ct_names)] if with_ct else [])
    for lname, li in lv_keys:
        lm = np.ones(len(levels), bool) if li is None else levels == li
        if li is not None and not lm.any():
            continue
        for cname, ci in ct_keys:
            m = lm if ci is None else lm & (cts == ci)
            if ci is not None and not m.any():
                continue
            yield lname, cname, m


def replication_metrics(net: Network, frames: dict[str, pd.DataFrame], rep: int) -> pd.DataFrame:
    """KPI values of one replication, tidy: replication, metric, level, case_type, value."""
    rows: list[tuple[str, str, str, float]] = []
    vis, cases, sd = frames["visits"], frames["cases"], frames["site_days"]
    target = net.wait_target
    wait = vis["wait_min"].to_numpy()
    served = vis["served"].to_numpy()
    for lv, ct, m in _groups(vis["level"].cat.codes.to_numpy(), vis["case_type"].cat.codes.to_numpy(),
                             LEVEL_NAMES[:3], net.case_types):
        if not m.any():
            continue
        w = wait[m]
        rows += [("wait_mean_min", lv, ct, float(w.mean())),
                 ("wait_p90_min", lv, ct, float(np.quantile(w, 0.9))),
                 ("service_level", lv, ct, float(np.mean(served[m] & (w <= target))))]
    fin = ~cases["open_at_end"].to_numpy()
    new = ~cases["from_backlog"].to_numpy()
    trips = cases["trips"].to_numpy()
    wd = cases["working_days"].to_numpy()
    ontime = cases["on_time"].to_numpy(dtype=bool, na_value=False)
    ct_codes = cases["case_type"].cat.codes.to_numpy()
    for lv, ct, m in _groups(cases["origin_level"].cat.codes.to_numpy(), ct_codes, LEVEL_NAMES[:3], net.case_types):
        nf, nn = m & fin, m & fin & new
        rows += [("cases_arrived", lv, ct, float((m & new).sum())),
                 ("backlog_start", lv, ct, float((m & ~new).sum())),
                 ("cases_finished", lv, ct, float(nf.sum())),
                 ("cases_open", lv, ct, float((m & ~fin).sum())),
                 ("one_trip_rate", lv, ct, float((trips[nn] <= 1).mean()) if nn.any() else np.nan),
                 ("on_time_share", lv, ct, float(ontime[nf].mean()) if nf.any() else np.nan),
                 ("resolution_working_days_mean", lv, ct, float(wd[nf].mean()) if nf.any() else np.nan)]
    for lv, ct, m in _groups(cases["final_level"].cat.codes.to_numpy(), ct_codes, LEVEL_NAMES, net.case_types):
        rows.append(("backlog_end", lv, ct, float((m & ~fin).sum())))
    busy = (sd["busy_counter_min"] + sd["busy_backoffice_min"] + sd["busy_duties_min"]).to_numpy()
    avail = sd["available_min"].to_numpy()
    for lv, ct, m in _groups(sd["level"].cat.codes.to_numpy(), np.zeros(len(sd), int), LEVEL_NAMES[:3], (), False):
        a = avail[m].sum()
        rows.append(("utilisation", lv, ct, float(busy[m].sum() / a) if a > 0 else np.nan))
    pet = frames["petition"]
    zero = np.flatnonzero(pet == 0)
    rows += [("petition_backlog_end", "all", "all", float(pet[-1]) if len(pet) else np.nan),
             ("petition_backlog_zero_day", "all", "all", float(zero[0]) if len(zero) else np.nan)]
    out = pd.DataFrame(rows, columns=["metric", "level", "case_type", "value"])
    out.insert(0, "replication", rep)
    return out
