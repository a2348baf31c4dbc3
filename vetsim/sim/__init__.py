"""Caseload flow simulation: a SimPy model of the county service network (issue 3).

``simulate(scenario, replications, seed, workers, executor, progress) -> Results``; see
``engine`` for the model, ``vetsim.work`` for working days, staff time and work owed, ``streams`` for the random
numbers (common random numbers keyed by site and case type).
"""

from ..work.calendar import CalendarEstimateWarning, WorkCalendar
from .results import METRICS, Results
from .runner import SimulationError, run_replication, simulate
from .synthetic import star_network, synthetic_scenario

__all__ = ["simulate", "Results", "METRICS", "SimulationError", "run_replication", "WorkCalendar",
           "CalendarEstimateWarning", "synthetic_scenario", "star_network"]
