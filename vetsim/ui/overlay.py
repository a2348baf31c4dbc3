"""Save an edited staffing as a new overlay folder (``scenario.yaml`` with ``base:`` and ``site_updates``).

Why an overlay: a proposal should say only what changes, so that a reader sees the decision and the
base scenario stays the single source of every other number. The folder is written as a whole by
:func:`vetsim.files.atomic_folder`: a temporary folder next to the target is filled, loaded back and
checked, then renamed into place; a scenario folder that vetsim did not save is never replaced.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..scenario import Scenario
from ..scenario.overlay import Overlay, OverlayWriteError, RowUpdate
from ..wording import both, tr

__all__ = ["save_overlay", "overlay_updates", "OverlayError", "FOLDER_PATTERN"]

FOLDER_PATTERN = r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}"


class OverlayError(OverlayWriteError):
    """The overlay folder cannot be written (bad name, exists already, base unknown); ``(zh, en)`` text."""


def overlay_updates(base: Scenario, changes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``site_updates`` entries for ``changes``: one per level where every site gets the same new value,
    then one per remaining site. Applied in order, they reproduce exactly the edited sites."""
    by_level: dict[str, list[str]] = defaultdict(list)
    for s in base.sites:
        by_level[s.level].append(s.site_id)
    new = {s.site_id: {**s.model_dump(), **changes.get(s.site_id, {})} for s in base.sites}
    columns = sorted({c for ch in changes.values() for c in ch})
    updates: list[dict[str, Any]] = []
    covered: set[tuple[str, str]] = set()
    for level, ids in by_level.items():
        for col in columns:
            values = {new[sid][col] for sid in ids}
            if len(ids) > 1 and len(values) == 1 and any(col in changes.get(sid, {}) for sid in ids):
                updates.append({"where": {"level": level}, "set": {col: next(iter(values))}})
                covered.update((sid, col) for sid in ids)
    for sid, ch in changes.items():
        rest = {c: v for c, v in ch.items() if (sid, c) not in covered}
        if rest:
            updates.append({"where": {"site_id": sid}, "set": rest})
    return updates


def save_overlay(base: Scenario, changes: dict[str, dict[str, Any]], folder: str | Path,
                 name_zh: str | None = None, name_en: str | None = None, overwrite: bool = False) -> Path:
    """Write ``folder`` as an overlay of ``base`` with ``changes``; return the folder.

    Written by :meth:`Overlay.write`: the overlay is loaded back before it is moved into place and must
    mean the edited scenario (same hash), so a saved proposal always opens and means what the user saw. With
    ``overwrite`` an earlier proposal saved by vetsim (unchanged since) is replaced; any other
    scenario folder never is.
    """
    folder = Path(folder)
    if not re.fullmatch(FOLDER_PATTERN, folder.name):
        raise OverlayError(*both("ui.error.bad_folder_name", name=folder.name))
    if base.path is None:
        raise OverlayError(*both("ui.error.base_without_folder"))
    if not changes:
        raise OverlayError(*both("ui.error.nothing_to_save"))
    if folder.exists() and not overwrite:
        raise OverlayError(*both("ui.error.folder_exists", name=folder.name))
    folder.parent.mkdir(parents=True, exist_ok=True)  # the app's own proposals folder
    change = Overlay(rows=tuple(RowUpdate("sites.csv", u["where"], u["set"]) for u in overlay_updates(base, changes)))
    name = {"zh": name_zh or tr("ui.overlay_name", "zh", base=base.name("zh"), folder=folder.name),
            "en": name_en or tr("ui.overlay_name", "en", base=base.name("en"), folder=folder.name)}
    zh, en = both("ui.overlay_file_header")
    header = (f"# {en} ({zh}).\n"
              "# Only what changes is written here; everything else comes from the base scenario.\n")
    # written, loaded back and compared (same scenario hash) by the one overlay writer
    return change.write(folder, base, kind="overlay", name=name, header=header, error=OverlayError,
                        words={"written_differs": "ui.error.overlay_roundtrip"})
