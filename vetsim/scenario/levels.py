"""Site levels as one ordered registry: id, parent, kind, counter, labels -- everything else derives.

Why: the levels (village -> township -> county center -> partner departments) used to be written
out in many modules (Literals, parent maps, ``lv + 1``, draw columns, label tables), and the copies
drifted. Here they are data: ``levels.yaml`` beside this module holds the default list, and a
scenario may replace it with its own ``levels:`` section (same fields). The order is bottom to top,
each level's parent later in the list, exactly one top level of kind ``partner``. Code asks a
:class:`Levels` object (``scenario.levels``, or :data:`DEFAULT_LEVELS` where no scenario is at hand)
for ids, order, parents and labels instead of naming levels itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from ..wording import both
from .params import Frozen, VisibleText, invalid

__all__ = ["LevelDef", "Levels", "DEFAULT_LEVELS", "LEVELS_FILE", "level_label", "check_levels", "ALL_LEVELS_ID"]

LEVELS_FILE = Path(__file__).resolve().parent / "levels.yaml"
ALL_LEVELS_ID = "all"  # the pseudo-level of county-wide rows in result tables (never a site level)


class _Labels(Frozen):
    """Long and short labels in both languages (a level's, or the county-wide rows' of result tables)."""

    zh: VisibleText
    en: VisibleText
    zh_short: VisibleText
    en_short: VisibleText

    def label(self, lang: str = "zh", short: bool = False) -> str:
        if short:
            return self.zh_short if lang == "zh" else self.en_short
        return self.zh if lang == "zh" else self.en


class LevelDef(_Labels):
    """One level of the network (one entry of ``levels.yaml`` or of a scenario's ``levels:``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    parent: str | None
    kind: Literal["site", "partner"] = "site"
    counter: bool = True
    single: bool = False


def check_levels(defs: tuple[LevelDef, ...]) -> None:
    """Raise a bilingual validation error unless ``defs`` is a valid registry (used inside validators)."""
    ids = [lv.id for lv in defs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup or ALL_LEVELS_ID in ids:
        raise invalid(*both("levels.duplicate_ids", ids=dup or ['all']))
    for pos, lv in enumerate(defs):
        if lv.parent is not None and lv.parent not in ids[pos + 1:]:
            raise invalid(*both("levels.parent_after", level=lv.id, parent=repr(lv.parent)))
    tops = [lv for lv in defs if lv.parent is None]
    partners = [lv for lv in defs if lv.kind == "partner"]
    if len(tops) != 1 or len(partners) != 1 or tops[0] is not partners[0]:
        raise invalid(*both("levels.one_top_partner"))
    if sum(1 for lv in defs if lv.single and lv.parent == partners[0].id) != 1:
        raise invalid(*both("levels.one_single"))


class Levels:
    """The ordered registry (bottom to top) with every view derived once: ids, parents, order, labels."""

    def __init__(self, defs: tuple[LevelDef, ...]):
        check_levels(defs)
        self.defs = tuple(defs)
        self.by_id: dict[str, LevelDef] = {lv.id: lv for lv in defs}
        # every level id, bottom to top (the index of a level in the compiled network)
        self.ids: tuple[str, ...] = tuple(lv.id for lv in defs)
        # levels that have sites of ours, bottom to top
        self.site_ids: tuple[str, ...] = tuple(lv.id for lv in defs if lv.kind == "site")
        self.partner: str = next(lv.id for lv in defs if lv.kind == "partner")  # the top
        # the single site level below the partners (the county service center)
        self.center: str = next(lv.id for lv in defs if lv.single and lv.parent == self.partner)
        # level id -> the level a case goes to when not resolved here (None at the top)
        self.parent: dict[str, str | None] = {lv.id: lv.parent for lv in defs}
        self.index: dict[str, int] = {lv.id: i for i, lv in enumerate(defs)}
        # per level index: the index of its parent (-1 at the top)
        self.parent_index: tuple[int, ...] = tuple(self.index[lv.parent] if lv.parent else -1 for lv in defs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Levels) and other.defs == self.defs

    def __hash__(self) -> int:
        return hash(self.defs)

    def __repr__(self) -> str:
        return f"Levels({' -> '.join(self.ids)})"

    def top_down(self, sites_only: bool = True) -> tuple[str, ...]:
        """Level ids from the top down (tables that list the county center first)."""
        return tuple(reversed(self.site_ids if sites_only else self.ids))

    def label(self, level: str, lang: str = "zh", short: bool = False) -> str:
        """The level's label (``all``: the county-wide rows); any other id that is no level is returned as given."""
        lv = self.by_id.get(level) or (_ALL if level == ALL_LEVELS_ID else None)
        return lv.label(lang, short) if lv is not None else level

    def labels(self, lang: str = "zh", short: bool = False, sites_only: bool = False) -> dict[str, str]:
        """Level id -> label, bottom to top."""
        return {i: self.label(i, lang, short) for i in (self.site_ids if sites_only else self.ids)}


class _AllLevels(_Labels):
    """The labels of the county-wide rows (``all``) of result tables."""

_DATA = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))
_ALL = _AllLevels(**_DATA["all_levels"])
DEFAULT_LEVELS: Levels = Levels(tuple(LevelDef(**d) for d in _DATA["levels"]))


def level_label(level: str, lang: str = "zh", short: bool = False, levels: Levels | None = None) -> str:
    """Label of ``level`` from ``levels`` (default: the bundled registry)."""
    return (levels or DEFAULT_LEVELS).label(level, lang, short)
