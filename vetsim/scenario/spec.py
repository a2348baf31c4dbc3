"""Schema of ``scenario.yaml``: names, horizon, seed, targets, case types, simulation, costs, fiscal."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ..wording import both
from .fiscal_spec import Fiscal
from .levels import DEFAULT_LEVELS, LevelDef, Levels, check_levels
from .limits import limit
from .params import Frozen, Labelled, Quantity, VisibleLongText, VisibleText, invalid
from .staffing_spec import StaffingSettings
from .work_spec import FixedTime, Overtime, Presence, PresenceFit, WorkPolicy

__all__ = [
    "LEVELS",
    "SITE_LEVELS",
    "LevelId",
    "Names",
    "DateTarget",
    "Targets",
    "CaseType",
    "Partner",
    "Simulation",
    "Costs",
    "ScenarioSpec",
]

# the bundled registry's levels (vetsim/scenario/levels.yaml), for code without a scenario at hand;
# with a scenario use ``scenario.levels`` (a scenario may declare its own ``levels:``)
SITE_LEVELS: tuple[str, ...] = DEFAULT_LEVELS.site_ids
LEVELS: tuple[str, ...] = DEFAULT_LEVELS.ids
# a level id as written in a table or section; whether it is a level of the scenario is checked
# against the scenario's registry (checks.level_problems), not by a Literal fixed in code
LevelId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
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
    def _ranges(self) -> Targets:
        if not 0 < self.wait_minutes.value <= 24 * 60:
            raise invalid(*both("scenario.wait_target_range", value=self.wait_minutes.value))
        bad = [n for n in ("service_level", "max_utilisation", "one_trip_rate", "on_time_share")
               if not 0 <= getattr(self, n).value <= 1]
        if bad or self.max_utilisation.value == 0:
            names = bad or ["max_utilisation"]
            shown = ", ".join(f"{n}={getattr(self, n).value:g}" for n in names)
            raise invalid(*both("scenario.share_targets_range", shown=shown))
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
    def _channels(self) -> CaseType:
        if self.hotline_share + self.letter_share > 1 + 1e-9:
            raise invalid(*both("scenario.channel_shares_sum"))
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
    abandonment: bool = True
    weekday_profile: dict[int, float] | None = None

    @model_validator(mode="after")
    def _profile(self) -> Simulation:
        wbad = [d for d, w in (self.weekday_profile or {}).items() if not 1 <= d <= 7 or w < 0][:5]
        if wbad:
            raise invalid(*both("scenario.weekday_profile_range", wbad=wbad))
        if self.service_time_cv.value <= 0 or self.patience_minutes.value <= 0 or self.return_delay_days.value < 0:
            raise invalid(*both("scenario.simulation_params_positive"))
        bad = [h for h, w in self.hour_profile.items() if not 0 <= h <= 23 or w < 0][:5]
        if bad:
            raise invalid(*both("scenario.hour_profile_range", bad=bad))
        if sum(self.hour_profile.values()) <= 0:
            raise invalid(*both("scenario.hour_profile_all_zero"))
        return self


class Costs(Frozen):
    """Yearly staff and site costs by site level (yuan per year)."""

    funded_post: dict[LevelId, Quantity]
    parttime_post: dict[LevelId, Quantity]
    site_overhead: dict[LevelId, Quantity]

    @model_validator(mode="after")
    def _ranges(self) -> Costs:
        for name in ("funded_post", "parttime_post", "site_overhead"):
            top = limit("money_yuan")
            for level, q in getattr(self, name).items():
                if not 0 <= q.value <= top:
                    raise invalid(*both("scenario.yearly_cost_range", name=name, level=level, top=top, value=q.value))
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
    presence_fit: PresenceFit | None = None  # the ledger fit's thresholds for presence (none: it cannot fit presence)
    # the daily allocation in force: a policy, or the name of one of ``work_policies`` (compared by
    # ``vetsim policies``)
    work_policy: WorkPolicy = WorkPolicy()
    work_policies: dict[str, WorkPolicy] = Field(default_factory=dict)
    overtime: Overtime | None = None
    fixed_time: FixedTime | None = None
    levels: tuple[LevelDef, ...] | None = None  # None: the bundled registry (vetsim/scenario/levels.yaml)

    @model_validator(mode="before")
    @classmethod
    def _named_policy(cls, data: Any) -> Any:
        """``work_policy: <name>`` picks one of ``work_policies`` (its key becomes the policy's name)."""
        if not isinstance(data, dict) or not isinstance(data.get("work_policy"), str):
            return data
        name, named = data["work_policy"], data.get("work_policies") or {}
        if not isinstance(named, dict):
            return data  # work_policies is not a mapping: the field's own check names it
        if name not in named:
            raise invalid(*both("scenario.work_policy_unknown_name", name=name, known=sorted(map(str, named))))
        chosen = named[name]
        if not isinstance(chosen, dict) and not hasattr(chosen, "model_dump"):
            return data  # the named policy is not a mapping (e.g. empty): the field's own check names it
        chosen = chosen.model_dump() if hasattr(chosen, "model_dump") else dict(chosen)
        return {**data, "work_policy": {**chosen, "name": name}}

    @model_validator(mode="after")
    def _per_level_sections(self) -> ScenarioSpec:
        if self.levels is not None:
            check_levels(self.levels)
        sites = set(self.level_registry.site_ids)
        allowed = sorted(sites)
        for name in ("funded_post", "parttime_post", "site_overhead"):
            given = set(getattr(self.costs, name))
            if given != sites:
                raise invalid(*both("levels.costs_levels", name=name, allowed=allowed, missing=sorted(sites - given),
                                   unknown=sorted(given - sites)))
        sections = {"presence": set(self.presence.levels()) if self.presence else set(),
                    "overtime": set(self.overtime.levels()) if self.overtime else set(),
                    "fixed_time": set(self.fixed_time.levels()) if self.fixed_time else set()}
        if self.staffing is not None:
            sections["staffing.min_funded_posts"] = set(self.staffing.min_funded_posts)
            sections["staffing.max_posts"] = set(self.staffing.max_posts)
        for name, given in sections.items():
            if given - sites:
                raise invalid(*both("levels.section_unknown", name=name, unknown=sorted(given - sites), allowed=allowed))
        return self

    @property
    def level_registry(self) -> Levels:
        """The scenario's levels: its own ``levels:`` section, else the bundled registry."""
        return _registry(self.levels)


@lru_cache(maxsize=32)
def _registry(defs: tuple[LevelDef, ...] | None) -> Levels:
    return DEFAULT_LEVELS if defs is None else Levels(defs)
