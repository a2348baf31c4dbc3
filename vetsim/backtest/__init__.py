"""Validation and back-test of a ledger calibration, and records drawn from a known scenario (issue 12).

At the brief layer: it runs the simulation (``vetsim.sim``) on the fitted overlay, compares it with
the observed records per level and case type, back-tests the fit on later months, and renders the
report with the house charts. The names below are imported on first use, so that building the
command line (``vetsim.commands.calibrate``) does not load matplotlib.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    **{name: ("vetsim.backtest.compare", name)
       for name in ("COMPARE_COLUMNS", "Backtest", "Verdict", "backtest", "validate", "verdict")},
    **{name: ("vetsim.backtest.draw", name)
       for name in ("DrawError", "draw_records", "records_from_results", "simulate_years")},
    **{name: ("vetsim.backtest.report", name) for name in ("REPORT_FORMATS", "CalibrationReport", "ReportFormatError")},
    "calibrate_on_ledger": ("vetsim.backtest.run", "calibrate_on_ledger"),
}

__all__ = ["draw_records", "records_from_results", "simulate_years", "DrawError", "validate", "backtest", "Backtest",
           "COMPARE_COLUMNS", "verdict", "Verdict", "CalibrationReport", "ReportFormatError", "REPORT_FORMATS",
           "calibrate_on_ledger"]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
