"""Sensitivity analysis: which assumption matters most (哪个假设最重要).

Layer: above the models (it runs the fiscal model and the simulation on scenario variants), below
the brief and the apps; the charts draw its tables (``vetsim.charts.tornado_chart``). Models never
import it.

- ``assumptions(scenario)``: every questioned number with its P10 / middle / P90, unit, labels and
  source, from the scenario's distributions and its optional ``sensitivity.csv``;
- ``tornado(scenario)``: one assumption at a time from P10 to P90 (others at their middle), on the
  budget (exact) and the service KPIs (short simulation, common random numbers);
- ``global_ranking(scenario, method="morris"|"sobol")``: SALib ranking on the fiscal model;
  ``sobol_indices`` / ``morris_indices`` for any vectorised function.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "DEFAULT_SAMPLES": ("vetsim.sensitivity.globalsa", "DEFAULT_SAMPLES"),
    "METHODS": ("vetsim.sensitivity.globalsa", "METHODS"),
    "GlobalRanking": ("vetsim.sensitivity.globalsa", "GlobalRanking"),
    "SensitivityError": ("vetsim.sensitivity.globalsa", "SensitivityError"),
    "global_ranking": ("vetsim.sensitivity.globalsa", "global_ranking"),
    "morris_indices": ("vetsim.sensitivity.globalsa", "morris_indices"),
    "sobol_indices": ("vetsim.sensitivity.globalsa", "sobol_indices"),
    "FISCAL_OUTPUTS": ("vetsim.sensitivity.outputs", "FISCAL_OUTPUTS"),
    "OUTPUTS": ("vetsim.sensitivity.outputs", "OUTPUTS"),
    "SERVICE_OUTPUTS": ("vetsim.sensitivity.outputs", "SERVICE_OUTPUTS"),
    "Output": ("vetsim.sensitivity.outputs", "Output"),
    "Assumption": ("vetsim.sensitivity.ranges", "Assumption"),
    "assumptions": ("vetsim.sensitivity.ranges", "assumptions"),
    "assumptions_frame": ("vetsim.sensitivity.ranges", "assumptions_frame"),
    "quantile": ("vetsim.sensitivity.ranges", "quantile"),
    "variant": ("vetsim.sensitivity.ranges", "variant"),
    "Tornado": ("vetsim.sensitivity.tornado", "Tornado"),
    "tornado": ("vetsim.sensitivity.tornado", "tornado"),
}

__all__ = [
    "Assumption", "assumptions", "assumptions_frame", "quantile", "variant",
    "Output", "OUTPUTS", "FISCAL_OUTPUTS", "SERVICE_OUTPUTS",
    "Tornado", "tornado",
    "GlobalRanking", "global_ranking", "sobol_indices", "morris_indices", "SensitivityError", "METHODS",
    "DEFAULT_SAMPLES",
]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
