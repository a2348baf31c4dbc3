"""Fiscal burden model (经费/财政负担): yearly cost by line and level of government, with ranges.

``budget(scenario, draws=0, seed=None, caseload=None) -> Budget`` and ``site_costs(scenario)`` (the
only place site running cost is computed). Lines: si_continuation, pension, hardship,
temporary_relief, site_costs. Tiers: central, province, city, county (government) and individual.
"""

from .budget import TABLE_COLUMNS, TOTAL, Budget, budget
from .draws import RANGE_DRAWS
from .errors import FiscalError
from .flows import LINES
from .labels import LINE_LABELS, TIER_LABELS
from .money import ROUNDING_RULE
from ..work.costs import SITE_COST_COLUMNS, site_costs, site_costs_by_level  # re-exported: vetsim.fiscal.site_costs

__all__ = [
    "budget", "Budget", "FiscalError", "TABLE_COLUMNS", "TOTAL", "LINES", "LINE_LABELS", "TIER_LABELS", "ROUNDING_RULE",
    "site_costs", "site_costs_by_level", "SITE_COST_COLUMNS", "RANGE_DRAWS",
]
