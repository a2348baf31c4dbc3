"""Schema of ``sensitivity.csv`` (optional): the P10-P90 range of each questioned number of ``scenario.yaml``.

Why in the scenario: which numbers are doubtful, and by how much, is a judgement the planner makes
and must be able to read and edit, with unit, labels and source, like every other number. The
fiscal model's ``Uncertain`` inputs already carry a distribution (their P10 and P90 follow from it);
this table adds ranges for the numbers that have none (staff presence, patience, partner days, unit
costs ...). The sensitivity analysis (``vetsim.sensitivity``) reads both.

A row names a number of ``scenario.yaml`` by its dotted path (``key``, e.g.
``presence.township.away_share``): a ``Quantity``/``Uncertain`` (its ``value`` is varied) or a plain
number (e.g. ``case_types.petition.hotline_share``). ``low`` and ``high`` are its P10 and P90; the
scenario's own value is the middle and must lie between them. Each variant is made through an
overlay document (:func:`vetsim.scenario.apply_overlay`), so it is validated like a saved
overlay: a range that leaves the allowed values of the number is refused when the variant is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from pydantic import Field, model_validator

from ..errors import Problem
from ..wording import both
from .params import Frozen, VisibleText, invalid

__all__ = ["SensitivityRow", "SENSITIVITY_TABLES", "sensitivity_problems", "number_at", "overlay_at", "KEY_PATTERN"]

KEY_PATTERN = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){1,7}$"
Locate = Callable[[str, int, str | None], tuple[str, str, str]]
FILE = "sensitivity.csv"


class SensitivityRow(Frozen):
    """One questioned number and its range (sensitivity.csv)."""

    key: str = Field(pattern=KEY_PATTERN, max_length=200)
    low: float
    high: float
    unit: VisibleText
    label_zh: VisibleText
    label_en: VisibleText
    source: VisibleText

    @model_validator(mode="after")
    def _order(self) -> "SensitivityRow":
        if not self.low < self.high:
            raise invalid(*both("sens.table.order", low=f"{self.low:g}", high=f"{self.high:g}"))
        return self


SENSITIVITY_TABLES: dict[str, tuple[type[Frozen], tuple[str, ...], bool]] = {
    FILE: (SensitivityRow, ("key",), False),
}


def _node(data: Any, key: str) -> Any:
    node = data
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and part in {str(k) for k in node}:
            node = {str(k): v for k, v in node.items()}[part]
        else:
            raise KeyError(key)
    return node


def number_at(spec: Any, key: str) -> float:
    """The number at dotted path ``key`` of the scenario settings (a quantity's ``value`` or a plain number).

    Raises ``KeyError`` for a path that does not exist and ``TypeError`` for one that is not a single number
    (a dated parameter, a text, a section).
    """
    node = _node(spec.model_dump(mode="python"), key)
    if isinstance(node, dict) and "value" in node and "unit" in node:
        node = node["value"]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise TypeError(key)
    return float(node)


def _whole(node: Any) -> bool:
    return isinstance(node, int) and not isinstance(node, bool)


def overlay_at(spec: Any, values: Mapping[str, float]) -> dict[str, Any]:
    """The overlay document (input of ``apply_overlay``) that sets the number at each dotted key to its value."""
    data = spec.model_dump(mode="python")
    doc: dict[str, Any] = {}
    for key, value in values.items():
        node = _node(data, key)
        *parents, last = key.split(".")
        at = doc
        for part in parents:
            at = at.setdefault(part, {})
        # a whole-number setting (e.g. payment years) takes the nearest whole number of a sampled value
        at[last] = {"value": float(value)} if isinstance(node, dict) else (round(value) if _whole(node) else float(value))
    return doc


def sensitivity_problems(spec: Any, rows: tuple[SensitivityRow, ...], locate: Locate) -> list[Problem]:
    """Each row's key names a single number of scenario.yaml, and the scenario's value lies within [low, high]."""
    out: list[Problem] = []
    for i, r in enumerate(rows):
        try:
            value = number_at(spec, r.key)
        except KeyError:
            out.append(Problem(*locate(FILE, i, "key"), *both("sens.table.no_key", key=r.key)))
            continue
        except TypeError:
            out.append(Problem(*locate(FILE, i, "key"), *both("sens.table.not_number", key=r.key)))
            continue
        if _whole(_node(spec.model_dump(mode="python"), r.key)) and not (r.low.is_integer() and r.high.is_integer()):
            out.append(Problem(*locate(FILE, i, "low"), *both("sens.table.whole", key=r.key, low=f"{r.low:g}",
                                                              high=f"{r.high:g}")))
        elif not r.low <= value <= r.high:
            out.append(Problem(*locate(FILE, i, "low"), *both("sens.table.outside", value=f"{value:g}", low=f"{r.low:g}",
                                                              high=f"{r.high:g}")))
    return out
