"""Fiscal model speed (issue 5 targets, on this machine):

1. 1,000,000 social-insurance applicants x 10 interrupted years, exact back-payments over a 10-year
   budget horizon, split over the four tiers: target < 2 s.
2. 1,000 Monte Carlo draws of the sample county's whole budget: target < 5 s.
Run: .venv/bin/python benchmarks/bench_fiscal.py   (prints figures and ratios to the targets)
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
