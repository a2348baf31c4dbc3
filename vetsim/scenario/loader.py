"""``load_scenario``: read, merge overlays, validate everything, report all problems at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from .checks import cross_check
from .fiscal_spec import check_fiscal
from .model import Scenario
from .problems import from_validation_error
from .rows import CORE_TABLES, TABLES, SiteRow
from .sources import RawRow, RawScenario, read_raw
from .spec import ScenarioSpec

__all__ = ["load_scenario", "validate_scenario"]


def _yaml_where(loc: tuple[Any, ...]) -> tuple[str, str]:
    path = ".".join(str(k) for k in loc)
    return path, path


def _apply_site_updates(raw: RawScenario) -> list[Problem]:
    """``site_updates: [{where: {level: township}, set: {funded_staff: 2}}]`` from overlays."""
    updates = raw.yaml_data.pop("site_updates", None) or []
    rows: list[RawRow] = raw.tables.get("sites.csv", [])
    label = raw.yaml_origin(("site_updates",))
    problems: list[Problem] = []
    if not isinstance(updates, list):
        return [Problem(label, "site_updates", "site_updates", "应为列表", "must be a list")]
    allowed = set(SiteRow.model_fields)
    for n, upd in enumerate(updates):
        w = f"site_updates[{n}]"
        if not isinstance(upd, dict) or set(upd) - {"where", "set"} or not isinstance(upd.get("set"), dict):
            problems.append(Problem(label, w, w, "每条应包含 where（筛选条件）和 set（新值）",
                                    "each entry needs 'where' (a filter) and 'set' (new values)"))
            continue
        where = upd.get("where") or {}
        bad = sorted((set(where) | set(upd["set"])) - allowed)
        if bad or "site_id" in upd["set"]:
            problems.append(Problem(label, w, w, f"未知或不可修改的字段 {bad or ['site_id']}；允许：{', '.join(sorted(allowed - {'site_id'}))}",
                                    f"unknown or unchangeable fields {bad or ['site_id']}; allowed: {', '.join(sorted(allowed - {'site_id'}))}"))
            continue
        hits = [r for r in rows if all(r.cells.get(k, "") == str(v) for k, v in where.items())]
        if not hits:
            problems.append(Problem(label, w, w, f"筛选条件 {where} 没有匹配任何站点", f"filter {where} matches no site"))
        for r in hits:
            for k, v in upd["set"].items():
                r.cells[k] = "" if v is None else str(v)
                r.origin[k] = (label, w, w)
    return problems


def _validate_rows(raw: RawScenario, name: str) -> tuple[tuple[BaseModel, ...], list[Problem]]:
    model, _keys, _required = TABLES[name]
    out: list[BaseModel] = []
    problems: list[Problem] = []
    for row in raw.tables.get(name, []):
        try:
            out.append(model.model_validate(row.cells))
        except ValidationError as err:
            def locate(loc: tuple[Any, ...], row: RawRow = row) -> tuple[str, str, str]:
                col = str(loc[0]) if loc else None
                file, wzh, wen = row.where(col)
                return (file, f"{wzh} {col} 列", f"{wen}, column {col}") if col else (file, wzh, wen)
            problems.extend(from_validation_error(err, model, locate))
    return tuple(out), problems


def _locator(raw: RawScenario | None):
    def locate(table: str, index: int, column: str | None) -> tuple[str, str, str]:
        rows = raw.tables.get(table, []) if raw else []
        if index < len(rows):
            file, wzh, wen = rows[index].where(column)
            return (file, f"{wzh} {column} 列", f"{wen}, column {column}") if column else (file, wzh, wen)
        return (table, f"第{index + 1}条记录", f"record {index + 1}")
    return locate


def validate_scenario(scenario: Scenario, raw: RawScenario | None = None) -> Scenario:
    """Run the cross-file checks; return the scenario or raise ``ScenarioError``."""
    locate = _locator(raw)
    problems = cross_check(scenario.spec, scenario.sites, scenario.caseload, scenario.backlog, locate)
    problems += check_fiscal(scenario.spec, dict(scenario.extra_tables), locate)
    if problems:
        raise ScenarioError(problems)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate the scenario folder at ``path`` (an overlay is merged onto its base).

    Raises ``ScenarioError`` listing every problem found, each naming file, row or key,
    and what is allowed.
    """
    folder = Path(path)
    raw = read_raw(folder, TABLES)
    problems = list(raw.problems)
    if problems and not raw.yaml_data:
        raise ScenarioError(problems)
    problems += _apply_site_updates(raw)
    spec: ScenarioSpec | None = None
    try:
        spec = ScenarioSpec.model_validate(raw.yaml_data)
    except ValidationError as err:
        problems += from_validation_error(err, ScenarioSpec, lambda loc: (raw.yaml_origin(loc), *_yaml_where(loc)))
    tables: dict[str, tuple[BaseModel, ...]] = {}
    for name in TABLES:
        tables[name], row_problems = _validate_rows(raw, name)
        problems += row_problems
    if problems or spec is None:
        raise ScenarioError(problems)
    extra = tuple((name, rows) for name, rows in tables.items() if name not in CORE_TABLES)
    scenario = Scenario(spec, tables["sites.csv"], tables["caseload.csv"], tables["backlog.csv"],  # type: ignore[arg-type]
                        extra, folder.resolve())
    return validate_scenario(scenario, raw)
