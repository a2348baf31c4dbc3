"""Optional ``staffing:`` section of scenario.yaml: staffing rules the optimizer must respect.

Why in the scenario: the rules are policy choices a planner edits ("every township station keeps
at least one budget-funded post" -- 五有: 有编制), so they live in data with labels and sources.
Without the section the optimizer is unconstrained except by the targets (no floor, no ceiling).

Example::

    staffing:
      min_funded_posts:
        township: {value: 1, unit: post, label_zh: 乡镇站最少在编人数, label_en: ..., source: "S: 五有"}
      max_posts:
        village: {value: 3, unit: post, ...}
      shared_staff:
        - {worker_site: T03, villages: [T03V01, T03V02], label_zh: ..., label_en: ..., source: assumption}

``may_cut_funded_posts`` (approved posts are policy, 编制): by default (absent or ``value: false``)
the optimizer never plans fewer funded posts at a site than it has today, nor replaces them with
part-time staff; ``value: true`` (with its source, e.g. the approving document) allows both::

      may_cut_funded_posts: {value: false, label_zh: 是否允许核减在编岗位, label_en: ..., source: "S: ..."}

``shared_staff``: one worker of ``worker_site`` covers the listed village stations on their open
days: the villages need no own post for their first server, and the worker site carries the
villages' opening hours as extra work. The simulation applies the same rule
(``vetsim.sim.network.compile_network``): each covered village has its visiting worker as one more
server, and the worker site reserves the villages' opening time each open day, like a duty.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ..scenario.params import Frozen, Labelled, Quantity, invalid
from ..wording import both

__all__ = ["StaffingSettings", "SharedStaff", "PolicySwitch"]


class SharedStaff(Labelled):
    """One worker of ``worker_site`` who opens the listed village stations on their open days."""

    worker_site: str = Field(min_length=1)
    villages: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)


class PolicySwitch(Labelled):
    """A yes/no policy choice with its labels and source (who decided it, or ``assumption``)."""

    value: bool
    source: str = Field(min_length=1)


class StaffingSettings(Frozen):
    """Staffing rules per site level (posts per site); every number with unit, labels and source."""

    min_funded_posts: dict[str, Quantity] = Field(default_factory=dict)
    max_posts: dict[str, Quantity] = Field(default_factory=dict)
    shared_staff: tuple[SharedStaff, ...] = ()
    may_cut_funded_posts: PolicySwitch | None = None

    @model_validator(mode="after")
    def _check(self) -> StaffingSettings:
        for name in ("min_funded_posts", "max_posts"):  # the level keys are checked by ScenarioSpec (its registry)
            table = getattr(self, name)
            neg = [k for k, q in table.items() if q.value < 0 or q.value != int(q.value)]
            if neg:
                raise invalid(*both("scenario.staffing_whole_numbers", name=name, neg=neg))
        for lv, q in self.max_posts.items():
            lo = self.min_funded_posts.get(lv)
            if lo is not None and lo.value > q.value:
                raise invalid(*both("scenario.min_posts_above_max", lv=lv))
        return self

    def covered_villages(self) -> dict[str, str]:
        """Village site id -> the site whose worker covers it."""
        return {v: rule.worker_site for rule in self.shared_staff for v in rule.villages}

    @property
    def may_cut_funded(self) -> bool:
        """Whether the optimizer may plan fewer funded posts than today (default: no)."""
        return bool(self.may_cut_funded_posts.value) if self.may_cut_funded_posts is not None else False

    def floor(self, level: str) -> int:
        q = self.min_funded_posts.get(level)
        return int(q.value) if q else 0

    def ceiling(self, level: str) -> int | None:
        q = self.max_posts.get(level)
        return int(q.value) if q else None
