"""Scenario files: schema, loading with validation, and the immutable ``Scenario``."""

from .levels import DEFAULT_LEVELS, Levels, level_label
from .loader import apply_overlay, load_scenario, scale_rows, validate_scenario
from .model import Scenario
from .overlay import Overlay, RowUpdate
from .params import DatedParam, Quantity
from .rows import BacklogRow, CaseloadRow, SiteRow, parse_days, parse_hours
from .spec import LEVELS, SITE_LEVELS, ScenarioSpec

__all__ = [
    "load_scenario",
    "apply_overlay",
    "scale_rows",
    "validate_scenario",
    "Scenario",
    "Overlay",
    "RowUpdate",
    "ScenarioSpec",
    "SiteRow",
    "CaseloadRow",
    "BacklogRow",
    "Quantity",
    "DatedParam",
    "parse_days",
    "parse_hours",
    "LEVELS",
    "SITE_LEVELS",
    "Levels",
    "DEFAULT_LEVELS",
    "level_label",
]
