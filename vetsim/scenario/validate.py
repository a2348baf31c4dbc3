"""Cross-file validation of a scenario: ``validate_scenario`` and the checks ``load_scenario`` runs.

Why its own module: ``Scenario.with_site_changes`` revalidates a changed copy and ``load_scenario``
validates a freshly read one; with the checks here, both import this module and neither imports
the other (no import cycle between ``model`` and ``loader``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import Problem, ScenarioError
from ..wording import both
from .checks import cross_check, level_problems, size_problems
from .fiscal_checks import check_fiscal
from .limits import limit
from .rows import CORE_TABLES, TABLES
from .sensitivity_spec import sensitivity_problems
from .spec import ScenarioSpec
from .task_checks import task_problems

if TYPE_CHECKING:
    from .model import Scenario
    from .sources import RawRow, RawScenario

__all__ = ["validate_scenario"]


def _locator(rows_by_table: dict[str, list[RawRow]] | None):
    def locate(table: str, index: int, column: str | None) -> tuple[str, str, str]:
        rows = (rows_by_table or {}).get(table, [])
        if index < len(rows):
            file, wzh, wen = rows[index].where(column)
            return (file, *both("scenario.where_column", where_zh=wzh, where_en=wen, col=column)) if column \
                else (file, wzh, wen)
        return (table, *both("scenario.record_n", n=index + 1))
    return locate


_TABLE_MODELS = {name: (model, keys) for name, (model, keys, _required) in TABLES.items()}


def _all_checks(spec: ScenarioSpec | None, tables: dict[str, tuple[BaseModel, ...]], locate: Any,
                incomplete: frozenset[str] = frozenset(), site_ids: set[str] | None = None) -> list[Problem]:
    """Cross-file checks; with ``incomplete`` tables (rows that failed their own checks) the checks
    that need a whole table are skipped, the others still run so every problem is reported at once."""
    problems = cross_check(spec, tables["sites.csv"], tables["caseload.csv"], tables["backlog.csv"],  # type: ignore[arg-type]
                           locate, incomplete, site_ids)
    if spec is not None:
        work = {k: v for k, v in tables.items() if k in ("duties.csv", "campaigns.csv", "calibration.csv")}
        problems += level_problems(spec.level_registry, work, locate)
        problems += size_problems(spec, tables, locate)
        if not incomplete & {"tier_shares.csv", "pension_groups.csv"}:
            problems += check_fiscal(spec, {k: v for k, v in tables.items() if k not in CORE_TABLES}, locate)
        whole = {k: v for k, v in tables.items() if k not in incomplete}  # a table column's range needs its rows
        problems += sensitivity_problems(spec, tables.get("sensitivity.csv", ()), locate, whole,  # type: ignore[arg-type]
                                         _TABLE_MODELS)
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
    return [*problems[:n], Problem("", "", "", *both("scenario.more_problems_not_listed", more=more))]


