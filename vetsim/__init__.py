"""vetsim: planning and simulation workbench for a county veterans-affairs bureau (县退役军人事务局).

Main calls: ``load_scenario``, ``simulate``, ``estimate_staffing`` / ``optimize_staffing`` /
``confirm``, ``budget`` and ``report``. The model entry points are imported on first use, so that
``import vetsim`` (and ``vetsim validate``) stays fast and does not load matplotlib or SimPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

from .errors import Problem, ScenarioError, VetsimError
from .scenario import Scenario, load_scenario

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "simulate": ("vetsim.sim", "simulate"),
    "Results": ("vetsim.sim", "Results"),
    "budget": ("vetsim.fiscal", "budget"),
    "Budget": ("vetsim.fiscal", "Budget"),
    "estimate_staffing": ("vetsim.staffing", "estimate"),
    "optimize_staffing": ("vetsim.staffing", "optimize"),
    "confirm": ("vetsim.staffing", "confirm"),
    "Plan": ("vetsim.staffing", "Plan"),
    "report": ("vetsim.brief", "report"),
}

__all__ = ["__version__", "load_scenario", "Scenario", "ScenarioError", "VetsimError", "Problem", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vetsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
