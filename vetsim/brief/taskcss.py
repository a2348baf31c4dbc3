"""The task table's page style (:data:`TASK_TABLE_CSS`), shared by the brief's HTML and the dashboard's task tab.

Apart from :mod:`vetsim.brief.taskpage` (which draws the PDF page with matplotlib and re-exports it), so that
the dashboard's task tab is built when the page opens without loading matplotlib.
"""

from __future__ import annotations

__all__ = ["TASK_TABLE_CSS"]

# the task table's cells: short ones on one line, the task's name left-aligned (the brief and the dashboard)
TASK_TABLE_CSS = ("table.tasks td.c-seq, table.tasks td.c-status, table.tasks td.c-change, table.tasks td.c-deadline "
                  "{ white-space: nowrap; } table.tasks td.c-task { text-align: left; }")
