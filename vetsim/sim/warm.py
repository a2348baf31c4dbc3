"""Compile the engine's numba code once, at set-up, so no user waits for it (``python -m vetsim.sim.warm``).

The event loop (:mod:`vetsim.sim.flow`, with the day end) is compiled on first use and cached on disk
(:mod:`vetsim._jit`); the first compile costs some 50 s of CPU. ``make venv`` runs this module after installing, so that cost is
paid while the machine is being set up, not by the first report, dashboard page or test worker. It runs
a few days of the sample county (the kernel compiles for the types every scenario uses, whatever it
simulates), and says how long it took; with the cache already filled it only loads it.
"""

from __future__ import annotations

import sys
import time

from ..files import PROJECT_DATA
from ..scenario import apply_overlay, load_scenario
from ..wording import tr
from .runner import simulate

__all__ = ["warm"]


def warm(days: int = 7) -> float:
    """Simulate ``days`` days of the sample county once (the compile, or the load of the cached code);
    return the CPU seconds it took."""
    start = time.process_time()
    scenario = apply_overlay(load_scenario(PROJECT_DATA / "sample_county"), {"simulation": {"days": days}})
    simulate(scenario, replications=1, seed=1, tables=False)
    return time.process_time() - start


def main() -> int:
    """Entry point of ``python -m vetsim.sim.warm`` (a set-up step: one line of output, English and Chinese)."""
    seconds = warm()
    print(tr("sim.warm_done", "zh", seconds=f"{seconds:.1f}"), "/", tr("sim.warm_done", "en", seconds=f"{seconds:.1f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
