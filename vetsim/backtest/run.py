"""``calibrate_on_ledger``: fit, write the overlay, simulate it against the ledgers, back-test, report.

The steps of ``vetsim calibrate BASE --ledger DIR --out data/NAME [--report FILE]``, callable from
Python and notebooks. Output targets are checked before any work (minutes of simulation must not
end in a refused path).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..files import check_output_target
from ..ledgerfit.fit import fit_ledger, period_of
from ..ledgerfit.matters import matters
from ..ledgerfit.overlay import write_overlay
from ..scenario import Scenario, load_scenario
from ..wording import both
from .compare import backtest, validate
from .report import REPORT_FORMATS, CalibrationReport, ReportFormatError

__all__ = ["calibrate_on_ledger", "BACKTEST_MONTHS"]

BACKTEST_MONTHS = 12


def calibrate_on_ledger(base: Scenario | str | os.PathLike[str], records: Mapping[str, pd.DataFrame],
                        out: str | os.PathLike[str], *, report: str | os.PathLike[str] | None = None,
                        replications: int = 5, seed: int = 0, lang: str = "zh", force: bool = False) -> CalibrationReport:
    """Fit ``records`` onto ``base``, write the overlay to ``out``, compare and back-test; optionally save ``report``."""
    sc = base if isinstance(base, Scenario) else load_scenario(base)
    check_output_target(out, "folder", force, new_scenario=True)
    if report is not None:
        if Path(report).suffix.lower() not in REPORT_FORMATS:
            raise ReportFormatError(*both("calibration.report_format", path=Path(report).name, allowed=", ".join(REPORT_FORMATS)))
        check_output_target(report, "file")
    fit = fit_ledger(records, sc)
    folder = write_overlay(fit, sc, out, force=force)
    fitted = load_scenario(folder)
    compare = validate(records, fitted, replications=replications, seed=seed, start=fit.start, end=fit.end)
    start, end = period_of(matters(records))
    months = (end.year - start.year) * 12 + end.month - start.month
    bt = backtest(records, sc, BACKTEST_MONTHS, seed=seed) if months > BACKTEST_MONTHS else None
    rep = CalibrationReport(fitted, fit, compare, bt, replications, lang, base=sc)
    if report is not None:
        rep.save(report, lang)
    return rep
