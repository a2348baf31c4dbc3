"""One way to change a scenario: the ``Overlay`` value, applied in memory or written as an overlay folder.

Why one value: a variant ("two more posts at every township station", "volumes +20%", "the fitted
caseload") is a decision a reader must see and re-run, so every route that derives a scenario goes
through the same change object, the same checks and the same messages. As in OpenFisca's
``Reform.apply``, a change is data applied to a base, never an edited copy of the base:

* ``settings``: keys of ``scenario.yaml`` merged onto the base's (``replace: true`` replaces a mapping);
* ``rows``: :class:`RowUpdate` -- fields of the rows of a table matching ``where``, set to a value or
  multiplied by a factor (``site_updates`` and ``row_updates`` of ``scenario.yaml``, experiments'
  changes, :meth:`Scenario.with_site_changes`, sensitivity ranges on table columns);
* ``patches``: rows of a table by key, cells replaced (a new key is a new row): the table files of an
  overlay folder (a staffing plan's ``sites.csv``, a calibration's ``caseload.csv``);
* ``tables``: whole tables replaced (written with ``replace_tables:``).

``Overlay.apply(scenario)`` returns a revalidated ``Scenario`` (every problem at once, ``ScenarioError``);
``Overlay.write(folder, base)`` is the one writer of overlay folders, and it loads what it wrote back
before the folder is moved into place: the folder must mean the same scenario (same hash) as ``apply``.
``Overlay.apply_raw`` is the same change on a scenario still being read (the loader, regions and
experiments), so that problems keep naming the file and row they came from.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError, VetsimError
from ..files import atomic_folder, check_output_target
from ..wording import both
from .problems import _show, from_validation_error, show_key
from .rows import CORE_TABLES, TABLES, canonical_rows
from .sources import (
    OVERLAY_KEYS,
    RawRow,
    RawScenario,
    _deep_merge,
    merge_overlay,
    patch_rows,
)
from .spec import ScenarioSpec
from .task_spec import TASK_TABLES
from .validate import _capped, validate_scenario

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["Overlay", "RowUpdate", "OverlayWriteError", "dotted", "parse_updates"]

_CORE_FIELDS = {"sites.csv": "sites", "caseload.csv": "caseload", "backlog.csv": "backlog"}


class OverlayWriteError(VetsimError):
    """An overlay folder cannot be written (no base folder, the base itself as target, a check failed)."""


def _cell(value: Any) -> str:
    """A value as the text of a CSV cell (what an overlay folder holds, what the loader parses)."""
    return "" if value is None else str(value)


def dotted(changes: Mapping[str, Any]) -> dict[str, Any]:
    """``{"presence.township.away_share.value": 0.3}`` as the nested mapping of ``scenario.yaml``."""
    out: dict[str, Any] = {}
    for path, value in changes.items():
        node = out
        parts = str(path).split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return out


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
            return Problem(file, where, where, *both("scenario.unknown_or_unchangeable_fields_allowed",
                                                     table=self.table, bad=bad, ok=ok))
        for name, f in self.factor.items():
            if isinstance(f, bool) or not isinstance(f, (int, float)) or not math.isfinite(f) or f <= 0:
                return Problem(file, where, where, *both("scenario.overlay.bad_factor", field=name, value=_show(f, 40)))
        return None

    def matches(self, cells: Mapping[str, str]) -> bool:
        return all(cells.get(k, "") == str(v) for k, v in self.where.items())

    def no_match(self, label: str) -> Problem:
        where = self.loc or self.table
        return Problem(self.file or label, where, where, *both("scenario.filter_matches_no_site",
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
        return [], [Problem(label, name, name, *both("scenario.must_be_a_list"))]
    keys = {"where", "set", "factor"} | ({"table"} if table is None else set())
    out: list[RowUpdate] = []
    problems: list[Problem] = []
    for n, upd in enumerate(entries):
        w = f"{name}[{n}]"
        if (not isinstance(upd, dict) or set(upd) - keys or not (upd.get("set") or upd.get("factor"))
                or not all(isinstance(upd.get(k) or {}, dict) for k in ("set", "factor"))):
            problems.append(Problem(label, w, w, *both("scenario.each_entry_needs_where_a")))
            continue
        if not isinstance(upd.get("where") or {}, dict):
            problems.append(Problem(label, w, w, *both("scenario.where_must_be_a_mapping")))
            continue
        out.append(RowUpdate(str(upd.get("table", table)), upd.get("where") or {}, upd.get("set") or {},
                             upd.get("factor") or {}, w, label))
    return out, problems


def _raw_update(raw: RawScenario, upd: RowUpdate, label: str) -> list[Problem]:
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
            r.cells[k] = _cell(v)
            r.origin[k] = origin
        for k, f in upd.factor.items():
            new = _times(r.cells.get(k, ""), f, _whole(model, k))
            if new is None:
                return [_not_number(upd, label, k, r.cells.get(k, ""))]
            r.cells[k] = _cell(new)
            r.origin[k] = origin
    return []


def _row_problems(err: ValidationError, model: type[BaseModel], file: str, where: str) -> list[Problem]:
    return from_validation_error(err, model, lambda loc: (file, where, f"{where} {show_key(loc[0])}" if loc else where))


def _validated(model: type[BaseModel], data: dict[str, Any], file: str, where: str,
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
        return [i for i, r in enumerate(rows) if _cell(getattr(r, col)) == text]
    return [i for i, r in enumerate(rows) if all(_cell(getattr(r, k)) == v for k, v in want)]


def _model_update(rows: list[Any], upd: RowUpdate, label: str) -> list[Problem]:
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
        data = {**rows[i].model_dump(), **{k: _cell(v) for k, v in upd.set.items()}}
        for k, f in upd.factor.items():
            new = _times(data[k], f, isinstance(data[k], int) and not isinstance(data[k], bool))
            if new is None:
                return [_not_number(upd, label, k, data[k])]
            data[k] = new
        row = _validated(model, data, upd.file or label, upd.loc or upd.table, problems)
        rows[i] = row if row is not None else rows[i]
    return problems


def _patch_models(rows: list[Any], name: str, patch: tuple[Mapping[str, Any], ...], label: str) -> list[Problem]:
    """Patch rows on validated rows (in place): a row with the same key gets the cells, a new key is a new row."""
    model, keys, _required = TABLES[name]
    index = {tuple(_cell(getattr(r, k)) for k in keys): i for i, r in enumerate(rows)}
    problems: list[Problem] = []
    for n, cells in enumerate(patch):
        key = tuple(_cell(cells.get(k)) for k in keys)
        text = {c: _cell(v) for c, v in cells.items()}
        at = index.get(key)
        row = _validated(model, {**rows[at].model_dump(), **text} if at is not None else text,
                         label, f"{name}[{n}]", problems)
        if row is None:
            continue
        if at is None:
            index[key] = len(rows)
            rows.append(row)
        else:
            rows[at] = row
    return problems


def _table_text(rows: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...]) -> str:
    """CSV text of rows (columns in first-seen order), as the loader reads it back."""
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(columns))
    w.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def _hours(spans: Any) -> Any:
    return ";".join(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in spans) if isinstance(spans, tuple) else spans


def _days(days: Any) -> Any:
    return ",".join(str(d + 1) for d in days) if isinstance(days, tuple) else days  # 1-7, Monday=1 (rows.parse_days)


_AS_TEXT = {"open_days": _days, "open_hours": _hours}  # the columns whose parsed value is not its cell text


def _dump_row(row: Any) -> dict[str, Any]:
    """A row (a validated model or a mapping of cells) as cells a table file holds."""
    data = row.model_dump() if isinstance(row, BaseModel) else dict(row)
    return {k: _AS_TEXT[k](v) if k in _AS_TEXT else v for k, v in data.items()}


@dataclass(frozen=True)
class Overlay:
    """A change of a scenario (see the module): settings, row updates, table patches, whole tables."""

    settings: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[RowUpdate, ...] = ()
    patches: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    tables: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    label: str = "overlay"

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], label: str = "overlay") -> Overlay:
        """The overlay an in-memory ``scenario.yaml`` document means (``site_updates``, ``row_updates``, settings)."""
        if "base" in doc:
            raise ScenarioError([Problem(label, "base", "base", *both("sens.overlay.base"))])
        rows, problems = [], []
        for key, table in (("site_updates", "sites.csv"), ("row_updates", None)):
            if key in doc:
                got, bad = parse_updates(doc[key] or [], table, label, key)
                rows += got
                problems += bad
        if problems:
            raise ScenarioError(_capped(problems))
        return cls({k: v for k, v in doc.items() if k not in OVERLAY_KEYS}, tuple(rows), label=label)

    @classmethod
    def site_changes(cls, changes: Mapping[str, Mapping[str, Any]], label: str = "overlay") -> Overlay:
        """Row updates of ``sites.csv`` by site id, e.g. ``{"T01": {"funded_staff": 2}}``."""
        return cls(rows=tuple(RowUpdate("sites.csv", {"site_id": sid}, dict(ch), loc=f"sites.csv[site_id={sid}]")
                              for sid, ch in changes.items() if ch), label=label)

    # ---- in memory -------------------------------------------------------------------------
    def _spec(self, scenario: Scenario, problems: list[Problem]) -> ScenarioSpec | None:
        if not self.settings:
            return scenario.spec
        try:
            return ScenarioSpec.model_validate(_deep_merge(scenario.spec.model_dump(mode="json"), dict(self.settings)))
        except ValidationError as err:
            problems += from_validation_error(err, ScenarioSpec, lambda loc: (self.label, *([".".join(show_key(k) for k in loc)] * 2)))
            return None

    def _tables(self, scenario: Scenario, problems: list[Problem]) -> dict[str, list[Any]]:
        tables: dict[str, list[Any]] = {}
        for name, rows in self.tables.items():
            if name not in TABLES:
                problems.append(RowUpdate(name, loc=name).problem(self.label))  # type: ignore[arg-type]
                continue
            got = [_validated(TABLES[name][0], _dump_row(r), self.label, f"{name}[{i}]", problems)
                   for i, r in enumerate(rows)]
            tables[name] = [r for r in got if r is not None]
        for name, patch in self.patches.items():
            if name not in TABLES:
                problems.append(RowUpdate(name, loc=name).problem(self.label))  # type: ignore[arg-type]
                continue
            problems += _patch_models(tables.setdefault(name, list(scenario.table(name))), name, tuple(patch), self.label)
        for upd in self.rows:
            rows = tables.setdefault(upd.table, list(scenario.table(upd.table))) if upd.table in TABLES else []
            problems += _model_update(rows, upd, self.label)
        return tables

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with this change, revalidated (cross-file checks included); ``ScenarioError`` lists every problem."""
        problems: list[Problem] = []
        spec = self._spec(scenario, problems)
        tables = self._tables(scenario, problems)
        if problems or spec is None:
            raise ScenarioError(_capped(problems))
        core = {_CORE_FIELDS[n]: tuple(rows) for n, rows in tables.items() if n in CORE_TABLES}
        extra = dict(scenario.extra_tables)
        for name, rows in tables.items():
            if name not in CORE_TABLES:  # as the loader keeps them (Monte Carlo draws follow row order)
                extra[name] = tuple(rows) if name in TASK_TABLES else canonical_rows(name, tuple(rows))
        out = dataclasses.replace(scenario, spec=spec, extra_tables=tuple(extra.items()), **core)
        return validate_scenario(out)

    # ---- on a scenario being read ------------------------------------------------------------
    def apply_raw(self, raw: RawScenario, label: str | None = None) -> tuple[RawScenario, list[Problem]]:
        """This change on ``raw`` (changed in place, settings merged into a new one); the problems found.

        Used where files are read (the loader's ``site_updates``/``row_updates``, a region's county table,
        an experiment's changes), so that a later problem still names the file, row and field it came from.
        """
        label = label or self.label
        if self.settings:
            raw = merge_overlay(raw, dict(self.settings), label)
        for name, rows in self.tables.items():
            raw.tables[name] = [RawRow({k: _cell(v) for k, v in _dump_row(r).items()}, {}) for r in rows]
        for name, patch in self.patches.items():
            keys = TABLES[name][1]
            rows = [RawRow({k: _cell(v) for k, v in p.items()}, dict.fromkeys(p, (label, name, name))) for p in patch]
            raw.tables[name] = patch_rows(raw.tables.get(name, []), rows, keys)
        problems: list[Problem] = []
        for upd in self.rows:
            problems += _raw_update(raw, upd, label)
        return raw, problems

    # ---- as a folder ---------------------------------------------------------------------------
    def document(self, base: str) -> dict[str, Any]:
        """The ``scenario.yaml`` mapping of the overlay folder: ``base:`` first, then the settings and updates."""
        doc: dict[str, Any] = {"base": base, **self.settings}
        sites = [u.entry() for u in self.rows if "table" not in u.entry()]
        others = [u.entry() for u in self.rows if "table" in u.entry()]
        if sites:
            doc["site_updates"] = sites
        if others:
            doc["row_updates"] = others
        if self.tables:
            doc["replace_tables"] = list(self.tables)
        return doc

    def files(self) -> dict[str, str]:
        """The table files of the folder: whole tables, then patches (file name -> CSV text)."""
        out = {name: _table_text([_dump_row(r) for r in rows]) for name, rows in self.tables.items()}
        overlap = sorted(set(self.tables) & set(self.patches))
        if overlap:
            raise OverlayWriteError(*both("scenario.overlay.patch_and_table", tables=", ".join(overlap)))
        out.update({name: _table_text(tuple(patch)) for name, patch in self.patches.items() if patch})
        return out

    def write(self, folder: str | os.PathLike[str], base: Scenario, *, kind: str = "overlay",
              name: Mapping[str, str] | None = None, description: Mapping[str, str] | None = None,
              header: str = "", attachments: Mapping[str, str] | None = None, meta: Mapping[str, Any] | None = None,
              force: bool = False, error: type[VetsimError] = OverlayWriteError) -> Path:
        """Write this change as an overlay folder of ``base`` (``scenario.yaml`` with ``base:`` + table files),
        as a whole; return the folder.

        ``name``, ``description``: the new scenario's (settings of ``scenario.yaml``, so part of its hash).
        ``attachments``: other files of the folder (file name -> text, e.g. ``plan.csv``), not part of the
        scenario. Before the folder is moved into place it is loaded back and must mean the same scenario
        (same hash) as :meth:`apply`; a scenario folder (the base or any other) is never overwritten
        (:func:`vetsim.files.check_output_target`), a non-empty folder vetsim did not write only with ``force``.
        ``error``: the class of the errors raised (each caller's own, so that its callers catch what they did).
        """
        out = Path(folder)
        if base.path is None:
            raise error(*both("scenario.overlay.no_base_folder"))
        base_dir = Path(base.path).resolve()
        check_output_target(out, "folder", force, new_scenario=True)
        if out.resolve() == base_dir:
            raise error(*both("scenario.overlay.target_is_base"))
        names = {k: dict(v) for k, v in (("name", name), ("description", description)) if v}
        change = dataclasses.replace(self, settings={**names, **self.settings}) if names else self
        expected = change.apply(base).hash()
        doc = change.document(os.path.relpath(base_dir, out.resolve()))  # the temp folder is a sibling: same path
        text = header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        with atomic_folder(out, kind, force=force, new_scenario=True,
                           meta={"base_scenario_hash": base.hash(), **(meta or {})}) as tmp:
            for file, body in {**change.files(), **(attachments or {})}.items():
                (tmp / file).write_text(body, encoding="utf-8")
            (tmp / "scenario.yaml").write_text(text, encoding="utf-8")
            from .loader import (
                load_scenario,  # the loader builds on this module: imported when a folder is checked
            )

            if load_scenario(tmp).hash() != expected:
                raise error(*both("scenario.overlay.written_differs"))
        return out
