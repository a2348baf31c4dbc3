"""Schema of where staff time goes (docs/DOMAIN.md §4): presence, the daily time policy, duties, campaigns.

Why in the scenario: each of these is a number or a policy choice a planner edits and questions
(how much time a township cadre spends away from the station, what gets done first on a busy
day, how many hours the yearly verification takes), so it lives in data with unit, labels and
source. The work layer (``vetsim.work``) turns it into staff time and work owed per site and day;
the simulation and the staffing estimate both read that, never this schema directly.

* ``presence:`` (scenario.yaml), per site level: ``away_share`` -- share of working days a post
  is away from the station (outreach, meetings, training, township errands); ``other_duties_share``
  -- share of the time present that goes to non-veteran township work (一人多岗);
  ``closed_when_away`` -- when nobody is present the station is closed (a walk-in finds nobody,
  只挂牌、不配人) or a stand-in keeps the counter open (no casework). ``sites.csv`` may override
  ``away_share`` per site (optional column).
* ``presence_fit:`` (scenario.yaml): how the ledger fit (``vetsim.ledgerfit``) estimates presence:
  ``min_site_days`` -- days with walk-ins a site needs for an away share of its own (fewer: its
  level's); ``max_half_width`` -- a level's fitted away share whose 95% interval is wider than +- this
  is too thin to use and stays the scenario's. Method choices a user may question, so data too.
* ``work_policy:`` (scenario.yaml): the daily allocation of staff time left after the counter and
  shared village cover: first every kind of work gets up to its minimum share, then the rest goes
  in the priority ``order`` (campaigns, duties, casework in some order).
* ``duties.csv``: recurring duties (常态化工作) per level with a period and a due date; work not done
  today stays owed until done (coverage against the due date is the KPI).
* ``campaigns.csv``: time-bound campaigns set from above (e.g. 摸底排查) with a start and a deadline.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..wording import LabelColumns, both
from .params import Frozen, Quantity, invalid

__all__ = ["LevelPresence", "Presence", "PresenceFit", "WorkPolicy", "DutyRow", "CampaignRow", "WORK_KINDS", "WORK_TABLES", "CalibrationRow",
           "CATEGORY_TIERS", "SLACK_TIERS", "TIERS", "LevelOvertime", "Overtime", "FixedTime", "hours_per_week"]

WORK_KINDS: tuple[str, ...] = ("campaigns", "duties", "casework")
# a policy's order lists one of two families of tiers: by category (today's rule), or by slack:
# must-do work still able to meet its date, any work still able to meet its date (least slack
# first), casework, late work still worth doing (earliest due first)
CATEGORY_TIERS: tuple[str, ...] = WORK_KINDS
SLACK_TIERS: tuple[str, ...] = ("must", "on_time", "casework", "late")
TIERS: tuple[str, ...] = ("campaigns", "duties", "casework", "must", "on_time", "late")
_Tier = Literal["campaigns", "duties", "casework", "must", "on_time", "late"]


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and v.strip() == "" else v


Opt = BeforeValidator(_blank_to_none)


def _flag(default: bool):
    """A yes/no cell: blank is ``default``; true/false, yes/no, y/n, 1/0 are read as such."""
    def read(v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return default
        if isinstance(v, str):
            t = v.strip().lower()
            if t in ("true", "yes", "1", "y"):
                return True
            if t in ("false", "no", "0", "n"):
                return False
        return v
    return read
# a level id; whether it is a site level of the scenario is checked against its registry (checks.level_problems)
_LevelId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class LevelPresence(Frozen):
    """Staff presence at the sites of one level."""

    away_share: Quantity
    other_duties_share: Quantity | None = None
    closed_when_away: bool = True

    @model_validator(mode="after")
    def _shares(self) -> LevelPresence:
        for name in ("away_share", "other_duties_share"):
            q = getattr(self, name)
            if q is not None and not 0 <= q.value < 1:
                raise invalid(*both("scenario.presence_range", name=name, value=q.value))
        return self


class _PerLevel(Frozen):
    """A section keyed by level id (``presence:``, ``overtime:``, ``fixed_time:``): the keys are the
    scenario's site levels (checked by ``ScenarioSpec`` against its registry), so a section follows the
    level registry instead of naming levels here. A subclass types its values with ``__pydantic_extra__``."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    def _entry(self, name: str) -> Any:
        return (self.__pydantic_extra__ or {}).get(name)

    def levels(self) -> tuple[str, ...]:
        return tuple(self.__pydantic_extra__ or {})


class Presence(_PerLevel):
    """The ``presence:`` section: ``level id -> LevelPresence``; a level not given is always fully present.

    """

    __pydantic_extra__: dict[str, LevelPresence] = Field(init=False)

    def level(self, name: str) -> LevelPresence | None:
        return self._entry(name)


class PresenceFit(Frozen):
    """The ``presence_fit:`` section: the ledger fit's thresholds for presence (see the module doc)."""

    min_site_days: Quantity
    max_half_width: Quantity

    @model_validator(mode="after")
    def _ranges(self) -> PresenceFit:
        days, half = self.min_site_days.value, self.max_half_width.value
        if days < 1 or days != int(days):
            raise invalid(*both("scenario.presence_fit_min_site_days", value=days))
        if not 0 < half <= 1:
            raise invalid(*both("scenario.presence_fit_max_half_width", value=half))
        return self


class WorkPolicy(Frozen):
    """Daily allocation of the staff time left after the counter, shared cover and fixed time.

    Each tier first gets up to ``min_share`` of that time (if it has work owed), then what is left
    goes to the tiers in ``order``. Two families of tiers: by category (``campaigns``, ``duties``,
    ``casework``; packages earliest due first within each) or by slack (``must``: must-do packages
    that can still meet their date; ``on_time``: other packages that can still meet their date;
    ``casework``; ``late``: packages past their date, or that can no longer meet it, and still worth
    doing). Within ``on_time`` the package with the least slack goes first, within ``must`` and
    ``late`` the earliest due.
    """

    order: tuple[_Tier, ...] = ("campaigns", "duties", "casework")
    min_share: dict[_Tier, Quantity] = Field(default_factory=dict)
    source: str = Field(default="assumption", min_length=1)
    name: str | None = None  # the key in ``work_policies:`` when chosen by name
    label_zh: str | None = None
    label_en: str | None = None

    @property
    def by_slack(self) -> bool:
        return "must" in self.order

    @model_validator(mode="after")
    def _check(self) -> WorkPolicy:
        if sorted(self.order) not in (sorted(CATEGORY_TIERS), sorted(SLACK_TIERS)):
            raise invalid(*both("scenario.work_policy_order", list_work_kinds=[list(CATEGORY_TIERS), list(SLACK_TIERS)],
                                list_self_order=list(self.order)))
        if set(self.min_share) - set(self.order):
            raise invalid(*both("scenario.work_policy_min_share_tier", bad=sorted(set(self.min_share) - set(self.order)),
                                order=list(self.order)))
        bad = {k: q.value for k, q in self.min_share.items() if not 0 <= q.value <= 1}
        if bad:
            raise invalid(*both("scenario.work_policy_min_share_range", bad=bad))
        if sum(q.value for q in self.min_share.values()) > 1 + 1e-9:
            raise invalid(*both("scenario.work_policy_min_share_sum"))
        return self

    def share(self, kind: str) -> float:
        q = self.min_share.get(kind)  # type: ignore[call-overload]
        return float(q.value) if q is not None else 0.0


def hours_per_week(q: Quantity) -> float:
    """Hours per post per week of a quantity whose unit is per week or per month (``hour/post/month``)."""
    return float(q.value) * (12.0 / 52.0 if "month" in q.unit else 1.0)


class LevelOvertime(Frozen):
    """Overtime at the sites of one level: finite surge capacity (evenings, weekends).

    ``max_hours_per_week``: the most hours a post can add in a week; ``cap_hours_per_week``: the
    norm (weeks above it are counted, and the staffing estimate counts posts needed without
    overtime beyond it); ``use``: ``must`` -- only for must-do work that would otherwise miss its
    date; ``late`` -- also for any other work at risk of missing its date or already late.
    """

    max_hours_per_week: Quantity
    cap_hours_per_week: Quantity
    use: Literal["must", "late"] = "must"
    # working days before the date by which overtime plans to have the work done (a margin for days away)
    plan_days_early: Quantity | None = None
    source: str = Field(default="assumption", min_length=1)

    @model_validator(mode="after")
    def _hours(self) -> LevelOvertime:
        for name in ("max_hours_per_week", "cap_hours_per_week"):
            v = getattr(self, name).value
            if not 0 <= v <= 60:
                raise invalid(*both("scenario.overtime_hours_range", name=name, value=v))
        return self


class Overtime(_PerLevel):
    """The ``overtime:`` section: ``level id -> LevelOvertime``; a level not given works no overtime."""

    __pydantic_extra__: dict[str, LevelOvertime] = Field(init=False)

    def level(self, name: str) -> LevelOvertime | None:
        return self._entry(name)


class FixedTime(_PerLevel):
    """The ``fixed_time:`` section: ``level id -> {item: Quantity}``, hours per post per week or month.

    Meetings, reports and training: time that is simply gone from each post's working time (not
    deferrable work). The unit says the period (``hour/post/week`` or ``hour/post/month``).
    """

    __pydantic_extra__: dict[str, dict[str, Quantity]] = Field(init=False)

    @model_validator(mode="after")
    def _units(self) -> FixedTime:
        for level, items in (self.__pydantic_extra__ or {}).items():
            for key, q in items.items():
                if not ("week" in q.unit or "month" in q.unit) or not 0 <= q.value <= 200:
                    raise invalid(*both("scenario.fixed_time_unit", level=level, key=key, unit=q.unit, value=q.value))
        return self

    def hours_per_week(self, level: str) -> float:
        """Hours per post per week of all fixed items of ``level`` (0 when none)."""
        return sum(hours_per_week(q) for q in (self._entry(level) or {}).values())


_MMDD = re.compile(r"^(\d{2})-(\d{2})$")


def _mmdd(v: object) -> object:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    text = str(v).strip()
    m = _MMDD.match(text)
    if not m:
        raise invalid(*both("scenario.bad_month_day", text=text))
    try:
        dt.date(2024, int(m.group(1)), int(m.group(2)))  # a leap year accepts 02-29
    except ValueError:
        raise invalid(*both("scenario.no_such_date", text=text)) from None
    return text


class _WorkRow(LabelColumns, Frozen):
    """Fields a duty and a campaign share: level, labels, how the hours are counted, source."""

    level: _LevelId  # a site level of the scenario (checks.level_problems)
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    basis: Literal["veteran", "site"]
    hours: float = Field(ge=0, le=100000)
    share_of_veterans: Annotated[float | None, Opt] = Field(default=None, ge=0, le=1)
    source: str = Field(min_length=1)
    # must-do (statutory or political deadline) and whether work past its date is still worth doing;
    # optional columns, blank = no / yes
    must: Annotated[bool, BeforeValidator(_flag(False))] = False
    late_value: Annotated[bool, BeforeValidator(_flag(True))] = True

    @model_validator(mode="after")
    def _veteran_share(self) -> _WorkRow:
        if self.basis == "veteran" and self.share_of_veterans is None:
            raise invalid(*both("scenario.veteran_basis_needs_share"))
        return self


class DutyRow(_WorkRow):
    """A recurring duty of one level (duties.csv).

    ``basis``: ``veteran`` -- ``hours`` per veteran concerned (``share_of_veterans`` x the site's
    ``veterans``) once per period; ``site`` -- ``hours`` per site per period. ``period``: ``year``
    (owed from ``start`` MM-DD, due by ``due`` MM-DD of the same year) or ``month`` (owed from the
    1st, due by the last day of each month; ``start``/``due`` left blank).
    """

    duty: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    period: Literal["year", "month"]
    start: Annotated[str | None, Opt, BeforeValidator(_mmdd)] = None
    due: Annotated[str | None, Opt, BeforeValidator(_mmdd)] = None

    @model_validator(mode="after")
    def _consistent(self) -> DutyRow:
        if self.period == "year" and (self.start is None or self.due is None):
            raise invalid(*both("scenario.yearly_duty_needs_dates"))
        if self.period == "year" and self.due < self.start:  # type: ignore[operator]
            raise invalid(*both("scenario.due_before_start", due=self.due, start=self.start))
        if self.period == "month" and (self.start is not None or self.due is not None):
            raise invalid(*both("scenario.monthly_duty_no_dates"))
        return self


class CampaignRow(_WorkRow):
    """A campaign with a deadline set from above (campaigns.csv), e.g. screening every veteran (摸底排查).

    ``basis`` as for duties: ``veteran`` -- ``hours`` per veteran concerned at each site of
    ``level``; ``site`` -- ``hours`` per site. Owed from ``start``, due by ``deadline``.
    """

    campaign: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    start: dt.date
    deadline: dt.date

    @field_validator("start", "deadline", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        return v.strip() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _consistent(self) -> CampaignRow:
        if self.deadline < self.start:
            raise invalid(*both("scenario.deadline_before_start", deadline=self.deadline, start=self.start))
        return self


class CalibrationRow(LabelColumns, Frozen):
    """A figure the bureau knows from its records (calibration.csv), to compare the simulation with.

    ``measure``: ``visits`` (counter visits a year at ``level``), ``on_spot_share`` (share of those
    visits resolved at the site the same day), ``cases`` (new cases a year, optionally of one
    ``case_type``, ``channel`` and origin ``level``). ``tolerance``: the largest relative distance
    accepted (e.g. 0.15).
    """

    key: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    measure: Literal["visits", "on_spot_share", "cases"]
    level: Annotated[_LevelId | None, Opt] = None  # a site level of the scenario (checks.level_problems)
    case_type: Annotated[str | None, Opt] = None
    channel: Annotated[Literal["walk_in", "hotline", "online", "letter"] | None, Opt] = None
    value: float = Field(gt=0)
    tolerance: float = Field(gt=0, le=1)
    source: str = Field(min_length=1)


# file name -> (row model, key columns, required?)
WORK_TABLES = {
    "calibration.csv": (CalibrationRow, ("key",), False),
    "duties.csv": (DutyRow, ("duty", "level"), False),
    "campaigns.csv": (CampaignRow, ("campaign", "level"), False),
}
