"""Staffing: Erlang C/A estimates, requirements per site and a cost optimizer (its confirmation by
simulation is one layer up, in ``vetsim.plans``).

Public calls:
- ``estimate(scenario, staff=None, lang)`` -> per-site table (service level, mean wait, utilisation,
  reliable + bilingual reason); cached demand, for the UI's sliders;
- ``erlang_b / erlang_c / erlang_a`` vectorized formulas (the work per site they read, counter visits,
  casework, duties, campaigns, cover, presence, is ``vetsim.work.derive_demand``);
- ``wisn_estimate(demand, staff, cap)`` / ``wisn_table(scenario)`` workload-based need (WHO WISN): available
  working time, workload per component, required posts, WISN ratio and pressure per site;
- ``requirement(scenario)`` least staff per site for the targets and which constraint binds
  (counter / workload / floor); ``optimal_staff`` posts per site;
- ``optimize(scenario, budget_yuan=None, headcount=None, may_cut_funded=None)`` ->
  ``Plan`` (table, totals, assumptions, ``scenario()``, ``save(folder)`` as an overlay);
  ``vetsim.plans.optimize(..., confirm=True)`` / ``vetsim.plans.confirm(plan)`` add the simulation;
- the optional ``staffing:`` section of scenario.yaml (floors, ceilings, shared cover,
  ``may_cut_funded_posts``) is ``vetsim.scenario.staffing_spec.StaffingSettings``.

Names are exported lazily (``vetsim._lazy``): ``import vetsim.staffing`` stays light (no pandas-heavy
modules) until a name is used. Only this package's own names: another layer's are imported from it.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_MODULES: dict[str, tuple[str, ...]] = {
    "erlang": ("erlang_a", "erlang_b", "erlang_c"),
    "kpis": ("evaluate", "evaluate_arrays", "FLAG_TEXT", "estimate"),
    "wisn": ("wisn_estimate", "wisn_table", "WISN_COLUMNS"),
    "solver": ("requirement", "optimal_staff", "staff_targets", "BINDING_TEXT", "StaffTargets", "Allocation",
               "StaffingInfeasible"),
    "plan": ("Plan", "build_plan", "PlanSaveError"),
    "api": ("optimize",),
}
# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {name: (f"vetsim.staffing.{module}", name)
                                     for module, names in _MODULES.items() for name in names}

__all__ = list(_LAZY)

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
