"""vetsim: planning and simulation workbench for a county veterans-affairs bureau (县退役军人事务局)."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import Problem, ScenarioError, VetsimError
from .scenario import Scenario, load_scenario

__all__ = ["__version__", "load_scenario", "Scenario", "ScenarioError", "VetsimError", "Problem"]
