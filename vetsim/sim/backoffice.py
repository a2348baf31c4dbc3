"""Back-office part of the event engine (后台办理): the FIFO casework queue of each site, worked once a day.

Split from ``engine`` (which holds the model notes) to keep modules small; :class:`BackOffice` is
a mixin of :class:`vetsim.sim.engine.Engine` and uses its state (``bo_queue``, ``bo_due``, ``active``,
``busy_min``/``busy_day``, ``reserved``, ``ticked``) and its ``_decide``/``_desk_minutes``/``_finish``.

Daily staff budget (policy ``counter_first``, :func:`vetsim.staffing.duties.split_day`): staff x
opening minutes, minus the counter minutes served that day, minus the site's recurring duties
(and shared village cover), is what casework gets. The records apply the same rule to every open
day to report ``busy_duties_min``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..staffing.duties import split_day
from .calendar import MINUTES_PER_DAY

if TYPE_CHECKING:
    from .case import Case

__all__ = ["BackOffice"]

DAY = MINUTES_PER_DAY


class BackOffice:
    """Mixin: queueing casework at a site and working it at the end of each open day."""

    def _ev_backoffice(self, ev) -> None:
        case, s = ev._value
        self._backoffice(case, s, self._desk_minutes(case, s))

    def _backoffice(self, case: "Case", s: int, minutes: float) -> None:
        if minutes <= 0:
            self._decide(case, s, self.env._now)
            return
        now = self.env._now
        self.bo_queue[s].append([case, minutes, now])
        if not self.active[s]:
            self.active[s] = True
            today = int(now // DAY)
            if today <= self.ticked:  # today's back office has been worked already
                today += 1
            if today < self.net.days:
                self.bo_due[self.next_open[s][today]].append(s)

    def _ev_finish(self, ev) -> None:
        self._finish(ev._value, self.env._now)

    def _work_backoffice(self, d: int) -> None:
        """Day ``d`` closes: each site with casework waiting works it FIFO in the time left after counter and duties."""
        net = self.net
        done: list[tuple[Case, int, float]] = []
        for s in self.bo_due[d]:
            busy = self.busy_min[s] if self.busy_day[s] == d else 0.0
            cap = split_day(self.staff[s] * net.open_min[s], busy, self.reserved[s])[1]
            q = self.bo_queue[s]
            worked = 0.0
            t_done = d * DAY + (DAY - 1e-6 if net.continuous else net.last_close[s])
            while q and cap > 0:
                item = q[0]
                use = item[1] if item[1] <= cap else cap
                item[1] -= use
                cap -= use
                worked += use
                if item[1] <= 1e-9:
                    q.popleft()
                    done.append((item[0], s, max(t_done, item[2])))
            if worked > 0:
                self.bo_rec.extend((s, d, worked))
            if q:
                self.bo_due[self.next_open[s][d + 1]].append(s)
            else:
                self.active[s] = False
        self.bo_due[d] = []
        self.ticked = d
        for case, s, t_done in done:
            self._decide(case, s, t_done)
