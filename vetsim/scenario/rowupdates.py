"""Row updates (``site_updates``, ``row_updates``, experiments' table changes): fields of the rows of a table
matching a filter, set to a value or multiplied by a factor; on text cells being read (:func:`update_raw`)
and on validated rows (:func:`update_models`), with the same matching, arithmetic and messages.

Why its own module: the reader of scenario folders (:mod:`.build`) and the one change value
(:class:`vetsim.scenario.overlay.Overlay`, which writes folders and reads them back) both use it, so it
sits below both (no import cycle).
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..wording import both
from .problems import _show, from_validation_error, show_key
from .rows import TABLES
from .sources import RawScenario

__all__ = ["RowUpdate", "parse_updates", "update_raw", "update_models", "validated", "cell_text"]


def cell_text(value: Any) -> str:
    """A value as the text of a CSV cell (what an overlay folder holds, what the loader parses)."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class RowUpdate:
    """Fields of the rows of ``table`` that match ``where`` (compared as text, as CSV cells are):
    set to a value (``set``) or multiplied by a positive factor (``factor``; a whole-number column is rounded).

    ``loc`` says where the update was written (``site_updates[2]``, ``variants[1].changes[0]``) and
    ``file`` in which file, for messages; both are left out of the change itself.
    """

    table: str
    where: Mapping[str, Any] = field(default_factory=dict)
    set: Mapping[str, Any] = field(default_factory=dict)
    factor: Mapping[str, Any] = field(default_factory=dict)
    loc: str = field(default="", compare=False)
    file: str = field(default="", compare=False)

    def entry(self) -> dict[str, Any]:
        """The update as an entry of ``row_updates`` (``site_updates`` without ``table``) in ``scenario.yaml``."""
        out: dict[str, Any] = {} if self.table == "sites.csv" and not self.factor else {"table": self.table}
        out["where"] = dict(self.where)
        if self.set:
            out["set"] = dict(self.set)
        if self.factor:
            out["factor"] = dict(self.factor)
        return out

    def problem(self, label: str) -> Problem | None:
        """What is wrong with the update itself (table, fields, factors), before any row is looked at."""
        where = self.loc or self.table
        file = self.file or label
        if self.table not in TABLES:
            return Problem(file, where, where, *both("scenario.overlay.unknown_table", table=repr(self.table)[:60],
                                                      allowed=", ".join(TABLES)))
        model, keys, _required = TABLES[self.table]
        allowed = set(model.model_fields)
        fixed = {"site_id"} if self.table == "sites.csv" else set(keys)
        changed = set(self.set) | set(self.factor)
        bad = [show_key(b) for b in sorted((set(self.where) | changed) - allowed, key=str)[:5]]
        if bad or fixed & changed or set(self.set) & set(self.factor):
            bad = bad or sorted((fixed & changed) | (set(self.set) & set(self.factor)))
            ok = ", ".join(sorted(allowed - fixed))
            return Problem(file, where, where, *both("scenario.row_update_bad_fields",
                                                     table=self.table, bad=bad, ok=ok))
        for name, f in self.factor.items():
            if isinstance(f, bool) or not isinstance(f, (int, float)) or not math.isfinite(f) or f <= 0:
                return Problem(file, where, where, *both("scenario.overlay.bad_factor", field=name, value=_show(f, 40)))
        return None

    def matches(self, cells: Mapping[str, str]) -> bool:
        return all(cells.get(k, "") == str(v) for k, v in self.where.items())

    def no_match(self, label: str) -> Problem:
        where = self.loc or self.table
        return Problem(self.file or label, where, where, *both("scenario.filter_matches_nothing",
                                                               where=_show(dict(self.where), 80), table=self.table))


def _whole(model: type[BaseModel], name: str) -> bool:
    """Whether column ``name`` of ``model`` holds whole numbers (a multiplied value is rounded)."""
    ann = model.model_fields[name].annotation
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = set(typing.get_args(ann)) - {type(None)}
        return args == {int}
    return ann is int


def _times(value: Any, factor: float, whole: bool) -> Any:
    """``value`` multiplied by ``factor`` (rounded for a whole-number column); ``None`` if not a number."""
    if isinstance(value, str):
        try:
            value = int(value) if whole else float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return round(value * factor) if whole else value * factor


def _not_number(upd: RowUpdate, label: str, name: str, value: Any) -> Problem:
    where = upd.loc or upd.table
    return Problem(upd.file or label, where, where, *both("scenario.overlay.not_a_number", table=upd.table,
                                                          field=name, value=_show(value, 40)))


def parse_updates(entries: Any, table: str | None, label: str, name: str) -> tuple[list[RowUpdate], list[Problem]]:
    """``site_updates`` (``table`` given) or ``row_updates`` (each entry names its ``table``) of a YAML mapping."""
    if not isinstance(entries, list):
        return [], [Problem(label, name, name, *both("scenario.not_a_list"))]
    keys = {"where", "set", "factor"} | ({"table"} if table is None else set())
    out: list[RowUpdate] = []
    problems: list[Problem] = []
    for n, upd in enumerate(entries):
        w = f"{name}[{n}]"
        if (not isinstance(upd, dict) or set(upd) - keys or not (upd.get("set") or upd.get("factor"))
                or not all(isinstance(upd.get(k) or {}, dict) for k in ("set", "factor"))):
            problems.append(Problem(label, w, w, *both("scenario.row_update_needs_where_set")))
            continue
        if not isinstance(upd.get("where") or {}, dict):
            problems.append(Problem(label, w, w, *both("scenario.where_not_mapping")))
            continue
        out.append(RowUpdate(str(upd.get("table", table)), upd.get("where") or {}, upd.get("set") or {},
                             upd.get("factor") or {}, w, label))
    return out, problems


def update_raw(raw: RawScenario, upd: RowUpdate, label: str) -> list[Problem]:
    """``upd`` on the text cells of ``raw``'s rows; each changed cell remembers the update as its origin."""
    bad = upd.problem(label)
    if bad is not None:
        return [bad]
    model = TABLES[upd.table][0]
    hits = [r for r in raw.tables.get(upd.table, []) if upd.matches(r.cells)]
    if not hits:
        return [upd.no_match(label)]
    origin = (upd.file or label, upd.loc, upd.loc)
    for r in hits:
        for k, v in upd.set.items():
            r.cells[k] = cell_text(v)
            r.origin[k] = origin
        for k, f in upd.factor.items():
            new = _times(r.cells.get(k, ""), f, _whole(model, k))
            if new is None:
                return [_not_number(upd, label, k, r.cells.get(k, ""))]
            r.cells[k] = cell_text(new)
            r.origin[k] = origin
    return []


def _row_problems(err: ValidationError, model: type[BaseModel], file: str, where: str) -> list[Problem]:
    return from_validation_error(err, model, lambda loc: (file, where, f"{where} {show_key(loc[0])}" if loc else where))


def validated(model: type[BaseModel], data: dict[str, Any], file: str, where: str,
               problems: list[Problem]) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems += _row_problems(err, model, file, where)
        return None


def _hits(rows: list[Any], where: Mapping[str, Any]) -> list[int]:
    """Positions of the validated rows matching ``where`` (cells compared as text, as :meth:`RowUpdate.matches`)."""
    want = [(k, str(v)) for k, v in where.items()]
    if len(want) == 1:  # the common case (a site id, a level), kept fast: with_site_changes makes one update per site
        col, text = want[0]
        return [i for i, r in enumerate(rows) if cell_text(getattr(r, col)) == text]
    return [i for i, r in enumerate(rows) if all(cell_text(getattr(r, k)) == v for k, v in want)]


def update_models(rows: list[Any], upd: RowUpdate, label: str) -> list[Problem]:
    """``upd`` on validated rows (in place): the same matching and arithmetic as :func:`_raw_update`."""
    bad = upd.problem(label)
    if bad is not None:
        return [bad]
    model = TABLES[upd.table][0]
    problems: list[Problem] = []
    hits = _hits(rows, upd.where)
    if not hits:
        return [upd.no_match(label)]
    for i in hits:
        data = {**rows[i].model_dump(), **{k: cell_text(v) for k, v in upd.set.items()}}
        for k, f in upd.factor.items():
            new = _times(data[k], f, isinstance(data[k], int) and not isinstance(data[k], bool))
            if new is None:
                return [_not_number(upd, label, k, data[k])]
            data[k] = new
        row = validated(model, data, upd.file or label, upd.loc or upd.table, problems)
        rows[i] = row if row is not None else rows[i]
    return problems
