"""The one presence rule: how often a station has nobody at the counter, from its posts' away share.

Why one home: the engine draws each post away on a day with the site's ``away`` share,
independently, so a site with ``c`` posts has nobody present on a share ``away ** c`` of its open
days; with ``closed_when_away`` it is then closed (a walk-in finds nobody and goes on to the parent
site), otherwise a stand-in keeps the counter. The staffing estimate (:mod:`.demand`) and the
ledger fit (which inverts this rule to estimate the away share from walk-ins recorded as finding
nobody) both read it here, so they cannot drift apart.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..scenario import Scenario

__all__ = ["unstaffed_share", "site_presence"]


def unstaffed_share(away: ArrayLike, staff: ArrayLike, closed_when_away: ArrayLike) -> NDArray[np.float64]:
    """Share of open days a site has nobody at the counter (arrays broadcast against each other).

    ``away``: share of days a post is away; ``staff``: posts; ``closed_when_away``: the station closes
    with nobody present (else a stand-in keeps the counter: 0). No posts: always unstaffed.
    """
    c = np.asarray(staff)
    a = np.asarray(away, dtype=float)
    return np.where(closed_when_away, np.where(c > 0, a ** np.maximum(c, 1), 1.0), np.where(c > 0, 0.0, 1.0))


def site_presence(scenario: Scenario) -> tuple[tuple[float, ...], tuple[float, ...], tuple[bool, ...]]:
    """Per site: share of days a post is away, share of present time on other work, closed when away.

    A site's own ``away_share`` wins over its level's (``presence`` in scenario.yaml); no presence
    section: always present, closed when nobody is there.
    """
    pres = scenario.spec.presence
    away, other, closed = [], [], []
    for s in scenario.sites:
        lv = pres.level(s.level) if pres is not None else None
        a = s.away_share if s.away_share is not None else (lv.away_share.value if lv else 0.0)
        away.append(float(a))
        other.append(float(lv.other_duties_share.value) if lv and lv.other_duties_share else 0.0)
        closed.append(bool(lv.closed_when_away) if lv else True)
    return tuple(away), tuple(other), tuple(closed)
