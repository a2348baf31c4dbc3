"""Schema of the fiscal part of a scenario: the ``fiscal:`` section of scenario.yaml and fiscal tables.

Owned by the fiscal model (vetsim.fiscal). ``FISCAL_TABLES`` lists extra CSV files of a scenario
folder (validated row by row with the models below); ``fiscal_checks.check_fiscal`` runs the cross-file checks
(tier shares summing to 1, references to parameters and funding keys, interruption dates).
Every number carries unit, labels and source; ``Uncertain`` numbers may add a distribution that
Monte Carlo runs draw from (the plain ``value`` is used for exact runs).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..wording import LabelColumns
from .params import DatedParam, Frozen, Labelled, Quantity

__all__ = [
    "Fiscal", "FISCAL_TABLES", "Dist", "Uncertain", "Payment", "Cohort",
    "SIContinuation", "Pensions", "AidLine", "SiteCostLine", "ApplicantRow", "PensionGroupRow",
    "TierShareRow", "TIERS", "GOV_TIERS", "REGION_TIERS", "SI_PARAMETERS", "parse_month",
]

REGION_TIERS: tuple[str, ...] = ("east", "central", "west")
GOV_TIERS: tuple[str, ...] = ("central", "province", "city", "county")
TIERS: tuple[str, ...] = (*GOV_TIERS, "individual")
RegionTier = Literal["east", "central", "west"]
# dated parameters the social-insurance continuation needs (names in fiscal.parameters)
SI_PARAMETERS: tuple[str, ...] = (
    "si_base_share", "local_average_wage", "si_unit_pension_rate", "si_individual_pension_rate",
    "si_unit_medical_rate", "si_individual_medical_rate",
)
SHARE_TOLERANCE = 1e-6
_ID = r"^[A-Za-z0-9_\-]+$"


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and v.strip() == "" else v


Opt = BeforeValidator(_blank_to_none)


def _as_month_text(v: object) -> object:
    """Accept a date (its month counts) or a bare year as well as 'YYYY-MM' text."""
    if isinstance(v, dt.date):
        return f"{v.year}-{v.month:02d}"
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


MonthText = Annotated[str, BeforeValidator(_as_month_text)]


def parse_month(text: str | int, end: bool = False) -> int:
    """'2019-05' -> months since year 0 (2019*12 + 4); a bare year '2019' means Jan (or Dec if ``end``)."""
    return _parse_month(text if isinstance(text, str) else str(text), end)


_MONTH = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?")


@functools.lru_cache(maxsize=8192)  # 200,000 applicants share a few hundred months
def _parse_month(text: str, end: bool) -> int:
    s = text.strip()
    m = _MONTH.fullmatch(s)
    if not m or not (1 <= int(m.group(2) or 1) <= 12):
        raise ValueError(f"cannot read month {s!r}; use YYYY-MM, e.g. 2019-05 (or a year, e.g. 2019)")
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    return int(m.group(1)) * 12 + month - 1


class Dist(Frozen):
    """A distribution for Monte Carlo draws: triangular (low, mode, high) or uniform (low, high)."""

    kind: Literal["triangular", "uniform"]
    low: float
    high: float
    mode: float | None = None

    @model_validator(mode="after")
    def _order(self) -> Dist:
        if self.kind == "triangular":
            if self.mode is None:
                raise ValueError("a triangular distribution needs low, mode and high")
            if not self.low <= self.mode <= self.high:
                raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        elif self.mode is not None:
            raise ValueError("a uniform distribution takes only low and high")
        if not self.low <= self.high:
            raise ValueError(f"need low <= high, got {self.low}, {self.high}")
        return self


class Uncertain(Quantity):
    """A ``Quantity`` whose ``value`` is used in exact runs; ``dist`` (optional) is drawn in Monte Carlo runs."""

    dist: Dist | None = None

    @model_validator(mode="after")
    def _inside(self) -> Uncertain:
        if self.dist is not None and not self.dist.low <= self.value <= self.dist.high:
            raise ValueError(f"value {self.value} lies outside the distribution's range "
                             f"[{self.dist.low}, {self.dist.high}]")
        return self


class Payment(Frozen):
    """Payment schedule of the registered back-payments (government part).

    ``spread``: each registration year's liability is paid in ``years`` equal parts starting that year.
    ``cap``: at most ``yearly_cap`` yuan of government money a year, oldest registrations first.
    """

    mode: Literal["spread", "cap"]
    years: int | None = Field(default=None, ge=1, le=30)
    yearly_cap: Quantity | None = None
    source: str = Field(default="assumption", min_length=1)

    @model_validator(mode="after")
    def _mode(self) -> Payment:
        if self.mode == "spread" and (self.years is None or self.yearly_cap is not None):
            raise ValueError("mode 'spread' needs 'years' (and no 'yearly_cap')")
        if self.mode == "cap" and (self.yearly_cap is None or self.years is not None):
            raise ValueError("mode 'cap' needs 'yearly_cap' in yuan/year (and no 'years')")
        if self.yearly_cap is not None and self.yearly_cap.value <= 0:
            raise ValueError("yearly_cap must be > 0")
        return self


class Cohort(Labelled):
    """Not-yet-screened applicants known only as totals (documented generator).

    ``count`` people, each interrupted for ``years_in_arrears`` years (rounded to whole months)
    ending in the month ``interrupted_to``; registered in ``registered_year``; they pass
    verification with the same ``pending_pass_rate`` as pending applicants.
    """

    count: Uncertain
    years_in_arrears: Uncertain
    interrupted_to: MonthText
    registered_year: int = Field(ge=2000, le=2100)
    region_tier: RegionTier | None = None
    source: str = Field(min_length=1)

    @field_validator("interrupted_to")
    @classmethod
    def _month(cls, v: str) -> str:
        parse_month(v, end=True)
        return v


class SIContinuation(Frozen):
    """Social-insurance continuation (社保接续) settings; rates live in ``fiscal.parameters``.

    Every applicant's placement must be listed in ``eligible_placements`` or
    ``ineligible_placements`` (so a typo cannot silently exclude or include anybody).
    """

    eligible_placements: dict[str, Labelled] = Field(min_length=1)
    ineligible_placements: dict[str, Labelled] = Field(default_factory=dict)
    pending_pass_rate: Uncertain
    wage_growth: Uncertain
    payment: Payment
    funding: str = Field(pattern=_ID)
    cohort: Cohort | None = None


class Pensions(Frozen):
    """Pensions and subsidies for entitled groups (抚恤补助); groups in pension_groups.csv."""

    rise_after_last: Uncertain


class AidLine(Frozen):
    """Hardship assistance or temporary relief: cases a year x yuan per case."""

    case_type: str = Field(min_length=1)
    cases_per_year: Uncertain
    amount_per_case: Uncertain
    funding: str = Field(pattern=_ID)


class SiteCostLine(Frozen):
    """Site running costs (from ``vetsim.work.site_costs``), growing yearly by ``growth``."""

    growth: Uncertain
    funding: str = Field(pattern=_ID)


class Fiscal(Frozen):
    """Fiscal settings: the county's region tier, dated parameters and the budget lines."""

    region_tier: RegionTier
    parameters: dict[str, DatedParam]
    si_continuation: SIContinuation
    pensions: Pensions
    aid: dict[Literal["hardship", "temporary_relief"], AidLine]
    site_costs: SiteCostLine


# ---- fiscal tables (one row model per CSV) ---------------------------------------------------
class ApplicantRow(Frozen):
    """One applicant for social-insurance continuation (si_applicants.csv).

    ``status``: eligible (verified), ineligible (rejected: never paid) or pending (paid with the
    pass rate). Interruption months are inclusive, YYYY-MM.
    """

    person_id: str = Field(pattern=_ID)
    discharge_year: int = Field(ge=1950, le=2100)
    placement: str = Field(min_length=1)
    interrupted_from: MonthText
    interrupted_to: MonthText
    status: Literal["eligible", "ineligible", "pending"]
    registered_year: Annotated[int | None, Opt] = Field(default=None, ge=2000, le=2100)
    region_tier: Annotated[RegionTier | None, Opt] = None

    @field_validator("interrupted_from")
    @classmethod
    def _from(cls, v: str) -> str:
        parse_month(v)
        return v

    @field_validator("interrupted_to")
    @classmethod
    def _to(cls, v: str) -> str:
        parse_month(v, end=True)
        return v

    @property
    def months(self) -> tuple[int, int]:
        return parse_month(self.interrupted_from), parse_month(self.interrupted_to, end=True)


class PensionGroupRow(LabelColumns, Frozen):
    """One group of entitled people on regular payments (pension_groups.csv).

    ``standard``/``central_subsidy`` name dated parameters in ``fiscal.parameters`` (yuan/year or
    yuan/month); ``count`` is the headcount on 1 January of the base year; exits and entrants are
    rates per year of the headcount.
    """

    group_id: str = Field(pattern=_ID)
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    count: float = Field(ge=0)
    exit_rate: float = Field(ge=0, le=1)
    entry_rate: float = Field(ge=0, le=1)
    standard: str = Field(min_length=1)
    central_subsidy: Annotated[str | None, Opt] = None
    funding: str = Field(pattern=_ID)
    source: str = Field(min_length=1)


class TierShareRow(LabelColumns, Frozen):
    """Shares of central / province / city / county finance for one funding key and region tier (tier_shares.csv)."""

    funding: str = Field(pattern=_ID)
    region_tier: RegionTier
    from_year: int = Field(ge=1990, le=2100)
    central: float = Field(ge=0, le=1)
    province: float = Field(ge=0, le=1)
    city: float = Field(ge=0, le=1)
    county: float = Field(ge=0, le=1)
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @property
    def shares(self) -> tuple[float, float, float, float]:
        return (self.central, self.province, self.city, self.county)


# file name -> (row model, key columns, required?)
FISCAL_TABLES: dict[str, tuple[type[Frozen], tuple[str, ...], bool]] = {
    "tier_shares.csv": (TierShareRow, ("funding", "region_tier", "from_year"), True),
    "si_applicants.csv": (ApplicantRow, ("person_id",), False),
    "pension_groups.csv": (PensionGroupRow, ("group_id",), False),
}



