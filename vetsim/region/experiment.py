"""Experiments as data (``experiment.yaml``): counties x variants x replications, validated before any run.

Why data: a city's question ("what if every township station had 1, 2 or 3 funded posts, with 20% or 30%
of their time away?") should be a file a planner can read, keep and re-run, not a script. An experiment
names a region (or scenario folders), a list of variants and/or a grid of changes, replications, a seed
and the outputs wanted. A change is an overlay, applied through the scenario loader like
``scenario.yaml``'s ``site_updates``:

* ``{path: presence.township.away_share.value, value: 0.3}``: a key of ``scenario.yaml`` (dotted);
* ``{table: sites.csv, where: {level: township}, field: funded_staff, value: 2}``: a field of the rows of
  a scenario table that match ``where`` (e.g. ``campaigns.csv`` ``deadline``);
* ``{table: caseload.csv, field: yearly_volume, factor: 1.2}``: that field multiplied (volumes +20%; a
  whole-number field is rounded).

A grid axis is a change without ``value`` and a list of ``values``. Every county x variant is built and
validated when the file is loaded: every problem (file, key, county and variant) is listed before work starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator

from ..errors import Problem, ScenarioError
from ..scenario.limits import limit, limit_message
from ..scenario.loader import load_raw
from ..scenario.overlay import Overlay, RowUpdate, dotted
from ..scenario.params import Frozen, invalid
from ..scenario.problems import from_validation_error
from ..scenario.rows import TABLES
from ..scenario.sources import RawScenario, read_raw, read_yaml
from ..scenario.spec import Names
from ..wording import both, tr
from .cells import Group
from .load import County, load_region

__all__ = ["Change", "ExperimentSpec", "Experiment", "Variant", "load_experiment", "apply_changes", "change_overlay",
           "with_changes"]

_KEY = r"^[A-Za-z_][A-Za-z0-9_]{0,39}$"


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, dt.date)):
        return value
    raise invalid(*both("experiment.error.not_scalar", kind=type(value).__name__))


Scalar = Annotated[Any, AfterValidator(_scalar)]


class Change(Frozen):
    """One change: a dotted key of scenario.yaml (``path``), or a ``field`` of the ``table`` rows matching ``where``."""

    path: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", max_length=200)
    table: str | None = None
    where: dict[str, Scalar] = Field(default_factory=dict)
    field: str | None = Field(default=None, max_length=60)
    value: Scalar = None
    factor: float | None = Field(default=None, gt=0, allow_inf_nan=False)  # multiply the field (1.2: +20%)

    @model_validator(mode="after")
    def _one_kind(self) -> Change:
        if (self.path is None) == (self.table is None):
            raise invalid(*both("experiment.error.path_or_table"))
        if self.table is not None and self.table not in TABLES:
            raise invalid(*both("experiment.error.unknown_table", table=repr(self.table), allowed=', '.join(TABLES)))
        if self.table is not None and not self.field:
            raise invalid(*both("experiment.error.no_field"))
        if self.path is not None and (self.where or self.field):
            raise invalid(*both("experiment.error.path_with_where"))
        if self.factor is not None and (self.table is None or "value" in self.model_fields_set):
            raise invalid(*both("experiment.error.factor_table_only"))
        return self


class Variant(Frozen):
    name: str = Field(min_length=1, max_length=60)
    changes: tuple[Change, ...] = ()


class Axis(Frozen):
    change: Change
    values: tuple[Scalar, ...] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _no_value(self) -> Axis:
        if "value" in self.change.model_fields_set:
            raise invalid(*both("experiment.error.axis_value"))
        return self


class ExperimentSpec(Frozen):
    """Schema of ``experiment.yaml``."""

    name: Names | None = None
    region: str | None = None
    scenarios: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    variants: tuple[Variant, ...] = ()
    grid: dict[str, Axis] = Field(default_factory=dict)
    replications: int = Field(ge=1, le=int(limit("replications")))
    seed: int = Field(ge=0, lt=2**63)
    outputs: tuple[Literal["metrics", "cases", "visits", "site_days", "work"], ...] = ("metrics",)

    @model_validator(mode="after")
    def _source(self) -> ExperimentSpec:
        if (self.region is None) == (not self.scenarios):
            raise invalid(*both("experiment.error.region_or_scenarios"))
        names = [v.name for v in self.variants]
        if len(set(names)) < len(names):
            raise invalid(*both("experiment.error.repeated_variant"))
        bad = [k for k in self.grid if not re.fullmatch(_KEY, k)]
        if bad:
            raise invalid(*both("experiment.error.bad_axis", names=bad[:3]))
        return self


@dataclass(frozen=True)
class VariantPlan:
    id: str
    name: str
    params: tuple[tuple[str, Any], ...]
    changes: tuple[tuple[str, Change], ...]  # (where it was written, change)


@dataclass(frozen=True)
class Experiment:
    """A loaded experiment: the spec, the counties, the variants and every county x variant scenario."""

    spec: ExperimentSpec
    counties: tuple[County, ...]
    variants: tuple[VariantPlan, ...]
    scenarios: dict[tuple[str, str], Any]  # (county, variant id) -> Scenario
    path: Path

    def groups(self) -> list[Group]:
        reps = tuple(range(self.spec.replications))
        return [Group(c.id, v.id, v.name, self.scenarios[(c.id, v.id)], reps, v.params)
                for c in self.counties for v in self.variants]

    def plan(self) -> dict[str, Any]:
        """What the run folder holds, and its hash (replications left out: more can be added later)."""
        cells = sorted((c, v, self.scenarios[(c, v)].hash()) for c, v in self.scenarios)
        names = {v.id: v.name for v in self.variants}
        core = {"seed": self.spec.seed, "outputs": sorted(set(self.spec.outputs) | {"metrics"}),
                "cells": [{"county": c, "variant": v, "variant_name": names[v], "scenario_hash": h} for c, v, h in cells]}
        text = json.dumps(core, sort_keys=True, ensure_ascii=False)
        return {"plan_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(), "replications": self.spec.replications,
                "experiment": self.spec.model_dump(mode="json"), **core}


def change_overlay(changes: tuple[tuple[str, Change], ...], label: str) -> Overlay:
    """``changes`` as the one change value: dotted keys as settings, table changes as row updates (set or factor)."""
    settings = dotted({c.path: c.value for _loc, c in changes if c.path is not None})
    rows = tuple(RowUpdate(c.table, dict(c.where), {} if c.factor is not None else {c.field: c.value},
                           {c.field: c.factor} if c.factor is not None else {}, loc, label)
                 for loc, c in changes if c.table is not None and c.field is not None)
    return Overlay(settings, rows, label=label)


def apply_changes(raw: RawScenario, changes: tuple[tuple[str, Change], ...], label: str) -> tuple[RawScenario, list[Problem]]:
    """``changes`` applied to (a copy of) ``raw`` through :meth:`Overlay.apply_raw`; the problems found on the way."""
    return change_overlay(changes, label).apply_raw(raw.copy(), label)


def _build(county: County, changes: tuple[tuple[str, Change], ...], label: str) -> tuple[Any, list[Problem]]:
    """The county's scenario with ``changes`` (or None) and every problem found, named with the county."""
    if not changes or county.raw is None:
        return county.scenario, []
    raw, found = apply_changes(county.raw, changes, label)
    try:
        sc = load_raw(raw, county.scenario.path or Path("."))
    except ScenarioError as err:
        found += err.problems
        sc = None
    return (None if found else sc), found


def _short(names: list[str]) -> str:
    """Names a problem was found in, short: the first three and how many there are."""
    return ", ".join(names[:3]) + (f" … ({len(names)})" if len(names) > 3 else "")


def _counties(ids: list[str], total: int, lang: str) -> str:
    """The counties a problem was found in: all of them in words, else :func:`_short`."""
    return tr("experiment.all_counties", lang, n=total) if len(ids) == total > 1 else _short(ids)


def _named(problems: list[Problem], who: str) -> list[Problem]:
    return [Problem(p.file, f"[{who}] {p.where_zh}", f"[{who}] {p.where_en}", p.message_zh, p.message_en) for p in problems]


def with_changes(county: County, changes: tuple[tuple[str, Change], ...], label: str):
    """The county's scenario with ``changes`` (validated); ``ScenarioError`` names county and change."""
    sc, found = _build(county, changes, label)
    if found:
        raise ScenarioError(_named(found, county.id))
    return sc


def _variants(spec: ExperimentSpec) -> list[VariantPlan]:
    common = tuple((f"changes[{i}]", c) for i, c in enumerate(spec.changes))
    base = [(v.name, tuple((f"variants[{i}].changes[{j}]", c) for j, c in enumerate(v.changes)))
            for i, v in enumerate(spec.variants)] or [("baseline", ())]
    axes = list(spec.grid.items())
    out = []
    for name, changes in base:
        for combo in itertools.product(*[a.values for _k, a in axes]) if axes else [()]:
            params = tuple((k, v) for (k, _a), v in zip(axes, combo))
            grid = tuple((f"grid.{k}", a.change.model_copy(update={"factor" if a.change.factor is not None else "value": v}))
                         for (k, a), v in zip(axes, combo))  # an axis of a change with a factor varies the factor
            label = name if not params or spec.variants else ""
            label = "·".join([p for p in [label, *(f"{k}={v}" for k, v in params)] if p])
            out.append(VariantPlan(f"v{len(out):03d}", label, params, common + changes + grid))
    return out


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def load_experiment(path: str | Path) -> Experiment:
    """Load ``experiment.yaml`` and build every county x variant scenario; ``ScenarioError`` lists every problem."""
    file = Path(path)
    label = _label(file)
    problems: list[Problem] = []
    data = read_yaml(file, problems)
    if data is None:
        raise ScenarioError(problems)
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(from_validation_error(err, ExperimentSpec, lambda loc: (label, *([".".join(map(str, loc))] * 2)))) from err
    folder = file.parent
    if spec.region is not None:
        counties = list(load_region(folder / spec.region, set(spec.counties) or None).counties)
    else:
        counties = []
        for i, p in enumerate(spec.scenarios):
            raw = read_raw(folder / p, TABLES)
            cid = re.sub(r"[^A-Za-z0-9_-]", "_", Path(p).name)[:40] or f"s{i}"
            if cid in {c.id for c in counties}:
                cid = f"{cid}_{i}"  # two folders of the same name: the county id (and results folder) must differ
            try:
                counties.append(County(cid, load_raw(raw.copy(), folder / p), raw))
            except ScenarioError as err:
                problems += err.problems
    if spec.counties:
        known = {c.id for c in counties}
        unknown = [c for c in spec.counties if c not in known]
        if unknown:
            problems.append(Problem(label, "counties", "counties", *both("experiment.error.unknown_counties", unknown=unknown[:5], known=', '.join(sorted(known))[:200])))
        counties = [c for c in counties if c.id in spec.counties]
    variants = _variants(spec)
    n_cells = len(counties) * len(variants) * spec.replications
    if n_cells > limit("experiment_cells"):
        problems.append(Problem(label, "", "", *limit_message("experiment_cells", n_cells)))
    if problems:
        raise ScenarioError(problems[: int(limit("problems_shown"))])
    scenarios: dict[tuple[str, str], Any] = {}
    # problem -> (counties, variants) where it was found: one line, not one per county x variant
    where: dict[Problem, tuple[dict[str, None], dict[str, None]]] = {}
    for c in counties:
        for v in variants:
            sc, found = _build(c, v.changes, label)
            for prob in found:
                ids, names = where.setdefault(prob, ({}, {}))
                ids[c.id] = names[v.name] = None
            scenarios[(c.id, v.id)] = sc
        if len(where) > limit("problems_shown"):
            break
    for p, (ids, names) in where.items():
        zh, en = (f"[{_counties(list(ids), len(counties), lang)} · {_short(list(names))}]" for lang in ("zh", "en"))
        problems.append(Problem(p.file, f"{zh} {p.where_zh}", f"{en} {p.where_en}", p.message_zh, p.message_en))
    if problems:
        raise ScenarioError(problems[: int(limit("problems_shown"))])
    return Experiment(spec, tuple(counties), tuple(variants), scenarios, file.resolve())
