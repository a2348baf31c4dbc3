"""Caseload flow simulation: a discrete-event model of the county service network (issue 3).

``simulate(scenario, replications, seed, workers, executor, progress) -> Results``; see
``engine`` for the model (its event loop, compiled with numba, is ``flow``), ``vetsim.work`` for working days, staff time and work owed, ``streams`` for the random
numbers (common random numbers keyed by site and case type).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "METRICS": ("vetsim.sim.results", "METRICS"),
    "Results": ("vetsim.sim.results", "Results"),
    "SimulationError": ("vetsim.sim.runner", "SimulationError"),
    "run_replication": ("vetsim.sim.runner", "run_replication"),
    "simulate": ("vetsim.sim.runner", "simulate"),
    "star_network": ("vetsim.sim.synthetic", "star_network"),
    "synthetic_scenario": ("vetsim.sim.synthetic", "synthetic_scenario"),
}

__all__ = ["simulate", "Results", "METRICS", "SimulationError", "run_replication", "synthetic_scenario", "star_network"]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
