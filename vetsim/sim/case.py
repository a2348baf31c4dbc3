"""A veteran's case as the engine follows it."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["Case"]


class Case:
    """One veteran's request, followed from arrival to resolution. ``d`` holds its pre-drawn
    random numbers (see ``streams``; a list, or a view of a row of the replication's array) while it is open."""

    __slots__ = ("ct", "origin", "site", "level", "channel", "backlog", "t_arr", "t_fin", "trips", "visits",
                 "aband", "wait", "path", "d", "k", "checked", "vday", "vsite", "on_spot", "decider", "not_before", "long",
                 "other", "sent_on")

    def __init__(self, ct: int, site: int, d: Sequence[float], t_arr: float, channel: int, backlog: bool):
        self.ct, self.origin, self.site, self.d = ct, site, site, d
        self.level = -1
        self.channel, self.backlog, self.t_arr = channel, backlog, t_arr
        self.t_fin = math.nan
        self.trips = self.visits = self.aband = self.k = 0
        self.wait = 0.0
        self.path: list[int] = []
        self.checked = backlog
        self.vday = self.vsite = -1  # day and site of the last counter service
        self.on_spot = False  # resolved at the site and on the day of its counter visit, in one trip
        self.sent_on = False  # found its first site unstaffed and went on to the parent (not a referral)
        self.decider = -1  # long-running backlog case: the partner department whose decision closes it
        self.not_before = 0  # ... and the first day it can be resolved
        self.long = False  # a long-running backlog case (积案): coordination, then a decision
        self.other = False  # ... that cannot be resolved under current policy: closed by other means
