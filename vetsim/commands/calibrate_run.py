"""``vetsim calibrate SCENARIO [--ledger DIR [DIR ...] --out data/NAME [--report FILE.html|pdf|xlsx]]``.

Without ``--ledger``: the yearbook figures of the scenario's calibration.csv beside the simulation
(``vetsim.commands.simulate_run.yearbook_calibration``, unchanged). With ``--ledger``: fit the scenario on the
bureau's imported records, write the overlay, simulate it against the records, back-test, report.
"""

from __future__ import annotations

import argparse

from ..backtest.run import calibrate_on_ledger
from ..cliparser import Outcome
from ..errors import VetsimError
from ..files import check_output_target, display_path
from ..ledgerfit.records_io import read_records
from ..wording import both, tr
from .simulate_run import yearbook_calibration

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """``vetsim calibrate SCENARIO``: the yearbook check, or with ``--ledger`` the fit on the bureau's records."""
    if args.ledger is None:
        if args.out or args.report:
            raise VetsimError(*both("calibration.cli.needs_ledger"))
        # default: the scenario's replications (sample county: 20). The yearbook figures are small counts
        # (7 petition letters a year): with 10 runs the standard error of their mean is ~12%, close to
        # the ±15% tolerance, so noise alone failed the letters (-24% at 10 runs, -10% at 20)
        return yearbook_calibration(args)
    if not args.out:
        raise VetsimError(*both("calibration.cli.needs_out"))
    # before reading the ledgers: never into a ledger, a scenario or (deeper than a new overlay) a data folder
    check_output_target(args.out, "folder", args.force, inputs=tuple(args.ledger), new_scenario=True)
    records = read_records(args.ledger)
    rep = calibrate_on_ledger(args.path, records, args.out, report=args.report,
                              replications=args.replications or 5, seed=args.seed or 0, lang=args.lang, force=args.force)
    lang = args.lang
    for line in rep.summary_lines(lang)[:-1]:  # the verdict closes the run, below
        print(line)
    print(tr("calibration.cli.written", lang, path=display_path(args.out)))
    if args.report:
        print(tr("calibration.cli.report_written", lang, path=display_path(args.report)))
    # the verdict is the closing line, and the exit code follows it (1: does not fit)
    return Outcome(0 if rep.verdict.fits else 1, rep.verdict.line(lang))
