"""``build_bulletin()``: the records of a period and the one before, the ranking, the flags, the change,
the notes and the key tasks -- everything the bulletin's three files show, computed once.

The files (:mod:`vetsim.bulletin.write`) only lay these tables out; a test can check every figure here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import VetsimError
from ..ledgerfit.records_io import read_records
from ..scenario import Scenario, load_scenario
from ..tasks import progress_boards
from .figures import Figures, period_figures
from .notes import Note, find_notes, read_notes
from .period import Period
from .rules import MEASURES, Rule, read_rules

__all__ = ["Bulletin", "build_bulletin", "bulletin_from_records", "BulletinError", "change_columns", "arrow", "STILL"]

# a change smaller than this is "→": the displayed precision (0.1 percentage point, 0.1 of a score point)
STILL = {"share": 0.0005, "score": 0.05, "rank": 0.5}


class BulletinError(VetsimError, ValueError):
    """A bulletin that cannot be written (no records in the period)."""


@dataclass(frozen=True)
class Bulletin:
    """One bulletin: the scenario, the period's and the previous period's figures, the rules of the
    ranking, the notes of the period and the key tasks' board (``None`` when the scenario has no tasks)."""

    scenario: Scenario
    current: Figures
    previous: Figures
    rules: tuple[Rule, ...]
    notes: tuple[Note, ...] = ()
    tasks: Any = None  # vetsim.tasks.TaskBoard
    tasks_left_out: bool = False  # the key tasks were not asked for (``--no-tasks``), not absent from the scenario
    sources: dict[str, Any] = field(default_factory=dict)

    @property
    def period(self) -> Period:
        return self.current.period

    @property
    def has_previous(self) -> bool:
        return not self.previous.empty

    def townships(self) -> pd.DataFrame:
        """The townships of this period with the change against the previous one (``d_*``, NaN without one)."""
        return _with_changes(self.current.townships, self.previous.townships if self.has_previous else None)

    def stations(self) -> pd.DataFrame:
        return _with_changes(self.current.stations, self.previous.stations if self.has_previous else None)

    def notes_of(self, township: str) -> list[str]:
        return [n.text for n in self.notes if n.township == township]


def change_columns() -> list[str]:
    return [f"d_{m}" for m in MEASURES] + ["d_score", "d_rank"]


def _with_changes(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    out = now.copy()
    cols = [*MEASURES, "score"] + (["rank"] if "rank" in now else [])
    if before is None:
        for c in cols:
            out[f"d_{c}"] = np.nan
        return out
    prev = before.set_index("site_id")[cols].reindex(out["site_id"]).to_numpy()
    for i, c in enumerate(cols):
        # rank: a move up the table (a smaller place number) is positive
        delta = prev[:, i] - out[c].to_numpy() if c == "rank" else out[c].to_numpy() - prev[:, i]
        out[f"d_{c}"] = delta
        out[f"prev_{c}"] = prev[:, i]
    return out


def arrow(delta: float, kind: str = "share") -> str:
    """↑ ↓ → of a change (``kind``: share, score or rank; within :data:`STILL` it is →); "" without one."""
    if delta is None or (isinstance(delta, float) and np.isnan(delta)):
        return ""
    return "→" if abs(delta) < STILL[kind] else "↑" if delta > 0 else "↓"


def _period_rows(records: Mapping[str, pd.DataFrame]) -> tuple[dt.date, dt.date] | None:
    dates = [df["date"] for k, df in records.items() if k != "register" and len(df)]
    if not dates:
        return None
    allof = pd.concat(dates)
    return allof.min().date(), allof.max().date()


def bulletin_from_records(records: Mapping[str, pd.DataFrame], scenario: Scenario, period: Period, *,
                          rules: tuple[Rule, ...] | None = None, notes: Sequence[Note] = (), tasks: Any = None,
                          sources: dict[str, Any] | None = None) -> Bulletin:
    """The bulletin of ``period`` from records already read; :class:`BulletinError` when the period has none."""
    rules = rules if rules is not None else read_rules(None, scenario.spec.targets)
    current = period_figures(records, scenario, period, rules)
    if current.empty:
        span = _period_rows(records)
        if span is None:
            raise BulletinError.of("bulletin.err.no_records_at_all", period=period.code())
        raise BulletinError.of("bulletin.err.no_records", period=period.code(), first=span[0].isoformat(),
                               last=span[1].isoformat())
    previous = period_figures(records, scenario, period.previous(), rules)
    mine = tuple(n for n in notes if n.period == period)
    return Bulletin(scenario, current, previous, rules, mine, tasks, dict(sources or {}))


def _tasks(scenario: Scenario, as_of: dt.date, replications: int | None, seed: int | None,
           history: str | os.PathLike[str] | None) -> Any:

    if not scenario.table("tasks.csv"):
        return None
    return progress_boards(scenario, as_of=as_of, replications=replications, seed=seed, history=history).baseline


def build_bulletin(records: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], scenario: Scenario | str | os.PathLike[str],
                   period: Period, *, notes: str | os.PathLike[str] | None = None, rules: str | os.PathLike[str] | None = None,
                   tasks: bool = True, replications: int | None = None, seed: int | None = None,
                   history: str | os.PathLike[str] | None = None) -> Bulletin:
    """The bulletin of ``period`` from the imported records in ``records`` (one folder or several).

    ``notes``: the notes file (default: ``notes.csv``/``.yaml`` in the first records folder, if there is
    one); ``rules``: the ranking's rules (default ``data/bulletin_score.csv``); ``tasks``: judge the
    scenario's key tasks as of the period's last day (:func:`vetsim.tasks.progress_boards`: a short
    simulation when a task is tied to the model, ``replications``/``seed`` default to the scenario's).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    folders = [Path(records)] if isinstance(records, (str, os.PathLike)) else [Path(f) for f in records]
    data = read_records(folders)
    the_rules = read_rules(rules, sc.spec.targets)
    notes_path = Path(notes) if notes is not None else find_notes(folders)
    the_notes = read_notes(notes_path, sc) if notes_path is not None else ()
    sources = {"records": [f.name for f in folders], "notes": notes_path.name if notes_path else None,
               "rules": Path(rules).name if rules is not None else "bulletin_score.csv"}
    out = bulletin_from_records(data, sc, period, rules=the_rules, notes=the_notes, sources=sources)
    # the key tasks last: their simulation runs only for a period that has records
    return replace(out, tasks=_tasks(sc, period.end, replications, seed, history)) if tasks else replace(out, tasks_left_out=True)
