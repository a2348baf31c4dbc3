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
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError, VetsimError
from ..files import atomic_folder, check_output_target
from ..wording import both
from .build import build_scenario
from .problems import from_validation_error, show_key
from .rows import CORE_TABLES, TABLES, canonical_rows
from .rowupdates import (
    RowUpdate,
    cell_text,
    parse_updates,
    update_models,
    update_raw,
    validated,
)
from .sources import (
    OVERLAY_KEYS,
    RawRow,
    RawScenario,
    _deep_merge,
    merge_overlay,
    patch_rows,
    read_raw,
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


def _patch_models(rows: list[Any], name: str, patch: tuple[Mapping[str, Any], ...], label: str) -> list[Problem]:
    """Patch rows on validated rows (in place): a row with the same key gets the cells, a new key is a new row."""
    model, keys, _required = TABLES[name]
    index = {tuple(cell_text(getattr(r, k)) for k in keys): i for i, r in enumerate(rows)}
    problems: list[Problem] = []
    for n, cells in enumerate(patch):
        key = tuple(cell_text(cells.get(k)) for k in keys)
        text = {c: cell_text(v) for c, v in cells.items()}
        at = index.get(key)
        row = validated(model, {**rows[at].model_dump(), **text} if at is not None else text,
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
    w.writerows([cell_text(r.get(c)) for c in columns] for r in rows)
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
            got = [validated(TABLES[name][0], _dump_row(r), self.label, f"{name}[{i}]", problems)
                   for i, r in enumerate(rows)]
            tables[name] = [r for r in got if r is not None]
        for name, patch in self.patches.items():
            if name not in TABLES:
                problems.append(RowUpdate(name, loc=name).problem(self.label))  # type: ignore[arg-type]
                continue
            problems += _patch_models(tables.setdefault(name, list(scenario.table(name))), name, tuple(patch), self.label)
        for upd in self.rows:
            rows = tables.setdefault(upd.table, list(scenario.table(upd.table))) if upd.table in TABLES else []
            problems += update_models(rows, upd, self.label)
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
            cells = [{k: cell_text(v) for k, v in _dump_row(r).items()} for r in rows]
            raw.tables[name] = [RawRow(c, dict.fromkeys(c, (label, f"{name}[{i}]", f"{name}[{i}]"))) for i, c in enumerate(cells)]
        for name, patch in self.patches.items():
            keys = TABLES[name][1]
            rows = [RawRow({k: cell_text(v) for k, v in p.items()}, dict.fromkeys(p, (label, name, name))) for p in patch]
            raw.tables[name] = patch_rows(raw.tables.get(name, []), rows, keys)
        problems: list[Problem] = []
        for upd in self.rows:
            problems += update_raw(raw, upd, label)
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
              force: bool = False, error: type[VetsimError] = OverlayWriteError,
              words: Mapping[str, str] | None = None) -> Path:
        """Write this change as an overlay folder of ``base`` (``scenario.yaml`` with ``base:`` + table files),
        as a whole; return the folder.

        ``name``, ``description``: the new scenario's (settings of ``scenario.yaml``, so part of its hash).
        ``attachments``: other files of the folder (file name -> text, e.g. ``plan.csv``), not part of the
        scenario. Before the folder is moved into place it is loaded back and must mean the same scenario
        (same hash) as :meth:`apply`; a scenario folder (the base or any other) is never overwritten
        (:func:`vetsim.files.check_output_target`), a non-empty folder vetsim did not write only with ``force``.
        ``error``: the class of the errors raised (each caller's own, so that its callers catch what they did);
        ``words``: the caller's own catalogue keys for ``no_base_folder``, ``target_is_base``, ``written_differs``.
        """
        def fail(reason: str) -> VetsimError:
            return error(*both((words or {}).get(reason, f"scenario.overlay.{reason}")))

        out = Path(folder)
        if base.path is None:
            raise fail("no_base_folder")
        base_dir = Path(base.path).resolve()
        check_output_target(out, "folder", force, new_scenario=True)
        if out.resolve() == base_dir:
            raise fail("target_is_base")
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
            if build_scenario(read_raw(tmp, TABLES), tmp, type(base)).hash() != expected:  # as load_scenario reads it
                raise fail("written_differs")
        return out
