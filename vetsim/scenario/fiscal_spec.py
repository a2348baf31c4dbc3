"""Schema of the fiscal part of a scenario: the ``fiscal:`` section of scenario.yaml and fiscal tables.

Owned by the fiscal model (vetsim.fiscal). ``FISCAL_TABLES`` lists extra CSV files of a
scenario folder; ``check_fiscal`` runs cross-file checks on them.
"""

from __future__ import annotations

from typing import Any, Callable, Literal

from ..errors import Problem
from .params import DatedParam, Frozen

__all__ = ["Fiscal", "FISCAL_TABLES", "check_fiscal"]


class Fiscal(Frozen):
    """Fiscal settings: the county's region tier and dated fiscal parameters."""

    region_tier: Literal["east", "central", "west"]
    parameters: dict[str, DatedParam]


# file name -> (row model, key columns, required?)
FISCAL_TABLES: dict[str, tuple[type[Frozen], tuple[str, ...], bool]] = {}


def check_fiscal(spec: Any, tables: dict[str, tuple[Frozen, ...]],
                 locate: Callable[[str, int, str | None], tuple[str, str, str]]) -> list[Problem]:
    """Cross-file checks of the fiscal inputs (shares summing to 1, references, ...)."""
    return []
