"""The brief's page "what changed since the last meeting" (PDF/PNG, ``vetsim compare --out changes.pdf``):
title, the summary line, the changes of method first, the inputs that changed and the figures that moved beyond
their noise (all case types together, headline KPIs first, as many as the page holds; the rest counted, with where
the full list is), on the brief's paper
and in its house style (fonts embedded as in the one-page brief)."""

from __future__ import annotations

import pandas as pd
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.table import Table

from ..charts.frame import figure_bytes
from ..charts.style import house_style
from ..wording import tr
from .diff import Comparison
from .diff_text import (
    _nothing_moved,
    _summary,
    _title,
    figures_table,
    headline_first,
    inputs_table,
    method_table,
    own_language,
    where_listed,
)
from .page import page_scale, page_size

__all__ = ["comparison_page", "comparison_page_bytes", "page_notes"]

_MARGIN_IN = 0.5
_MAX_INPUT_LINES = 6  # the page's inputs block; the rest are counted and left to a table file (where_listed)
_TABLE_FONT = 0.9  # the figures table's type size, relative to the text lines'
_ROW_LEADING = 1.6  # a table row's height, as a multiple of its type size (the text lines use 1.4)
_COLUMN_GAP = 0.02  # between the table's two columns, a fraction of the page's width


def _text_lines(c: Comparison, lang: str) -> list[str]:
    lines = list(_summary(c, lang))
    colon = tr("punct.colon", lang)
    lines.append(tr("compare.section.method", lang) + colon)
    method = method_table(c, lang)
    if method.empty:
        lines.append("   " + tr("compare.no_method", lang))
    for r in method.itertuples(index=False):
        lines.append(f"   ■ {r[0]} {r[1]}{colon}{r[2]} → {r[3]}")
    lines.append(tr("compare.section.inputs", lang) + colon)
    inputs = inputs_table(own_language(c, lang), lang)
    if inputs.empty:
        lines.append("   " + tr("compare.no_inputs", lang))
    for r in inputs.head(_MAX_INPUT_LINES).itertuples(index=False):
        lines.append(f"   ■ {r[0]} {r[1]} {r[2]}  {r[3]}  {r[4]} → {r[5]}".replace("  ", " "))
    if _inputs_left(c, lang):  # where they are: the page's last line
        lines.append("   " + tr("compare.more_inputs", lang, n=_inputs_left(c, lang), where="").strip())
    return lines


def _inputs_left(c: Comparison, lang: str) -> int:
    """The inputs that changed and are not on the page (the other language's text fields among them)."""
    return len(c.inputs) - min(len(own_language(c, lang).inputs), _MAX_INPUT_LINES)


def page_notes(c: Comparison, shown: int, lang: str) -> list[str]:
    """The lines at the foot of the page when it could not hold every moved figure (``shown`` of them) or every
    input: how many it shows, how many more moved (all case types together, by case type), and where the full
    lists are; none when all fit."""
    all_types = int((c.moved["case_type"] == "all").sum())
    more = len(c.moved) - shown
    notes = [tr("compare.page_more", lang, shown=shown, more=more, rest=all_types - shown,
                by_type=len(c.moved) - all_types)] if more > 0 else []
    return [*notes, where_listed(None, lang)] if notes or _inputs_left(c, lang) else []


def comparison_page(c: Comparison, lang: str = "zh", paper: str = "16:9") -> Figure:
    """The page as a figure; call inside ``house_style(lang, scale=page_scale(paper))``. The moved figures of all
    case types together, headline KPIs first, as many as the page holds below the text (no fixed count); the
    lines of :func:`page_notes` say how many more moved and where they are."""
    w, h = page_size(paper)
    mx, my = _MARGIN_IN / w, _MARGIN_IN / h
    fig = Figure(figsize=(w, h))
    title_pt = rcParams["font.size"] * 1.9
    fig.text(mx, 1 - my, _title(c, lang), ha="left", va="top", fontsize=title_pt, fontweight="bold")
    pt = rcParams["font.size"] * 1.25
    line_h = pt * 1.4 / 72 / h
    y = 1 - my - title_pt * 1.6 / 72 / h
    for text in _text_lines(c, lang):
        fig.text(mx, y, text, ha="left", va="top", fontsize=pt)
        y -= line_h
    fig.text(mx, y - line_h * 0.3, tr("compare.section.moved", lang) + tr("punct.colon", lang), ha="left", va="top",
             fontsize=pt, fontweight="bold")
    y -= line_h * 1.5
    moved = headline_first(c.moved[c.moved["case_type"] == "all"])
    row_h = pt * _TABLE_FONT * _ROW_LEADING / 72 / h
    bottom = my + 2.5 * line_h  # room for the notes
    fits = max(int((y - bottom) / row_h) - 1, 0)  # rows below the header row, per column of the page
    table = figures_table(c, lang, moved.head(2 * fits))
    shown = _tables(fig, table, (mx, bottom, 1 - 2 * mx, y - bottom), fits, pt * _TABLE_FONT, row_h)
    for i, note in enumerate(page_notes(c, shown, lang)):
        fig.text(mx, my + (1 - i) * line_h, note, ha="left", va="bottom", fontsize=pt * _TABLE_FONT)
    if table.empty:
        fig.text(mx, y, "   " + tr(_nothing_moved(c), lang), ha="left", va="top", fontsize=pt)
    return fig


def _table(fig: Figure, rect: tuple[float, float, float, float], frame: pd.DataFrame, size: float,
           row_h: float) -> Table:
    """``frame`` as a table at the top left of ``rect`` (figure fractions), rows ``row_h`` high."""
    ax = fig.add_axes(rect)
    ax.axis("off")
    tab = ax.table(cellText=frame.to_numpy().tolist(), colLabels=list(frame.columns), loc="upper left", cellLoc="left")
    tab.auto_set_font_size(False)
    tab.set_fontsize(size)
    for cell in tab.get_celld().values():
        cell.set_height(row_h / rect[3])
    tab.auto_set_column_width(list(range(frame.shape[1])))
    return tab


def _tables(fig: Figure, table: pd.DataFrame, rect: tuple[float, float, float, float], fits: int, size: float,
            row_h: float) -> int:
    """The figures table in ``rect``: ``fits`` rows in a column, and the next ``fits`` in a second column beside
    it where the page is wide enough for both; the number of rows shown."""
    if table.empty or fits == 0:
        return 0
    cols = [x for i, x in enumerate(table.columns) if i != 2][:6]  # case type: all of them here
    first = _table(fig, rect, table[cols].head(fits), size, row_h)
    if len(table) <= fits:
        return len(table)
    x, bottom, width, height = rect
    right = first.get_window_extent(FigureCanvasAgg(fig).get_renderer()).x1 / fig.bbox.width
    start = right + _COLUMN_GAP
    rest = table[cols].iloc[fits:]
    if start + (right - x) > x + width:  # a second column as wide as the first would not fit beside it
        return fits
    second = _table(fig, (start, bottom, x + width - start, height), rest, size, row_h)
    if second.get_window_extent(FigureCanvasAgg(fig).get_renderer()).x1 / fig.bbox.width > x + width:
        second.axes.remove()  # wider than the first column: one column only
        return fits
    return fits + len(rest)


def comparison_page_bytes(c: Comparison, fmt: str = "pdf", lang: str = "zh", paper: str = "16:9") -> bytes:
    """The page as the bytes of a ``.pdf`` or ``.png`` file."""
    with house_style(lang, scale=page_scale(paper)):
        return figure_bytes(comparison_page(c, lang, paper), fmt, lang="", dpi=128 if fmt == "png" else 100)
