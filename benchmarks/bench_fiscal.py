"""Fiscal model speed (issue 5 targets, on this machine):

1. 1,000,000 social-insurance applicants x 10 interrupted years, exact back-payments over a 10-year
   budget horizon, split over the four tiers: target < 2 s.
2. 1,000 Monte Carlo draws of the sample county's whole budget: target < 5 s.
3. The documented maxima (README, "Limits that hold"): ``vetsim budget`` with 200,000 applicants x 99
   draws and the sample county at the largest draws its ``draw_cells`` allow, each as a command in its
   own process: wall time and peak memory against the documented 90 s and 1 GB.
Run: .venv/bin/python benchmarks/bench_fiscal.py   (prints figures and ratios to the targets)
     .venv/bin/python benchmarks/bench_fiscal.py --limits   (only 3.)
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import vetsim
from vetsim.fiscal.budget import _combine
from vetsim.fiscal.draws import Draws
from vetsim.fiscal.si import SIPeople, si_flows

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    sc = vetsim.load_scenario(ROOT / "data" / "sample_county")
    f = sc.spec.fiscal
    n = 1_000_000
    rng = np.random.default_rng(1)
    start = (2005 + rng.integers(0, 5, n)) * 12 + rng.integers(0, 12, n)
    people = SIPeople(start=start.astype(np.int64), end=(start + 119).astype(np.int64),     # 10 years each
                      status=rng.choice([0, 1, 2], n, p=[0.6, 0.1, 0.3]).astype(np.int64),
                      registered=rng.choice([2027, 2028, 2029], n).astype(np.int64),
                      region=np.ones(n, dtype=np.int64))
    years = np.arange(2027, 2037)
    exact = Draws.make(0, 0)
    shares = sc.table("tier_shares.csv")

    def run_1m() -> None:
        flows, _ = si_flows(f.si_continuation, f.parameters, people, years, exact, f.region_tier)
        _combine(flows, shares, years, 1)

    t1 = best_of(run_1m)
    print(f"1,000,000 applicants x 10 years, exact, 10 budget years: {t1:.3f} s  (target 2 s, ratio {t1 / 2:.2f})")
    t_exact = best_of(lambda: vetsim.budget(sc))
    print(f"sample county budget, exact:                           {t_exact:.3f} s")
    t2 = best_of(lambda: vetsim.budget(sc, draws=1000, seed=1), repeat=2)
    print(f"sample county budget, 1,000 Monte Carlo draws:         {t2:.3f} s  (target 5 s, ratio {t2 / 5:.2f})")


LIMIT_SECONDS, LIMIT_MB = 90.0, 1024.0  # what the README promises for each documented maximum


def _command(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak MB, exit code) of ``vetsim <args>`` in a fresh process (its own peak only)."""
    exe = str(Path(sys.executable).with_name("vetsim"))
    t = time.perf_counter()
    proc = subprocess.Popen([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak resident memory (KB)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t, usage.ru_maxrss / 1024, proc.returncode


def limits() -> None:
    """The documented maxima of ``vetsim budget``, each run as a user would run it."""
    from vetsim.scenario.limits import LIMITS

    sample = ROOT / "data" / "sample_county"
    sc = vetsim.load_scenario(sample)
    cohort = sc.spec.fiscal.si_continuation.cohort
    heads = max(cohort.count.value, cohort.count.dist.high if cohort.count.dist else 0) if cohort else 0
    n_app = int(LIMITS["applicants"].value)
    cells = int(LIMITS["draw_cells"].value)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "si_200k"
        shutil.copytree(sample, big)
        rows = list(csv.DictReader(open(sample / "si_applicants.csv", encoding="utf-8")))
        with open(big / "si_applicants.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            for k in range(n_app):
                w.writerow({**rows[k % len(rows)], "person_id": f"Q{k:06d}"})
        max_draws_big = int(cells // (n_app + heads))
        max_draws_sample = int(cells // (len(rows) + heads))
        runs = [(f"budget, {n_app:,} applicants, exact", ["budget", str(big)]),
                (f"budget, {n_app:,} applicants x {max_draws_big} draws", ["budget", str(big), "--draws", str(max_draws_big)]),
                (f"budget, sample county x {max_draws_sample:,} draws", ["budget", str(sample), "--draws", str(max_draws_sample)])]
        for what, args in runs:
            wall, mb, code = _command(args)
            ok = code == 0 and wall <= LIMIT_SECONDS and mb <= LIMIT_MB
            print(f"{what:<46} {wall:6.1f} s  {mb:6.0f} MB  exit {code}  "
                  f"(limits {LIMIT_SECONDS:.0f} s, {LIMIT_MB:.0f} MB: {'holds' if ok else 'EXCEEDED'})")


if __name__ == "__main__":
    if "--limits" in sys.argv:
        limits()
    else:
        main()
        limits()
