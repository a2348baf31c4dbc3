"""The engine's own clock (issue 25): the event loop that replaced SimPy's keeps SimPy's order.

Calls run in time order, calls due at the same time in the order they were scheduled, a call for a time
already past runs now, nothing is scheduled at or beyond the horizon, and arrivals are fed in between
the scheduled calls in time order.
"""

from __future__ import annotations

import numpy as np

from vetsim.sim import star_network
from vetsim.sim.engine import DAY, Engine
from vetsim.sim.runner import _network
from vetsim.sim.streams import draw_streams


def _engine(days: int = 2) -> Engine:
    sc = star_network(1, 1, volume_per_village=3000, simulation={"days": days})
    net = _network(sc)
    seq = np.random.SeedSequence(3)
    arrivals, backlog = draw_streams(net, seq)
    return Engine(net, arrivals, backlog, seq)


def test_calls_run_by_time_then_by_scheduling_order() -> None:
    eng = _engine()
    seen: list[tuple[float, str]] = []

    def note(tag: str) -> None:
        seen.append((eng.now, tag))
        if tag == "b":  # scheduled while running: a time already past runs now, after what is due now
            eng._at(eng.now - 5.0, note, "late")

    for t, tag in ((30.0, "c"), (10.0, "a"), (20.0, "b"), (20.0, "b2"), (2 * DAY, "beyond"), (2 * DAY + 1, "far")):
        eng._at(t, note, tag)
    eng._run_until(25.0)
    assert seen == [(10.0, "a"), (20.0, "b"), (20.0, "b2"), (20.0, "late")]
    eng._run_until(float("inf"))
    assert seen[-1] == (30.0, "c") and len(seen) == 5  # nothing at or beyond the horizon (2 days)


def test_a_run_feeds_every_arrival_in_time_order() -> None:
    eng = _engine(days=5)
    n_arrivals = sum(int((s.times < eng.horizon).sum()) for s in eng.arrivals)
    eng.run()
    new = [c for c in eng.cases if not c.backlog]
    assert len(new) == n_arrivals > 20
    t = [c.t_arr for c in new]
    assert t == sorted(t)
    assert len(eng.snap) == 5  # one day end per day
    assert eng.now == eng.horizon
