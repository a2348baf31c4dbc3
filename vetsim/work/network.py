"""The scenario compiled into flat arrays: calendar, opening, staff present, work owed, arrival rates.

This is the one place that turns a ``Scenario`` into staff time and work per site and day: the
event engine (``vetsim.sim``) runs on it and the instant estimate (``vetsim.work.demand`` ->
``vetsim.staffing``) derives its workload from it, so the two can never apply different rules.
Built once per scenario.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import VetsimError
from ..scenario import Scenario
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both
from .calendar import MINUTES_PER_DAY, WorkCalendar
from .packages import Packages, work_packages
from .policy import policy_arrays
from .presence import site_presence

__all__ = ["Network", "compile_network", "LEVEL_NAMES", "CHANNELS", "NetworkError"]

# the bundled registry's levels; a compiled network carries its scenario's own (``Network.level_names``)
LEVEL_NAMES: tuple[str, ...] = DEFAULT_LEVELS.ids
CHANNELS: tuple[str, ...] = ("walk_in", "hotline", "online", "letter")


class NetworkError(VetsimError, ValueError):
    """The scenario cannot be compiled (e.g. a shared-staff rule names an unknown site)."""


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _month_end(d: dt.date) -> dt.date:
    nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def minute_of_day(cum: np.ndarray, start: np.ndarray, length: np.ndarray, n_seg: np.ndarray, s: int, u: float) -> float:
    """Minute of the day at site ``s`` for a uniform ``u``, following the hour profile over its open spans: the
    segment where ``u`` falls in the cumulative shares (``cum[s]``, bisect right, the last if beyond), then
    linearly within it. The tables are :attr:`Network._segment_table`'s; numba compiles this function for the
    engine and the streams (the one rule of the time of an arrival or a visit)."""
    j = 0
    while j < n_seg[s] - 1 and cum[s, j] <= u:
        j += 1
    lo = cum[s, j - 1] if j > 0 else 0.0
    width = cum[s, j] - lo
    frac = (u - lo) / width if width > 0 else 0.0
    return start[s, j] + frac * length[s, j]


@dataclass(frozen=True)
class Network:
    """Sites, per-(case type, level) parameters and arrival intensities as plain arrays.

    Day indices are relative to the start date (day 0); ``cal`` covers whole months around the
    horizon and the backdated opening of backlog cases.
    """

    days: int
    cal: WorkCalendar
    continuous: bool
    site_ids: tuple[str, ...]
    level: tuple[int, ...]  # per site: index into level_names
    parent: tuple[int, ...]
    staff: tuple[int, ...]  # servers per site, incl. a shared worker who opens a covered village
    spans: tuple[tuple[tuple[int, int], ...], ...]
    open_min: tuple[int, ...]  # staff-free opening minutes per open day
    last_close: tuple[int, ...]
    open_mask: np.ndarray = field(repr=False)  # [site, day 0..days] bool (day `days` is a sentinel, closed)
    next_open: np.ndarray = field(repr=False)  # [site, day 0..days] -> first open day >= d (days if none)
    seg_start: tuple[tuple[float, ...], ...] = field(repr=False)  # per site: arrival-time segments in a day
    seg_len: tuple[tuple[float, ...], ...] = field(repr=False)
    seg_cum: tuple[tuple[float, ...], ...] = field(repr=False)  # cumulative weight share at segment ends
    case_types: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    # the scenario's levels (registry order, bottom to top); per level the index of its parent level
    # (-1 at the top) and of the partner level; per-level arrays below are indexed the same way
    level_names: tuple[str, ...] = DEFAULT_LEVELS.ids
    level_parent: tuple[int, ...] = DEFAULT_LEVELS.parent_index
    partner_level: int = DEFAULT_LEVELS.index[DEFAULT_LEVELS.partner]
    site_level_names: tuple[str, ...] = DEFAULT_LEVELS.site_ids
    row_exists: np.ndarray = field(default=None, repr=False)  # [ct, level]
    counter_min: np.ndarray = field(default=None, repr=False)
    bo_min: np.ndarray = field(default=None, repr=False)
    resolved: np.ndarray = field(default=None, repr=False)
    ref_delay: np.ndarray = field(default=None, repr=False)  # whole working days
    deadline: np.ndarray = field(default=None, repr=False)
    hotline: tuple[float, ...] = ()
    letter: tuple[float, ...] = ()
    missing: tuple[float, ...] = ()
    partner_of: tuple[int, ...] = ()
    partner_days: tuple[int, ...] = ()  # per case type: its partner's working days to decide
    partner_days_of: tuple[int, ...] = ()  # per partner department
    is_petition: tuple[bool, ...] = ()
    online: tuple[float, ...] = ()
    # arrival streams: (site, case type, expected arrivals per day over 0..days-1)
    streams: tuple[tuple[int, int, np.ndarray], ...] = field(default=(), repr=False)
    # backlog: (site, case type, open cases, mean age in days, effort minutes per case or 0, CV of the
    # effort, most effort minutes per working day or inf, deciding partner index or -1, earliest day or 0,
    # owner site whose staff time gives the coordination (包案), share not resolvable under current policy)
    backlog: tuple[tuple[int, int, int, float, float, float, float, int, int, int, float], ...] = ()
    svc_cv: float = 1.0
    exponential: bool = True
    abandonment: bool = True
    patience: float = math.inf
    return_delay: int = 0
    wait_target: float = 30.0
    # at a worker site, minutes per open day its worker spends opening covered villages (shared_staff)
    cover_min: tuple[float, ...] = ()
    # staff presence: share of days a post is away; share of present time on other township work;
    # whether the site closes when nobody is present (else a stand-in keeps the counter open)
    away: tuple[float, ...] = ()
    other: tuple[float, ...] = ()
    closed_when_away: tuple[bool, ...] = ()
    packages: Packages | None = field(default=None, repr=False)  # duties and campaigns owed
    min_share: np.ndarray = field(default=None, repr=False)  # work policy: minimum share per tier row
    order: tuple[int, ...] = (0, 1, 2)  # work policy: priority order of the tier rows
    by_slack: bool = False  # work policy: tiers by slack (must, on_time, casework, late), else by category
    # fixed time (meetings, reports, training), minutes per present post per open day (expected = hours a week)
    fixed_min: tuple[float, ...] = ()
    # overtime per site: most minutes a post may add per open day; the cap in hours per post per week;
    # whether it also serves late or at-risk work that is not must-do
    ot_max_min: tuple[float, ...] = ()
    ot_cap_h_week: tuple[float, ...] = ()
    ot_late: tuple[bool, ...] = ()
    ot_early: tuple[float, ...] = ()  # open days before a due day by which overtime plans to finish
    # standard errors of fitted numbers [ct, level] (caseload.csv *_se columns; NaN: known exactly)
    volume_se: np.ndarray | None = field(default=None, repr=False)  # cases/year
    volume: np.ndarray | None = field(default=None, repr=False)  # the yearly volume they refer to
    resolved_se: np.ndarray | None = field(default=None, repr=False)

    @property
    def presence_on(self) -> bool:
        return any(a > 0 for a in self.away)

    # -- times within a day ----------------------------------------------------------------------
    def time_in_day(self, s: int, u: float) -> float:
        """Minute of the day for a uniform ``u``, following the hour profile over the site's open spans."""
        return minute_of_day(*self._segment_table, s, u)

    @functools.cached_property
    def _segment_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The segments of all sites as [site, segment] arrays (cumulative share padded with +inf), and
        each site's segment count: :meth:`time_in_day` for all cases at once (``vetsim.sim.streams``)."""
        n, width = len(self.seg_cum), max((len(c) for c in self.seg_cum), default=1)
        cum, start, length = np.full((n, width), np.inf), np.zeros((n, width)), np.zeros((n, width))
        for s, c in enumerate(self.seg_cum):
            cum[s, : len(c)], start[s, : len(c)], length[s, : len(c)] = c, self.seg_start[s], self.seg_len[s]
        return cum, start, length, np.array([len(c) for c in self.seg_cum], dtype=np.int64)

    @functools.cached_property
    def stream_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The arrival streams as arrays: site and case type per stream, expected arrivals [stream, day]."""
        lam = np.array([lam for _, _, lam in self.streams], dtype=float).reshape(len(self.streams), self.days)
        sites = np.array([s for s, _, _ in self.streams], dtype=np.int64)
        return sites, np.array([c for _, c, _ in self.streams], dtype=np.int64), lam

    def with_arrival_rates(self, lam: np.ndarray, **changes) -> Network:
        """This network with other expected arrivals ``lam`` [stream, day] (the streams' order) and other
        ``changes``; the per-network tables that do not depend on them are carried over, not rebuilt."""
        sites, cts, _ = self.stream_table
        net = replace(self, streams=tuple(zip(sites.tolist(), cts.tolist(), lam, strict=True)), **changes)
        net.__dict__["stream_table"] = (sites, cts, lam)  # cached_property values: built once, shared
        if not {"seg_start", "seg_len", "seg_cum"} & changes.keys():
            net.__dict__["_segment_table"] = self._segment_table
        return net


def _segments(spans, hour_profile: dict[int, float], flat: bool) -> tuple[list[float], list[float], list[float]]:
    """Split open spans at whole hours; weight each piece by its length x the hour's weight."""
    starts, lens, weights = [], [], []
    for a, b in spans:
        m = a
        while m < b:
            nxt = min(b, (m // 60 + 1) * 60)
            starts.append(float(m))
            lens.append(float(nxt - m))
            weights.append((nxt - m) * (1.0 if flat else hour_profile.get(m // 60, 0.0)))
            m = nxt
    total = sum(weights)
    if total <= 0:  # open only in hours the profile gives no weight: spread evenly over the open time
        weights, total = list(lens), sum(lens)
    cum = list(np.cumsum(weights) / total)
    cum[-1] = 1.0
    return starts, lens, cum


def compile_network(scenario: Scenario) -> Network:
    """Flatten ``scenario`` for the engine: calendar, opening pattern, parameters and arrival rates.

    Built from its seams: the calendar and opening pattern, shared cover, presence, the parameters per
    (case type, level) with their uncertainty, the arrival streams and the backlog.
    """
    spec, sim = scenario.spec, scenario.spec.simulation
    start, days = sim.start_date, sim.days
    continuous = sim.calendar == "continuous"
    cal = _calendar(scenario)
    sites = scenario.sites
    idx = {s.site_id: i for i, s in enumerate(sites)}
    levels = scenario.levels
    open_full, open_mask, next_open = _opening(scenario, cal)
    spans = tuple(((0, MINUTES_PER_DAY),) if continuous else s.open_hours for s in sites)
    open_min = np.array([sum(b - a for a, b in sp) for sp in spans], dtype=float)
    open_days = open_mask[:, :days].sum(axis=1).astype(float)
    staff, cover = _shared_cover(scenario, idx, open_min, open_days)
    cts = tuple(spec.case_types)
    ct_idx = {c: i for i, c in enumerate(cts)}
    partners = tuple(spec.partners)
    away, other, closed = site_presence(scenario)
    min_share, order = policy_arrays(spec.work_policy)
    return Network(
        days=days, cal=cal, continuous=continuous,
        level_names=levels.ids, level_parent=levels.parent_index, partner_level=levels.index[levels.partner],
        site_level_names=levels.site_ids,
        **_site_fields(scenario, idx, spans, open_min),
        staff=staff,
        open_mask=open_mask, next_open=next_open,
        case_types=cts, partners=partners,
        **_case_parameters(scenario, ct_idx),
        **_case_type_fields(scenario, cts, partners),
        streams=_arrivals(scenario, cal, open_full, ct_idx),
        backlog=_backlog(scenario, idx, ct_idx, partners),
        **_service_fields(scenario),
        cover_min=tuple(float(x) for x in cover),
        away=away, other=other, closed_when_away=closed,
        packages=work_packages(scenario, start, days), min_share=min_share, order=order,
        by_slack=spec.work_policy.by_slack, **_fixed_and_overtime(scenario, open_mask[:, :days], away),
        **_uncertainty(scenario, ct_idx),
    )


def _site_fields(scenario: Scenario, idx: dict[str, int], spans: tuple, open_min: np.ndarray) -> dict[str, tuple]:
    """Per site: id, level, parent, open spans and minutes, last closing, arrival-time segments, online share."""
    sim, sites = scenario.spec.simulation, scenario.sites
    segs = [_segments(sp, sim.hour_profile, sim.calendar == "continuous") for sp in spans]
    return {
        "site_ids": tuple(s.site_id for s in sites),
        "level": tuple(scenario.levels.index[s.level] for s in sites),
        "parent": tuple(idx[s.parent_id] if s.parent_id else -1 for s in sites),
        "spans": spans,
        "open_min": tuple(int(m) for m in open_min),
        "last_close": tuple(sp[-1][1] for sp in spans),
        "seg_start": tuple(tuple(s[0]) for s in segs), "seg_len": tuple(tuple(s[1]) for s in segs),
        "seg_cum": tuple(tuple(s[2]) for s in segs),
        "online": tuple(s.online_share for s in sites),
    }


def _calendar(scenario: Scenario) -> WorkCalendar:
    """The working calendar over whole months around the horizon and back to the oldest backlog case."""
    sim = scenario.spec.simulation
    start, days = sim.start_date, sim.days
    max_age = max((b.mean_age_days for b in scenario.backlog), default=0.0)
    cal_first = min((_month_start(start) - start).days, -int(math.ceil(max_age * 12)) - 7)
    cal_last = (_month_end(start + dt.timedelta(days=days)) - start).days + 400
    return WorkCalendar.build(start, cal_first, cal_last, sim.calendar, warn=False)


def _opening(scenario: Scenario, cal: WorkCalendar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open days per site: over the whole calendar [site, cal day], over the horizon [site, day 0..days]
    (day ``days`` a closed sentinel), and the first open day on or after each day."""
    sim, sites = scenario.spec.simulation, scenario.sites
    days, continuous = sim.days, sim.calendar == "continuous"
    wd, mk, work = cal.weekday, cal.makeup, cal.workday
    open_full = np.zeros((len(sites), cal.n_days), dtype=bool)
    for i, s in enumerate(sites):
        if continuous:
            open_full[i] = True
        else:
            days_set = np.zeros(7, dtype=bool)
            days_set[list(s.open_days)] = True
            full_week = bool(days_set[:5].all())
            open_full[i] = work & (days_set[wd] | (mk & full_week))
    off = -cal.first_day
    open_mask = np.zeros((len(sites), days + 1), dtype=bool)
    open_mask[:, :days] = open_full[:, off:off + days]
    next_open = np.full((len(sites), days + 1), days, dtype=np.int64)
    for d in range(days - 1, -1, -1):
        next_open[:, d] = np.where(open_mask[:, d], d, next_open[:, d + 1])
    return open_full, open_mask, next_open


def _case_parameters(scenario: Scenario, ct_idx: dict[str, int]) -> dict[str, np.ndarray]:
    """Parameters per (case type, level), from caseload.csv: which rows exist, minutes, shares, delays."""
    lvl_idx = scenario.levels.index
    shape = (len(ct_idx), len(scenario.levels.ids))
    exists = np.zeros(shape, dtype=bool)
    arrs = {k: np.zeros(shape) for k in ("counter", "bo", "res", "delay", "deadline")}
    for r in scenario.caseload:
        c, lv = ct_idx[r.case_type], lvl_idx[r.level]
        exists[c, lv] = True
        arrs["counter"][c, lv] = r.counter_minutes
        arrs["bo"][c, lv] = r.backoffice_hours * 60.0
        arrs["res"][c, lv] = r.resolved_here_share
        arrs["delay"][c, lv] = math.ceil(r.referral_delay_days)
        arrs["deadline"][c, lv] = r.deadline_working_days
    return {"row_exists": exists, "counter_min": arrs["counter"], "bo_min": arrs["bo"], "resolved": arrs["res"],
            "ref_delay": arrs["delay"].astype(int), "deadline": arrs["deadline"]}


def _uncertainty(scenario: Scenario, ct_idx: dict[str, int]) -> dict[str, np.ndarray]:
    """Standard errors of fitted numbers per (case type, level) (caseload.csv ``*_se`` columns; NaN: known
    exactly) and the volumes they refer to; none where no row has one."""
    lvl_idx = scenario.levels.index
    shape = (len(ct_idx), len(scenario.levels.ids))
    unc = {k: np.full(shape, np.nan) for k in ("vol_se", "vol", "res_se")}
    for r in scenario.caseload:
        c, lv = ct_idx[r.case_type], lvl_idx[r.level]
        unc["vol"][c, lv] = r.yearly_volume
        if r.yearly_volume_se is not None:
            unc["vol_se"][c, lv] = r.yearly_volume_se
        if r.resolved_here_share_se is not None:
            unc["res_se"][c, lv] = r.resolved_here_share_se
    if np.isnan(unc["vol_se"]).all() and np.isnan(unc["res_se"]).all():
        return {}
    return {"volume_se": unc["vol_se"], "volume": unc["vol"], "resolved_se": unc["res_se"]}


def _case_type_fields(scenario: Scenario, cts: tuple[str, ...], partners: tuple[str, ...]) -> dict[str, tuple]:
    """Per case type: hotline, letter and missing-document shares, its partner and the partner's days."""
    spec = scenario.spec
    cts_spec = [spec.case_types[c] for c in cts]
    partner_days = {p: int(math.ceil(spec.partners[p].processing_days)) for p in partners}
    return {
        "hotline": tuple(c.hotline_share for c in cts_spec),
        "letter": tuple(c.letter_share for c in cts_spec),
        "missing": tuple(c.missing_document_rate for c in cts_spec),
        "partner_of": tuple(partners.index(c.partner) if c.partner in partners else -1 for c in cts_spec),
        "partner_days": tuple(partner_days.get(c.partner, 0) for c in cts_spec),
        "partner_days_of": tuple(partner_days[p] for p in partners),
        "is_petition": tuple(c.is_petition for c in cts_spec),
    }


def _service_fields(scenario: Scenario) -> dict[str, object]:
    """Service-time distribution, abandonment, return delay and the wait target (scenario.yaml)."""
    sim = scenario.spec.simulation
    exponential = sim.service_time_distribution == "exponential"
    return {"svc_cv": 1.0 if exponential else sim.service_time_cv.value, "exponential": exponential,
            "abandonment": sim.abandonment, "patience": sim.patience_minutes.value,
            "return_delay": int(math.ceil(sim.return_delay_days.value)),
            "wait_target": scenario.spec.targets.wait_minutes.value}


def _arrivals(scenario: Scenario, cal: WorkCalendar, open_full: np.ndarray,
              ct_idx: dict[str, int]) -> tuple[tuple[int, int, np.ndarray], ...]:
    """Daily arrival intensity per (site, case type): the month's volume spread over the site's open days
    (weighted by the weekday profile), computed over the whole months around the horizon only."""
    sim, sites, partner = scenario.spec.simulation, scenario.sites, scenario.levels.partner
    start, days = sim.start_date, sim.days
    off = -cal.first_day
    m0 = off + (_month_start(start) - start).days
    m1 = off + (_month_end(start + dt.timedelta(days=days - 1)) - start).days + 1
    wprof = np.ones(7)
    for k, w in (sim.weekday_profile or {}).items():
        wprof[k - 1] = w
    day_weight = open_full[:, m0:m1] * wprof[cal.weekday[m0:m1]][None, :]
    month_key = (np.datetime64(start, "D") + np.arange(m0 - off, m1 - off)).astype("datetime64[M]").astype(np.int64)
    month_of = month_key % 12  # datetime64[M] counts months from 1970-01
    _, month_pos = np.unique(month_key, return_inverse=True)
    horizon = slice(off - m0, off - m0 + days)
    streams = []
    for r in scenario.caseload:
        if r.level == partner or r.yearly_volume <= 0:
            continue
        at_level = [i for i, s in enumerate(sites) if s.level == r.level]
        season = np.asarray(r.seasonality)[month_of]
        for i, sh in zip(at_level, _veteran_shares(sites, at_level), strict=True):
            if sh <= 0:
                continue
            w = day_weight[i]
            month_total = np.bincount(month_pos, weights=w)[month_pos]
            lam = np.divide(r.yearly_volume * sh * season * w, month_total,
                            out=np.zeros(m1 - m0), where=month_total > 0)
            streams.append((i, ct_idx[r.case_type], lam[horizon].copy()))
    return tuple(streams)


def _veteran_shares(sites, at: list[int]) -> np.ndarray:
    """Shares of a level's volume for its sites ``at``: by veterans, evenly when none are counted."""
    vets = np.array([sites[i].veterans for i in at], dtype=float)
    return vets / vets.sum() if vets.sum() > 0 else np.full(len(at), 1.0 / max(len(at), 1))


def _backlog(scenario: Scenario, idx: dict[str, int], ct_idx: dict[str, int],
             partners: tuple[str, ...]) -> tuple[tuple, ...]:
    """The cases open at the start as the engine's tuples (see ``Network.backlog``)."""
    return tuple((idx[b.site_id], ct_idx[b.case_type], b.open_cases, b.mean_age_days,
                  (b.effort_hours or 0.0) * 60.0, float(b.effort_cv or 0.0),
                  b.hours_per_week * 60.0 / 5.0 if b.hours_per_week else math.inf,
                  partners.index(b.partner) if b.partner in partners else -1,
                  int(b.earliest_days or 0),
                  idx[b.owner_site or b.site_id], float(b.unresolvable_share or 0.0))
                 for b in scenario.backlog if b.open_cases > 0)


def _fixed_and_overtime(scenario: Scenario, open_mask: np.ndarray, away: tuple[float, ...]) -> dict[str, tuple]:
    """Per site: fixed minutes per present post per open day, overtime minutes per post per open day, cap, use.

    Hours per post per week are spread over the site's open days in the window: fixed time over the
    days a post is present (so its expected total is the weekly hours x weeks), overtime over the
    open days (evenings and weekends around them).
    """
    spec = scenario.spec
    days = open_mask.shape[1]
    weeks = days / 7.0
    fixed, ot_max, ot_cap, ot_late, ot_early = [], [], [], [], []
    for i, s in enumerate(scenario.sites):
        n_open = float(open_mask[i].sum())
        present_days = n_open * (1.0 - away[i])
        h_fixed = spec.fixed_time.hours_per_week(s.level) if spec.fixed_time is not None else 0.0
        fixed.append(h_fixed * 60.0 * weeks / present_days if present_days > 0 else 0.0)
        ot = spec.overtime.level(s.level) if spec.overtime is not None else None
        ot_max.append(ot.max_hours_per_week.value * 60.0 * weeks / n_open if ot is not None and n_open > 0 else 0.0)
        ot_cap.append(float(ot.cap_hours_per_week.value) if ot is not None else 0.0)
        ot_late.append(ot is not None and ot.use == "late")
        ot_early.append(float(ot.plan_days_early.value) if ot is not None and ot.plan_days_early is not None else 0.0)
    return {"fixed_min": tuple(fixed), "ot_max_min": tuple(ot_max), "ot_cap_h_week": tuple(ot_cap),
            "ot_late": tuple(ot_late), "ot_early": tuple(ot_early)}


def _shared_cover(scenario: Scenario, idx: dict[str, int], open_min: np.ndarray,
                  open_days: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """Staff per site with shared cover (``staffing.shared_staff``), and the cover minutes per open day.

    A covered village is opened by the worker site's worker: one more server there. The worker site
    carries the villages' opening time (their open minutes x open days in the window), spread evenly
    over its own open days like a duty -- the same yearly hours the staffing estimate adds.
    """
    staff = [s.staff for s in scenario.sites]
    cover = np.zeros(len(staff))
    rules = scenario.spec.staffing.shared_staff if scenario.spec.staffing is not None else ()
    for rule in rules:
        unknown = [x for x in (rule.worker_site, *rule.villages) if x not in idx]
        if unknown:
            raise NetworkError(*both("work.shared_staff_unknown_sites", unknown=unknown))
        w = idx[rule.worker_site]
        for v in rule.villages:
            staff[idx[v]] += 1
            if open_days[w] > 0:
                cover[w] += open_min[idx[v]] * open_days[idx[v]] / open_days[w]
    return tuple(staff), cover
