"""``load_scenario``: read, merge overlays, validate everything, report all problems at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from .limits import limit
from .task_spec import TASK_TABLES
from .model import Scenario, canonical_rows
from .problems import _show, from_validation_error, show_key
from .rows import CORE_TABLES, TABLES, SiteRow
from .sensitivity_spec import TableKey, row_matches
from .sources import OVERLAY_KEYS, RawRow, RawScenario, _deep_merge, read_raw
from .spec import ScenarioSpec
from ..wording import both, tr
from .validate import _all_checks, _capped, _locator, validate_scenario

__all__ = ["load_scenario", "validate_scenario", "apply_overlay", "scale_rows", "load_raw", "apply_row_updates"]


def _yaml_where(loc: tuple[Any, ...]) -> tuple[str, str]:
    path = ".".join(show_key(k) for k in loc)
    return path, path


def _apply_site_updates(raw: RawScenario) -> list[Problem]:
    """``site_updates: [{where: {level: township}, set: {funded_staff: 2}}]`` from overlays."""
    updates = raw.yaml_data.pop("site_updates", None) or []
    return apply_row_updates(raw, "sites.csv", updates, raw.yaml_origin(("site_updates",)), "site_updates")


def apply_row_updates(raw: RawScenario, table: str, updates: Any, label: str, name: str) -> list[Problem]:
    """Set fields of the rows of ``table`` that match a filter: ``[{where: {...}, set: {...}}, ...]``.

    The overlay mechanism for rows (``site_updates`` of ``scenario.yaml``; regions and experiments use it
    for any table). The key column(s) of the table cannot be changed; a filter matching no row is a problem.
    """
    model, keys, _required = TABLES[table]
    rows: list[RawRow] = raw.tables.get(table, [])
    problems: list[Problem] = []
    if not isinstance(updates, list):
        return [Problem(label, name, name, *both("scenario.not_a_list"))]
    allowed = set(model.model_fields)
    fixed = set(keys) if table != "sites.csv" else {"site_id"}
    for n, upd in enumerate(updates):
        w = f"{name}[{n}]"
        if not isinstance(upd, dict) or set(upd) - {"where", "set"} or not isinstance(upd.get("set"), dict):
            problems.append(Problem(label, w, w, *both("scenario.row_update_needs_where_set")))
            continue
        where = upd.get("where") or {}
        if not isinstance(where, dict):
            problems.append(Problem(label, w, w, *both("scenario.where_not_mapping")))
            continue
        bad = [show_key(b) for b in sorted((set(where) | set(upd["set"])) - allowed, key=str)[:5]]
        if bad or fixed & set(upd["set"]):
            bad = bad or sorted(fixed & set(upd["set"]))
            ok = ", ".join(sorted(allowed - fixed))
            problems.append(Problem(label, w, w, *both("scenario.row_update_bad_fields", table=table, bad=bad, ok=ok)))
            continue
        hits = [r for r in rows if all(r.cells.get(k, "") == str(v) for k, v in where.items())]
        if not hits:
            problems.append(Problem(label, w, w, *both("scenario.filter_matches_nothing", where=_show(where, 80), table=table)))
        for r in hits:
            for k, v in upd["set"].items():
                r.cells[k] = "" if v is None else str(v)
                r.origin[k] = (label, w, w)
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


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate the scenario folder at ``path`` (an overlay is merged onto its base).

    Raises ``ScenarioError`` listing every problem found, each naming file, row or key,
    and what is allowed. Cross-file checks run on the rows that passed their own checks, so a
    type error in one row does not hide an unknown parent in another.
    """
    folder = Path(path)
    return load_raw(read_raw(folder, TABLES), folder)


def load_raw(raw: RawScenario, folder: Path) -> Scenario:
    """Validate a scenario already read (and perhaps changed by a region or an experiment); see :func:`load_scenario`."""
    problems = list(raw.problems)
    if problems and not raw.yaml_data:
        raise ScenarioError(_capped(problems))
    problems += _apply_site_updates(raw)
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
    scenario = Scenario(spec, tables["sites.csv"], tables["caseload.csv"], tables["backlog.csv"],  # type: ignore[arg-type]
                        extra, folder.resolve())
    problems = _all_checks(spec, tables, _locator(kept))
    if problems:
        raise ScenarioError(_capped(problems))
    return scenario


def apply_overlay(scenario: Scenario, overlay: dict[str, Any]) -> Scenario:
    """``scenario`` with an overlay document applied in memory (see an overlay folder).

    The document means what the same mapping in an overlay folder's ``scenario.yaml`` means: its
    settings are merged onto the scenario's by the loader's merge (``replace: true`` replaces a whole
    mapping) and its ``site_updates`` are matched and checked by the loader's rule, then applied with
    :meth:`Scenario.with_site_changes`; the result is validated like a loaded scenario, all problems
    at once (``ScenarioError``).
    """
    label = "overlay"
    if "base" in overlay:
        raise ScenarioError([Problem(label, "base", "base", *both("sens.overlay.base"))])
    # site rows as text cells, only to match the 'where' filters as the loader does on CSV text
    rows = [RawRow({k: "" if v is None else str(v) for k, v in s.model_dump().items()},
                   {c: ("scenario", s.site_id, s.site_id) for c in SiteRow.model_fields}) for s in scenario.sites]
    raw = RawScenario(scenario.path or Path("."), {"site_updates": overlay.get("site_updates") or []},
                      [(label, dict(overlay))], {"sites.csv": rows})
    problems = _apply_site_updates(raw) if "site_updates" in overlay else []
    changes = {r.cells["site_id"]: {k: r.cells[k] for k, o in r.origin.items() if o[0] == label} for r in rows}
    spec: ScenarioSpec | None = scenario.spec
    own = {k: v for k, v in overlay.items() if k not in OVERLAY_KEYS}
    if own:
        try:
            spec = ScenarioSpec.model_validate(_deep_merge(scenario.spec.model_dump(mode="json"), own))
        except ValidationError as err:
            spec = None
            problems += from_validation_error(err, ScenarioSpec, lambda loc: (label, *_yaml_where(loc)))
    if problems or spec is None:
        raise ScenarioError(_capped(problems))
    merged = Scenario(spec, scenario.sites, scenario.caseload, scenario.backlog, scenario.extra_tables, scenario.path)
    changes = {sid: ch for sid, ch in changes.items() if ch}
    return merged.with_site_changes(changes) if changes else validate_scenario(merged)


def scale_rows(scenario: Scenario, key: TableKey, factor: float) -> Scenario:
    """``scenario`` with column ``key.field`` of the ``key.table`` rows matching ``key.where`` multiplied by ``factor``.

    A whole-number column is rounded. Each changed row is validated by its table's schema and the
    scenario by the cross-file checks; a value that leaves the allowed range is a ``ScenarioError``
    naming the key (e.g. a share multiplied beyond 1). This is how a ``sensitivity.csv`` row that names
    a table column (``caseload.csv:yearly_volume``) makes its variants.
    """
    model = TABLES[key.table][0]
    text = f"{key.table}:{key.field}"
    rows = []
    for row in scenario.table(key.table):
        if row_matches(row, key.where):
            value = getattr(row, key.field)
            new = round(value * factor) if isinstance(value, int) else value * factor
            try:
                row = model.model_validate({**row.model_dump(), key.field: new})
            except ValidationError as err:
                msg = err.errors(include_url=False)[0]["msg"]
                raise ScenarioError([Problem("sensitivity.csv", text, text, *both("sens.table.scaled_invalid", key=text,
                                                                                  factor=f"{factor:g}", error=msg))]) from None
        rows.append(row)
    try:
        return validate_scenario(scenario.with_table(key.table, tuple(rows)))
    except ScenarioError as err:  # e.g. monthly shares that no longer add up to 1: say which range did it
        head = Problem("sensitivity.csv", text, text, *both("sens.table.scaled_breaks", key=text, factor=f"{factor:g}"))
        raise ScenarioError(_capped([head, *err.problems])) from None

