"""Build a validated ``Scenario`` from a scenario folder read as text (``sources.read_raw``): row updates,
settings and rows validated, cross-file checks, every problem at once, each naming file, row or key.

Why its own module: ``load_scenario`` (:mod:`.loader`) and the one overlay writer (:meth:`Overlay.write`, which
loads what it wrote back) both build scenarios this way; the ``Scenario`` class is passed in, so that
``Scenario``'s own variants (``with_site_changes``, through ``Overlay``) import no module that imports them back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from ..wording import both, tr
from .problems import from_validation_error, show_key
from .rows import CORE_TABLES, TABLES, canonical_rows
from .rowupdates import parse_updates, update_raw
from .sources import RawRow, RawScenario
from .spec import ScenarioSpec
from .task_spec import TASK_TABLES
from .validate import _all_checks, _capped, _locator

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["build_scenario"]


def _yaml_where(loc: tuple[Any, ...]) -> tuple[str, str]:
    path = ".".join(show_key(k) for k in loc)
    return path, path


def _apply_row_updates(raw: RawScenario) -> list[Problem]:
    """``site_updates: [{where: {level: township}, set: {funded_staff: 2}}]`` and ``row_updates`` (any table,
    ``set`` or ``factor``) of the overlay chain, applied by :func:`.rowupdates.update_raw` (as :meth:`Overlay.apply_raw` does)."""
    problems: list[Problem] = []
    replaced = raw.yaml_data.pop("replace_tables", None)  # used where the tables are read (sources.read_raw)
    if replaced is not None and (not isinstance(replaced, list) or not set(map(str, replaced)) <= set(TABLES)):
        problems.append(Problem(raw.yaml_origin(("replace_tables",)), "replace_tables", "replace_tables",
                                *both("scenario.overlay.replace_tables", allowed=", ".join(TABLES))))
    for key, table in (("site_updates", "sites.csv"), ("row_updates", None)):
        updates = raw.yaml_data.pop(key, None)
        if updates is None:
            continue
        rows, bad = parse_updates(updates, table, raw.yaml_origin((key,)), key)
        problems += bad
        for upd in rows:
            problems += update_raw(raw, upd, upd.file)
    return problems


def _validate_rows(raw: RawScenario, name: str) -> tuple[list[BaseModel], list[RawRow], list[Problem]]:
    """Valid rows of table ``name`` (with their raw rows, for locating later problems) and the problems.

    The same fault in one column of many rows (a missing column, a semicolon file, a unit typed
    into every cell) becomes one problem listing the rows, not one line per row.
    """
    model, _keys, _required = TABLES[name]
    out: list[BaseModel] = []
    kept: list[RawRow] = []
    groups: dict[tuple[str, str, str], list[tuple[str, Problem]]] = {}
    for row in raw.tables.get(name, []):
        try:
            out.append(model.model_validate(row.cells))
            kept.append(row)
        except ValidationError as err:
            for e, problem in zip(err.errors(include_url=False), from_validation_error(err, model, _row_locate(row))):
                col = str(e["loc"][0]) if e["loc"] else ""
                groups.setdefault((problem.file, col, e["type"]), []).append((row.where(col or None)[2], problem))
    problems: list[Problem] = []
    for (file, col, _kind), items in groups.items():
        if len({w for w, _p in items}) == 1:  # one change (an overlay's or experiment's) set the cell of many rows
            problems.append(items[0][1])
            continue
        if len(items) <= 3:
            problems.extend(p for _w, p in items)
            continue
        first = items[0][1]
        rows = [w.removeprefix("row ") for w, _p in items]
        shown = tr("list.sep", "zh").join(rows[:5]) + ("…" if len(rows) > 5 else "")
        shown_en = ", ".join(rows[:5]) + ("..." if len(rows) > 5 else "")
        problems.append(Problem(file, *both("scenario.rows_rows_column", shown=shown, len_items=len(items), col=col, shown_en=shown_en),
                                *both("scenario.same_problem_rows", message_zh=first.message_zh, message_en=first.message_en)))
    return out, kept, problems


def _row_locate(row: RawRow):
    def locate(loc: tuple[Any, ...]) -> tuple[str, str, str]:
        col = show_key(loc[0]) if loc else None
        file, wzh, wen = row.where(col)
        return (file, *both("scenario.where_column", where_zh=wzh, where_en=wen, col=col)) if col else (file, wzh, wen)
    return locate


def build_scenario(raw: RawScenario, folder: Path, make: Callable[..., Scenario]) -> Scenario:
    """The validated scenario of ``raw`` (a folder read, perhaps changed by a region or an experiment), made by
    ``make`` (the ``Scenario`` class; given by the caller so that this module, below the scenario's own module,
    imports no module above it); see :func:`vetsim.scenario.load_scenario`."""
    problems = list(raw.problems)
    if problems and not raw.yaml_data:
        raise ScenarioError(_capped(problems))
    problems += _apply_row_updates(raw)
    spec: ScenarioSpec | None = None
    try:
        spec = ScenarioSpec.model_validate(raw.yaml_data)
    except ValidationError as err:
        problems += from_validation_error(err, ScenarioSpec, lambda loc: (raw.yaml_origin(loc), *_yaml_where(loc)))
    tables: dict[str, tuple[BaseModel, ...]] = {}
    kept: dict[str, list[RawRow]] = {}
    incomplete: set[str] = set()
    for name in TABLES:
        rows, kept[name], row_problems = _validate_rows(raw, name)
        tables[name] = tuple(rows)
        if row_problems or len(rows) < len(raw.tables.get(name, [])):
            incomplete.add(name)
        problems += row_problems
    incomplete |= {p.file.rsplit("/", 1)[-1] for p in raw.problems if p.file.endswith(".csv")}
    if problems or spec is None:
        site_ids = {r.cells.get("site_id", "") for r in raw.tables.get("sites.csv", [])}
        problems += _all_checks(spec, tables, _locator(kept), frozenset(incomplete), site_ids)
        raise ScenarioError(_capped(problems))
    # fiscal tables in canonical row order (Monte Carlo draws follow row order; see canonical_rows)
    # (the key tasks keep the bureau's order: it is the 序号 of the progress table)
    extra = tuple((name, rows if name in TASK_TABLES else canonical_rows(name, rows))
                  for name, rows in tables.items() if name not in CORE_TABLES)
    scenario = make(spec, tables["sites.csv"], tables["caseload.csv"], tables["backlog.csv"],  # type: ignore[arg-type]
                        extra, folder.resolve())
    problems = _all_checks(spec, tables, _locator(kept))
    if problems:
        raise ScenarioError(_capped(problems))
    return scenario
