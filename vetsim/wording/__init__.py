"""One catalogue of the words users see, Chinese first with English: ``tr(key, lang, **fields)``.

Why: a term shown by the CLI, a chart, the brief and the dashboard must read the same everywhere, in
both languages, and a translator must find every text in one place. The catalogue is data: the YAML
files in this folder (one per topic: ``common.yaml``, ``ledger.yaml`` ...), merged on first use. Each
entry is ``key: {zh: ..., en: ...}``; texts are ``str.format`` templates: fields (``{n}``, ``{site}``)
that ``tr`` fills, and a literal brace written ``{{`` / ``}}``. A key defined twice, an entry missing a language, or a field left unfilled is an error
(``tests/test_wording.py`` checks every file), so a gap cannot ship silently.

Site-level labels are not written here: their one home is the level registry
(``vetsim/scenario/levels.yaml``), which this catalogue serves as ``level.<id>`` (long) and
``level.<id>.short`` keys.

Use ``tr("level.township", lang)`` for one text, ``both("ledger.bad_date", row=3)`` for the
``(zh, en)`` pair that :class:`vetsim.errors.VetsimError` takes.

The ways to get a text a user sees (the whole set):

- ``tr(key, lang, **fields)`` / ``both(key, **fields)``: wording of the program (this catalogue);
- ``levels.label(id, lang, short=False)``: a site level's label (``scenario.levels``, or
  ``vetsim.scenario.DEFAULT_LEVELS`` without a scenario), from the level registry;
- ``row.label(lang)`` (a site's ``name(lang)``): the labels data rows carry themselves (``label_zh`` /
  ``label_en`` columns of scenario tables, result frames, sensitivity ranges); classes with such
  columns take :class:`LabelColumns`, and a frame's row or a mapping is read with
  :func:`in_lang` (``in_lang(row, "label", lang)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["LANGS", "check_lang", "tr", "both", "has", "catalogue", "CatalogueError", "in_lang", "LabelColumns"]

LANGS = ("zh", "en")
_DIR = Path(__file__).resolve().parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the CLI starts faster
_LEVELS_FILE = _DIR.parent / "scenario" / "levels.yaml"  # read as data (this module imports no vetsim package)


class CatalogueError(RuntimeError):
    """The bundled catalogue itself is broken (a developer error, caught by the test suite)."""


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported language, else ``ValueError`` naming the allowed ones."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every entry of every ``*.yaml`` file in this folder: ``{key: {"zh": ..., "en": ...}}``."""
    out: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    for path in sorted(_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        if not isinstance(data, dict):
            raise CatalogueError(f"{path.name}: expected a mapping of key -> {{zh, en}}")
        for key, entry in data.items():
            if key in out:
                raise CatalogueError(f"{path.name}: key {key!r} already defined in {where[key]}")
            if not isinstance(entry, dict) or set(entry) != set(LANGS):
                raise CatalogueError(f"{path.name}: {key!r} needs exactly the languages {LANGS}, got {entry!r}")
            if not all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS):
                raise CatalogueError(f"{path.name}: {key!r} has an empty or non-text entry")
            out[str(key)] = {lang: entry[lang] for lang in LANGS}
            where[str(key)] = path.name
    registry = yaml.safe_load(_LEVELS_FILE.read_text(encoding="utf-8"))
    for lv in [*registry["levels"], {"id": "all", **registry["all_levels"]}]:
        for key, zh, en in ((f"level.{lv['id']}", lv["zh"], lv["en"]),
                            (f"level.{lv['id']}.short", lv["zh_short"], lv["en_short"])):
            if key in out:
                raise CatalogueError(f"{where[key]}: key {key!r} belongs to the level registry ({_LEVELS_FILE.name})")
            out[key] = {"zh": zh, "en": en}
    return out


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in catalogue()


def tr(key: str, lang: str = "zh", /, **fields: object) -> str:
    """The text of ``key`` in ``lang`` ('zh' or 'en'), with ``{field}`` placeholders filled from ``fields``."""
    try:
        text = catalogue()[key][check_lang(lang)]
    except KeyError:
        raise CatalogueError(f"no wording for key {key!r}") from None
    return text.format(**fields)  # always: a literal brace is written {{ }} in the catalogue


def both(key: str, /, **fields: object) -> tuple[str, str]:
    """``(zh, en)`` texts of ``key``: the pair a :class:`~vetsim.errors.VetsimError` is raised with."""
    return tr(key, "zh", **fields), tr(key, "en", **fields)


def in_lang(row: object, field: str, lang: str = "zh") -> Any:
    """A data row's own text in ``lang``: its ``<field>_zh`` or ``<field>_en`` column (an attribute of an
    object, named tuple or pandas row, or a key of a mapping), e.g. ``in_lang(site, "name", "en")``."""
    column = f"{field}_{check_lang(lang)}"
    return row[column] if isinstance(row, Mapping) else getattr(row, column)


class LabelColumns:
    """Mixin for rows with ``label_zh`` / ``label_en`` columns: ``row.label(lang)``."""

    __slots__ = ()

    def label(self, lang: str = "zh") -> str:
        return in_lang(self, "label", lang)
