"""Simulation-based calibration of the ledger fit: >= 20 true counties, coverage and bias per parameter kind.

Each true county is the sample county with shifts drawn from ``vetsim.backtest.truth.RANGES``
(volumes, resolved-here shares, hotline shares, village/township away shares, casework effort); two
years of its ledgers are drawn, rendered messy, imported through ``vetsim ledger import`` and fitted.
Prints per kind: parameters, coverage of the 95% intervals, mean bias, mean half-width and their ratio
(acceptance: coverage >= 90%, |bias| <= half the half-width). Usage: ``python benchmarks/bench_calibration_recovery.py [--counties 20]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import vetsim
from vetsim.backtest.recovery import coverage_table, recover
from vetsim.backtest.truth import random_shifts, shifted
from vetsim.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="vetsim-sbc-"))
    os.environ.setdefault("VETSIM_KEY", str(scratch / "key" / "ledger.key"))
    base_path = ROOT / "data" / "sample_county"
    base = vetsim.load_scenario(base_path)
    rng = np.random.default_rng(args.seed)
    parts, unknown, t0 = [], 0, time.perf_counter()
    for i in range(args.counties):
        truth = shifted(base, random_shifts(base, rng))
        res, facts = recover(truth, base, base_path, scratch / f"county{i:02d}", cli_main, seed=1000 + i)
        parts.append(res.assign(county=i))
        unknown += facts["unknown_site_referrals"]
        print(f"county {i + 1}/{args.counties}: {facts['matters']:,} matters, inside {res['inside'].mean():.0%}", flush=True)
    allres = pd.concat(parts, ignore_index=True)
    allres.to_csv(scratch / "recovery.csv", index=False)
    table = coverage_table(allres)
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))
    print(f"true counties: {args.counties}; referrals to existing sites reported unknown: {unknown}; "
          f"wall {time.perf_counter() - t0:.0f} s; all results {scratch / 'recovery.csv'}")
    ok = (table["coverage"] >= 0.9) & (table["bias_over_half_width"] <= 0.5)
    print("acceptance (coverage >= 90%, |bias| <= half the half-width):",
          ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in zip(table["kind"], ok)))


if __name__ == "__main__":
    main()
