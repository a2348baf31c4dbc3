"""Staffing benchmark: how fast are the analytic estimates, the requirement and the optimizer on the sample county?

Run: ``.venv/bin/python benchmarks/bench_staffing.py``. Prints best-of-N wall times and the ratio to
the issues' limits (all sites x 24 hourly periods < 20 ms; the instant estimate of the whole county
< 50 ms after the first call, issue 10).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from vetsim import load_scenario
from vetsim.staffing import erlang_a, erlang_c, estimate, evaluate_arrays, optimize, requirement
from vetsim.work import derive_demand

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


def best(fn, n: int = 20) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    warnings.simplefilter("ignore")
    sc = load_scenario(SAMPLE)
    t0 = time.perf_counter()
    d = derive_demand(sc)
    t_derive = time.perf_counter() - t0
    staff = np.array([s.staff for s in sc.sites])
    wait = float(sc.spec.targets.wait_minutes.value)
    # one design day: the busiest month, every site x all 24 clock hours (closed hours included)
    peak = int(d.visits.sum(axis=(0, 2)).argmax())
    load = d.arrival_rate[:, peak, :] * d.service_min[:, peak][:, None]
    svc = np.maximum(d.service_min[:, peak], 1e-9)[:, None]
    c = staff[:, None]
    n_cells = load.size
    t_a = best(lambda: erlang_a(load, c, svc, d.patience_min, wait))
    t_c = best(lambda: erlang_c(load, c, svc, wait))
    t_year = best(lambda: evaluate_arrays(d, staff, wait), 10)
    t_ui = best(lambda: estimate(sc, {"C01": 5}), 10)
    t_req = best(lambda: requirement(sc, d), 3)
    t_opt = best(lambda: optimize(sc), 3)
    print(f"sample county: {len(sc.sites)} sites; design day = month {peak + 1}, {n_cells} site-hour cells")
    print(f"derive demand (once per scenario, cached)      {t_derive * 1e3:8.1f} ms")
    print(f"Erlang A, all sites x 24 hours                 {t_a * 1e3:8.2f} ms   limit 20 ms -> {t_a / 0.020:5.2f} of limit")
    print(f"Erlang C, all sites x 24 hours                 {t_c * 1e3:8.2f} ms   limit 20 ms -> {t_c / 0.020:5.2f} of limit")
    print(f"year estimate, sites x 12 months x 24 hours    {t_year * 1e3:8.2f} ms")
    print(f"UI call estimate(scenario, staff)              {t_ui * 1e3:8.2f} ms   limit 50 ms -> {t_ui / 0.050:5.2f} of limit")
    print(f"requirement per site (all candidates)          {t_req * 1e3:8.1f} ms")
    print(f"optimize (least-cost plan incl. costs, table)  {t_opt * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
