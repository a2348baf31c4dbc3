"""``load_scenario``: read, merge overlays, validate everything, report all problems at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from ..wording import both
from .build import build_scenario
from .model import Scenario
from .overlay import Overlay, RowUpdate
from .rows import TABLES
from .sensitivity_spec import TableKey
from .sources import RawScenario, read_raw
from .validate import _capped, validate_scenario

__all__ = ["load_scenario", "validate_scenario", "apply_overlay", "scale_rows", "load_raw"]


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
    return build_scenario(raw, folder, Scenario)


def apply_overlay(scenario: Scenario, overlay: dict[str, Any]) -> Scenario:
    """``scenario`` with an overlay document applied in memory: what the same mapping in an overlay folder's
    ``scenario.yaml`` means (settings merged, ``replace: true`` replaces a mapping; ``site_updates`` and
    ``row_updates`` checked and applied), revalidated; all problems at once (``ScenarioError``).
    A thin use of :meth:`Overlay.apply`."""
    return Overlay.from_document(overlay).apply(scenario)


def scale_rows(scenario: Scenario, key: TableKey, factor: float) -> Scenario:
    """``scenario`` with column ``key.field`` of the ``key.table`` rows matching ``key.where`` multiplied by ``factor``.

    A whole-number column is rounded; the result is revalidated (:meth:`Overlay.apply`), and a value that
    leaves the allowed range is a ``ScenarioError`` naming the key first (e.g. a share multiplied beyond 1,
    monthly shares that no longer add up to 1). This is how a ``sensitivity.csv`` row that names a table
    column (``caseload.csv:yearly_volume``) makes its variants.
    """
    text = f"{key.table}:{key.field}"
    change = RowUpdate(key.table, dict(key.where), factor={key.field: factor}, loc=text, file="sensitivity.csv")
    try:
        return Overlay(rows=(change,), label="sensitivity.csv").apply(scenario)
    except ScenarioError as err:
        head = Problem("sensitivity.csv", text, text, *both("sens.table.scaled_breaks", key=text, factor=f"{factor:g}"))
        raise ScenarioError(_capped([head, *err.problems])) from None
