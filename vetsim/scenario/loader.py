"""``load_scenario``: read, merge overlays, validate everything, report all problems at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from .limits import limit
from .checks import cross_check, size_problems
from .fiscal_spec import check_fiscal
from .task_checks import task_problems
from .task_spec import TASK_TABLES
from .model import Scenario, canonical_rows
from .problems import _show, from_validation_error, show_key
from .rows import CORE_TABLES, TABLES, SiteRow
from .sources import RawRow, RawScenario, read_raw
from .spec import ScenarioSpec

__all__ = ["load_scenario", "validate_scenario"]


def _yaml_where(loc: tuple[Any, ...]) -> tuple[str, str]:
    path = ".".join(show_key(k) for k in loc)
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
        if not isinstance(where, dict):
            problems.append(Problem(label, w, w, "where 应为“字段: 值”映射", "'where' must be a mapping of field: value"))
            continue
        bad = [show_key(b) for b in sorted((set(where) | set(upd["set"])) - allowed, key=str)[:5]]
        if bad or "site_id" in upd["set"]:
            problems.append(Problem(label, w, w, f"未知或不可修改的字段 {bad or ['site_id']}；允许：{', '.join(sorted(allowed - {'site_id'}))}",
                                    f"unknown or unchangeable fields {bad or ['site_id']}; allowed: {', '.join(sorted(allowed - {'site_id'}))}"))
            continue
        hits = [r for r in rows if all(r.cells.get(k, "") == str(v) for k, v in where.items())]
        if not hits:
            problems.append(Problem(label, w, w, f"筛选条件 {_show(where, 80)} 没有匹配任何站点",
                                    f"filter {_show(where, 80)} matches no site"))
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
        if len(items) <= 3:
            problems.extend(p for _w, p in items)
            continue
        first = items[0][1]
        rows = [w.removeprefix("row ") for w, _p in items]
        shown = "、".join(rows[:5]) + ("…" if len(rows) > 5 else "")
        shown_en = ", ".join(rows[:5]) + ("..." if len(rows) > 5 else "")
        problems.append(Problem(file, f"第{shown}行（共 {len(items)} 行） {col} 列", f"rows {shown_en} ({len(items)} rows), column {col}",
                                f"{first.message_zh}（各行同样问题，此为第一行）",
                                f"{first.message_en} (the same problem on each of these rows; this is the first)"))
    return out, kept, problems


def _row_locate(row: RawRow):
    def locate(loc: tuple[Any, ...]) -> tuple[str, str, str]:
        col = show_key(loc[0]) if loc else None
        file, wzh, wen = row.where(col)
        return (file, f"{wzh} {col} 列", f"{wen}, column {col}") if col else (file, wzh, wen)
    return locate


def _locator(rows_by_table: dict[str, list[RawRow]] | None):
    def locate(table: str, index: int, column: str | None) -> tuple[str, str, str]:
        rows = (rows_by_table or {}).get(table, [])
        if index < len(rows):
            file, wzh, wen = rows[index].where(column)
            return (file, f"{wzh} {column} 列", f"{wen}, column {column}") if column else (file, wzh, wen)
        return (table, f"第{index + 1}条记录", f"record {index + 1}")
    return locate


def _all_checks(spec: ScenarioSpec | None, tables: dict[str, tuple[BaseModel, ...]], locate: Any,
                incomplete: frozenset[str] = frozenset(), site_ids: set[str] | None = None) -> list[Problem]:
    """Cross-file checks; with ``incomplete`` tables (rows that failed their own checks) the checks
    that need a whole table are skipped, the others still run so every problem is reported at once."""
    problems = cross_check(spec, tables["sites.csv"], tables["caseload.csv"], tables["backlog.csv"],  # type: ignore[arg-type]
                           locate, incomplete, site_ids)
    if spec is not None:
        problems += size_problems(spec, tables, locate)
        if not incomplete & {"tier_shares.csv", "pension_groups.csv"}:
            problems += check_fiscal(spec, {k: v for k, v in tables.items() if k not in CORE_TABLES}, locate)
    problems += task_problems(spec, tables, locate, incomplete)
    return problems


def validate_scenario(scenario: Scenario, raw: RawScenario | None = None) -> Scenario:
    """Run the cross-file checks; return the scenario or raise ``ScenarioError``."""
    tables = {name: scenario.table(name) for name in TABLES}
    problems = _all_checks(scenario.spec, tables, _locator(raw.tables if raw else None))
    if problems:
        raise ScenarioError(_capped(problems))
    return scenario


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most ``problems_shown`` problems, and one line saying how many more there are."""
    n = int(limit("problems_shown"))
    if len(problems) <= n:
        return problems
    more = len(problems) - n
    return [*problems[:n], Problem("", "", "", f"……另有 {more} 处错误未列出；请先修改以上错误",
                                   f"... and {more} more problem(s) not listed; fix the ones above first")]


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate the scenario folder at ``path`` (an overlay is merged onto its base).

    Raises ``ScenarioError`` listing every problem found, each naming file, row or key,
    and what is allowed. Cross-file checks run on the rows that passed their own checks, so a
    type error in one row does not hide an unknown parent in another.
    """
    folder = Path(path)
    raw = read_raw(folder, TABLES)
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
