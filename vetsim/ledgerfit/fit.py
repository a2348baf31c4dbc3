"""Fit the scenario's caseload numbers from the bureau's ledger records (issue 12, item 3).

Why: a bureau trusts the workbench once it reproduces its own year. From the matters in the
records (see :mod:`.matters`) this estimates, per site x case type and per level x case type:
yearly volume (Poisson; sites shrunk toward their level by Poisson-gamma empirical Bayes, the prior
splitting the level's volume by veterans as the model does), monthly pattern (sites shrunk by
Dirichlet-multinomial), channel shares, on-the-spot share and the share resolved at the level
(beta-binomial, level prior), referral targets, time to resolution (calendar days: mean, median,
P90, open matters counted), trips per walk-in matter and the petition channels. Every number
carries ``n`` (the matters it rests on) and a standard error; nothing here changes a scenario:
:mod:`.overlay` writes the fitted numbers as an overlay folder.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import VetsimError
from ..scenario import Scenario
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both
from ..work import compile_network
from ..work.presence import closed_share, may_close, unstaffed_share
from .matters import matters
from .presence import away_share_mle, joint_away_share, walkin_days
from .shrink import beta_binomial, dirichlet_pattern, poisson_gamma

__all__ = ["LedgerFit", "fit_ledger", "FitError", "FIT_COLUMNS", "period_of"]

FIT_COLUMNS = ["parameter", "level", "site_id", "case_type", "what", "estimate", "se", "ci_low", "ci_high", "n", "basis",
               "source"]
# basis: "fitted" (from the site's or level's own records), "pooled" (too thin: the level's figure, marked)
_LEVELS = DEFAULT_LEVELS.site_ids


class FitError(VetsimError, ValueError):
    """The records cannot be fitted (none in the period, unknown sites or case types)."""


def period_of(m: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """Whole months covering the matters' dates: (first day, day after the last)."""
    lo, hi = m["date"].min(), m["date"].max()
    start = dt.date(lo.year, lo.month, 1)
    end = (dt.date(hi.year + hi.month // 12, hi.month % 12 + 1, 1))
    return start, end


@dataclass(frozen=True)
class LedgerFit:
    """Fitted numbers with their sample sizes and standard errors (tidy, one row per number)."""

    table: pd.DataFrame  # FIT_COLUMNS
    monthly: pd.DataFrame  # level, case_type, m01..m12 (the level's pattern), n
    start: dt.date
    end: dt.date  # exclusive
    label: str  # e.g. "2027-2028": the ledger years, for sources

    @property
    def years(self) -> float:
        return (self.end - self.start).days / 365.0

    def get(self, parameter: str, level: str = "", case_type: str = "", site_id: str = "", what: str = "") -> pd.Series | None:
        t = self.table
        hit = t[(t["parameter"] == parameter) & (t["level"] == level) & (t["case_type"] == case_type)
                & (t["site_id"] == site_id) & (t["what"] == what)]
        return None if hit.empty else hit.iloc[0]

    def level_volumes(self) -> pd.DataFrame:
        t = self.table
        return t[(t["parameter"] == "yearly_volume") & (t["site_id"] == "")].reset_index(drop=True)


def _check(m: pd.DataFrame, scenario: Scenario) -> None:
    if m.empty:
        raise FitError(*both("calibration.no_records"))
    sites = set(scenario.site_index)
    bad_sites = sorted(set(m["site_id"]) - sites)[:5]
    bad_ct = sorted(set(m["case_type"]) - set(scenario.spec.case_types))[:5]
    if bad_sites or bad_ct:
        raise FitError(*both("calibration.unknown_ids", sites=", ".join(bad_sites) or "-", case_types=", ".join(bad_ct) or "-"))
    if scenario.spec.presence_fit is None:
        raise FitError(*both("calibration.no_presence_fit"))


def _month_cover(start: dt.date, end: dt.date) -> np.ndarray:
    """How many times each calendar month lies in [start, end) (whole months)."""
    cover = np.zeros(12)
    y, mo = start.year, start.month
    while dt.date(y, mo, 1) < end:
        cover[mo - 1] += 1
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return cover


def _pattern(counts: np.ndarray, cover: np.ndarray) -> np.ndarray:
    rate = np.divide(counts, cover, out=np.zeros(12), where=cover > 0)
    return rate / rate.sum() if rate.sum() > 0 else np.full(12, 1 / 12)


def fit_ledger(records: Mapping[str, pd.DataFrame], scenario: Scenario, start: dt.date | None = None,
               end: dt.date | None = None) -> LedgerFit:
    """Fit ``scenario``'s caseload numbers from ``records`` received in [start, end) (default: all)."""
    m = matters(records)
    if start is not None:
        m = m[m["date"] >= pd.Timestamp(start)]
    if end is not None:
        m = m[m["date"] < pd.Timestamp(end)]
    _check(m, scenario)
    m = m.assign(level=m["site_id"].map({s.site_id: s.level for s in scenario.sites}))  # the scenario's level of each site
    p0, p1 = period_of(m)
    start, end = start or p0, end or p1
    years = (end - start).days / 365.0
    label = f"{start.year}" if (end - dt.timedelta(days=1)).year == start.year else f"{start.year}-{(end - dt.timedelta(days=1)).year}"
    cover = _month_cover(start, end)
    rows: list[tuple] = []
    monthly: list[dict] = []
    src = lambda n: both("calibration.source", label=label, n=f"{int(n):,}")  # noqa: E731

    def add(parameter: str, level: str, site: str, ct: str, what: str, est: float, se: float, n: float,
            lo: float | None = None, hi: float | None = None, basis: str = "fitted") -> None:
        zh, en = src(n)
        lo = float(est) - 1.96 * float(se) if lo is None else lo
        hi = float(est) + 1.96 * float(se) if hi is None else hi
        rows.append((parameter, level, site, ct, what, float(est), float(se), float(lo), float(hi), int(n), basis,
                     f"{zh} / {en}"))

    m = m.assign(month=m["date"].dt.month.to_numpy() - 1)
    net = compile_network(scenario)
    marked = bool(m["found_nobody"].any())  # the ledgers write "无人接待": presence is fitted, not assumed
    done = m["resolved_date"].notna()
    target = m["referred_to"].where(m["referred_to"] != "", m["handed_to"])  # a partner or a site
    referred = target != ""
    closed = _fit_presence(add, m, scenario, net) if marked else \
        _fit_presence_joint(add, m[done | referred].assign(hit=(target[done | referred] == "")), scenario, net)
    for (level, ct), g in m.groupby(["level", "case_type"], sort=True):
        if level not in _LEVELS:
            continue
        sites = scenario.sites_at(level)
        ids = [s.site_id for s in sites]
        n_lv = len(g)
        add("yearly_volume", level, "", ct, "", n_lv / years, math.sqrt(n_lv) / years, n_lv)
        # sites: Poisson-gamma toward the level's volume split by veterans (the model's own rule)
        vets = np.array([s.veterans for s in sites], dtype=float)
        share = vets / vets.sum() if vets.sum() > 0 else np.full(len(ids), 1 / len(ids))
        counts = g.groupby("site_id").size().reindex(ids, fill_value=0).to_numpy(float)
        mean, sd, _k = poisson_gamma(counts, share * n_lv / years, years)
        for sid, c, mu, s in zip(ids, counts, mean, sd):
            add("yearly_volume", level, sid, ct, "", mu, s, c)
        # monthly pattern of the level, and per site shrunk toward it
        mc = np.bincount(g["month"], minlength=12).astype(float)
        pat = _pattern(mc, cover)
        monthly.append({"level": level, "case_type": ct, **{f"m{i + 1:02d}": float(pat[i]) for i in range(12)}, "n": n_lv})
        # shares at the level, with sites shrunk toward it (beta-binomial)
        dec = g[(done.loc[g.index] | referred.loc[g.index]) & ~g["found_nobody"]]
        # a walk-in who finds the station closed goes on to the parent (the model's rule): with "无人接待"
        # written those are not decisions; without, the expected closed share (fitted presence) is taken out
        found = None if marked else \
            1.0 - np.where(dec["channel"] == "visit", dec["site_id"].map(closed).fillna(0.0), 0.0)
        _share(add, "resolved_here_share", level, ct, dec, ids, (target.loc[dec.index] == "").to_numpy(), found)
        walk = g[g["channel"] == "visit"]
        _share(add, "on_spot_share", level, ct, walk, ids, walk["on_spot"].to_numpy())
        for ch in sorted(set(g["channel"])):
            p = float((g["channel"] == ch).mean())
            add("channel_share", level, "", ct, ch, p, math.sqrt(p * (1 - p) / n_lv), n_lv)
        to = target.loc[dec.index]
        for where, k in to[to != ""].value_counts().items():
            p = k / len(dec)
            add("referral_share", level, "", ct, str(where), p, math.sqrt(p * (1 - p) / len(dec)), len(dec))
        _resolution(add, level, ct, g)
        if len(walk):
            fin = walk["resolved_date"].notna()
            base = walk[fin | (walk["trips"] >= 1)]
            one = float(((base["trips"] <= 1) & base["resolved_date"].notna()).mean()) if len(base) else math.nan
            add("one_trip_rate", level, "", ct, "", one, math.sqrt(one * (1 - one) / max(len(base), 1)), len(base))
            t = walk["trips"].to_numpy(float)
            add("trips_per_visit_matter", level, "", ct, "", t.mean(), t.std(ddof=1) / math.sqrt(len(t)) if len(t) > 1 else math.nan, len(t))
    _channels(add, m, scenario)
    _site_patterns(add, m, monthly, scenario, cover)
    table = pd.DataFrame(rows, columns=FIT_COLUMNS)
    return LedgerFit(table, pd.DataFrame(monthly), start, end, label)


def _fit_presence(add, m: pd.DataFrame, scenario: Scenario, net) -> dict[str, float]:
    """Away share per level (and per site with enough walk-in days), and the share of days unstaffed.

    Only sites that close when nobody is there and have posts tell anything; the rest keep the
    scenario's presence. Returns the fitted unstaffed share per site.
    """
    ids = list(net.site_ids)
    staff = np.asarray(net.staff)
    shuts = may_close(net)
    settings = scenario.spec.presence_fit
    max_half, min_days = settings.max_half_width.value, settings.min_site_days.value
    wd = walkin_days(m, ids)
    out = closed_share(net)
    lv_of = dict(zip(ids, (s.level for s in scenario.sites)))
    for level in _LEVELS:
        pick = np.array([lv_of[i] == level for i in ids]) & shuts
        d, k = wd["days"].to_numpy()[pick], wd["shut"].to_numpy()[pick]
        if d.sum() <= 0:
            continue
        a, lo, hi = away_share_mle(d, k, staff[pick])
        n_days = int(d.sum())
        # a level whose posts are many (a**c ~ 0 whatever a) says little: its away share stays assumed
        thin = (hi - lo) / 2 > max_half
        add("away_share", level, "", "", "", a, (hi - lo) / 3.92, n_days, lo, hi, basis="too_thin" if thin else "fitted")
        q = float(k.sum() / d.sum())
        add("closed_share", level, "", "", "", q, math.sqrt(q * (1 - q) / n_days), n_days)
        for sid, c, dd, kk in zip(np.asarray(ids)[pick], staff[pick], d, k):
            if thin:
                continue
            if dd >= min_days:
                sa, slo, shi = away_share_mle(np.array([dd]), np.array([kk]), np.array([c]))
                add("away_share", level, str(sid), "", "", sa, (shi - slo) / 3.92, dd, slo, shi)
            else:
                sa = a
                add("away_share", level, str(sid), "", "", a, (hi - lo) / 3.92, dd, lo, hi, basis="pooled")
            out[str(sid)] = float(unstaffed_share(sa, c, True))
    return out


def _fit_presence_joint(add, dec: pd.DataFrame, scenario: Scenario, net) -> dict[str, float]:
    """Away share per level from ledgers without "无人接待": fitted jointly with the resolved-here shares
    (:func:`.presence.joint_away_share`); returns the fitted unstaffed share per site (the scenario's
    where a level is too thin to tell)."""
    out = closed_share(net)
    staff = dict(zip(net.site_ids, (int(x) for x in net.staff)))
    shuts = {sid for sid, ok in zip(net.site_ids, may_close(net)) if ok}
    for level in _LEVELS:
        g = dec[(dec["level"] == level) & dec["site_id"].isin(shuts)]
        walk = g[g["channel"] == "visit"].groupby(["site_id", "case_type"]).agg(n=("hit", "size"), hits=("hit", "sum"))
        other = dec[(dec["level"] == level) & (dec["channel"] != "visit")].groupby("case_type").agg(
            n=("hit", "size"), hits=("hit", "sum"))
        walk, other = walk.reset_index(), other.reset_index()
        if walk.empty or other.empty:
            continue
        a, lo, hi = joint_away_share(walk, other, staff)
        if math.isnan(a):
            continue
        thin = (hi - lo) / 2 > scenario.spec.presence_fit.max_half_width.value
        add("away_share", level, "", "", "joint", a, (hi - lo) / 3.92, int(walk["n"].sum() + other["n"].sum()), lo, hi,
            basis="too_thin" if thin else "fitted")
        if not thin:
            for sid in set(walk["site_id"]):
                out[sid] = float(unstaffed_share(a, staff[sid], True))
    return out


def _share(add, parameter: str, level: str, ct: str, g: pd.DataFrame, ids: list[str], hit: np.ndarray,
           weight: np.ndarray | None = None) -> None:
    """The level's share of ``hit`` and each site's, shrunk; ``weight`` (0-1 per matter) counts a matter
    partly as a trial (e.g. the chance a walk-in found the station staffed)."""
    if g.empty:
        return
    w = np.ones(len(g)) if weight is None else np.asarray(weight, dtype=float)
    n = float(w.sum())
    if n <= 0:
        return
    p = min(float(hit.sum()) / n, 1.0)
    add(parameter, level, "", ct, "", p, math.sqrt(p * (1 - p) / n), len(g))
    by = pd.DataFrame({"site_id": g["site_id"].to_numpy(), "hit": hit.astype(float), "w": w})
    agg = by.groupby("site_id").agg(sum=("hit", "sum"), count=("w", "sum")).reindex(ids, fill_value=0)
    agg["sum"] = np.minimum(agg["sum"], agg["count"])
    mean, sd, _p, _kappa = beta_binomial(agg["sum"].to_numpy(), agg["count"].to_numpy(), p)
    for sid, _x, k, mu, s in zip(ids, agg["sum"], agg["count"], mean, sd):
        if k > 0:
            add(parameter, level, sid, ct, "", mu, s, k)


def _resolution(add, level: str, ct: str, g: pd.DataFrame) -> None:
    fin = g["resolved_date"].notna()
    days = (g.loc[fin, "resolved_date"] - g.loc[fin, "date"]).dt.days.to_numpy(float)
    add("open_matters", level, "", ct, "", float((~fin).sum()), math.sqrt(max((~fin).sum(), 1)), len(g))
    if len(days) == 0:
        return
    se = days.std(ddof=1) / math.sqrt(len(days)) if len(days) > 1 else math.nan
    add("resolution_days", level, "", ct, "mean", days.mean(), se, len(days))
    srt = np.sort(days)
    n = len(srt)
    for q, name in ((0.5, "median"), (0.9, "p90")):
        # distribution-free: the order statistics at ranks n q -/+ 1.96 sqrt(n q (1-q)) bound a 95% interval
        half = 1.96 * math.sqrt(n * q * (1 - q))
        lo, hi = srt[max(int(n * q - half), 0)], srt[min(int(math.ceil(n * q + half)), n - 1)]
        add("resolution_days", level, "", ct, name, float(np.quantile(days, q)), float(hi - lo) / 3.92, n)


def _channels(add, m: pd.DataFrame, scenario: Scenario) -> None:
    """Per case type: phone/hotline and letter shares (the scenario's case-type channels); per site: online share."""
    for ct, g in m.groupby("case_type", sort=True):
        n = len(g)
        phone = float(g["channel"].isin(["phone", "hotline"]).mean())
        letter = float((g["channel"] == "letter").mean())
        add("hotline_share", "", "", ct, "", phone, math.sqrt(phone * (1 - phone) / n), n)
        add("letter_share", "", "", ct, "", letter, math.sqrt(letter * (1 - letter) / n), n)
        if scenario.spec.case_types[ct].is_petition:
            for ch in ("visit", "letter", "hotline", "phone", "online"):
                p = float((g["channel"] == ch).mean())
                add("petition_channel_share", "", "", ct, ch, p, math.sqrt(p * (1 - p) / n), n)
    # online share: of the matters neither by phone nor by letter, those made online (per site, shrunk per level)
    rest = m[~m["channel"].isin(["phone", "hotline", "letter"])]
    for level in _LEVELS:
        ids = [s.site_id for s in scenario.sites_at(level)]
        g = rest[rest["level"] == level]
        if g.empty:
            continue
        _share(add, "online_share", level, "", g, ids, (g["channel"] == "online").to_numpy())


def _site_patterns(add, m: pd.DataFrame, monthly: list[dict], scenario: Scenario, cover: np.ndarray) -> None:
    for row in monthly:
        level, ct = row["level"], row["case_type"]
        ids = [s.site_id for s in scenario.sites_at(level)]
        g = m[(m["level"] == level) & (m["case_type"] == ct)]
        counts = np.zeros((len(ids), 12))
        pos = {s: i for i, s in enumerate(ids)}
        np.add.at(counts, (g["site_id"].map(pos).to_numpy(int), g["month"].to_numpy(int)), 1.0)
        counts = np.divide(counts, cover[None, :], out=np.zeros_like(counts), where=cover[None, :] > 0)
        level_pat = np.array([row[f"m{i + 1:02d}"] for i in range(12)])
        shares, _alpha = dirichlet_pattern(counts, level_pat)
        tot = counts.sum(axis=1)
        for i, sid in enumerate(ids):
            if tot[i] <= 0:
                continue
            for mo in range(12):
                p = shares[i, mo]
                add("monthly_share", level, sid, ct, f"m{mo + 1:02d}", p, math.sqrt(p * (1 - p) / (tot[i] + 1)), tot[i])
