"""Why is this line of the budget what it is: the calculation trace of one budget figure (预算计算追溯).

In the manner of OpenFisca's calculation trace, :func:`explain` lays out how one line of the exact
budget (``draws=0``) of one year was computed: which groups of people (pension groups, site levels)
or which case volumes it is made of, each part's inputs with where they come from (the row of
``pension_groups.csv``, the dated parameter value in force each month with its date, the cost per post
of ``scenario.yaml``), the tier shares in force that year (the row of ``tier_shares.csv``), and the
rounding to the cent. The trace holds every number needed to redo the sum by hand; :func:`explain`
checks its own parts against the published table before returning, so a trace never disagrees with
the budget it explains.

Lines traced: ``pension`` (抚恤补助), ``hardship``, ``temporary_relief`` and ``site_costs``; the
social-insurance back-payments (one liability per applicant and month, paid by registration year)
have their own per-person sheet in the workbook instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scenario.fiscal_checks import MONEY_UNITS
from ..scenario.fiscal_spec import GOV_TIERS
from ..wording import both
from ..work.costs import site_costs_by_level
from .budget import budget as make_budget
from .budget import share_row
from .errors import FiscalError
from .money import allocate_cents
from .pensions import caseload_counts, month_index

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["TRACED_LINES", "Traced", "MonthValue", "Part", "Explanation", "explain", "explain_all", "check_traceable"]

TRACED_LINES: tuple[str, ...] = ("pension", "hardship", "temporary_relief", "site_costs")


@dataclass(frozen=True)
class Traced:
    """One input number: its value and unit as written in the scenario, its label and where it comes from."""

    key: str
    value: float
    unit: str
    label: tuple[str, str]
    source: str


@dataclass(frozen=True)
class MonthValue:
    """The value of a dated parameter in force on the 1st of one month of the year.

    ``yuan`` (yuan for that month, per person) = ``value`` x (12 if ``unit`` is yuan/month else 1) / 12
    x (1 + ``rise``) ^ ``rises``, where ``rises`` counts the 1 August rises after the last dated value
    (0 for a value that does not rise, such as the central subsidy).
    """

    month: int
    param: str
    in_force_from: dt.date
    value: float
    unit: str
    rises: int
    rise: float
    yuan: float


@dataclass(frozen=True)
class Part:
    """One contribution to the line: a group, a level of sites or a case volume, with its amount in yuan.

    ``kind`` names its rule: ``pension_standard`` (heads x sum over months of the standard less the
    central subsidy), ``pension_subsidy`` (heads x sum over months of the subsidy, capped at the
    standard), ``aid`` (cases x amount per case), ``site_costs`` (sum of the levels' yearly cost x
    (1 + growth) ^ years since the base year). The amount is borne by ``tier`` alone, or split by
    ``shares`` (the tier_shares.csv row ``share_row``, normalised to add up to 1).
    """

    kind: str
    label: tuple[str, str]
    inputs: dict[str, Traced]
    amount: float
    months: tuple[MonthValue, ...] = ()
    subsidy: tuple[MonthValue, ...] = ()
    groups: tuple[dict[str, Traced], ...] = ()  # site_costs: one dict of inputs per level of sites
    tier: str | None = None
    shares: dict[str, float] | None = None
    share_row: Any = None

    def tier_amount(self, tier: str) -> float:
        """This part's yuan borne by ``tier`` (unrounded)."""
        if self.tier is not None:
            return self.amount if tier == self.tier else 0.0
        return self.amount * (self.shares or {}).get(tier, 0.0)


@dataclass(frozen=True)
class Explanation:
    """The trace of one budget line in one year: its parts, the unrounded yuan per tier, and the published
    (rounded) yuan per tier of :class:`~vetsim.fiscal.Budget` (exact run)."""

    line: str
    year: int
    parts: tuple[Part, ...]
    unrounded: dict[str, float]
    published: dict[str, float]
    rise: Traced | None = None  # pensions: yearly rise after the last dated standard
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """The government total of the line and year (yuan, to the cent)."""
        return round(sum(self.published.values()), 2)


def _param_traced(key: str, q: Any, source: str | None = None) -> Traced:
    return Traced(key, float(q.value), str(q.unit), (q.label_zh, q.label_en), source or q.source)


def _months(params: dict[str, Any], key: str, year: int, rise: float | None) -> tuple[MonthValue, ...]:
    """The twelve monthly values of dated parameter ``key`` in ``year``; ``rise``: the yearly rise after
    the last dated value (None: the value does not rise), compounded as in the budget."""
    p = params[key]
    idx, k = month_index(p, np.array([year]))
    k = k if rise is not None else np.zeros_like(k)
    rate = float(rise or 0.0)
    dates, values = list(p.values), list(p.values.values())
    factor = MONEY_UNITS[p.unit] / 12.0
    return tuple(MonthValue(m + 1, key, dates[idx[0, m]], float(values[idx[0, m]]), p.unit, int(k[0, m]), rate,
                            float(values[idx[0, m]]) * factor * (1.0 + rate) ** int(k[0, m])) for m in range(12))


def _shared(part: Part, share_rows: tuple[Any, ...], region_tier: str, funding: str, year: int) -> Part:

    row = share_row(share_rows, funding, region_tier, year)
    raw = np.array(row.shares, dtype=float)
    shares = dict(zip(GOV_TIERS, (raw / raw.sum()).tolist(), strict=False))
    return Part(part.kind, part.label, part.inputs, part.amount, part.months, part.subsidy, part.groups,
                shares=shares, share_row=row)


def _pension_parts(scenario: Scenario, year: int) -> tuple[list[Part], Traced]:
    f = scenario.spec.fiscal
    rise_q = f.pensions.rise_after_last
    rise = _param_traced("rise_after_last", rise_q)
    steps = year - scenario.spec.base_year
    parts = []
    for g in scenario.table("pension_groups.csv"):
        src = f"pension_groups.csv: {g.group_id}"
        inputs = {"count": Traced("count", float(g.count), "person", (g.label_zh, g.label_en), src),
                  "exit_rate": Traced("exit_rate", float(g.exit_rate), "share/year", (g.label_zh, g.label_en), src),
                  "entry_rate": Traced("entry_rate", float(g.entry_rate), "share/year", (g.label_zh, g.label_en), src),
                  "years": Traced("years", float(steps), "year", (g.label_zh, g.label_en), "scenario.yaml: base_year")}
        heads = g.count * (1.0 - g.exit_rate + g.entry_rate) ** steps
        std = _months(f.parameters, g.standard, year, float(rise_q.value))
        sub = _months(f.parameters, g.central_subsidy, year, None) if g.central_subsidy else ()
        capped = [min(s.yuan, m.yuan) for s, m in zip(sub, std, strict=False)] if sub else [0.0] * 12
        label = (g.label_zh, g.label_en)
        if sub:
            parts.append(Part("pension_subsidy", label, inputs, heads * sum(capped), std, sub, tier="central"))
        rest = Part("pension_standard", label, inputs, heads * sum(m.yuan - c for m, c in zip(std, capped, strict=False)), std, sub)
        parts.append(_shared(rest, scenario.table("tier_shares.csv"), f.region_tier, g.funding, year))
    return parts, rise


def _aid_parts(scenario: Scenario, line: str, year: int, caseload: Any) -> list[Part]:
    spec = scenario.spec
    a = spec.fiscal.aid[line]  # type: ignore[index]
    cases = _param_traced("cases_per_year", a.cases_per_year, f"scenario.yaml: fiscal.aid.{line}.cases_per_year")
    if caseload is not None:
        n = float(caseload_counts(caseload, a.case_type, spec.simulation.days, spec.simulation.replications).mean())
        cases = Traced("cases_per_year", n, "case/year", both("explain.simulated_cases"),
                       f"simulation:{str(caseload.meta.get('scenario_hash', ''))[:12]}:{caseload.meta.get('seed')}")
    amount = _param_traced("amount_per_case", a.amount_per_case, f"scenario.yaml: fiscal.aid.{line}.amount_per_case")
    part = Part("aid", both(f"fiscal.line_labels.{line}"), {"cases": cases, "amount_per_case": amount},
                cases.value * amount.value)
    return [_shared(part, scenario.table("tier_shares.csv"), spec.fiscal.region_tier, a.funding, year)]


def _site_parts(scenario: Scenario, year: int) -> list[Part]:

    spec = scenario.spec
    costs = spec.costs
    groups = []
    total = 0.0
    for r in site_costs_by_level(scenario).itertuples():
        lv = str(r.level)
        if not r.sites:
            continue
        where = f"sites.csv: {lv}"
        g = {"sites": Traced("sites", float(r.sites), "site", both(f"level.{lv}"), where),
             "funded_staff": Traced("funded_staff", float(r.funded_staff), "post", both("funded_staff"), where),
             "parttime_staff": Traced("parttime_staff", float(r.parttime_staff), "post", both("parttime_staff"), where),
             "funded_post": _param_traced("funded_post", costs.funded_post[lv]),
             "parttime_post": _param_traced("parttime_post", costs.parttime_post[lv]),
             "site_overhead": _param_traced("site_overhead", costs.site_overhead[lv])}
        groups.append(g)
        total += float(r.total_yuan)
    line = spec.fiscal.site_costs
    steps = year - spec.base_year
    inputs = {"growth": _param_traced("growth", line.growth, "scenario.yaml: fiscal.site_costs.growth"),
              "years": Traced("years", float(steps), "year", both("explain.years_since_base"), "scenario.yaml: base_year")}
    part = Part("site_costs", both("fiscal.line_labels.site_costs"), inputs,
                total * (1.0 + float(line.growth.value)) ** steps, groups=tuple(groups))
    return [_shared(part, scenario.table("tier_shares.csv"), spec.fiscal.region_tier, line.funding, year)]


def check_traceable(scenario: Scenario, line: str, year: int | None = None) -> int:
    """The year to trace (default: the base year) if ``line`` can be traced in it, else a
    :class:`FiscalError` naming the lines or the years that can."""
    spec = scenario.spec
    year = spec.base_year if year is None else int(year)
    if line not in TRACED_LINES:
        raise FiscalError(*both("explain.bad_line", line=line, lines=", ".join(TRACED_LINES)))
    if not spec.base_year <= year < spec.base_year + spec.horizon_years:
        raise FiscalError(*both("explain.bad_year", year=year, first=spec.base_year,
                                last=spec.base_year + spec.horizon_years - 1))
    return year


def explain(scenario: Scenario, line: str, year: int | None = None, *, caseload: Any = None,
            budget: Any = None) -> Explanation:
    """The trace of budget ``line`` in ``year`` (default: the base year) of the exact budget.

    ``caseload``: simulation results whose hardship and relief volumes the budget used (as in
    :func:`vetsim.fiscal.budget`); ``budget``: that exact budget if already computed. Raises
    :class:`FiscalError` (Chinese and English) for a line that is not traced or a year outside the horizon.
    """

    year = check_traceable(scenario, line, year)
    b = budget if budget is not None else make_budget(scenario, draws=0, caseload=caseload)
    rise = None
    if line == "pension":
        parts, rise = _pension_parts(scenario, year)
    elif line == "site_costs":
        parts = _site_parts(scenario, year)
    else:
        parts = _aid_parts(scenario, line, year, caseload)
    unrounded = {t: sum(p.tier_amount(t) for p in parts) for t in GOV_TIERS}
    rows = b.table[(b.table["year"] == year) & (b.table["line"] == line)].set_index("tier")["value"]
    published = {t: float(rows.get(t, 0.0)) for t in GOV_TIERS}
    mine = allocate_cents(np.array([unrounded[t] for t in GOV_TIERS]))
    if not np.allclose(mine, [published[t] for t in GOV_TIERS], atol=0.005, rtol=0):
        raise AssertionError(f"the trace of {line} {year} does not reproduce the budget: {mine} vs {published}")
    return Explanation(line, year, tuple(parts), unrounded, published, rise,
                       {"scenario_hash": scenario.hash(), "draws": int(b.meta.get("draws", 0))})


def explain_all(scenario: Scenario, *, caseload: Any = None, budget: Any = None) -> list[Explanation]:
    """The trace of every traced line in every year of the horizon (for the workbook's trace sheet)."""

    b = budget if budget is not None else make_budget(scenario, draws=0, caseload=caseload)
    years = range(scenario.spec.base_year, scenario.spec.base_year + scenario.spec.horizon_years)
    return [explain(scenario, line, y, caseload=caseload, budget=b) for line in TRACED_LINES for y in years]
