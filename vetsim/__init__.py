"""vetsim: planning and simulation workbench for a county veterans-affairs bureau (县退役军人事务局)."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import Problem, ScenarioError, VetsimError
from .scenario import Scenario, load_scenario
from .sim import Results, simulate
from .fiscal import Budget, budget
from .staffing import Plan, confirm, estimate as estimate_staffing, optimize as optimize_staffing
from . import report  # a callable package: vetsim.report(...) runs vetsim.report.report(...)

__all__ = ["__version__", "load_scenario", "Scenario", "ScenarioError", "VetsimError", "Problem", "simulate", "Results",
           "budget", "Budget",
           "optimize_staffing", "estimate_staffing", "confirm", "Plan", "report"]
