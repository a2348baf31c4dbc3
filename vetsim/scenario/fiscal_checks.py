"""Cross-file checks of the fiscal inputs, run when a scenario is loaded (via ``check_fiscal``).

Part of the scenario layer (it reads only the schema), so loading a scenario imports no model.

Each problem names its file, row or key, and what is allowed, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..errors import Problem
from ..wording import both, tr
from .fiscal_spec import (
    SHARE_TOLERANCE,
    SI_PARAMETERS,
    ApplicantRow,
    PensionGroupRow,
    TierShareRow,
    parse_month,
)
from .limits import limit

__all__ = ["fiscal_problems", "check_fiscal", "RATE_UNITS", "MONEY_UNITS"]

Locate = Callable[[str, int, str | None], tuple[str, str, str]]
RATE_UNITS = ("share",)
MONEY_UNITS = {"yuan/year": 1.0, "yuan/month": 12.0}  # unit -> factor to yuan/year
_Y = "scenario.yaml"


def _p(loc: tuple[str, str, str], zh: str, en: str) -> Problem:
    return Problem(loc[0], loc[1], loc[2], zh, en)


def _y(key: str, zh: str, en: str) -> Problem:
    return Problem(_Y, key, key, zh, en)


def _month_text(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def _check_shares(rows: tuple[TierShareRow, ...], locate: Locate) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, r in enumerate(rows):
        total = sum(r.shares)
        if abs(total - 1) > SHARE_TOLERANCE:
            out.append(_p(locate("tier_shares.csv", i, "central"),
                          *both("scenario.tier_shares_sum", funding=r.funding, region_tier=r.region_tier, total=total, central=r.central, province=r.province, city=r.city, county=r.county)))
        key = (r.funding, r.region_tier, r.from_year)
        if key in seen:
            out.append(_p(locate("tier_shares.csv", i, "from_year"),
                          *both("scenario.duplicate_tier_share", key=key, seen_key_1=seen[key] + 1)))
        seen.setdefault(key, i)
    return out


def _first_years(rows: tuple[TierShareRow, ...]) -> dict[tuple[str, str], int]:
    """Earliest ``from_year`` per (funding, region tier): one pass, so each later check is a lookup."""
    first: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r.funding, r.region_tier)
        first[key] = min(first.get(key, r.from_year), r.from_year)
    return first


def _need_shares(first: dict[tuple[str, str], int], key: str, tier: str, year: int,
                 where: tuple[str, str, str]) -> list[Problem]:
    if first.get((key, tier), year + 1) <= year:
        return []
    return [_p(where, *both("scenario.tier_shares_missing", key=key, tier=tier, year=year))]


def _check_param(params: dict[str, Any], name: str, units: tuple[str, ...], first: dt.date,
                 where: tuple[str, str, str]) -> list[Problem]:
    p = params.get(name)
    if p is None:
        return [_p(where, *both("scenario.unknown_fiscal_parameter", name=name, join_params_or=', '.join(params) or tr("none", "zh"), join_params_or_none=', '.join(params) or tr("none", "en")))]
    out = []
    key = f"fiscal.parameters.{name}"
    if p.unit not in units:
        out.append(_y(f"{key}.unit", *both("scenario.bad_unit", join_units=tr("list.or", "zh").join(units), unit=p.unit, or_join_units=tr("list.or", "en").join(units))))
    start = next(iter(p.values))
    if start > first:
        out.append(_y(f"{key}.values", *both("scenario.dated_value_too_late", first=first, start=start)))
    return out


def _check_applicants(spec: Any, rows: tuple[ApplicantRow, ...], locate: Locate) -> tuple[list[Problem], int | None]:
    si = spec.fiscal.si_continuation
    known = {**si.eligible_placements, **si.ineligible_placements}
    out: list[Problem] = []
    seen: dict[str, int] = {}
    first: int | None = None
    for i, r in enumerate(rows):
        if r.person_id in seen:
            out.append(_p(locate("si_applicants.csv", i, "person_id"),
                          *both("scenario.duplicate_person_id", person_id=r.person_id, seen_r_person_id_1=seen[r.person_id] + 1)))
        seen.setdefault(r.person_id, i)
        if r.placement not in known:
            out.append(_p(locate("si_applicants.csv", i, "placement"),
                          *both("scenario.unknown_placement_allowed", placement=r.placement, join_known=', '.join(known))))
        a, b = r.months
        if b < a:
            out.append(_p(locate("si_applicants.csv", i, "interrupted_to"),
                          *both("scenario.interruption_reversed", interrupted_to=r.interrupted_to, interrupted_from=r.interrupted_from)))
        if a < r.discharge_year * 12:
            out.append(_p(locate("si_applicants.csv", i, "interrupted_from"),
                          *both("scenario.interruption_before_discharge", interrupted_from=r.interrupted_from, discharge_year=r.discharge_year)))
        first = a if first is None else min(first, a)
    return out, first


def _span(q: Any) -> tuple[float, float]:
    """Lowest and highest value a quantity can take (its value, or its distribution's range)."""
    d = getattr(q, "dist", None)
    return (min(q.value, d.low), max(q.value, d.high)) if d is not None else (q.value, q.value)


def _range_problem(key: str, q: Any, lo: float, hi: float, what_zh: str, what_en: str) -> list[Problem]:
    a, b = _span(q)
    if lo <= a and b <= hi:
        return []
    return [_y(key, *both("scenario.distribution_out_of_range", what_zh=what_zh, lo=lo, hi=hi, a=a, b=b, what_en=what_en))]


def _magnitude_problems(spec: Any, groups: tuple[PensionGroupRow, ...], locate: Locate) -> list[Problem]:
    """Amounts, counts and rates within sensible bounds, so that no total can overflow to ``inf``."""
    f = spec.fiscal
    money, people = limit("money_yuan"), limit("applicants")
    out: list[Problem] = []
    for name, p in f.parameters.items():
        lo, hi = (0.0, money) if p.unit in MONEY_UNITS else (0.0, 10.0) if p.unit in RATE_UNITS else (-money, money)
        bad = [v for v in p.values.values() if not lo <= v <= hi][:3]
        if bad:
            out.append(_y(f"fiscal.parameters.{name}.values", *both("scenario.values_out_of_range", lo=lo, hi=hi, bad=bad)))
    for name, line in f.aid.items():
        key = f"fiscal.aid.{name}"
        out += _range_problem(f"{key}.cases_per_year", line.cases_per_year, 0, people, *both("scenario.cases_a_year"))
        out += _range_problem(f"{key}.amount_per_case", line.amount_per_case, 0, money, *both("scenario.what.amount_per_case"))
    si = f.si_continuation
    for key, q in (("fiscal.site_costs.growth", f.site_costs.growth), ("fiscal.pensions.rise_after_last", f.pensions.rise_after_last),
                   ("fiscal.si_continuation.wage_growth", si.wage_growth)):
        out += _range_problem(key, q, -1, 1, *both("scenario.what.growth_rate"))
    if si.payment.yearly_cap is not None and si.payment.yearly_cap.value > money:
        out += _range_problem("fiscal.si_continuation.payment.yearly_cap", si.payment.yearly_cap, 0, money,
                              *both("scenario.what.yearly_cap"))
    if si.cohort is not None:
        out += _range_problem("fiscal.si_continuation.cohort.count", si.cohort.count, 0, people, *both("scenario.the_count"))
        out += _range_problem("fiscal.si_continuation.cohort.years_in_arrears", si.cohort.years_in_arrears, 0, 60,
                              *both("scenario.years_in_arrears"))
    for i, g in enumerate(groups):
        if g.count > limit("table_rows") * 100:
            out.append(_p(locate("pension_groups.csv", i, "count"), *both("scenario.count_too_large", count=g.count, limit_table_rows_100=limit('table_rows') * 100)))
    return out


def fiscal_problems(spec: Any, tables: dict[str, tuple[Any, ...]], locate: Locate) -> list[Problem]:
    """All fiscal problems that involve more than one row, key or file."""
    shares: tuple[TierShareRow, ...] = tables.get("tier_shares.csv", ())  # type: ignore[assignment]
    applicants: tuple[ApplicantRow, ...] = tables.get("si_applicants.csv", ())  # type: ignore[assignment]
    groups: tuple[PensionGroupRow, ...] = tables.get("pension_groups.csv", ())  # type: ignore[assignment]
    out = _check_shares(shares, locate) + _magnitude_problems(spec, groups, locate)
    first = _first_years(shares)
    out += _funding_problems(spec, first, applicants)
    # social-insurance continuation: applicants and the dated parameters covering their months
    app_problems, first_month = _check_applicants(spec, applicants, locate)
    si_problems, first_month = _si_problems(spec.fiscal.si_continuation, first_month)
    out += app_problems + si_problems + _si_parameter_problems(spec.fiscal, first_month)
    return out + _pension_group_problems(spec, groups, first, locate)


def _yloc(key: str) -> tuple[str, str, str]:
    return (_Y, key, key)


def _funding_problems(spec: Any, first: dict[tuple[str, str], int], applicants: tuple[ApplicantRow, ...]) -> list[Problem]:
    """The funding keys used by the lines must have shares for the region tiers involved."""
    f, base = spec.fiscal, spec.base_year
    si = f.si_continuation
    si_tiers = {f.region_tier} | {r.region_tier for r in applicants if r.region_tier}
    if si.cohort is not None and si.cohort.region_tier:
        si_tiers.add(si.cohort.region_tier)
    out: list[Problem] = []
    for tier in sorted(si_tiers):
        out += _need_shares(first, si.funding, tier, base, _yloc("fiscal.si_continuation.funding"))
    for name, line in f.aid.items():
        out += _need_shares(first, line.funding, f.region_tier, base, _yloc(f"fiscal.aid.{name}.funding"))
        if line.case_type not in spec.case_types:
            out.append(_y(f"fiscal.aid.{name}.case_type", *both("scenario.unknown_case_type", case_type=line.case_type, join_spec_case_types=', '.join(spec.case_types))))
    return out + _need_shares(first, f.site_costs.funding, f.region_tier, base, _yloc("fiscal.site_costs.funding"))


def _si_problems(si: Any, first_month: int | None) -> tuple[list[Problem], int | None]:
    """Placements, the cohort and the pass rate of social-insurance continuation; the first month the
    dated parameters must cover (``first_month`` widened back to the cohort's arrears)."""
    out: list[Problem] = []
    overlap = set(si.eligible_placements) & set(si.ineligible_placements)
    if overlap:
        out.append(_y("fiscal.si_continuation.ineligible_placements",
                      *both("scenario.placement_in_both_lists", sorted_overlap=sorted(overlap))))
    if si.cohort is not None:
        c = si.cohort
        longest = round(12 * min(_span(c.years_in_arrears)[1], 60))  # larger values are reported above
        start = parse_month(c.interrupted_to, end=True) - max(longest, 1) + 1
        first_month = start if first_month is None else min(first_month, start)
        if c.count.value < 0 or (c.count.dist and c.count.dist.low < 0):
            out.append(_y("fiscal.si_continuation.cohort.count", *both("scenario.count_negative")))
        if c.years_in_arrears.value <= 0 or (c.years_in_arrears.dist and c.years_in_arrears.dist.low <= 0):
            out.append(_y("fiscal.si_continuation.cohort.years_in_arrears", *both("scenario.arrears_years_positive")))
    rate = si.pending_pass_rate
    if not 0 <= rate.value <= 1 or (rate.dist and not 0 <= rate.dist.low <= rate.dist.high <= 1):
        out.append(_y("fiscal.si_continuation.pending_pass_rate", *both("scenario.pass_rate_range")))
    return out, first_month


def _si_parameter_problems(f: Any, first_month: int | None) -> list[Problem]:
    """The dated social-insurance parameters cover every month from ``first_month`` (None: none needed)."""
    if first_month is None:
        return []
    out: list[Problem] = []
    first_day = dt.date(first_month // 12, first_month % 12 + 1, 1)
    for name in SI_PARAMETERS:
        # the wage of a year is the value in force on 1 January of that year
        wage = name == "local_average_wage"
        need = first_day.replace(month=1) if wage else first_day
        out += _check_param(f.parameters, name, ("yuan/year",) if wage else RATE_UNITS, need,
                            _yloc("fiscal.parameters"))
    return out


def _pension_group_problems(spec: Any, groups: tuple[PensionGroupRow, ...], first: dict[tuple[str, str], int],
                            locate: Locate) -> list[Problem]:
    """Pension groups: ids once, parameters exist, have money units and cover the base year, funding has shares."""
    f, base = spec.fiscal, spec.base_year
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, g in enumerate(groups):
        if g.group_id in seen:
            out.append(_p(locate("pension_groups.csv", i, "group_id"), *both("scenario.duplicate_group_id", group_id=g.group_id)))
        seen.setdefault(g.group_id, i)
        for col in ("standard", "central_subsidy"):
            name = getattr(g, col)
            if name is not None:
                out += _check_param(f.parameters, name, tuple(MONEY_UNITS), dt.date(base, 1, 1),
                                    locate("pension_groups.csv", i, col))
        out += _need_shares(first, g.funding, f.region_tier, base, locate("pension_groups.csv", i, "funding"))
    return out


# the name the scenario loader calls (vetsim.scenario.validate)
check_fiscal = fiscal_problems
