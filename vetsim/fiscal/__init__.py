"""Fiscal burden model (经费/财政负担): yearly cost by line and level of government, with ranges.

``budget(scenario, draws=0, seed=None, caseload=None) -> Budget``; site running costs come from
``vetsim.work.site_costs`` (the only place they are computed; staffing reads them too). Lines: si_continuation, pension, hardship,
temporary_relief, site_costs. Tiers: central, province, city, county (government) and individual.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "TABLE_COLUMNS": ("vetsim.fiscal.budget", "TABLE_COLUMNS"),
    "TOTAL": ("vetsim.fiscal.budget", "TOTAL"),
    "Budget": ("vetsim.fiscal.budget", "Budget"),
    "budget": ("vetsim.fiscal.budget", "budget"),
    "RANGE_DRAWS": ("vetsim.fiscal.draws", "RANGE_DRAWS"),
    "FiscalError": ("vetsim.fiscal.errors", "FiscalError"),
    "LINES": ("vetsim.fiscal.flows", "LINES"),
    "LINE_LABELS": ("vetsim.fiscal.labels", "LINE_LABELS"),
    "TIER_LABELS": ("vetsim.fiscal.labels", "TIER_LABELS"),
    "ROUNDING_RULE": ("vetsim.fiscal.money", "ROUNDING_RULE"),
}

__all__ = [
    "budget", "Budget", "FiscalError", "TABLE_COLUMNS", "TOTAL", "LINES", "LINE_LABELS", "TIER_LABELS", "ROUNDING_RULE",
    "RANGE_DRAWS",
]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
