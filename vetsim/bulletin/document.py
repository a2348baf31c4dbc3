"""The bulletin as a sequence of blocks (title, headings, paragraphs, tables with their flag colours),
laid out once and rendered the same way into PDF (:mod:`.pdf`) and Word (:mod:`.docx`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .._version import __version__
from ..tasks.text import STATUS_FILL
from ..wording import tr
from .build import Bulletin
from .text import (
    FLAG_FILL,
    headlines,
    method_lines,
    notes_table,
    problem_lines,
    rules_table,
    station_table,
    task_table,
    township_table,
)
from .townmap import caption

__all__ = ["Block", "blocks", "title", "footer"]


@dataclass(frozen=True)
class Block:
    """``kind``: title, subtitle, heading, para, bullet, table (``table`` shown as text, ``fills`` a
    colour per cell or "" for none, ``widths`` the relative column widths) or map (the township map of
    :mod:`.townmap`, ``text`` its caption)."""

    kind: str
    text: str = ""
    table: pd.DataFrame | None = None
    fills: pd.DataFrame | None = None
    widths: tuple[float, ...] = field(default_factory=tuple)


def title(b: Bulletin, lang: str) -> str:
    return tr("bulletin.title", lang, name=b.scenario.name(lang), period=b.period.label(lang))


def footer(b: Bulletin, lang: str) -> str:
    return tr("bulletin.footer", lang, version=__version__, records=b.period.code(), date=dt.date.today().isoformat())


def _fills(flags: pd.DataFrame) -> pd.DataFrame:
    return flags.apply(lambda col: col.map(lambda f: FLAG_FILL.get(f, "") if f in ("red", "yellow") else ""))


def _widths(df: pd.DataFrame, wide: dict[int, float]) -> tuple[float, ...]:
    return tuple(wide.get(i, 1.0) for i in range(len(df.columns)))


def _task_block(b: Bulletin, lang: str) -> list[Block]:
    frame = task_table(b, lang)
    if frame is None:
        return [Block("para", tr("bulletin.tasks_left_out" if b.tasks_left_out else "bulletin.no_tasks", lang))]
    key = "bulletin.tasks_as_of" if b.tasks.runs else "bulletin.tasks_as_of_plain"
    shown = frame.drop(columns="_status")
    fills = pd.DataFrame("", index=shown.index, columns=shown.columns)
    fills.iloc[:, 1] = [STATUS_FILL.get(s, "") for s in frame["_status"]]
    return [Block("para", tr(key, lang, date=b.tasks.as_of.isoformat(), runs=b.tasks.runs or 0)),
            Block("table", table=shown, fills=fills, widths=_widths(shown, {3: 4.0, 4: 1.8, 6: 1.3, 7: 1.3}))]


def blocks(b: Bulletin, lang: str, *, editable: bool = False) -> list[Block]:
    """Every block of the bulletin in order; ``editable`` (the Word file) adds the section of next steps
    (下步要求) for staff to write before sending, with its instruction."""
    span = b.current.period
    out = [Block("title", title(b, lang)),
           Block("subtitle", tr("bulletin.subtitle", lang, first=span.start.isoformat(), last=span.end.isoformat())),
           Block("heading", tr("bulletin.section.summary", lang))]
    out += [Block("bullet", s) for s in headlines(b, lang)]
    towns, tflags = township_table(b, lang)
    out += [Block("heading", tr("bulletin.section.ranking", lang)),
            Block("table", table=towns, fills=_fills(tflags), widths=_widths(towns, {1: 2.6, 11: 2.4, 12: 3.2}))]
    problems = problem_lines(b, lang)
    if problems:
        out += [Block("para", tr("bulletin.problem.title", lang)), *(Block("bullet", s) for s in problems)]
    out.append(Block("map", caption(lang)))  # the township map of the period's one-trip rate (.townmap)
    stations, sflags = station_table(b, lang)
    out += [Block("heading", tr("bulletin.section.stations", lang)),
            Block("table", table=stations, fills=_fills(sflags), widths=_widths(stations, {0: 2.2, 1: 2.6}))]
    out += [Block("heading", tr("bulletin.section.tasks", lang)), *_task_block(b, lang)]
    out.append(Block("heading", tr("bulletin.section.notes", lang)))
    notes = notes_table(b, lang)
    out += [Block("table", table=notes, widths=(1.0, 5.0))] if len(notes) else [Block("para", tr("bulletin.no_notes", lang))]
    out.append(Block("heading", tr("bulletin.section.method", lang)))
    out += [Block("bullet", s) for s in method_lines(b, lang)]
    rules = rules_table(b, lang)
    out += [Block("para", tr("bulletin.sheet.rules", lang)), Block("table", table=rules, widths=_widths(rules, {5: 2.0, 6: 4.0}))]
    if editable:
        out += [Block("heading", tr("bulletin.section.next", lang)), Block("para", tr("bulletin.next_hint", lang))]
    return out
