"""Calibration from the bureau's own ledgers (台账): matters, empirical-Bayes fit, overlay scenario (issue 12).

A model-level package: it reads clean, pseudonymised records (schema in :mod:`.schema`, the import's
``vetsim.ledger.records``) and a base scenario, and writes the fitted numbers as an overlay folder.
The validation report and back-test (they need the simulation) are in ``vetsim.backtest``.
"""

from .fit import FIT_COLUMNS, FitError, LedgerFit, fit_ledger
from .matters import matters
from .overlay import OverlayError, overlay_tables, write_overlay
from .schema import KINDS, MATTER_COLUMNS, REGISTER_COLUMNS
from .shrink import beta_binomial, dirichlet_pattern, poisson_gamma

__all__ = ["fit_ledger", "LedgerFit", "FitError", "FIT_COLUMNS", "matters", "write_overlay", "overlay_tables",
           "OverlayError", "KINDS", "MATTER_COLUMNS", "REGISTER_COLUMNS", "poisson_gamma", "beta_binomial",
           "dirichlet_pattern"]
