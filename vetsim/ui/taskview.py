"""The dashboard's task tab: the key-task progress table (重点工作推进表) of the baseline, with each task's
status under the proposal, coloured by status, late tasks first, and the 推进表 as an Excel download.

It shows what :mod:`vetsim.tasks` computes from the runs the dashboard already made (no second
simulation) and the same HTML as the brief's task page (:func:`vetsim.brief.taskpage.task_page_html`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..brief.taskcss import TASK_TABLE_CSS
from ..wording import tr
from .common import download_link

__all__ = ["TaskView", "TASK_CSS"]

TASK_CSS = """<style>
.vetsim-tasks table.tasks {border-collapse:collapse;font-size:14px;margin:6px 0;width:100%}
.vetsim-tasks table.tasks th {background:#e8e8e8;padding:4px 6px;border:1px solid #bbb}
.vetsim-tasks table.tasks td {padding:3px 6px;border:1px solid #bbb;text-align:center}
.vetsim-tasks h1 {font-size:20px;margin:6px 0}
.vetsim-tasks li {font-size:15px;line-height:1.5}
</style>""".replace("</style>", TASK_TABLE_CSS + "\n</style>")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TaskView:
    """The task tab: ``show(baseline, results, proposal, proposal_results)`` fills it; ``boards`` keeps what it shows."""

    def __init__(self, lang: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]):
        self.lang = lang
        self.html = widgets.HTML(f"<p>{html.escape(tr('tasks.ui.wait', lang))}</p>")
        self.html.add_class("vetsim-tasks")
        self.button = widgets.Button(description=tr("tasks.ui.export", lang), icon="download")
        self.button.on_click(wrap(lambda _b: self.export()))
        self.link = widgets.HTML()
        self.boards: tuple[Any, Any] = (None, None)
        self.widget = widgets.VBox([widgets.HTML(TASK_CSS), self.html, widgets.HBox([self.button]), self.link])

    def show(self, baseline: Any, results: Any, proposal: Any, proposal_results: Any) -> None:
        """Judge the baseline's tasks (and the proposal's) on the runs just made, and draw the table."""
        from ..brief.page import BriefInputs  # lazy: matplotlib, not needed before the runs are there
        from ..brief.taskpage import task_page_html  # lazy: the dashboard's first cards load none of this (issue 25)
        from ..tasks.run import board_for, needs_results  # lazy: the dashboard's first cards load none of this (issue 25)
        from ..tasks.status import task_board  # lazy: the dashboard's first cards load none of this (issue 25)

        self.link.value = ""
        if not baseline.table("tasks.csv"):
            self.boards = (None, None)
            self.html.value = f"<p>{html.escape(tr('tasks.err.no_tasks', self.lang))}</p>"
            self.button.disabled = True
            return
        b = board_for(baseline, results)
        p = task_board(proposal, proposal_results if needs_results(proposal) else None, b.as_of,
                       label=(proposal.name("zh"), proposal.name("en"))) if proposal.table("tasks.csv") else None
        self.boards = (b, p)
        inputs = BriefInputs(baseline, results, None, tasks=b, proposal_tasks=p)  # type: ignore[arg-type]
        self.html.value = task_page_html(inputs, self.lang)
        self.button.disabled = False

    def export(self) -> bytes:
        """The baseline's 推进表 as .xlsx bytes, offered as a download link."""
        from ..tasks import tasks_excel_bytes  # heavy: openpyxl, loaded only when the workbook is downloaded

        board = self.boards[0]
        if board is None:
            return b""
        data = tasks_excel_bytes(board, self.lang)  # rendered in memory (vetsim.files.written_bytes)
        name = f"{tr('tasks.sheet', self.lang)}-{board.as_of.isoformat()}.xlsx"
        self.link.value = download_link(data, name, _XLSX, tr("tasks.ui.download", self.lang))
        return data
