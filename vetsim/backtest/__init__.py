"""Validation and back-test of a ledger calibration, and records drawn from a known scenario (issue 12).

At the brief layer: it runs the simulation (``vetsim.sim``) on the fitted overlay, compares it with
the observed records per level and case type, back-tests the fit on later months, and renders the
report with the house charts.
"""

from .compare import COMPARE_COLUMNS, Backtest, Verdict, backtest, validate, verdict
from .draw import DrawError, draw_records, records_from_results, simulate_years
from .report import REPORT_FORMATS, CalibrationReport, ReportFormatError
from .run import calibrate_on_ledger

__all__ = ["draw_records", "records_from_results", "simulate_years", "DrawError", "validate", "backtest", "Backtest",
           "COMPARE_COLUMNS", "verdict", "Verdict", "CalibrationReport", "ReportFormatError", "REPORT_FORMATS", "calibrate_on_ledger"]
