"""Schema of ``scenario.yaml``: names, horizon, seed, targets, case types, simulation, costs, fiscal."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .fiscal_spec import Fiscal
from .params import Frozen, Labelled, Quantity

__all__ = [
    "LEVELS",
    "SITE_LEVELS",
    "Level",
    "SiteLevel",
    "Names",
    "DateTarget",
    "Targets",
    "CaseType",
    "Partner",
    "Simulation",
    "Costs",
    "ScenarioSpec",
]

SITE_LEVELS: tuple[str, ...] = ("village", "township", "county_center")
LEVELS: tuple[str, ...] = (*SITE_LEVELS, "partner")
SiteLevel = Literal["village", "township", "county_center"]
Level = Literal["village", "township", "county_center", "partner"]
Share = float


class Names(Frozen):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class DateTarget(Labelled):
    date: dt.date
    source: str = Field(min_length=1)


class Targets(Frozen):
    """KPI targets of the leaders' page."""

    wait_minutes: Quantity
    service_level: Quantity
    max_utilisation: Quantity
    one_trip_rate: Quantity
    on_time_share: Quantity
    petition_backlog_zero_by: DateTarget


class CaseType(Labelled):
    """A kind of service request (业务类型)."""

    hotline_share: Share = Field(ge=0, le=1)
    missing_document_rate: Share = Field(ge=0, le=1)
    partner: str | None = None
    is_petition: bool = False
    source: str = Field(min_length=1)


class Partner(Labelled):
    """A partner department (人社, 医保, ...) that county-center cases are referred to."""

    processing_days: float = Field(ge=0)
    source: str = Field(min_length=1)


class Simulation(Frozen):
    """Settings of the caseload simulation that are not per case type or site."""

    start_date: dt.date
    days: int = Field(gt=0, le=3660)
    replications: int = Field(gt=0, le=10000)
    service_time_cv: Quantity
    patience_minutes: Quantity
    return_delay_days: Quantity
    hour_profile: dict[int, float] = Field(min_length=1)

    @model_validator(mode="after")
    def _profile(self) -> "Simulation":
        bad = [h for h, w in self.hour_profile.items() if not 0 <= h <= 23 or w < 0]
        if bad:
            raise ValueError(f"hour_profile: hours must be 0-23 with weights >= 0, got {bad}")
        if sum(self.hour_profile.values()) <= 0:
            raise ValueError("hour_profile: at least one hour needs a positive weight")
        return self


class Costs(Frozen):
    """Yearly staff and site costs by site level (yuan per year)."""

    funded_post: dict[SiteLevel, Quantity]
    parttime_post: dict[SiteLevel, Quantity]
    site_overhead: dict[SiteLevel, Quantity]

    @model_validator(mode="after")
    def _all_levels(self) -> "Costs":
        for name in ("funded_post", "parttime_post", "site_overhead"):
            missing = set(SITE_LEVELS) - set(getattr(self, name))
            if missing:
                raise ValueError(f"{name}: missing levels {sorted(missing)}; all of {list(SITE_LEVELS)} are required")
        return self


class ScenarioSpec(Frozen):
    """Everything in ``scenario.yaml`` after overlays are merged."""

    name: Names
    description: Names | None = None
    base_year: int = Field(ge=2000, le=2100)
    horizon_years: int = Field(ge=1, le=30)
    seed: int = Field(ge=0)
    targets: Targets
    partners: dict[str, Partner]
    case_types: dict[str, CaseType] = Field(min_length=1)
    simulation: Simulation
    costs: Costs
    fiscal: Fiscal
