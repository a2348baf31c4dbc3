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

A row may also name a column of a scenario table, ``TABLE.csv:COLUMN`` or, for some rows only,
``TABLE.csv[column=value;column=value]:COLUMN`` (e.g. ``caseload.csv:yearly_volume``: every yearly
volume; ``caseload.csv[case_type=petition]:yearly_volume``: the petition rows). Such a number has a
value per row, so ``low`` and ``high`` are *multipliers* of the rows' own values (the middle is 1,
which must lie between them): the variant multiplies the column of the matching rows
(:func:`vetsim.scenario.scale_rows`; a whole-number column is rounded) and is validated like any
scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from ..errors import Problem
from ..wording import LabelColumns, both
from .params import Frozen, VisibleText, invalid

__all__ = ["SensitivityRow", "SENSITIVITY_TABLES", "sensitivity_problems", "number_at", "overlay_at", "KEY_PATTERN",
           "TableKey", "table_key", "row_matches", "SCALED_TABLES_EXCLUDED"]

_TABLE_KEY = r"(?P<table>[a-z][a-z0-9_]{0,40}\.csv)(?:\[(?P<where>[^\]\[]{1,200})\])?:(?P<field>[A-Za-z_][A-Za-z0-9_]{0,59})"
KEY_PATTERN = r"^([A-Za-z0-9_]+(\.[A-Za-z0-9_]+){1,7}|" + _TABLE_KEY.replace("?P<table>", "").replace("?P<where>", "").replace("?P<field>", "") + ")$"
Locate = Callable[[str, int, str | None], tuple[str, str, str]]
FILE = "sensitivity.csv"


class SensitivityRow(LabelColumns, Frozen):
    """One questioned number and its range (sensitivity.csv)."""

    key: str = Field(pattern=KEY_PATTERN, max_length=200)
    low: float
    high: float
    unit: VisibleText
    label_zh: VisibleText
    label_en: VisibleText
    source: VisibleText

    @model_validator(mode="after")
    def _order(self) -> SensitivityRow:
        if not self.low < self.high:
            raise invalid(*both("sens.table.order", low=f"{self.low:g}", high=f"{self.high:g}"))
        return self


SENSITIVITY_TABLES: dict[str, tuple[type[Frozen], tuple[str, ...], bool]] = {
    FILE: (SensitivityRow, ("key",), False),
}
#: tables whose columns cannot take a range: this one, and the key-task tables (no model reads them)
SCALED_TABLES_EXCLUDED = (FILE, "tasks.csv", "tasks.xlsx", "task_status.csv")


@dataclass(frozen=True)
class TableKey:
    """A column of the rows of a scenario table that match ``where`` (all rows when empty)."""

    table: str
    where: tuple[tuple[str, str], ...]
    field: str


def table_key(key: str) -> TableKey | None:
    """``caseload.csv[case_type=petition]:yearly_volume`` as a :class:`TableKey`; None for a key of scenario.yaml.

    Raises ``ValueError`` for a filter that is not ``column=value`` pairs separated by ``;``.
    """
    m = re.fullmatch(_TABLE_KEY, key)
    if m is None:
        return None
    where: list[tuple[str, str]] = []
    for part in m["where"].split(";") if m["where"] else []:
        col, eq, value = part.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,59}", col.strip()):
            raise ValueError(key)
        where.append((col.strip(), value.strip()))
    return TableKey(m["table"], tuple(where), m["field"])


def row_matches(row: Any, where: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``row`` has each ``column=value`` of the filter (compared as text, as a CSV cell is)."""
    return all(str(getattr(row, col)) == value for col, value in where)


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


def _table_problems(r: SensitivityRow, key: TableKey, tables: Mapping[str, tuple[Any, ...]], models: Mapping[str, Any],
                    at: tuple[str, str, str]) -> list[Problem]:
    """A table key names a table with a numeric column, a filter of its columns that matches rows, and a
    range of multipliers around 1."""
    if key.table not in models or key.table in SCALED_TABLES_EXCLUDED:
        allowed = ", ".join(t for t in models if t not in SCALED_TABLES_EXCLUDED)
        return [Problem(*at, *both("sens.table.unknown_table", table=key.table, allowed=allowed))]
    if key.table not in tables:
        return []  # the table's own rows have problems (reported with them): its filter cannot be checked
    model, keys = models[key.table]
    columns = set(model.model_fields)
    bad = [c for c, _v in key.where if c not in columns] + ([key.field] if key.field not in columns else [])
    if bad:
        return [Problem(*at, *both("sens.table.unknown_column", table=key.table, bad=", ".join(bad),
                                      allowed=", ".join(sorted(columns))))]
    rows = [row for row in tables[key.table] if row_matches(row, key.where)]
    if not rows:
        return [Problem(*at, *both("sens.table.no_rows", key=r.key, table=key.table))]
    values = [getattr(row, key.field) for row in rows]
    if key.field in keys or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [Problem(*at, *both("sens.table.not_numeric_column", key=r.key))]
    if not (0 < r.low <= 1 <= r.high):  # a multiplier is a factor above 0 (Overlay: RowUpdate.factor)
        return [Problem(*at, *both("sens.table.factor_range", low=f"{r.low:g}", high=f"{r.high:g}"))]
    return []


def sensitivity_problems(spec: Any, rows: tuple[SensitivityRow, ...], locate: Locate,
                         tables: Mapping[str, tuple[Any, ...]] | None = None,
                         models: Mapping[str, Any] | None = None) -> list[Problem]:
    """Each row's key names a single number of scenario.yaml, and the scenario's value lies within [low, high];
    or a numeric column of a scenario table (``models``: table -> (row model, key columns)), with multipliers."""
    out: list[Problem] = []
    for i, r in enumerate(rows):
        try:
            tkey = table_key(r.key)
        except ValueError:
            out.append(Problem(*locate(FILE, i, "key"), *both("sens.table.bad_filter", key=r.key)))
            continue
        if tkey is not None:
            out += _table_problems(r, tkey, tables or {}, models or {}, locate(FILE, i, "key"))
            continue
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
