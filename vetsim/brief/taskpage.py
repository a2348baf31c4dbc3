"""The brief's second page: the key-task progress table (重点工作推进表), coloured by status, late tasks first.

Drawn from a :class:`vetsim.tasks.TaskBoard` computed with the same simulation runs as the first page
(no second brief builder: :class:`~vetsim.brief.brief.Brief` adds this page when it has a board). Above
the table, one headline sentence per task late or at risk; with a proposal, a column says each task's
status under it. The HTML brief shows the same page as a real HTML table (text, not an image).
"""

from __future__ import annotations

import html
from typing import Any

from matplotlib import rcParams
from matplotlib.figure import Figure

from ..charts.style import add_source_line
from ..tasks.text import STATUS_FILL, all_headlines, board_frame, chance_text, head, status_text
from ..wording import tr
from .page import _MARGIN_IN, _wrap, page_size, source_info

__all__ = ["draw_task_page", "task_page_html", "TASK_PAGE_COLUMNS", "TASK_TABLE_CSS"]

# the task table's cells: short ones on one line, the task's name left-aligned (the brief and the dashboard)
TASK_TABLE_CSS = ("table.tasks td.c-seq, table.tasks td.c-status, table.tasks td.c-change, table.tasks td.c-deadline "
                  "{ white-space: nowrap; } table.tasks td.c-task { text-align: left; }")

TASK_PAGE_COLUMNS: tuple[str, ...] = ("seq", "status", "change", "task", "owner_unit", "owner_person", "deadline", "target",
                                      "actual", "chance", "expected")
_WIDTHS = {"seq": 0.035, "status": 0.06, "change": 0.04, "task": 0.22, "owner_unit": 0.10, "owner_person": 0.07,
           "deadline": 0.07, "target": 0.07, "actual": 0.09, "chance": 0.09, "expected": 0.15, "proposal": 0.10}


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
            row.append(f"{status_text(r.status, lang)} {chance_text(r, lang)}" if r is not None else "—")
            fill.append(STATUS_FILL[r.status] if r is not None else "white")
    return heads, body, fills


def draw_task_page(inp: Any, lang: str = "zh", paper: str = "16:9") -> Figure:
    """The task page on ``paper``; call inside ``house_style(lang, scale=page_scale(paper))``."""
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
    line_h = pt * 1.4 / 72 / h
    y = 1 - my - title_pt * 1.6 / 72 / h
    for text in lines:
        fig.text(mx, y, text, ha="left", va="top", fontsize=pt)
        y -= line_h
    heads, body, fills = _rows(board, proposal, lang)
    keys = [*TASK_PAGE_COLUMNS, "proposal"][: len(heads)]
    widths = [_WIDTHS[k] for k in keys]
    total = sum(widths)
    task_col = keys.index("task")
    task_em = _WIDTHS["task"] / total * (w - 2 * _MARGIN_IN) * 72 / rcParams["font.size"] - 1
    body = [[("\n".join(_wrap(c, task_em, lang)) if j == task_col else c) for j, c in enumerate(row)] for row in body]
    bottom = my + 0.35 / h
    top = y - line_h * 0.5
    ax = fig.add_axes((mx, bottom, 1 - 2 * mx, max(top - bottom, 0.1)))
    ax.set_axis_off()
    tab = ax.table(cellText=body or [["—"] * len(heads)], colLabels=heads, cellColours=fills or None, loc="upper center",
                   cellLoc="center", colLoc="center", colWidths=[x / total for x in widths])
    tab.auto_set_font_size(False)
    tab.set_fontsize(rcParams["font.size"])
    nrows = len(body) + 1
    row_h = min(max(top - bottom, 0.1) / max(nrows, 1), 0.07) / max(top - bottom, 0.1)
    for (i, j), c in tab.get_celld().items():
        c.set_edgecolor("#BBBBBB")
        lines_in = str(c.get_text().get_text()).count("\n") + 1
        c.set_height(row_h * (1 + 0.45 * (lines_in - 1)))
        if i == 0:
            c.set_facecolor("#E8E8E8")
            c.get_text().set_fontweight("bold")
        elif j == task_col:
            c.get_text().set_ha("left")
            c.PAD = 0.02
    add_source_line(fig, source_info(inp, lang), lang, size=10 if paper == "16:9" else 7, at=(mx, my))
    return fig


def task_page_html(inp: Any, lang: str = "zh") -> str:
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
            f'<table class="tasks"><thead>{thead}</thead><tbody>{"".join(rows)}</tbody></table></section>')
