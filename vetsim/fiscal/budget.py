"""``budget(scenario)``: the yearly fiscal burden by line and by level of government, with ranges.

Tiers: ``central``, ``province``, ``city``, ``county`` are government finance and always add up to
the government total; ``individual`` (the veterans' own share of the social-insurance
back-payment) is kept as a separate tier and excluded from government totals. Years are budget
(cash) years ``base_year .. base_year + horizon_years - 1``. See ``money.py`` for rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..scenario.fiscal_spec import GOV_TIERS, TIERS
from ..wording import both
from ..work.costs import site_costs_by_level
from .assumptions import assumptions_frame
from .draws import Draws
from .errors import FiscalError
from .flows import LINES, Flow
from .labels import COLUMN_LABELS, TIER_LABELS, flabel
from .money import allocate_cents, to_cents
from .pensions import aid_flows, caseload_counts, pension_flows, site_cost_flows
from .si import SIPeople, people_detail, si_flows

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["Budget", "budget", "shares_for", "share_row", "TABLE_COLUMNS", "TOTAL"]

TABLE_COLUMNS = ("year", "line", "tier", "value", "p10", "p50", "p90")
TOTAL = "total"  # line and tier of the per-year government-total rows
_DIMS = ("year", "line", "tier")


def shares_for(rows: Iterable[Any], funding: str, region_tier: str, years: np.ndarray) -> np.ndarray:
    """(years, 4) central/province/city/county shares in force each year (latest from_year <= year).

    Raises ``KeyError`` when none is in force (scenario loading reports that as a problem first).
    """
    rows = tuple(rows)
    out = np.zeros((len(years), len(GOV_TIERS)))
    for j, y in enumerate(years):
        sh = np.array(share_row(rows, funding, region_tier, int(y)).shares, dtype=float)
        out[j] = sh / sh.sum()   # loading accepts sums within 1e-6 of 1; normalise so tiers add up exactly
    return out


def share_row(rows: Iterable[Any], funding: str, region_tier: str, year: int) -> Any:
    """The tier_shares.csv row in force in ``year`` for a funding key and region tier (the latest
    ``from_year <= year``); ``KeyError`` when none is."""
    live = sorted((r for r in rows if r.funding == funding and r.region_tier == region_tier and r.from_year <= year),
                  key=lambda r: r.from_year)
    if not live:
        raise KeyError(f"no tier shares for {funding}/{region_tier} in {year}")
    return live[-1]


def _combine(flows: list[Flow], share_rows: Iterable[Any], years: np.ndarray, n: int) -> np.ndarray:
    """Sum the flows into an array (draws, years, lines, tiers) of unrounded yuan."""
    arr = np.zeros((n, len(years), len(LINES), len(TIERS)))
    share_rows = tuple(share_rows)
    for f in flows:
        li = LINES.index(f.line)
        amounts = np.broadcast_to(f.amounts, (n, len(years)))
        if f.tier is not None:
            arr[:, :, li, TIERS.index(f.tier)] += amounts
        else:
            sh = shares_for(share_rows, f.funding, f.region_tier, years)  # type: ignore[arg-type]
            arr[:, :, li, : len(GOV_TIERS)] += amounts[:, :, None] * sh[None]
    return arr


def _rounded(mean: np.ndarray) -> np.ndarray:
    """Round (years, lines, tiers) means: government tiers by largest remainder, individual half up."""
    out = np.empty_like(mean)
    g = len(GOV_TIERS)
    out[..., :g] = allocate_cents(mean[..., :g])
    out[..., g:] = to_cents(mean[..., g:])
    return out


def _total_rows(years: np.ndarray, value: np.ndarray, arr: np.ndarray, exact: bool) -> pd.DataFrame:
    """One row per year, line ``total`` and tier ``total``: the government total with its own quantiles."""
    g = len(GOV_TIERS)
    tot = to_cents(value[..., :g].sum(axis=(1, 2)))
    if exact:
        qs = np.vstack([tot, tot, tot])
    else:
        qs = to_cents(np.quantile(arr[..., :g].sum(axis=(2, 3)), [0.1, 0.5, 0.9], axis=0))
    return pd.DataFrame({"year": years, "line": TOTAL, "tier": TOTAL, "value": tot,
                         "p10": qs[0], "p50": qs[1], "p90": qs[2]})


@dataclass(frozen=True, eq=False)
class Budget:
    """Result of :func:`budget`. ``table`` is tidy: year, line, tier, value, p10, p50, p90 (yuan).

    One row per (year, line in ``LINES``, tier in ``TIERS``), plus one row per year with line and
    tier ``"total"``: the government total (four tiers, all lines) whose P10/P90 are the quantiles
    of the summed draws (quantiles do not add up). Leave the total rows out when summing parts
    (``totals()`` does). ``value`` is the exact figure when ``meta['draws'] == 0``, else the Monte
    Carlo mean; all money columns are rounded to the cent (``money.ROUNDING_RULE``). ``si_people`` lists each applicant's
    exact liability; ``facts`` holds totals such as the back-payments left after the horizon.
    """

    table: pd.DataFrame
    meta: dict[str, Any]
    si_people: pd.DataFrame
    facts: dict[str, float]
    site_levels: pd.DataFrame | None             # site_costs_by_level of the scenario (base-year yuan)
    placement_labels: dict[str, tuple[str, str]]  # placement code -> (Chinese, English) label
    _draws: np.ndarray = field(repr=False)          # (draws, years, lines, tiers), unrounded
    _assumptions: pd.DataFrame = field(repr=False)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.table["year"].unique())

    def totals(self, by: Iterable[str] = ("year", "tier"), include_individual: bool = False) -> pd.DataFrame:
        """Sums of ``value`` over the dimensions not in ``by`` (of year, line, tier).

        Government tiers only unless ``include_individual`` (then the individual tier is a row of its own
        when ``tier`` is in ``by``, else it is added in). Quantiles are those of the summed draws, not sums
        of quantiles.
        """
        by = tuple(by)
        bad = set(by) - set(_DIMS)
        if bad:
            raise ValueError(f"unknown dimensions {sorted(bad)}; allowed: {', '.join(_DIMS)}")
        ntier = len(TIERS) if include_individual else len(GOV_TIERS)
        df = self.table[self.table["tier"].isin(TIERS[:ntier]) & (self.table["line"] != TOTAL)]
        keep = [d for d in _DIMS if d in by]
        out = df.groupby(keep, sort=False, observed=True)["value"].sum().reset_index() if keep else \
            pd.DataFrame({"value": [df["value"].sum()]})
        out["value"] = to_cents(out["value"].to_numpy())
        arr = self._draws[..., :ntier]
        axes = tuple(i + 1 for i, d in enumerate(_DIMS) if d not in keep)
        summed = arr.sum(axis=axes)                                    # (draws, kept dims...)
        if self.meta["draws"] == 0:
            for q in ("p10", "p50", "p90"):
                out[q] = out["value"]
            return out
        qs = to_cents(np.quantile(summed, [0.1, 0.5, 0.9], axis=0))    # (3, kept dims...)
        index = {"year": {y: i for i, y in enumerate(self.years)}, "line": {l: i for i, l in enumerate(LINES)},
                 "tier": {t: i for i, t in enumerate(TIERS)}}
        pos = tuple(out[d].map(index[d]).to_numpy() for d in keep)
        for k, q in enumerate(("p10", "p50", "p90")):
            out[q] = qs[k][pos] if keep else qs[k]
        return out

    def wide(self, lang: str = "zh") -> pd.DataFrame:
        """Year x tier table of values with labelled columns and the government total (for printing)."""
        t = self.totals(("year", "tier"), include_individual=True)
        w = t.pivot(index="year", columns="tier", values="value").reindex(columns=list(TIERS)).fillna(0.0)
        w.insert(len(GOV_TIERS), "government", to_cents(w[list(GOV_TIERS)].sum(axis=1).to_numpy()))
        w.columns = [flabel(TIER_LABELS, c, lang) for c in w.columns]
        w.index.name = flabel(COLUMN_LABELS, "year", lang)
        return w

    def assumptions(self) -> pd.DataFrame:
        """Every input number of the fiscal model with unit, label and source (a copy)."""
        return self._assumptions.copy()

    def to_excel(self, path: Any, lang: str = "zh", traces: pd.DataFrame | None = None) -> Any:
        """Write the workbook atomically (see ``excel.write_budget``; ``traces``: the trace sheet's rows); returns the path."""
        from .excel import write_budget  # heavy: openpyxl, loaded only when a workbook is written

        return write_budget(self, path, lang, traces)

    def to_csv(self, path: Any, lang: str = "zh") -> Any:
        """Write the tidy table with labels in ``lang`` as CSV atomically (see ``excel.write_budget_csv``)."""
        from .excel import write_budget_csv  # heavy: the writers' module loads openpyxl; only when a file is written

        return write_budget_csv(self, path, lang)


def budget(scenario: Scenario, draws: int = 0, seed: int | None = None, caseload: Any = None) -> Budget:
    """Yearly fiscal burden of ``scenario`` by line and tier.

    ``draws=0``: exact values from the point inputs. ``draws=N``: Monte Carlo with
    ``numpy.random.SeedSequence(seed or scenario.spec.seed)``; value = mean, with P10/P50/P90.
    ``caseload``: optional simulation ``Results`` whose hardship / relief volumes replace
    ``cases_per_year`` (mean count per replication per year).
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 0:
        raise FiscalError(*both("fiscal.error.bad_draws", draws=draws))
    if caseload is not None and not hasattr(caseload, "cases"):
        raise FiscalError(*both("fiscal.error.caseload_not_results"))
    spec = scenario.spec
    f = spec.fiscal
    seed = spec.seed if seed is None else int(seed)
    dr = Draws.make(int(draws), seed)
    years = np.arange(spec.base_year, spec.base_year + spec.horizon_years)
    applicants = scenario.table("si_applicants.csv")
    people = SIPeople.from_rows(applicants, f.si_continuation, spec.base_year, f.region_tier)
    flows, facts = si_flows(f.si_continuation, f.parameters, people, years, dr, f.region_tier)
    flows += pension_flows(f.pensions, scenario.table("pension_groups.csv"), f.parameters, years, dr, f.region_tier)
    for name, line in f.aid.items():
        counts = None
        if caseload is not None:
            counts = caseload_counts(caseload, line.case_type, spec.simulation.days, spec.simulation.replications)
        flows += aid_flows(name, line, years, dr, f.region_tier, counts)
    site_levels = site_costs_by_level(scenario)
    yearly_sites = float(site_levels["total_yuan"].sum())
    flows += site_cost_flows(f.site_costs, yearly_sites, years, dr, f.region_tier)
    arr = _combine(flows, scenario.table("tier_shares.csv"), years, dr.n)
    value = _rounded(arr.mean(axis=0))
    if dr.exact:
        p10 = p50 = p90 = value
    else:
        p10, p50, p90 = to_cents(np.quantile(arr, [0.1, 0.5, 0.9], axis=0))
    grid = pd.MultiIndex.from_product([years.tolist(), list(LINES), list(TIERS)], names=list(_DIMS)).to_frame(index=False)
    table = grid.assign(value=value.ravel(), p10=p10.ravel(), p50=p50.ravel(), p90=p90.ravel())
    table = pd.concat([table, _total_rows(years, value, arr, dr.exact)], ignore_index=True)
    meta = {"seed": seed, "draws": int(draws), "scenario_hash": scenario.hash(), "vetsim_version": __version__,
            "scenario_name": scenario.name("zh"), "scenario_name_en": scenario.name("en"),
            "base_year": spec.base_year, "horizon_years": spec.horizon_years,
            "caseload": caseload is not None}
    people_df = people_detail(applicants, f.si_continuation, f.parameters, spec.base_year, f.region_tier, people)
    si = f.si_continuation
    placements = {k: (v.label_zh, v.label_en) for k, v in {**si.eligible_placements, **si.ineligible_placements}.items()}
    return Budget(table, meta, people_df, facts, site_levels, placements, arr, assumptions_frame(scenario))
