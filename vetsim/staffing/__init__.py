"""Staffing: Erlang C/A estimates, requirements per site, a cost optimizer and its confirmation by simulation.

Public calls:
- ``estimate(scenario, staff=None, lang)`` -> per-site table (service level, mean wait, utilisation,
  reliable + bilingual reason); cached demand, for the UI's sliders;
- ``erlang_b / erlang_c / erlang_a`` vectorized formulas; ``derive_demand`` arrivals per site x month x hour;
- ``requirement(scenario)`` least staff per site for the targets; ``optimal_staff`` posts per site;
- ``optimize(scenario, budget_yuan=None, headcount=None, confirm=False)`` -> ``Plan`` (table, totals,
  ``scenario()``, ``save(folder)`` as an overlay); ``confirm(plan)`` -> ``Confirmation`` (per-site
  targets at 95% confidence from the simulation);
- ``StaffingSettings``: the optional ``staffing:`` section of scenario.yaml; ``DutySettings``: the optional
  ``duties:`` section (recurring duties per level), ``duty_minutes_per_open_day`` (shared with the simulation).

Imports are lazy (PEP 562) because ``vetsim.scenario.spec`` imports ``vetsim.staffing.settings``
while the scenario package is still initialising; the heavy modules need the finished package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "erlang_a": "erlang", "erlang_b": "erlang", "erlang_c": "erlang",
    "Demand": "demand", "derive_demand": "demand",
    "evaluate": "kpis", "evaluate_arrays": "kpis", "FLAG_TEXT": "kpis",
    "estimate": "kpis", "StaffingSettings": "settings", "SharedStaff": "settings",
    "DutySettings": "duties", "LevelDuties": "duties", "duty_minutes_per_open_day": "duties",
    "requirement": "solver", "optimal_staff": "solver", "staff_targets": "solver",
    "StaffTargets": "solver", "Allocation": "solver", "StaffingInfeasible": "solver",
    "Plan": "plan", "build_plan": "plan", "PlanSaveError": "plan",
    "confirm": "simcheck", "Confirmation": "simcheck", "optimize_confirmed": "simcheck", "optimize": "api",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
