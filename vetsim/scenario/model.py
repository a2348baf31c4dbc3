"""The loaded, validated, immutable ``Scenario``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .levels import Levels
from .overlay import Overlay
from .params import Frozen
from .rows import MAP_FIELDS, TABLES, BacklogRow, CaseloadRow, SiteRow, canonical_rows
from .spec import ScenarioSpec
from .task_spec import TASK_TABLES

if TYPE_CHECKING:  # pandas is imported where a frame is built: `import vetsim` and `vetsim --help` stay light
    import pandas as pd

__all__ = ["Scenario", "canonical_rows"]


@dataclass(frozen=True)
class Scenario:
    """A county scenario: settings from ``scenario.yaml`` and the validated tables.

    Immutable; derive variants with :meth:`vetsim.scenario.overlay.Overlay.apply`. ``hash()`` depends on content
    only (not on the folder, file encoding or row order of the files).
    """

    spec: ScenarioSpec
    sites: tuple[SiteRow, ...]
    caseload: tuple[CaseloadRow, ...]
    backlog: tuple[BacklogRow, ...] = ()
    extra_tables: tuple[tuple[str, tuple[Frozen, ...]], ...] = ()  # (file name, rows), e.g. fiscal tables
    path: Path | None = field(default=None, compare=False)

    # ---- identity -------------------------------------------------------------------------
    def table(self, name: str) -> tuple[Frozen, ...]:
        """Rows of the table file ``name`` (e.g. ``"sites.csv"``); empty if the scenario has none."""
        core = {"sites.csv": self.sites, "caseload.csv": self.caseload, "backlog.csv": self.backlog}
        return core[name] if name in core else dict(self.extra_tables).get(name, ())

    def canonical(self) -> dict[str, Any]:
        """Content as plain JSON types, rows sorted by their key columns: the input of :meth:`hash` (the key-task
        tables, ``tasks.csv`` and ``task_status.csv``, are left out: no model reads them)."""
        out: dict[str, Any] = {"spec": self.spec.model_dump(mode="json")}
        for name in TABLES:
            if name in TASK_TABLES:  # the progress table is read by no model: editing it keeps results valid
                continue
            # the map's positions of sites are read by no model: moving a site on the map keeps results valid
            out[name] = [r.model_dump(mode="json", exclude=set(MAP_FIELDS)) for r in canonical_rows(name, self.table(name))]
        return out

    def hash(self) -> str:
        """SHA-256 of the canonical content; stable across runs, machines and encodings."""
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __hash__(self) -> int:
        return int(self.hash()[:15], 16)

    # ---- convenient views -----------------------------------------------------------------
    def name(self, lang: str = "zh") -> str:
        return self.spec.name.zh if lang == "zh" else self.spec.name.en

    @cached_property
    def site_index(self) -> dict[str, SiteRow]:
        return {s.site_id: s for s in self.sites}

    def site(self, site_id: str) -> SiteRow:
        return self.site_index[site_id]

    def children(self, site_id: str) -> tuple[SiteRow, ...]:
        return tuple(s for s in self.sites if s.parent_id == site_id)

    def sites_at(self, level: str) -> tuple[SiteRow, ...]:
        return tuple(s for s in self.sites if s.level == level)

    @property
    def levels(self) -> Levels:
        """The scenario's level registry (its own ``levels:`` or the bundled one): ids, parents, labels."""
        return self.spec.level_registry

    @property
    def county_center(self) -> SiteRow:
        return self.sites_at(self.levels.center)[0]

    def caseload_row(self, case_type: str, level: str) -> CaseloadRow | None:
        return next((r for r in self.caseload if r.case_type == case_type and r.level == level), None)

    def sites_frame(self) -> pd.DataFrame:
        """One row per site, with staff totals and opening minutes per day."""
        import pandas as pd  # lazy: see the TYPE_CHECKING import

        df = pd.DataFrame([r.model_dump() for r in self.sites])
        df["staff"] = df["funded_staff"] + df["parttime_staff"]
        df["open_minutes_per_day"] = [s.open_minutes_per_day for s in self.sites]
        df["level"] = pd.Categorical(df["level"], categories=list(self.levels.site_ids))
        return df

    def caseload_frame(self) -> pd.DataFrame:
        import pandas as pd  # lazy: see the TYPE_CHECKING import

        return pd.DataFrame([r.model_dump() for r in self.caseload])

    def backlog_frame(self) -> pd.DataFrame:
        import pandas as pd  # lazy: see the TYPE_CHECKING import

        cols = list(BacklogRow.model_fields)
        return pd.DataFrame([r.model_dump() for r in self.backlog], columns=cols)

    # ---- variants: thin uses of the one change value, vetsim.scenario.overlay.Overlay ----------------
    def with_table(self, name: str, rows: tuple[Frozen, ...]) -> Scenario:
        """A copy with the rows of table ``name`` replaced, revalidated (:meth:`Overlay.apply`)."""
        return Overlay(tables={name: tuple(rows)}).apply(self)

    def with_site_changes(self, changes: dict[str, dict[str, Any]]) -> Scenario:
        """A copy with some site fields changed, e.g. ``{"T01": {"funded_staff": 2}}``; revalidated
        (:meth:`Overlay.apply`: an unknown site id or field is a ``ScenarioError`` naming it)."""
        return Overlay.site_changes(changes).apply(self)
