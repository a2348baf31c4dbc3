"""Dated snapshots of the progress table, and the change since the last one (↑ ↓ →).

Why: a meeting reviews movement, not only state (定期通报). Each run may be saved as
``tasks-YYYY-MM-DD.json`` (the table's as-of date) in a folder the user names, or by default in
``$VETSIM_TASK_HISTORY`` or the user's data folder (``~/.local/share/vetsim/task_history/<scenario>``),
never in a scenario folder (:func:`vetsim.files.check_output_target` refuses it). Writing is atomic; a
second snapshot of the same date replaces the first.

Change: against the latest snapshot dated before the table's date. ↑ the status improved (滞后 → 有风险
→ 正常推进 → 已完成), ↓ it worsened, → unchanged; with the same status, a projected chance that moved
by at least ``move_share`` (``task_status.csv``) counts as ↑ or ↓. A task absent from the last snapshot has no arrow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from ..files import atomic_write_text, check_output_target
from ..scenario import Scenario
from .status import STATUSES, TaskBoard

__all__ = ["default_history_dir", "save_snapshot", "load_snapshots", "changes_since_last", "ENV_HISTORY"]

ENV_HISTORY = "VETSIM_TASK_HISTORY"
_NAME = re.compile(r"^tasks-(\d{4}-\d{2}-\d{2})\.json$")
_MAX_SNAPSHOTS = 2000  # files read at most (oldest ignored): bounded work on a crowded folder
_MAX_BYTES = 2_000_000


def default_history_dir(scenario: Scenario) -> Path:
    """``$VETSIM_TASK_HISTORY/<scenario>`` or ``~/.local/share/vetsim/task_history/<scenario>`` (outside any scenario)."""
    root = os.environ.get(ENV_HISTORY)
    base = Path(root).expanduser() if root else Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") \
        / "vetsim" / "task_history"
    where = str(scenario.path) if scenario.path is not None else scenario.name("en")
    tag = hashlib.sha256(where.encode("utf-8")).hexdigest()[:8]
    folder = re.sub(r"[^A-Za-z0-9_\-]+", "_", Path(where).name or "scenario")[:40]
    return base / f"{folder}-{tag}"


def _record(board: TaskBoard) -> dict[str, Any]:
    return {"as_of": board.as_of.isoformat(), "scenario": board.scenario_name[0], "meta": board.meta,
            "tasks": {r.task.task: {"status": r.status,
                                    "chance": None if r.projection is None or math.isnan(r.projection.met_share)
                                    else round(r.projection.met_share, 4),
                                    "actual": r.actual} for r in board.rows}}


def save_snapshot(board: TaskBoard, folder: str | os.PathLike[str], *, make_parents: bool = False) -> Path:
    """Write ``board`` as ``folder/tasks-<as_of>.json``; the folder is created if missing (its parents too with
    ``make_parents``, as for the default folder); never inside a scenario folder."""
    target = Path(folder)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    check_output_target(target, "folder", force=True, adding=True)
    target.mkdir(parents=True, exist_ok=True)
    out = check_output_target(target / f"tasks-{board.as_of.isoformat()}.json", "file")
    text = json.dumps(_record(board), ensure_ascii=False, indent=1, default=str)
    return atomic_write_text(out, text)


def load_snapshots(folder: str | os.PathLike[str]) -> list[tuple[dt.date, dict[str, Any]]]:
    """Snapshots in ``folder`` by date, oldest first; unreadable or foreign files are skipped."""
    src = Path(folder)
    if not src.is_dir():
        return []
    found = []
    for p in src.iterdir():
        m = _NAME.match(p.name)
        if m and p.is_file():
            try:
                found.append((dt.date.fromisoformat(m.group(1)), p))
            except ValueError:
                continue
    out = []
    for day, p in sorted(found)[-_MAX_SNAPSHOTS:]:
        try:
            if p.stat().st_size > _MAX_BYTES:
                continue
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("tasks"), dict):
            out.append((day, data))
    return out


def changes_since_last(board: TaskBoard, folder: str | os.PathLike[str] | None) -> tuple[dict[str, str], dt.date | None]:
    """Arrows per task id against the latest snapshot dated before ``board.as_of``, and that snapshot's date."""
    if folder is None:
        return {}, None
    earlier = [(d, s) for d, s in load_snapshots(folder) if d < board.as_of]
    if not earlier:
        return {}, None
    day, snap = earlier[-1]
    rank = {s: i for i, s in enumerate(STATUSES)}
    out = {}
    for r in board.rows:
        old = snap["tasks"].get(r.task.task)
        if not isinstance(old, dict) or old.get("status") not in rank:
            continue
        step = rank[r.status] - rank[old["status"]]
        if step == 0 and r.projection is not None and isinstance(old.get("chance"), (int, float)) \
                and not math.isnan(r.projection.met_share):
            move = r.projection.met_share - float(old["chance"])
            least = board.thresholds["move_share"]
            step = 1 if move >= least else -1 if move <= -least else 0
        out[r.task.task] = "↑" if step > 0 else "↓" if step < 0 else "→"
    return out, day
