"""Demand per site derived from a scenario: counter visits per month x hour, and back-office casework.

Why one function: the analytic estimates, the optimizer and (ideally) the simulation must agree on
how yearly volumes become arrivals at each site, so the derivation lives in :func:`derive_demand`.

Shared with the simulation (``vetsim.work.network.compile_network``): the working calendar, the
opening days, and the expected new cases per site, case type and day (yearly volume split by
``veterans``, monthly seasonality, weekday profile). Derived here, following the engine's rules:
- channel drawn once where the case starts: phone with ``hotline_share``, letter with ``letter_share``, online with
  ``site.online_share`` of the rest, else walk-in; phone/letter/online cases never visit a counter, their
  counter minutes become desk (casework) time;
- a walk-in case visits the counter of every level on its path whose row has counter minutes > 0;
  missing documents (rate m, checked once at the first counter) bring it back once: 1 + m visits;
- a share ``1 - resolved_here_share`` is referred to the parent after ``referral_delay_days``
  working days (the month profile is delayed accordingly); a case whose next level has no row is
  finished; the county center refers to partner departments (no site of ours);
- casework is spread over the deadline window (profile delayed by half of it); open cases at the
  start (``backlog.csv``) add their back-office hours spread over the window;
- within a day, arrivals follow ``simulation.hour_profile`` over the minutes the site is open;
- duties and campaigns (``duties.csv``, ``campaigns.csv``, see :mod:`vetsim.work.packages`): the
  very packages the engine works, each spread evenly from its release to its due day (``duty_h``,
  ``campaign_h``); shared village cover: the network's ``cover_min`` on each open day (``cover_h``);
- staff presence: ``present_share`` = (1 - away share) x (1 - other-duties share) of a post's time
  is available for veterans' work (the engine draws days away with the same share); fixed time
  (``fixed_time:``, meetings, reports, training) comes off it (``fixed_h``), and overtime up to its
  cap in the weeks it may serve is added (``overtime_cap_h``): posts are counted without overtime
  beyond the cap.
Not modelled here: return visits after an abandoned wait (small when targets are met).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..scenario import Scenario
from .presence import present_share, unstaffed_share

__all__ = ["Demand", "derive_demand", "hour_minutes"]

DAYS_PER_MONTH = 365.0 / 12.0
CALENDAR_PER_WORKING_DAY = 7.0 / 5.0


@dataclass(frozen=True, eq=False)
class Demand:
    """Arrays over sites (S), months (12) and clock hours (24); all volumes per year of the window.

    ``visits[s, m, h]`` expected counter visits; ``service_min[s, m]`` mean counter minutes of the
    visit mix; ``service_scv[s, m]`` its squared coefficient of variation; ``casework_h[s, m]``
    staff-hours of back-office work (casework and recurring duties); ``open_days[s, m]`` days open;
    ``open_min[s, h]`` minutes open within clock hour h on an open day; ``case_hours[s]`` longest
    mean casework per case (hours); ``duty_h``, ``campaign_h``, ``cover_h`` [s, m] staff-hours of
    duties, campaigns and shared village cover (not in ``casework_h``); ``present_share[s]`` share
    of a post's opening time available for this work; ``covered[s]`` a village opened by a shared worker;
    ``away[s]`` share of days a post is away, ``closed_when_away[s]`` the station closes with nobody present.
    """

    site_ids: tuple[str, ...]
    levels: tuple[str, ...]
    visits: NDArray[np.float64]
    service_min: NDArray[np.float64]
    service_scv: NDArray[np.float64]
    casework_h: NDArray[np.float64]
    open_days: NDArray[np.float64]
    open_min: NDArray[np.float64]
    case_hours: NDArray[np.float64]
    patience_min: float
    demand_key: str
    duty_h: NDArray[np.float64] = None  # type: ignore[assignment]
    campaign_h: NDArray[np.float64] = None  # type: ignore[assignment]
    cover_h: NDArray[np.float64] = None  # type: ignore[assignment]
    present_share: NDArray[np.float64] = None  # type: ignore[assignment]
    covered: NDArray[np.bool_] = None  # type: ignore[assignment]
    away: NDArray[np.float64] = None  # type: ignore[assignment]  # share of days each post is away (independently)
    closed_when_away: NDArray[np.bool_] = None  # type: ignore[assignment]  # nobody present: station closed
    fixed_h: NDArray[np.float64] = None  # type: ignore[assignment]  # fixed time per post in the window (meetings, reports)
    overtime_cap_h: NDArray[np.float64] = None  # type: ignore[assignment]  # overtime per post within the cap, in the window

    def unstaffed_share(self, staff: NDArray[np.int64]) -> NDArray[np.float64]:
        """Share of open days a site with ``staff`` posts ([S] or [S, K]) has nobody at the counter.

        Each post is away on a day with the site's ``away`` share independently (as the engine draws
        it), so all c posts are away with away**c; with ``closed_when_away`` off a stand-in keeps the
        counter open (0). No posts: always unstaffed.
        """
        c = np.asarray(staff)
        a = self.away if c.ndim == 1 else self.away[:, None]
        closed = self.closed_when_away if c.ndim == 1 else self.closed_when_away[:, None]
        return unstaffed_share(a, c, closed)

    @property
    def counter_h(self) -> NDArray[np.float64]:
        """Staff-hours of counter service per site and month."""
        return self.visits.sum(axis=2) * self.service_min / 60.0

    @property
    def workload_h(self) -> NDArray[np.float64]:
        """Staff-hours of all work owed per site in the window: counter, casework, duties, campaigns, cover."""
        return (self.counter_h + self.casework_h + self.duty_h + self.campaign_h + self.cover_h).sum(axis=1)

    @property
    def post_hours_year(self) -> NDArray[np.float64]:
        """Hours one post can give to this work in the window, [s]: opening hours x presence, less fixed time
        (meetings, reports, training), plus overtime up to its cap in the weeks it may be used (posts are
        counted without overtime beyond the cap)."""
        base = self.open_hours_year * self.present_share
        fixed = self.fixed_h if self.fixed_h is not None else 0.0
        extra = self.overtime_cap_h if self.overtime_cap_h is not None else 0.0
        return np.maximum(base - fixed, 0.0) + extra

    @property
    def arrival_rate(self) -> NDArray[np.float64]:
        """Visits per open minute, [s, m, h] (0 where the site is closed)."""
        denom = self.open_days[:, :, None] * self.open_min[:, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denom > 0, self.visits / np.where(denom > 0, denom, 1.0), 0.0)

    @property
    def open_hours_year(self) -> NDArray[np.float64]:
        """Hours each site is open in the window (capacity of one staff member), [s]."""
        return self.open_days.sum(axis=1) * self.open_min.sum(axis=1) / 60.0


def hour_minutes(spans: tuple[tuple[int, int], ...]) -> NDArray[np.float64]:
    """Minutes open within each clock hour 0..23 for opening spans in minutes after midnight."""
    out = np.zeros(24)
    for a, b in spans:
        for h in range(24):
            out[h] += max(0, min(b, 60 * (h + 1)) - max(a, 60 * h))
    return out


_MONTH = np.arange(12)


def _shift(profile: NDArray[np.float64], days: float) -> NDArray[np.float64]:
    """Month profile delayed by ``days`` (periodic year, linear interpolation between months)."""
    if days == 0:
        return profile
    k = days / DAYS_PER_MONTH
    lo = int(np.floor(k))
    f = k - lo
    return (1 - f) * profile[(_MONTH - lo) % 12] + f * profile[(_MONTH - lo - 1) % 12]


def _demand_key(scenario: Scenario) -> str:
    """Hash of everything but the staff counts: staffing changes do not change demand."""

    data = scenario.canonical()
    for row in data["sites.csv"]:
        row.pop("funded_staff", None)
        row.pop("parttime_staff", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_CACHE: dict[str, Demand] = {}


def derive_demand(scenario: Scenario) -> Demand:
    """Counter visits per site x month x hour and casework hours per site x month (see module doc).

    Cached on the scenario content without staff counts, so a staffing slider never recomputes it.
    """
    key = _demand_key(scenario)
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) >= 16:
            _CACHE.pop(next(iter(_CACHE)))
        hit = _CACHE[key] = _derive(scenario, key)
    return hit


def _month_totals(net: object, start: dt.date) -> tuple[dict[tuple[int, int], NDArray[np.float64]], NDArray[np.float64]]:
    """New arrivals per (site, case type) per calendar month, and open days per site and month."""
    month_of = np.array([(start + dt.timedelta(d)).month - 1 for d in range(net.days)])  # type: ignore[attr-defined]
    arrivals: dict[tuple[int, int], NDArray[np.float64]] = {}
    for s, c, lam in net.streams:  # type: ignore[attr-defined]
        arrivals[(s, c)] = arrivals.get((s, c), np.zeros(12)) + np.bincount(month_of, weights=lam[: net.days], minlength=12)  # type: ignore[attr-defined]
    mask = net.open_mask[:, : net.days]  # type: ignore[attr-defined]
    open_days = np.stack([np.bincount(month_of, weights=mask[i].astype(float), minlength=12) for i in range(mask.shape[0])])
    return arrivals, open_days


def _derive(scenario: Scenario, key: str) -> Demand:
    from .network import compile_network  # calendar, volume split and seasonality: shared with the simulation

    spec = scenario.spec
    sites = scenario.sites
    idx = {s.site_id: i for i, s in enumerate(sites)}
    n = len(sites)
    sim = spec.simulation
    net = compile_network(scenario)
    new_cases, open_days = _month_totals(net, sim.start_date)
    if sim.calendar == "continuous":  # no calendar effects: open around the clock, flat arrivals
        hour_w = np.ones(24)
        open_min = np.full((n, 24), 60.0)
    else:
        hour_w = np.array([sim.hour_profile.get(h, 0.0) for h in range(24)], dtype=float)
        open_min = np.array([hour_minutes(s.open_hours) for s in sites])
    cv2 = 1.0 if sim.service_time_distribution == "exponential" else float(sim.service_time_cv.value) ** 2
    visits_m = np.zeros((n, 12))
    svc1 = np.zeros((n, 12))   # sum of visits x minutes
    svc2 = np.zeros((n, 12))   # sum of visits x E[minutes^2]
    case_h = np.zeros((n, 12))
    longest = np.zeros(n)
    rows = {(r.case_type, r.level): r for r in scenario.caseload}
    cts = list(spec.case_types)
    for (s0, c), monthly in sorted(new_cases.items()):
        ct = cts[c]
        ctype = spec.case_types[ct]
        origin = sites[s0]
        walk_share = (1.0 - ctype.hotline_share - ctype.letter_share) * (1.0 - origin.online_share)  # as the engine draws it
        site, delay, first, cases = origin, 0.0, True, monthly
        while site is not None:
            row = rows.get((ct, site.level))
            if row is None:
                break
            i = idx[site.site_id]
            walk = cases * walk_share
            if row.counter_minutes > 0:
                vis = _shift(walk, delay) * (1.0 + ctype.missing_document_rate if first else 1.0)
                visits_m[i] += vis
                svc1[i] += vis * row.counter_minutes
                svc2[i] += vis * row.counter_minutes ** 2 * (1.0 + cv2)
            hours = cases * row.backoffice_hours + (cases - walk) * row.counter_minutes / 60.0
            window = row.deadline_working_days * CALENDAR_PER_WORKING_DAY / 2.0
            case_h[i] += _shift(hours, delay + window)
            longest[i] = max(longest[i], row.backoffice_hours)
            cases = cases * (1.0 - row.resolved_here_share)
            delay += math.ceil(row.referral_delay_days) * CALENDAR_PER_WORKING_DAY
            first = False
            site = scenario.site_index.get(site.parent_id) if site.parent_id else None
    # cases open at the start (incl. the petition backlog) need their back-office work in the window
    for b in scenario.backlog:
        site = scenario.site(b.site_id)
        row = rows.get((b.case_type, site.level))
        if row is not None and b.open_cases > 0:
            share = open_days[idx[site.site_id]] / max(open_days[idx[site.site_id]].sum(), 1.0)
            hours = b.effort_hours if b.effort_hours is not None else row.backoffice_hours  # long-running: its effort
            case_h[idx[b.owner_site or site.site_id]] += b.open_cases * hours * share  # 包案: the owner's time
    duty_h, campaign_h = _package_hours(net, sim.start_date)
    cover_h = np.asarray(net.cover_min, dtype=float)[:, None] * open_days / 60.0
    covered = np.zeros(n, dtype=bool)
    if spec.staffing is not None:
        for v in spec.staffing.covered_villages():
            covered[idx[v]] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(visits_m > 0, svc1 / np.where(visits_m > 0, visits_m, 1), 0.0)
        scv = np.where(mean > 0, svc2 / np.where(visits_m > 0, visits_m, 1) / np.where(mean > 0, mean, 1) ** 2 - 1, 0.0)
    weights = hour_w[None, :] * open_min / 60.0
    tot = weights.sum(axis=1, keepdims=True)
    flat = open_min / np.maximum(open_min.sum(axis=1, keepdims=True), 1.0)
    day_share = np.where(tot > 0, weights / np.where(tot > 0, tot, 1.0), flat)  # no profile weight: uniform
    visits = visits_m[:, :, None] * day_share[:, None, :]
    visits = np.where(open_days[:, :, None] > 0, visits, 0.0)
    return Demand(tuple(s.site_id for s in sites), tuple(s.level for s in sites), visits, mean,
                  np.maximum(scv, 0.0), case_h, open_days, open_min, longest,
                  float(sim.patience_minutes.value) if sim.abandonment else float("inf"), key,
                  duty_h, campaign_h, cover_h, present_share(net.away, net.other), covered, np.asarray(net.away, dtype=float),
                  np.asarray(net.closed_when_away, dtype=bool), *_fixed_and_overtime_hours(net))


def _fixed_and_overtime_hours(net) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per site and post in the window: fixed hours (the engine's expected deduction), and overtime within
    its cap in the weeks overtime may serve (use ``must``: weeks with must-do work owed; ``late``: all)."""
    n, days = len(net.site_ids), net.days
    if not net.fixed_min:
        return np.zeros(n), np.zeros(n)
    open_days = net.open_mask[:, :days].sum(axis=1).astype(float)
    fixed = np.asarray(net.fixed_min) * open_days * (1.0 - np.asarray(net.away)) / 60.0
    weeks = np.full(n, days / 7.0)
    pk = net.packages
    if pk is not None and len(pk) and pk.must is not None:
        owed = np.zeros((n, days), dtype=bool)
        for i in np.flatnonzero(pk.must & (pk.release < days)):
            owed[pk.site[i], pk.release[i]: min(pk.due[i], days - 1) + 1] = True
        weeks = np.where(np.asarray(net.ot_late), weeks, owed.sum(axis=1) / 7.0)
    elif not any(net.ot_late):
        weeks = np.zeros(n)
    cap = np.minimum(np.asarray(net.ot_cap_h_week), np.asarray(net.ot_max_min) * open_days / 60.0 / max(days / 7.0, 1e-9))
    return fixed, cap * weeks


def _package_hours(net, start: dt.date) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Duty and campaign hours per site and month: each package spread evenly from release to due (within the window)."""
    n, days = len(net.site_ids), net.days
    month_of = np.array([(start + dt.timedelta(d)).month - 1 for d in range(days)])
    out = []
    pk = net.packages
    for kind in (0, 1):
        diff = np.zeros((n, days + 1))
        if pk is not None and len(pk):
            sel = (pk.kind == kind) & (pk.release < days)
            end = np.minimum(pk.due[sel], days - 1)
            span = end - pk.release[sel] + 1
            rate = pk.minutes[sel] / span / 60.0
            np.add.at(diff, (pk.site[sel], pk.release[sel]), rate)
            np.add.at(diff, (pk.site[sel], end + 1), -rate)
        daily = np.cumsum(diff[:, :days], axis=1)
        out.append(np.stack([np.bincount(month_of, weights=daily[i], minlength=12) for i in range(n)]) if n else np.zeros((0, 12)))
    return out[0], out[1]
