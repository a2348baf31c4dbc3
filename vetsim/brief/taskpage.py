"""The brief's second page: the key-task progress table (重点工作推进表), coloured by status, late tasks first.

Drawn from a :class:`vetsim.tasks.TaskBoard` computed with the same simulation runs as the first page
(no second brief builder: :class:`~vetsim.brief.brief.Brief` adds this page when it has a board). Above
the table, one headline sentence per task late or at risk; with a proposal, a column says each task's
status under it. The HTML brief shows the same page as a real HTML table (text, not an image).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure

from ..tasks.text import STATUS_FILL, all_headlines, board_frame, chance_text, head, status_text
from ..wording import tr
from .page import _MARGIN_IN, _wrap, add_page_source, page_size, source_height
from .taskcss import TASK_TABLE_CSS

__all__ = ["draw_task_page", "task_page_html", "TASK_PAGE_COLUMNS", "TASK_TABLE_CSS"]

TASK_PAGE_COLUMNS: tuple[str, ...] = ("seq", "status", "change", "task", "owner_unit", "owner_person", "deadline", "target",
                                      "actual", "chance", "expected")
# the columns' shares of the table's width; every cell's text is wrapped to its column, and each row is as
# tall as its tallest cell, so no text runs into the next column or row
_WIDTHS = {"seq": 0.035, "status": 0.06, "change": 0.045, "task": 0.20, "owner_unit": 0.10, "owner_person": 0.07,
           "deadline": 0.07, "target": 0.075, "actual": 0.09, "chance": 0.085, "expected": 0.14, "proposal": 0.09}
_LINE = 1.25  # line height of a cell's text, in font sizes
_PAD_LINES = 0.7  # space above and below a cell's text, in font sizes
_PAD_EM = 1.2  # space left and right of a cell's text, in ems
_MIN_FONT_SCALE = 0.6  # a long table is set in smaller type, down to this share of the page's type


def _rows(board: Any, proposal: Any, lang: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    frame = board_frame(board, lang)
    cols = list(TASK_PAGE_COLUMNS)
    heads = [head(c, lang) for c in cols]
    body = [[str(v) for v in row] for row in frame[heads].itertuples(index=False)]
    fills = [["white"] * len(cols) for _ in body]
    si = cols.index("status")
    for fill, s in zip(fills, frame["_status"]):
        fill[si] = STATUS_FILL[s]
    if proposal is not None:
        by_id = {r.task.task: r for r in proposal.rows}
        heads.append(tr("tasks.cli.proposal", lang))
        for row, fill, task in zip(body, fills, frame["_task"]):
            r = by_id.get(task)
            row.append(f"{status_text(r.status, lang)}\n{chance_text(r, lang)}" if r is not None else "—")
            fill.append(STATUS_FILL[r.status] if r is not None else "white")
    return heads, body, fills


def draw_task_page(inp: Any, lang: str = "zh", paper: str = "16:9", note: str | None = None) -> Figure:
    """The task page on ``paper``; call inside ``house_style(lang, scale=page_scale(paper))``; ``note``: a line
    under the headlines saying how a figure of the table differs from one of page 1 (see ``pair_notes``)."""
    board, proposal = inp.tasks, inp.proposal_tasks
    w, h = page_size(paper)
    mx, my = _MARGIN_IN / w, _MARGIN_IN / h
    fig = Figure(figsize=(w, h))
    title_pt = rcParams["font.size"] * 1.9
    fig.text(mx, 1 - my, tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat()),
             ha="left", va="top", fontsize=title_pt, fontweight="bold")
    pt = rcParams["font.size"] * 1.25
    said = all_headlines(board, proposal, lang)
    counts = board.counts()
    lines = ["  ".join(f"{status_text(s, lang)} {counts[s]}" for s in ("late", "at_risk", "on_track", "done"))]
    if proposal is not None:
        lines.append(tr("tasks.cli.compare", lang, name=proposal.label[0 if lang == "zh" else 1]))
    width_em = (w - 2 * _MARGIN_IN) * 72 / pt - 3
    for s in said[:6]:
        lines += ["■ " + x if i == 0 else "   " + x for i, x in enumerate(_wrap(s, width_em, lang))]
    if note:
        lines += ["※ " + x if i == 0 else "   " + x for i, x in enumerate(_wrap(note, width_em, lang))]
    line_h = pt * 1.4 / 72 / h
    y = 1 - my - title_pt * 1.6 / 72 / h
    for text in lines:
        fig.text(mx, y, text, ha="left", va="top", fontsize=pt)
        y -= line_h
    heads, body, fills = _rows(board, proposal, lang)
    keys = [*TASK_PAGE_COLUMNS, "proposal"][: len(heads)]
    bottom = my + source_height(fig, inp, lang, paper) + 0.15 / h
    top = y - line_h * 0.5
    _task_table(fig, (mx, bottom, 1 - 2 * mx, max(top - bottom, 0.1)), heads, body, fills, keys, lang)
    add_page_source(fig, inp, lang, paper)
    return fig


def _wrapped(rows: list[list[str]], widths_em: list[float], lang: str) -> list[list[str]]:
    return [["\n".join(x for part in c.split("\n") for x in _wrap(part, wem, lang)) or c for c, wem in zip(row, widths_em)]
            for row in rows]


def _task_table(fig: Figure, rect: tuple[float, float, float, float], heads: list[str], body: list[list[str]],
                fills: list[list[str]], keys: list[str], lang: str) -> None:
    """The table in ``rect`` (figure fractions), from its top: every cell wrapped to its column, each row
    as tall as its tallest cell; type made smaller (down to :data:`_MIN_FONT_SCALE`) until it fits."""
    w_in, h_in = fig.get_size_inches()
    shares = [_WIDTHS[k] / sum(_WIDTHS[k] for k in keys) for k in keys]
    rows = [heads, *(body or [["—"] * len(heads)])]
    size = rcParams["font.size"]
    for scale in np.linspace(1.0, _MIN_FONT_SCALE, 9):
        fs = size * scale
        widths_em = [max(x * rect[2] * w_in * 72 / fs - _PAD_EM, 2.0) for x in shares]
        text = _wrapped(rows, widths_em, lang)
        lines = [max(c.count("\n") + 1 for c in row) for row in text]
        heights = [(n * _LINE + _PAD_LINES) * fs / 72 for n in lines]  # inches
        if sum(heights) <= rect[3] * h_in:
            break
    spare = rect[3] * h_in - sum(heights)
    if spare > 0:  # room left: rows a little taller (up to one more line each), easier to read across
        heights = [x + min(spare / len(heights), fs / 72) for x in heights]
    table_h = sum(heights) / h_in
    ax = fig.add_axes((rect[0], rect[1] + rect[3] - table_h, rect[2], table_h))
    ax.set_axis_off()
    tab = ax.table(cellText=text[1:], colLabels=text[0], cellColours=fills or None, cellLoc="center",
                   colLoc="center", colWidths=shares, bbox=(0, 0, 1, 1))
    tab.auto_set_font_size(False)
    tab.set_fontsize(fs)
    task_col = keys.index("task")
    for (i, j), c in tab.get_celld().items():
        c.set_edgecolor("#BBBBBB")
        c.set_height(heights[i] / sum(heights))  # one height per row: no gaps between rows
        c.get_text().set_linespacing(_LINE / 1.2)
        c.PAD = _PAD_EM / 2 * fs / 72 / (shares[j] * rect[2] * w_in)
        if i == 0:
            c.set_facecolor("#E8E8E8")
            c.get_text().set_fontweight("bold")
        elif j == task_col:
            c.get_text().set_ha("left")


def task_page_html(inp: Any, lang: str = "zh", note: str | None = None) -> str:
    """The task page as an HTML section (a real table, so its text is text): title, headlines, table."""
    board, proposal = inp.tasks, inp.proposal_tasks
    heads, body, fills = _rows(board, proposal, lang)
    said = all_headlines(board, proposal, lang)
    counts = board.counts()
    summary = "  ".join(f"{status_text(s, lang)} {counts[s]}" for s in ("late", "at_risk", "on_track", "done"))
    thead = "<tr>" + "".join(f'<th scope="col">{html.escape(x)}</th>' for x in heads) + "</tr>"
    rows = []
    keys = [*TASK_PAGE_COLUMNS, "proposal"]
    for row, fill in zip(body, fills):
        cells = "".join(f'<td class="c-{k}"' + (f' style="background:{f}"' if f != "white" else "") + f">{html.escape(c)}</td>"
                        for k, c, f in zip(keys, row, fill))
        rows.append(f"<tr>{cells}</tr>")
    title = tr("tasks.title", lang, name=board.name(lang), date=board.as_of.isoformat())
    compare = f"<p>{html.escape(tr('tasks.cli.compare', lang, name=proposal.label[0 if lang == 'zh' else 1]))}</p>" \
        if proposal is not None else ""
    return (f'<section class="tasks-page" id="tasks"><h1>{html.escape(title)}</h1>'
            f"<p class=\"tasks-summary\">{html.escape(summary)}</p>{compare}"
            f"<ul>{''.join(f'<li>{html.escape(s)}</li>' for s in said)}</ul>"
            + (f'<p class="pair-note">{html.escape(note)}</p>' if note else "") +
            f'<table class="tasks"><thead>{thead}</thead><tbody>{"".join(rows)}</tbody></table></section>')
