"""What one scenario changes against another: in words for the brief's headline, and row by row for
``vetsim compare`` (:func:`input_changes`).

What the proposal changes, in words, read from the two scenarios (not typed by hand): the brief's first
headline names it, e.g. "方案：每个乡镇站在编人员由 1 人增至 2 人".

The sites are compared by ``site_id``: staff fields per level (every site of a level changed alike, or
the level's total), sites added or taken away. When the sites do not differ, the proposal's own
``description`` (data of its scenario.yaml) is used, so the sentence is never empty for a real proposal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formats
from ..scenario.rows import TABLES
from ..wording import tr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["proposal_changes", "input_changes", "INPUT_COLUMNS", "STAFF_FIELDS"]

STAFF_FIELDS: tuple[str, ...] = ("funded_staff", "parttime_staff")  # wording keys of the same names


def _level_name(scenario: Any, level: str, lang: str) -> str:
    name = scenario.levels.label(level, lang, True)
    return name.lower() if lang == "en" else name  # inside a sentence


def _staff_change(base: Any, prop: Any, level: str, field: str, lang: str) -> str | None:
    """One level's change of one staff field: per site when every changed site moved alike, else the total."""
    ids = [s.site_id for s in base.sites if s.level == level and s.site_id in prop.site_index]
    before = [getattr(base.site(i), field) for i in ids]
    after = [getattr(prop.site(i), field) for i in ids]
    if before == after:
        return None
    what = tr(field, lang)
    fields = {"level": _level_name(base, level, lang), "what": what.lower() if lang == "en" else what}
    if len(set(before)) == 1 and len(set(after)) == 1:
        key = "brief.change.each_up" if after[0] > before[0] else "brief.change.each_down"
        return tr(key, lang, before=formats.count(before[0], lang), after=formats.count(after[0], lang), **fields)
    b, a = sum(before), sum(after)
    moved = sum(x != y for x, y in zip(before, after))
    key = "brief.change.total_up" if a > b else "brief.change.total_down" if a < b else "brief.change.total_moved"
    return tr(key, lang, before=formats.count(b, lang), after=formats.count(a, lang), sites=moved, **fields)


def _site_changes(base: Any, prop: Any, lang: str) -> list[str]:
    out = []
    levels = list(dict.fromkeys([s.level for s in base.sites] + [s.level for s in prop.sites]))
    for level in levels:
        for field in STAFF_FIELDS:
            said = _staff_change(base, prop, level, field, lang)
            if said:
                out.append(said)
        added = sum(1 for s in prop.sites if s.level == level and s.site_id not in base.site_index)
        gone = sum(1 for s in base.sites if s.level == level and s.site_id not in prop.site_index)
        name = _level_name(prop if added else base, level, lang)
        if added:
            out.append(tr("brief.change.sites_added", lang, n=added, level=name))
        if gone:
            out.append(tr("brief.change.sites_removed", lang, n=gone, level=name))
    return out


def proposal_changes(baseline: Any, proposal: Any, lang: str = "zh") -> str | None:
    """The proposal's changes against the baseline in one clause ("每个乡镇站在编人员由 1 人增至 2 人"),
    or its description when its sites do not differ; None without a proposal."""
    if proposal is None:
        return None
    said = _site_changes(baseline, proposal, lang)
    if said:
        return tr("list.sep", lang).join(said)
    desc = getattr(getattr(proposal.spec, "description", None), lang, None)
    end = tr("punct.full_stop", lang)  # the headline adds its own
    return str(desc).strip().removesuffix(end).rstrip(".") if desc else None


# -- row by row (vetsim compare): the inputs that changed -------------------------------------------------
INPUT_COLUMNS = ["file", "row", "field", "change", "before", "after", "calibration"]


def _flat(doc: Any, prefix: str = "") -> dict[str, Any]:
    """A nested settings document as ``{"a.b.c": value}`` (lists kept whole: a list is one value)."""
    if not isinstance(doc, dict):
        return {prefix: doc}
    out: dict[str, Any] = {}
    for key, value in doc.items():
        out.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _is_provenance(field: str) -> bool:
    """A field that says where a figure comes from (``source``, ``se``): a change of calibration, not of the county."""
    last = field.rsplit(".", 1)[-1]
    return last in ("source", "se")


def _dict_rows(file: str, row: str, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"file": file, "row": row, "field": k, "change": "changed" if k in before and k in after
             else "added" if k in after else "removed", "before": before.get(k), "after": after.get(k),
             "calibration": _is_provenance(k)}
            for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]


def _table_rows(name: str, keys: tuple[str, ...], before: list[dict], after: list[dict]) -> list[dict[str, Any]]:
    def index(rows: list[dict]) -> dict[str, dict]:
        return {"/".join(str(r.get(k)) for k in keys): r for r in rows}

    a, b = index(before), index(after)
    out: list[dict[str, Any]] = []
    for key in dict.fromkeys([*a, *b]):
        if key not in b or key not in a:  # a whole row added or taken away: one line
            out.append({"file": name, "row": key, "field": "", "change": "added" if key not in a else "removed",
                        "before": None, "after": None, "calibration": False})
        elif a[key] != b[key]:
            out += _dict_rows(name, key, a[key], b[key])
    return out


def input_changes(before: Any, after: Any) -> pd.DataFrame:
    """Every input that differs between two scenarios, one line per changed value (:data:`INPUT_COLUMNS`):
    ``scenario.yaml`` settings by their dotted path; table rows by their key columns (a row added or removed
    is one line, a changed row one line per field). ``calibration`` marks a changed source or standard error:
    the provenance of a figure, i.e. a change of method. Read from :meth:`Scenario.canonical` (what the
    scenario hash covers), so two scenarios with the same hash list nothing."""

    a, b = before.canonical(), after.canonical()
    rows = _dict_rows("scenario.yaml", "", _flat(a.pop("spec")), _flat(b.pop("spec")))
    for name in dict.fromkeys([*a, *b]):
        rows += _table_rows(name, TABLES[name][1], a.get(name, []), b.get(name, []))
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)
