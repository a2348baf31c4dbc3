"""vetsim: planning and simulation workbench for a county veterans-affairs bureau (县退役军人事务局).

Main calls: ``load_scenario``, ``simulate``, ``estimate_staffing`` / ``optimize_staffing`` /
``confirm``, ``budget`` and ``report``. The model entry points are imported on first use, so that
``import vetsim`` (and ``vetsim validate``) stays fast and does not load matplotlib or SimPy.
"""

from __future__ import annotations

from ._lazy import lazy_attributes
from ._version import __version__
from .errors import Problem, ScenarioError, VetsimError
from .scenario import Scenario, load_scenario

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "simulate": ("vetsim.sim", "simulate"),
    "Results": ("vetsim.sim", "Results"),
    "budget": ("vetsim.fiscal", "budget"),
    "Budget": ("vetsim.fiscal", "Budget"),
    "estimate_staffing": ("vetsim.staffing", "estimate"),
    "optimize_staffing": ("vetsim.plans", "optimize"),
    "confirm": ("vetsim.plans", "confirm"),
    "Plan": ("vetsim.staffing", "Plan"),
    "report": ("vetsim.brief", "report"),
}

__all__ = ["__version__", "load_scenario", "Scenario", "ScenarioError", "VetsimError", "Problem", *_LAZY]


__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
