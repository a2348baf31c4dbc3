"""Staff per level and per site: a small form that edits a scenario's staffing, checked field by field.

Why a paged table: the sample county has ~216 sites; one row of widgets per site would make the
page slow in a browser, so the per-site table shows one level at a time, ``page_size`` rows a page,
and rebinds its rows when the level or page changes. Per-level inputs set every site at a level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..scenario import SITE_LEVELS, Scenario
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both, tr
from .fields import FieldSpec, InputError, read_field, unit

__all__ = ["StaffEditor", "STAFF_FIELDS", "STAFF_COLUMNS"]

STAFF_COLUMNS = ("funded_staff", "parttime_staff")

# What the form accepts per site (a sanity bound for typing errors, not a planning number).
STAFF_FIELDS: dict[str, FieldSpec] = {
    "funded_staff": FieldSpec("funded_staff", "int", *both("funded_staff"), min=0, max=200,
                              **unit("unit.people"), width="150px"),
    "parttime_staff": FieldSpec("parttime_staff", "int", *both("parttime_staff"), min=0, max=200,
                                **unit("unit.people"), width="150px"),
}

_LEVEL_ORDER = tuple(reversed(SITE_LEVELS))  # county_center, township, village


def _box(**kw: Any) -> widgets.IntText:
    return widgets.IntText(continuous_update=False, layout=widgets.Layout(width="90px"), **kw)


class StaffEditor:
    """Edits ``{site_id: (funded, part-time)}`` on top of a base scenario.

    ``on_change()`` is called after every accepted edit; invalid input raises ``InputError`` from
    the widget callback, which the app's ``SafeRunner`` turns into a message (the value is not
    applied). While a box holds an invalid value, :meth:`check` and :meth:`scenario` raise that
    error again, so a run or a save refuses instead of using the previous value behind the box's
    back. ``changes()`` gives only the sites that differ from the base.
    """

    def __init__(self, base: Scenario, lang: str = "zh", page_size: int = 15,
                 wrap: Callable[[Callable[..., Any]], Callable[..., Any]] = lambda f: f,
                 on_change: Callable[[], None] = lambda: None, levels: tuple[str, ...] = _LEVEL_ORDER):
        self.lang = lang
        self.page_size = page_size
        self.on_change = on_change
        self._wrap = wrap
        self._syncing = False
        self._invalid: dict[int, InputError] = {}  # id(box) -> the error of the value it shows
        self.levels = levels
        # per-level form: one row per level, "set every site at this level"
        self.level_inputs: dict[tuple[str, str], widgets.IntText] = {}
        rows = [widgets.HBox([widgets.HTML(f"<b>{tr('level', lang)}</b>",
                                           layout=widgets.Layout(width="220px")),
                              *(widgets.HTML(f"<b>{STAFF_FIELDS[c].label(lang)}</b>",
                                             layout=widgets.Layout(width="120px")) for c in STAFF_COLUMNS)])]
        for level in levels:
            boxes = []
            for col in STAFF_COLUMNS:
                box = _box()
                box.add_class(f"vetsim-level-{level}-{col}")  # a stable handle for the browser test
                box.observe(self._wrap(lambda ch, level=level, col=col: self._set_level(level, col, ch["new"])),
                            names="value")
                self.level_inputs[(level, col)] = box
                boxes.append(box)
            rows.append(widgets.HBox([widgets.HTML(tr("ui.each", lang, level_labels_level_l=DEFAULT_LEVELS.label(level, lang)),
                                                   layout=widgets.Layout(width="220px")), *boxes]))
        self.level_form = widgets.VBox(rows)
        # per-site table: level filter, pager, rows
        self.site_level = widgets.Dropdown(options=[(DEFAULT_LEVELS.label(lv_id, lang), lv_id) for lv_id in levels], value=levels[0],
                                           description=tr("level", lang))
        self.page = widgets.IntText(value=1, description=tr("ui.page", lang),
                                    layout=widgets.Layout(width="140px"), continuous_update=False)
        self.page_info = widgets.HTML()
        self.site_level.observe(self._wrap(lambda ch: self._goto(1)), names="value")
        self.page.observe(self._wrap(lambda ch: self._page_changed(ch["new"])), names="value")
        self.row_labels = [widgets.HTML(layout=widgets.Layout(width="320px")) for _ in range(page_size)]
        self.row_inputs: list[dict[str, widgets.IntText]] = []
        self._row_sites: list[str | None] = [None] * page_size
        table = [widgets.HBox([widgets.HTML(f"<b>{tr('ui.site', lang)}</b>",
                                            layout=widgets.Layout(width="320px")),
                               *(widgets.HTML(f"<b>{STAFF_FIELDS[c].label(lang)}</b>",
                                              layout=widgets.Layout(width="120px")) for c in STAFF_COLUMNS)])]
        for i in range(page_size):
            boxes = {}
            for col in STAFF_COLUMNS:
                box = _box()
                box.observe(self._wrap(lambda ch, i=i, col=col: self._set_site_row(i, col, ch["new"])), names="value")
                boxes[col] = box
            self.row_inputs.append(boxes)
            table.append(widgets.HBox([self.row_labels[i], *boxes.values()]))
        self.site_rows = table  # header + one HBox per row (hidden when the row has no site)
        self.site_table = widgets.VBox([widgets.HBox([self.site_level, self.page, self.page_info]), *table])
        self.widget = widgets.VBox([self.level_form, self.site_table])
        self.reset(base)

    # ---- state ----------------------------------------------------------------------------------
    def reset(self, base: Scenario) -> None:
        """Start over from ``base`` (e.g. after choosing another scenario)."""
        self.base = base
        self._invalid.clear()
        self.values: dict[str, dict[str, int]] = {
            s.site_id: {"funded_staff": s.funded_staff, "parttime_staff": s.parttime_staff} for s in base.sites}
        self._by_level = {lvl: [s.site_id for s in base.sites_at(lvl)] for lvl in self.levels}
        self._sync_levels()
        self._goto(1)

    def changes(self) -> dict[str, dict[str, int]]:
        """``{site_id: {field: new value}}`` for the fields that differ from the base scenario."""
        out: dict[str, dict[str, int]] = {}
        for s in self.base.sites:
            diff = {c: v for c, v in self.values[s.site_id].items() if getattr(s, c) != v}
            if diff:
                out[s.site_id] = diff
        return out

    def check(self) -> None:
        """Raise ``InputError`` (every invalid box at once) if a box shows a value that was not accepted."""
        if self._invalid:
            raise InputError([p for err in self._invalid.values() for p in err.problems])

    def scenario(self) -> Scenario:
        """The base scenario with the edited staffing (revalidated; ``ScenarioError`` if inconsistent);
        ``InputError`` while a box holds an invalid value."""
        self.check()
        changes = self.changes()
        return self.base.with_site_changes(changes) if changes else self.base

    def input_widgets(self) -> dict[str, widgets.ValueWidget]:
        """Every input of the editor by a stable name (for tests and scripted use)."""
        out: dict[str, widgets.ValueWidget] = {f"level.{lvl}.{col}": box for (lvl, col), box in self.level_inputs.items()}
        out["site_level"] = self.site_level
        out["page"] = self.page
        for i, boxes in enumerate(self.row_inputs):
            out.update({f"row{i}.{col}": box for col, box in boxes.items()})
        return out

    def level_totals(self) -> dict[str, dict[str, int]]:
        return {lvl: {c: sum(self.values[s][c] for s in ids) for c in STAFF_COLUMNS}
                for lvl, ids in self._by_level.items()}

    # ---- edits (also the public way for tests and notebooks) ------------------------------------
    def set_level(self, level: str, column: str, value: Any) -> None:
        """Set ``column`` of every site at ``level``, through the widget (as a user would)."""
        self.level_inputs[(level, column)].value = value

    def set_site(self, site_id: str, column: str, value: Any) -> None:
        """Set one site's ``column`` (checked like a typed value)."""
        self._apply({site_id: read_field(STAFF_FIELDS[column], value)}, column)

    def _read(self, box: widgets.IntText, column: str, raw: Any) -> int:
        """The checked value of a box; an invalid one is remembered until the box shows a valid value."""
        try:
            value = read_field(STAFF_FIELDS[column], raw)
        except InputError as err:
            self._invalid[id(box)] = err
            raise
        self._invalid.pop(id(box), None)
        return int(value)

    def _set_level(self, level: str, column: str, raw: Any) -> None:
        if self._syncing:
            return
        value = self._read(self.level_inputs[(level, column)], column, raw)
        self._apply({sid: value for sid in self._by_level[level]}, column)

    def _set_site_row(self, row: int, column: str, raw: Any) -> None:
        if self._syncing or self._row_sites[row] is None:
            return
        value = self._read(self.row_inputs[row][column], column, raw)
        self._apply({self._row_sites[row]: value}, column)  # type: ignore[dict-item]

    def _apply(self, new: dict[str, int], column: str) -> None:
        if all(self.values[sid][column] == v for sid, v in new.items()):
            return
        for sid, v in new.items():
            self.values[sid][column] = v
        self._sync_levels()
        self._show_page()
        self.on_change()

    # ---- keeping widgets in step with the values --------------------------------------------------
    def _sync_levels(self) -> None:
        self._syncing = True
        try:
            for (level, col), box in self.level_inputs.items():
                ids = self._by_level.get(level, [])
                if ids:
                    box.value = Counter(self.values[s][col] for s in ids).most_common(1)[0][0]
                    self._invalid.pop(id(box), None)  # shows an accepted value again
                box.disabled = not ids
        finally:
            self._syncing = False

    def _pages(self) -> int:
        n = len(self._by_level.get(self.site_level.value, []))
        return max(1, -(-n // self.page_size))

    def _page_changed(self, raw: Any) -> None:
        if self._syncing:
            return
        spec = FieldSpec("page", "int", *both("ui.page_number"), min=1, max=self._pages())
        self._goto(read_field(spec, raw))

    def _goto(self, page: int) -> None:
        self._syncing = True
        try:
            self.page.value = page
        finally:
            self._syncing = False
        self._show_page()

    def _show_page(self) -> None:
        ids = self._by_level.get(self.site_level.value, [])
        start = (self.page.value - 1) * self.page_size
        self.page_info.value = tr("ui.sites_pages", self.lang, n=len(ids), pages=self._pages())
        self._syncing = True
        try:
            for i in range(self.page_size):
                sid = ids[start + i] if start + i < len(ids) else None
                self._row_sites[i] = sid
                visible = sid is not None
                self.site_rows[i + 1].layout.display = None if visible else "none"
                if sid is None:
                    for box in self.row_inputs[i].values():  # a hidden row edits nothing
                        self._invalid.pop(id(box), None)
                    continue
                site = self.base.site(sid)
                self.row_labels[i].value = f"{sid} {site.name(self.lang)}"
                for col, box in self.row_inputs[i].items():
                    box.value = self.values[sid][col]
                    self._invalid.pop(id(box), None)
        finally:
            self._syncing = False
