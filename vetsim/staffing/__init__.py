"""Staffing: Erlang C/A estimates, requirements per site and a cost optimizer (its confirmation by
simulation is one layer up, in ``vetsim.plans``).

Public calls:
- ``estimate(scenario, staff=None, lang)`` -> per-site table (service level, mean wait, utilisation,
  reliable + bilingual reason); cached demand, for the UI's sliders;
- ``erlang_b / erlang_c / erlang_a`` vectorized formulas; ``derive_demand`` (from ``vetsim.work``)
  the one model of work per site: counter visits, casework, duties, campaigns, cover, presence;
- ``wisn_estimate(demand, staff, cap)`` / ``wisn_table(scenario)`` workload-based need (WHO WISN): available
  working time, workload per component, required posts, WISN ratio and pressure per site;
- ``requirement(scenario)`` least staff per site for the targets and which constraint binds
  (counter / workload / floor); ``optimal_staff`` posts per site;
- ``optimize(scenario, budget_yuan=None, headcount=None, may_cut_funded=None)`` ->
  ``Plan`` (table, totals, assumptions, ``scenario()``, ``save(folder)`` as an overlay);
  ``vetsim.plans.optimize(..., confirm=True)`` / ``vetsim.plans.confirm(plan)`` add the simulation;
- ``StaffingSettings``: the optional ``staffing:`` section of scenario.yaml (floors, ceilings,
  shared cover, ``may_cut_funded_posts``).

Imports are lazy (PEP 562): ``import vetsim.staffing`` stays light (no pandas-heavy modules) until a name is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "erlang_a": ".erlang", "erlang_b": ".erlang", "erlang_c": ".erlang",
    "Demand": "..work.demand", "derive_demand": "..work.demand",
    "evaluate": ".kpis", "evaluate_arrays": ".kpis", "FLAG_TEXT": ".kpis", "estimate": ".kpis",
    "StaffingSettings": "..scenario.staffing_spec", "SharedStaff": "..scenario.staffing_spec",
    "PolicySwitch": "..scenario.staffing_spec",
    "wisn_estimate": ".wisn", "wisn_table": ".wisn", "WISN_COLUMNS": ".wisn",
    "requirement": ".solver", "optimal_staff": ".solver", "staff_targets": ".solver", "BINDING_TEXT": ".solver",
    "StaffTargets": ".solver", "Allocation": ".solver", "StaffingInfeasible": ".solver",
    "Plan": ".plan", "build_plan": ".plan", "PlanSaveError": ".plan",
    "optimize": ".api",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
