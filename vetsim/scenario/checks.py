"""Checks across files: the site tree, case types, shares that must sum to 1, references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import Problem
from ..wording import both, tr
from .levels import DEFAULT_LEVELS, Levels
from .limits import limit, limit_message, simulated_cases, yearly_cases
from .rows import BacklogRow, CaseloadRow, SiteRow
from .spec import ScenarioSpec

__all__ = ["cross_check", "size_problems", "level_problems", "Locate"]

# (table file name, row index, column or None) -> (file, where_zh, where_en)
Locate = Callable[[str, int, str | None], tuple[str, str, str]]

SHARE_TOLERANCE = 1e-3


def _p(loc: tuple[str, str, str], zh: str, en: str) -> Problem:
    return Problem(loc[0], loc[1], loc[2], zh, en)


def level_problems(levels: Levels, tables: dict[str, tuple[Any, ...]], locate: Locate) -> list[Problem]:
    """Every ``level`` cell that is no level of the scenario's registry (sites and work tables: a site
    level; caseload: any level, the partner level included)."""
    out: list[Problem] = []
    for name, allowed in (("sites.csv", levels.site_ids), ("caseload.csv", levels.ids),
                          ("duties.csv", levels.site_ids), ("campaigns.csv", levels.site_ids),
                          ("calibration.csv", levels.site_ids)):
        for i, r in enumerate(tables.get(name, ())):
            lv = getattr(r, "level", None)
            if lv is not None and lv not in allowed:
                out.append(_p(locate(name, i, "level"), *both("levels.unknown", level=repr(lv), allowed=", ".join(allowed))))
    return out


def _check_sites(sites: tuple[SiteRow, ...], locate: Locate, complete: bool = True,
                 all_ids: set[str] | None = None, levels: Levels = DEFAULT_LEVELS) -> list[Problem]:
    ids = {s.site_id: s for s in sites}
    out = _site_id_problems(sites, locate, set(ids) | (all_ids or set()))  # rows that failed their own checks still exist
    cycles, reported = _site_cycles(sites, ids, locate)
    return out + cycles + _single_levels(sites, locate, complete, levels) + _parent_levels(sites, ids, reported, locate, levels)


def _site_id_problems(sites: tuple[SiteRow, ...], locate: Locate, known: set[str]) -> list[Problem]:
    """Duplicate site ids, and parents that are no site."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(sites):
        if s.site_id in seen:
            out.append(_p(locate("sites.csv", i, "site_id"),
                          *both("scenario.duplicate_site_id", site_id=s.site_id, seen_s_site_id_1=seen[s.site_id] + 1)))
        else:
            seen[s.site_id] = i
    for i, s in enumerate(sites):
        if s.parent_id is not None and s.parent_id not in known:
            out.append(_p(locate("sites.csv", i, "parent_id"),
                          *both("scenario.unknown_parent", parent_id=s.parent_id)))
    return out


def _site_cycles(sites: tuple[SiteRow, ...], ids: dict[str, SiteRow], locate: Locate) -> tuple[list[Problem], set[str]]:
    """Parent links that loop (each loop once), and the sites on a loop.

    Follows parents until a site already known to reach the top (linear in the number of sites)."""
    out: list[Problem] = []
    reported: set[str] = set()
    settled: set[str] = set()
    for i, s in enumerate(sites):
        chain, on_chain, node = [s.site_id], {s.site_id}, s
        while node.parent_id in ids and node.site_id not in settled:
            node = ids[node.parent_id]
            if node.site_id in on_chain:
                loop = chain[chain.index(node.site_id):] + [node.site_id]
                if not reported & set(loop):
                    shown = loop if len(loop) <= 12 else [*loop[:6], "…", *loop[-3:]]
                    out.append(_p(locate("sites.csv", i, "parent_id"),
                                  *both("scenario.parent_cycle", join_shown=' → '.join(shown), join_shown2=' -> '.join(shown))))
                    reported.update(loop)
                break
            chain.append(node.site_id)
            on_chain.add(node.site_id)
        settled.update(chain)
    return out, reported


def _single_levels(sites: tuple[SiteRow, ...], locate: Locate, complete: bool, levels: Levels) -> list[Problem]:
    """A level with exactly one site (the county center) has one (none is only allowed in a partial table)."""
    out: list[Problem] = []
    for lv in (d for d in levels.defs if d.single):
        centers = [i for i, s in enumerate(sites) if s.level == lv.id]
        if len(centers) > 1 or (complete and not centers):
            loc = locate("sites.csv", centers[1] if len(centers) > 1 else 0, "level")
            out.append(_p(loc, *both("levels.exactly_one", zh_label=lv.zh, level=lv.id, n=len(centers))))
    return out


def _parent_levels(sites: tuple[SiteRow, ...], ids: dict[str, SiteRow], reported: set[str], locate: Locate,
                   levels: Levels) -> list[Problem]:
    """Each site's parent is a site of its level's parent level (the top site level has none)."""
    out: list[Problem] = []
    for i, s in enumerate(sites):
        if s.level not in levels.site_ids:
            continue  # reported by level_problems
        want = levels.parent[s.level]
        want = want if want in levels.site_ids else None  # the top site level has no parent site
        if s.parent_id in ids and s.site_id not in reported:
            got = ids[s.parent_id].level
            if want is None or got != want:
                out.append(_p(locate("sites.csv", i, "parent_id"),
                              *both("scenario.wrong_parent_level", level=s.level, want_or=want or tr("none", "zh"), got=got, want_or_none=want or tr("none", "en"))))
        elif s.parent_id is None and want is not None:
            out.append(_p(locate("sites.csv", i, "parent_id"),
                          *both("scenario.parent_missing", level=s.level, want=want)))
    return out


def _check_caseload(spec: ScenarioSpec, rows: tuple[CaseloadRow, ...], locate: Locate,
                    complete: bool = True) -> list[Problem]:
    levels = spec.level_registry
    seen: dict[tuple[str, str], int] = {}
    out: list[Problem] = []
    for i, r in enumerate(rows):
        out += _caseload_row(spec, levels, r, i, seen, locate)
    if not complete:  # the missing row may be one that failed its own checks
        return out
    for i, r in enumerate(rows):
        nxt = levels.parent.get(r.level)
        if r.resolved_here_share < 1 and nxt is not None and (r.case_type, nxt) not in seen:
            out.append(_p(locate("caseload.csv", i, "resolved_here_share"),
                          *both("scenario.referral_without_row", v_1_r_resolved_here_sh=1 - r.resolved_here_share, case_type=r.case_type, nxt=nxt)))
    return out + _case_type_rows(spec, rows, seen)


def _caseload_row(spec: ScenarioSpec, levels: Levels, r: CaseloadRow, i: int, seen: dict[tuple[str, str], int],
                  locate: Locate) -> list[Problem]:
    """One caseload row: once per (case type, level), a known case type, monthly shares summing to 1, the
    partner resolving all it gets, no counter minutes at a level without a counter. Records it in ``seen``."""
    out: list[Problem] = []
    key = (r.case_type, r.level)
    if key in seen:
        out.append(_p(locate("caseload.csv", i, "level"),
                      *both("scenario.duplicate_caseload_row", case_type=r.case_type, level=r.level)))
    seen.setdefault(key, i)
    if r.case_type not in spec.case_types:
        out.append(_p(locate("caseload.csv", i, "case_type"),
                      *both("scenario.unknown_case_type", case_type=r.case_type, join_spec_case_types=', '.join(spec.case_types))))
    total = sum(r.seasonality)
    if abs(total - 1) > SHARE_TOLERANCE:
        out.append(_p(locate("caseload.csv", i, "m01"),
                      *both("scenario.monthly_shares_sum", total=total)))
    if r.level == levels.partner and r.resolved_here_share != 1:
        out.append(_p(locate("caseload.csv", i, "resolved_here_share"),
                      *both("scenario.partner_resolves_all")))
    lv_def = levels.by_id.get(r.level)
    if lv_def is not None and not lv_def.counter and r.counter_minutes > 0:
        out.append(_p(locate("caseload.csv", i, "counter_minutes"),
                      *both("levels.no_counter", level=r.level)))
    return out


def _case_type_rows(spec: ScenarioSpec, rows: tuple[CaseloadRow, ...], seen: dict[tuple[str, str], int]) -> list[Problem]:
    """Every case type has caseload rows; one with partner rows names its partner, and that partner exists."""
    out: list[Problem] = []
    with_rows = {r.case_type for r in rows}
    for ct_id, ct in spec.case_types.items():
        if ct_id not in with_rows:
            out.append(Problem("caseload.csv", "", "", *both("scenario.case_type_has_no_rows", ct_id=ct_id)))
        if (ct_id, spec.level_registry.partner) in seen and ct.partner is None:
            out.append(Problem("scenario.yaml", f"case_types.{ct_id}.partner", f"case_types.{ct_id}.partner",
                               *both("scenario.case_type_needs_partner")))
        if ct.partner is not None and ct.partner not in spec.partners:
            out.append(Problem("scenario.yaml", f"case_types.{ct_id}.partner", f"case_types.{ct_id}.partner",
                               *both("scenario.unknown_partner", partner=ct.partner, join_spec_partners=', '.join(spec.partners))))
    return out


def _check_backlog(spec: ScenarioSpec, rows: tuple[BacklogRow, ...], site_ids: set[str],
                   locate: Locate) -> list[Problem]:
    out: list[Problem] = []
    for i, r in enumerate(rows):
        if r.case_type not in spec.case_types:
            out.append(_p(locate("backlog.csv", i, "case_type"),
                          *both("scenario.unknown_case_type", case_type=r.case_type, join_spec_case_types=', '.join(spec.case_types))))
        if r.site_id not in site_ids:
            out.append(_p(locate("backlog.csv", i, "site_id"), *both("scenario.unknown_site", site_id=r.site_id)))
        if r.partner is not None and r.partner not in spec.partners:
            out.append(_p(locate("backlog.csv", i, "partner"),
                          *both("scenario.unknown_partner", partner=r.partner, join_spec_partners=', '.join(spec.partners))))
        if r.owner_site is not None and r.owner_site not in site_ids:
            out.append(_p(locate("backlog.csv", i, "owner_site"), *both("scenario.unknown_site", site_id=r.owner_site)))
        long_only = (r.hours_per_week, r.partner, r.owner_site, r.unresolvable_share)
        if any(x is not None for x in long_only) and r.effort_hours is None:
            out.append(_p(locate("backlog.csv", i, "effort_hours"),
                          *both("scenario.effort_hours_required")))
    return out


def cross_check(spec: ScenarioSpec | None, sites: tuple[SiteRow, ...], caseload: tuple[CaseloadRow, ...],
                backlog: tuple[BacklogRow, ...], locate: Locate, incomplete: frozenset[str] = frozenset(),
                all_site_ids: set[str] | None = None) -> list[Problem]:
    """All problems that involve more than one row or file.

    ``incomplete``: tables some rows of which failed their own checks (then the checks that need
    the whole table are skipped); ``all_site_ids``: every site_id written in sites.csv, valid or not.
    ``spec`` is ``None`` when scenario.yaml itself is invalid: only the site tree is checked.
    """
    levels = spec.level_registry if spec is not None else DEFAULT_LEVELS
    out = level_problems(levels, {"sites.csv": sites, "caseload.csv": caseload}, locate)
    out += _check_sites(sites, locate, "sites.csv" not in incomplete, all_site_ids, levels)
    if spec is None:
        return out
    out += _check_caseload(spec, caseload, locate, "caseload.csv" not in incomplete)
    ids = {s.site_id for s in sites} | (all_site_ids or set())
    if "sites.csv" in incomplete and not ids:  # sites.csv could not be read at all: nothing to check against
        return out
    return out + _check_backlog(spec, backlog, ids, locate)


def size_problems(spec: ScenarioSpec, tables: dict[str, tuple[Any, ...]], locate: Locate) -> list[Problem]:
    """Documented maxima (``limits.LIMITS``) of the whole scenario: sites, applicants, cases, simulated cases."""
    out: list[Problem] = []
    for name, lim in (("sites.csv", "sites"), ("si_applicants.csv", "applicants")):
        n = len(tables.get(name, ()))
        if n > limit(lim):
            out.append(Problem(name, "", "", *limit_message(lim, n)))
    caseload = tables.get("caseload.csv", ())
    yearly = yearly_cases(caseload, tables.get("backlog.csv", ()))
    if yearly > limit("yearly_cases"):
        out.append(Problem(*locate("caseload.csv", 0, "yearly_volume"), *limit_message("yearly_cases", yearly)))
    sim = spec.simulation
    simulated = simulated_cases(sim.days, yearly, sim.replications)
    if yearly <= limit("yearly_cases") and simulated > limit("simulated_cases"):
        out.append(Problem("scenario.yaml", "simulation.replications", "simulation.replications",
                           *limit_message("simulated_cases", simulated)))
    return out
