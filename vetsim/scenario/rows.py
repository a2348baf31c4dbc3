"""Row schemas of the scenario's CSV tables (one pydantic model per row)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..wording import both, in_lang
from .fiscal_spec import FISCAL_TABLES
from .limits import limit
from .params import Frozen, VisibleText, invalid
from .sensitivity_spec import SENSITIVITY_TABLES
from .spec import LevelId
from .task_spec import TASK_TABLES
from .work_spec import WORK_TABLES

__all__ = ["SiteRow", "CaseloadRow", "BacklogRow", "MONTHS", "TABLES", "CORE_TABLES", "parse_days", "parse_hours",
           "canonical_rows"]

MONTHS: tuple[str, ...] = tuple(f"m{m:02d}" for m in range(1, 13))
_DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ID = r"^[A-Za-z0-9_\-]+$"
MAX_STAFF_PER_SITE = 1_000


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and v.strip() == "" else v


Opt = BeforeValidator(_blank_to_none)


def parse_days(text: str) -> tuple[int, ...]:
    """'Mon-Fri' or 'Tue,Thu' (or 1-7, Monday=1) -> sorted weekday numbers, Monday=0."""
    out: set[int] = set()
    for part in re.split(r"[;,]", text):
        part = part.strip().lower()
        if not part:
            continue
        ends = [p.strip() for p in part.split("-")]
        if len(ends) > 2:
            raise invalid(*both("scenario.bad_day_range", part=part))
        nums = []
        for e in ends:
            if e[:3] in _DAY_NAMES:
                nums.append(_DAY_NAMES[e[:3]])
            elif e.isdigit() and 1 <= int(e) <= 7:
                nums.append(int(e) - 1)
            else:
                raise invalid(*both("scenario.unknown_day", e=e))
        lo, hi = nums[0], nums[-1]
        if hi < lo:
            raise invalid(*both("scenario.day_range_backwards", part=part))
        out.update(range(lo, hi + 1))
    if not out:
        raise invalid(*both("scenario.no_open_days"))
    return tuple(sorted(out))


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """'08:30-12:00;14:00-17:30' -> ((510, 720), (840, 1050)) in minutes after midnight."""
    spans: list[tuple[int, int]] = []
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", part)
        if not m:
            raise invalid(*both("scenario.bad_hours", part=part))
        h1, m1, h2, m2 = map(int, m.groups())
        a, b = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= a < b <= 24 * 60) or m1 > 59 or m2 > 59:
            raise invalid(*both("scenario.bad_hours_span", part=part))
        spans.append((a, b))
    spans.sort()
    for (_a1, b1), (a2, _) in zip(spans, spans[1:]):
        if a2 < b1:
            raise invalid(*both("scenario.hours_overlap", text=text))
    if not spans:
        raise invalid(*both("scenario.no_open_hours"))
    return tuple(spans)


MAP_FIELDS = ("lon", "lat", "grid_x", "grid_y")  # sites.csv columns only the map reads (left out of the hash)


class SiteRow(Frozen):
    """One site of the network (sites.csv)."""

    site_id: str = Field(pattern=_ID)
    name_zh: VisibleText
    name_en: VisibleText
    level: LevelId  # a site level of the scenario (checks.level_problems)
    parent_id: Annotated[str | None, Opt] = None
    funded_staff: int = Field(ge=0, le=MAX_STAFF_PER_SITE)
    parttime_staff: int = Field(ge=0, le=MAX_STAFF_PER_SITE)
    open_days: tuple[int, ...]
    open_hours: tuple[tuple[int, int], ...]
    online_share: float = Field(ge=0, le=1)
    veterans: int = Field(ge=0)
    away_share: Annotated[float | None, Opt] = Field(default=None, ge=0, lt=1)  # overrides presence.<level>
    # where the site is drawn on the township map (vetsim.charts.sitemap); read by no model, not hashed
    lon: Annotated[float | None, Opt] = Field(default=None, ge=-180, le=180)  # degrees east (WGS 84)
    lat: Annotated[float | None, Opt] = Field(default=None, ge=-90, le=90)  # degrees north (WGS 84)
    grid_x: Annotated[float | None, Opt] = Field(default=None, ge=-1000, le=1000)  # schematic column, left to right
    grid_y: Annotated[float | None, Opt] = Field(default=None, ge=-1000, le=1000)  # schematic row, bottom to top

    @model_validator(mode="after")
    def _position_pairs(self) -> SiteRow:
        for a, b in (("lon", "lat"), ("grid_x", "grid_y")):
            if (getattr(self, a) is None) != (getattr(self, b) is None):
                raise invalid(*both("scenario.position_pair", a=a, b=b))
        return self

    def name(self, lang: str = "zh") -> str:
        """The site's name in ``lang``."""
        return in_lang(self, "name", lang)

    @field_validator("open_days", mode="before")
    @classmethod
    def _days(cls, v: object) -> object:
        return parse_days(v) if isinstance(v, str) else v

    @field_validator("open_hours", mode="before")
    @classmethod
    def _hours(cls, v: object) -> object:
        return parse_hours(v) if isinstance(v, str) else v

    @property
    def staff(self) -> int:
        return self.funded_staff + self.parttime_staff

    @property
    def open_minutes_per_day(self) -> int:
        return sum(b - a for a, b in self.open_hours)


class CaseloadRow(Frozen):
    """Volumes and work per case type and level (caseload.csv)."""

    case_type: str = Field(min_length=1)
    level: LevelId  # a level of the scenario (checks.level_problems)
    yearly_volume: float = Field(ge=0)
    counter_minutes: float = Field(ge=0, le=24 * 60)
    backoffice_hours: float = Field(ge=0, le=10_000)
    resolved_here_share: float = Field(ge=0, le=1)
    referral_delay_days: float = Field(ge=0, le=3660)
    deadline_working_days: int = Field(gt=0, le=int(limit("working_days")))
    m01: float = Field(ge=0)
    m02: float = Field(ge=0)
    m03: float = Field(ge=0)
    m04: float = Field(ge=0)
    m05: float = Field(ge=0)
    m06: float = Field(ge=0)
    m07: float = Field(ge=0)
    m08: float = Field(ge=0)
    m09: float = Field(ge=0)
    m10: float = Field(ge=0)
    m11: float = Field(ge=0)
    m12: float = Field(ge=0)
    source: str = Field(min_length=1)
    # uncertainty of a fitted number (e.g. from the bureau's ledgers, ``vetsim calibrate --ledger``): its
    # standard error; the simulation draws the number per replication when given (see ``sim.streams``)
    yearly_volume_se: Annotated[float | None, Opt] = Field(default=None, ge=0)  # cases/year
    resolved_here_share_se: Annotated[float | None, Opt] = Field(default=None, ge=0, le=0.5)  # share

    @property
    def seasonality(self) -> tuple[float, ...]:
        return tuple(getattr(self, m) for m in MONTHS)


class BacklogRow(Frozen):
    """Cases open on the start date, including the petition backlog 积案 (backlog.csv)."""

    case_type: str = Field(min_length=1)
    site_id: str = Field(pattern=_ID)
    open_cases: int = Field(ge=0)
    mean_age_days: float = Field(ge=0)
    source: str = Field(min_length=1)
    # long-unresolved cases (信访积案): coordination effort spread over weeks, then a partner decision
    effort_hours: Annotated[float | None, Opt] = Field(default=None, gt=0, le=10000)  # mean remaining effort per case
    hours_per_week: Annotated[float | None, Opt] = Field(default=None, gt=0, le=60)  # most effort one case gets a week
    effort_cv: Annotated[float | None, Opt] = Field(default=None, ge=0, le=3)  # spread of the effort between cases (0: all alike)
    partner: Annotated[str | None, Opt] = None  # department whose decision closes the case
    earliest_days: Annotated[int | None, Opt] = Field(default=None, ge=0, le=3660)  # no resolution before this day
    # 包案: the site whose staff (the leaders who took the cases) give the weekly coordination hours from
    # their own time (default: the case's site), and the share of cases that cannot be resolved under
    # current policy (closed by other means after the coordination, e.g. 依法终结; counted apart)
    owner_site: Annotated[str | None, Opt] = Field(default=None, pattern=_ID)
    unresolvable_share: Annotated[float | None, Opt] = Field(default=None, ge=0, le=1)  # share of cases

    @property
    def long_running(self) -> bool:
        return self.effort_hours is not None


# file name -> (row model, key columns identifying a row, required?)
CORE_TABLES: dict[str, tuple[type[Frozen], tuple[str, ...], bool]] = {
    "sites.csv": (SiteRow, ("site_id",), True),
    "caseload.csv": (CaseloadRow, ("case_type", "level"), True),
    "backlog.csv": (BacklogRow, ("case_type", "site_id"), False),
}
TABLES = {**CORE_TABLES, **FISCAL_TABLES, **WORK_TABLES, **SENSITIVITY_TABLES, **TASK_TABLES}


def canonical_rows(name: str, rows: tuple[Frozen, ...]) -> tuple[Frozen, ...]:
    """Rows of table ``name`` sorted by its key columns: the order :meth:`Scenario.hash` ignores.

    Fiscal tables are kept in this order on load, so that the Monte Carlo draws (one random number
    per row, in row order) do not depend on the order of the rows in the file: same hash, same numbers.
    """
    keys = TABLES[name][1]
    return tuple(sorted(rows, key=lambda r: tuple(str(getattr(r, k)) for k in keys)))
