"""Schema of ``scenario.yaml``: names, horizon, seed, targets, case types, simulation, costs, fiscal."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .fiscal_spec import Fiscal
from .limits import limit
from .params import Frozen, Labelled, Quantity, VisibleLongText, VisibleText, invalid
from .staffing_spec import StaffingSettings
from .work_spec import Presence, WorkPolicy
from ..wording import both

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
    zh: VisibleText
    en: VisibleText


class Description(Frozen):
    zh: VisibleLongText
    en: VisibleLongText


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
    finish_rate: Quantity | None = None
    wasted_trip_share: Quantity | None = None
    duty_coverage: Quantity | None = None
    campaign_on_time: Quantity | None = None

    @model_validator(mode="after")
    def _ranges(self) -> "Targets":
        if not 0 < self.wait_minutes.value <= 24 * 60:
            raise invalid(*both("scenario.wait_minutes_must_be_0", value=self.wait_minutes.value))
        bad = [n for n in ("service_level", "max_utilisation", "one_trip_rate", "on_time_share")
               if not 0 <= getattr(self, n).value <= 1]
        if bad or self.max_utilisation.value == 0:
            names = bad or ["max_utilisation"]
            shown = ", ".join(f"{n}={getattr(self, n).value:g}" for n in names)
            raise invalid(*both("scenario.share_targets_must_lie_between", shown=shown))
        return self


class CaseType(Labelled):
    """A kind of service request (业务类型)."""

    hotline_share: Share = Field(ge=0, le=1)
    letter_share: Share = Field(default=0.0, ge=0, le=1)
    missing_document_rate: Share = Field(ge=0, le=1)
    partner: str | None = None
    is_petition: bool = False
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _channels(self) -> "CaseType":
        if self.hotline_share + self.letter_share > 1 + 1e-9:
            raise invalid(*both("scenario.hotline_share_letter_share_must"))
        return self


class Partner(Labelled):
    """A partner department (人社, 医保, ...) that county-center cases are referred to."""

    processing_days: float = Field(ge=0)
    source: str = Field(min_length=1)


class Simulation(Frozen):
    """Settings of the caseload simulation that are not per case type or site.

    ``calendar``: ``official`` = weekdays minus Chinese public holidays plus make-up workdays (调休),
    sites open on their ``open_days``/``open_hours``; ``weekdays`` = Monday-Friday, no holidays;
    ``continuous`` = every site open around the clock every day with flat arrivals (no calendar
    effects at all; for checks against queueing theory).
    ``service_time_distribution``: ``gamma`` with mean ``counter_minutes`` and CV ``service_time_cv``,
    or ``exponential`` (CV 1; ``service_time_cv`` is then ignored).
    ``counter_policy``: ``counter_first`` = during opening hours staff serve the counter whenever
    someone waits; only the staff time left over in the day goes to back-office casework.
    ``abandonment``: whether veterans leave the queue after their patience runs out.
    ``weekday_profile``: relative arrival weight per weekday (1 = Monday .. 7 = Sunday); days not
    listed weigh 1. A month's volume is spread over the site's open days with these weights.
    """

    start_date: dt.date = Field(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))
    days: int = Field(gt=0, le=3660)
    replications: int = Field(gt=0, le=int(limit("replications")))
    service_time_cv: Quantity
    patience_minutes: Quantity
    return_delay_days: Quantity
    hour_profile: dict[int, float] = Field(min_length=1)
    calendar: Literal["official", "weekdays", "continuous"] = "official"
    service_time_distribution: Literal["gamma", "exponential"] = "gamma"
    counter_policy: Literal["counter_first"] = "counter_first"
    abandonment: bool = True
    weekday_profile: dict[int, float] | None = None

    @model_validator(mode="after")
    def _profile(self) -> "Simulation":
        wbad = [d for d, w in (self.weekday_profile or {}).items() if not 1 <= d <= 7 or w < 0][:5]
        if wbad:
            raise invalid(*both("scenario.weekday_profile_days_must_be", wbad=wbad))
        if self.service_time_cv.value <= 0 or self.patience_minutes.value <= 0 or self.return_delay_days.value < 0:
            raise invalid(*both("scenario.service_time_cv_and_patience"))
        bad = [h for h, w in self.hour_profile.items() if not 0 <= h <= 23 or w < 0][:5]
        if bad:
            raise invalid(*both("scenario.hour_profile_hours_must_be", bad=bad))
        if sum(self.hour_profile.values()) <= 0:
            raise invalid(*both("scenario.hour_profile_at_least_one"))
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
                raise invalid(*both("scenario.missing_levels_all_of_are", name=name, sorted_missing=sorted(missing), list_site_levels=list(SITE_LEVELS)))
            top = limit("money_yuan")
            for level, q in getattr(self, name).items():
                if not 0 <= q.value <= top:
                    raise invalid(*both("scenario.the_yearly_cost_must_lie", name=name, level=level, top=top, value=q.value))
        return self


class ScenarioSpec(Frozen):
    """Everything in ``scenario.yaml`` after overlays are merged."""

    name: Names
    description: Description | None = None
    base_year: int = Field(ge=2000, le=2100)
    horizon_years: int = Field(ge=1, le=30)
    seed: int = Field(ge=0)
    targets: Targets
    partners: dict[str, Partner]
    case_types: dict[str, CaseType] = Field(min_length=1)
    simulation: Simulation
    costs: Costs
    fiscal: Fiscal
    staffing: StaffingSettings | None = None
    presence: Presence | None = None
    work_policy: WorkPolicy = WorkPolicy()
