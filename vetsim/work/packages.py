"""Work packages: recurring duties and campaigns as amounts of staff time owed, with a release and a due day.

Why: a station's duties (visits to every household, yearly verification of entitled people, records,
ledgers and meetings) and the campaigns set from above (e.g. screening every veteran, 摸底排查) are
owed whatever the counter brings. Work not done today stays owed -- it never vanishes -- and the
planner's question is what is still undone at the due date. One package = one site x one duty
period (or campaign): ``minutes`` owed from ``release`` (day index) and due by the end of ``due``.

Both the simulation (the engine works packages earliest-due-first in the time the policy gives
them) and the staffing estimate (workload per site and month) read :func:`work_packages`; nothing
else turns ``duties.csv`` or ``campaigns.csv`` into minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Packages", "work_packages", "KIND_DUTY", "KIND_CAMPAIGN"]

KIND_DUTY, KIND_CAMPAIGN = 0, 1


@dataclass(frozen=True, eq=False)
class Packages:
    """Packages as parallel arrays (one entry per site x duty period or campaign), sorted by (kind, site, due).

    ``item`` indexes ``names`` (duty or campaign id); ``kind`` is :data:`KIND_DUTY` or
    :data:`KIND_CAMPAIGN`; ``release``/``due`` are day indices from the start date (``release``
    is at least 0; ``due`` may lie beyond the window); ``minutes`` staff-minutes owed; ``must``
    must-do work (a statutory or political date, duties.csv/campaigns.csv ``must``); ``late_value``
    still worth doing once its date has passed (``late_value``).
    """

    site: NDArray[np.int64]
    item: NDArray[np.int64]
    kind: NDArray[np.int64]
    release: NDArray[np.int64]
    due: NDArray[np.int64]
    minutes: NDArray[np.float64]
    names: tuple[str, ...]
    labels_zh: tuple[str, ...]
    labels_en: tuple[str, ...]
    item_kind: tuple[int, ...]
    item_level: tuple[str, ...]
    must: NDArray[np.bool_] = None  # type: ignore[assignment]  # must-do (statutory or political date)
    late_value: NDArray[np.bool_] = None  # type: ignore[assignment]  # still worth doing once late

    def __len__(self) -> int:
        return len(self.site)

    def yearly_minutes(self, n_sites: int, days: int) -> NDArray[np.float64]:
        """Minutes released inside the window per site (what the window owes)."""
        inside = self.release < days
        return np.bincount(self.site[inside], weights=self.minutes[inside], minlength=n_sites)


def _instances(row, start: dt.date, days: int):
    """(release date, due date) of each period of ``row`` that is released before the window ends."""
    end = start + dt.timedelta(days=days)
    if getattr(row, "campaign", None) is not None:
        yield row.start, row.deadline
        return
    for year in range(start.year - 1, end.year + 1):
        if row.period == "month":
            for m in range(1, 13):
                first = dt.date(year, m, 1)
                last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
                yield first, last
        else:
            def on(text: str, year: int = year) -> dt.date:
                mm, dd = int(text[:2]), int(text[3:])
                if (mm, dd) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
                    dd = 28
                return dt.date(year, mm, dd)
            yield on(row.start), on(row.due)


def work_packages(scenario, start: dt.date, days: int) -> Packages:
    """Every duty period and campaign of ``scenario`` owed in the window of ``days`` days from ``start``.

    A period whose due date falls before the window is left out; one already running at the start
    is owed in full from day 0 (the window starts with it undone). A site that is never open in
    the window still owes its packages (they show as undone).
    """
    sites = scenario.sites
    rows = [*(("duty", r) for r in scenario.table("duties.csv")), *(("campaign", r) for r in scenario.table("campaigns.csv"))]
    names, lzh, len_, kinds, levels = [], [], [], [], []
    cols: dict[str, list] = {k: [] for k in ("site", "item", "kind", "release", "due", "minutes", "must", "late_value")}
    for what, r in rows:
        kind = KIND_DUTY if what == "duty" else KIND_CAMPAIGN
        name = r.duty if kind == KIND_DUTY else r.campaign
        if name in names:  # the same duty id at several levels is one item (labels of its first row)
            item = names.index(name)
        else:
            item = len(names)
            names.append(name)
            lzh.append(r.label_zh)
            len_.append(r.label_en)
            kinds.append(kind)
            levels.append(r.level)
        _owed(cols, r, item, kind, sites, start, days)
    types = {"minutes": float, "must": bool, "late_value": bool}
    arr = {k: np.asarray(v, dtype=types.get(k, np.int64)) for k, v in cols.items()}
    order = np.lexsort((arr["due"], arr["site"], arr["kind"])) if len(arr["site"]) else np.zeros(0, np.int64)
    arr = {k: v[order] for k, v in arr.items()}
    return Packages(arr["site"], arr["item"], arr["kind"], arr["release"], arr["due"], arr["minutes"],
                    tuple(names), tuple(lzh), tuple(len_), tuple(kinds), tuple(levels), arr["must"], arr["late_value"])


def _owed(cols: dict[str, list], r: Any, item: int, kind: int, sites: Any, start: dt.date, days: int) -> None:
    """Append to ``cols`` the packages of duty or campaign row ``r`` owed by each site of its level in the window."""
    end = start + dt.timedelta(days=days)
    for s, site in enumerate(sites):
        if site.level != r.level:
            continue
        amount = r.hours * 60.0 * (site.veterans * r.share_of_veterans if r.basis == "veteran" else 1.0)
        if amount <= 0:
            continue
        for rel, due in _instances(r, start, days):
            if due < start or rel >= end:
                continue
            cols["site"].append(s)
            cols["item"].append(item)
            cols["kind"].append(kind)
            cols["release"].append(max((rel - start).days, 0))
            cols["due"].append((due - start).days)
            cols["minutes"].append(amount)
            cols["must"].append(r.must)
            cols["late_value"].append(r.late_value)
