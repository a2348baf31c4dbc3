"""The SimPy internals the engine relies on for speed still behave as vetsim assumes.

``vetsim.sim.engine`` schedules plain callbacks with ``Environment.schedule`` and reads the clock
as ``env._now``; ``vetsim.sim.case.Call`` fills ``Event._value``/``_ok`` without ``Event.__init__``.
These are private in SimPy 4, so pyproject pins ``simpy<5`` and this test fails first if a SimPy
release changes them.
"""

from __future__ import annotations

import tomllib

import simpy
from simpy.events import NORMAL

from vetsim.sim.case import Call

from .conftest import ROOT


def test_simpy_is_pinned_below_5() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith("simpy"))
    assert "<5" in spec.split("#")[0], spec
    assert int(simpy.__version__.split(".")[0]) == 4


def test_private_clock_and_scheduled_call() -> None:
    env = simpy.Environment()
    seen: list[tuple[float, object]] = []

    def fn(ev) -> None:
        assert env._now == env.now
        seen.append((env._now, ev.value))

    env.schedule(Call(fn, "payload"), NORMAL, 7.5)
    env.schedule(Call(fn, 42), NORMAL, 2.0)
    env.run(until=10)
    assert seen == [(2.0, 42), (7.5, "payload")]
    assert env._now == env.now == 10
