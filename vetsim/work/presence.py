"""The one presence rule: who is at the counter, and how often a station has nobody there.

Why one home: the engine draws each post away on a day with the site's ``away`` share,
independently, so a site with ``c`` posts has nobody present on a share ``away ** c`` of its open
days; with ``closed_when_away`` it is then closed (a walk-in finds nobody and goes on to the parent
site), otherwise a stand-in keeps the counter. Of the time a post is present, the ``other``
(other-duties, 一人多岗) share goes to non-veteran work. The network (:mod:`.network`), the staffing
estimate (:mod:`.demand`), the ledger fit (which inverts this rule to estimate the away share from
walk-ins recorded as finding nobody) and the five-haves check all read it here, so they cannot
drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..scenario import Scenario

if TYPE_CHECKING:  # typing only: the network imports this module
    from .network import Network

__all__ = ["unstaffed_share", "level_presence", "site_presence", "present_share", "may_close", "closed_share"]


def unstaffed_share(away: ArrayLike, staff: ArrayLike, closed_when_away: ArrayLike) -> NDArray[np.float64]:
    """Share of open days a site has nobody at the counter (arrays broadcast against each other).

    ``away``: share of days a post is away; ``staff``: posts; ``closed_when_away``: the station closes
    with nobody present (else a stand-in keeps the counter: 0). No posts: always unstaffed.
    """
    c = np.asarray(staff)
    a = np.asarray(away, dtype=float)
    return np.where(closed_when_away, np.where(c > 0, a ** np.maximum(c, 1), 1.0), np.where(c > 0, 0.0, 1.0))


def level_presence(scenario: Scenario, level: str) -> tuple[float, float, bool]:
    """A level's (away share, other-duties share, closed when away) from ``presence`` in scenario.yaml.

    A level the section does not name (or no section): always present, closed when nobody is there.
    """
    pres = scenario.spec.presence
    lv = pres.level(level) if pres is not None else None
    if lv is None:
        return 0.0, 0.0, True
    other = float(lv.other_duties_share.value) if lv.other_duties_share is not None else 0.0
    return float(lv.away_share.value), other, bool(lv.closed_when_away)


def site_presence(scenario: Scenario) -> tuple[tuple[float, ...], tuple[float, ...], tuple[bool, ...]]:
    """Per site: share of days a post is away, share of present time on other work, closed when away.

    A site's own ``away_share`` (sites.csv) wins over its level's (:func:`level_presence`).
    """
    away, other, closed = [], [], []
    for s in scenario.sites:
        a, o, c = level_presence(scenario, s.level)
        away.append(float(s.away_share) if s.away_share is not None else a)
        other.append(o)
        closed.append(c)
    return tuple(away), tuple(other), tuple(closed)


def present_share(away: ArrayLike, other: ArrayLike) -> NDArray[np.float64]:
    """Share of a post's time given to veterans' work: present (not away) and not on other duties."""
    return (1.0 - np.asarray(away, dtype=float)) * (1.0 - np.asarray(other, dtype=float))


def may_close(net: Network) -> NDArray[np.bool_]:
    """Per site of ``net``: its station can be found closed (it closes when nobody is there and has posts)."""
    return np.asarray(net.closed_when_away, bool) & (np.asarray(net.staff) > 0)


def closed_share(net: Network) -> dict[str, float]:
    """Per site of ``net``: the share of its open days with nobody present and the station closed."""
    q = unstaffed_share(np.asarray(net.away, float), np.asarray(net.staff), np.asarray(net.closed_when_away, bool))
    return dict(zip(net.site_ids, q.tolist(), strict=True))
