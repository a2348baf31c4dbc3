"""The brief's page "what changed since the last meeting" (PDF/PNG, ``vetsim compare --out changes.pdf``):
title, the summary line, the changes of method first, the figures that moved beyond their noise (all case
types together, the largest first as the table allows) and the inputs that changed, on the brief's paper
and in its house style (fonts embedded as in the one-page brief)."""

from __future__ import annotations

from matplotlib import rcParams
from matplotlib.figure import Figure

from ..charts.frame import figure_bytes
from ..charts.style import house_style
from ..wording import tr
from .diff import Comparison
from .diff_text import _summary, _title, figures_table, headline_first, inputs_table, method_table, own_language
from .page import page_scale, page_size

__all__ = ["comparison_page", "comparison_page_bytes"]

_MARGIN_IN = 0.5
_MAX_FIGURE_ROWS = {"16:9": 18, "a4": 22}
_MAX_INPUT_LINES = 6


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
    if len(c.inputs) > min(len(inputs), _MAX_INPUT_LINES):
        lines.append("   " + tr("compare.more_in_file", lang, n=len(c.inputs) - min(len(inputs), _MAX_INPUT_LINES)))
    return lines


def comparison_page(c: Comparison, lang: str = "zh", paper: str = "16:9") -> Figure:
    """The page as a figure; call inside ``house_style(lang, scale=page_scale(paper))``."""
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
    table = figures_table(c, lang, moved.head(_MAX_FIGURE_ROWS[paper]))
    if table.empty:
        fig.text(mx, y, "   " + tr("compare.nothing_moved", lang), ha="left", va="top", fontsize=pt)
        return fig
    cols = [x for i, x in enumerate(table.columns) if i != 2][:6]  # case type: all of them here
    ax = fig.add_axes((mx, my, 1 - 2 * mx, max(y - my, 0.05)))
    ax.axis("off")
    tab = ax.table(cellText=table[cols].to_numpy().tolist(), colLabels=cols, loc="upper left", cellLoc="left")
    tab.auto_set_font_size(False)
    tab.set_fontsize(pt * 0.9)
    tab.scale(1, 1.4)
    tab.auto_set_column_width(list(range(len(cols))))
    if len(c.moved) > len(table):
        fig.text(mx, my * 0.6, tr("compare.more_in_file", lang, n=len(c.moved) - len(table)),
                 ha="left", va="bottom", fontsize=pt * 0.9)
    return fig


def comparison_page_bytes(c: Comparison, fmt: str = "pdf", lang: str = "zh", paper: str = "16:9") -> bytes:
    """The page as the bytes of a ``.pdf`` or ``.png`` file."""
    with house_style(lang, scale=page_scale(paper)):
        return figure_bytes(comparison_page(c, lang, paper), fmt, lang="", dpi=128 if fmt == "png" else 100)
