"""Key-task progress table (重点工作推进表): each task's status from reports, the scenario and simulation runs.

At the layer of the brief: it reads simulation ``Results`` and the scenario, and no model imports it.
``progress_boards(scenario, compare=None, as_of=None)`` judges every task (also ``vetsim tasks``);
``task_board(scenario, results, as_of)`` from results computed elsewhere (the brief, the dashboard);
``write_tasks_excel`` / ``read_tasks_excel`` the 推进表 as Excel; ``save_snapshot`` and
``changes_since_last`` the history (↑ ↓ →); ``five_haves`` the five-haves compliance per site.
Names are imported on first use, so registering ``vetsim tasks`` loads nothing heavy.
"""

from .._lazy import lazy_attributes

_EXPORTS: dict[str, tuple[str, str]] = {
    **{name: ("vetsim.tasks.status", name) for name in ("STATUSES", "TaskStatus", "TaskBoard", "task_board", "thresholds",
                                                          "TasksError")},
    **{name: ("vetsim.tasks.projection", name) for name in ("Projection", "project")},
    **{name: ("vetsim.tasks.five", name) for name in ("five_haves", "five_haves_share")},
    **{name: ("vetsim.tasks.history", name) for name in ("save_snapshot", "load_snapshots", "changes_since_last",
                                                           "default_history_dir")},
    **{name: ("vetsim.tasks.excel", name) for name in ("write_tasks_excel", "tasks_excel_bytes", "read_tasks_excel")},
    **{name: ("vetsim.tasks.text", name) for name in ("board_frame", "headlines", "fmt_value")},
    **{name: ("vetsim.tasks.run", name) for name in ("progress_boards", "board_for", "needs_results")},
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(globals(), _EXPORTS)
