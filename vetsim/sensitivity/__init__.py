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

from .globalsa import (DEFAULT_SAMPLES, METHODS, GlobalRanking, SensitivityError, global_ranking, morris_indices,
                       sobol_indices)
from .outputs import FISCAL_OUTPUTS, OUTPUTS, SERVICE_OUTPUTS, Output
from .ranges import Assumption, assumptions, assumptions_frame, quantile, variant
from .tornado import Tornado, tornado

__all__ = [
    "Assumption", "assumptions", "assumptions_frame", "quantile", "variant",
    "Output", "OUTPUTS", "FISCAL_OUTPUTS", "SERVICE_OUTPUTS",
    "Tornado", "tornado",
    "GlobalRanking", "global_ranking", "sobol_indices", "morris_indices", "SensitivityError", "METHODS",
    "DEFAULT_SAMPLES",
]
