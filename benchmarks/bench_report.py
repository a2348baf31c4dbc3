"""Benchmark of the meeting brief: how long charts and exports take next to the simulation they show.

Run: ``.venv/bin/python benchmarks/bench_report.py [REPLICATIONS]``. Prints wall times measured in
this run (sample county vs the proposal, same seed) and ratios; no pass/fail.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vetsim  # noqa: E402
from vetsim import charts  # noqa: E402
from vetsim.brief import BriefInputs, make_brief  # noqa: E402
from vetsim.fiscal import budget  # noqa: E402
from vetsim.work import site_costs  # noqa: E402


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    base = vetsim.load_scenario(ROOT / "data" / "sample_county")
    prop = vetsim.load_scenario(ROOT / "data" / "proposal_more_staff")
    seed = base.spec.seed
    b_res, t_b = _timed(vetsim.simulate, base, replications=reps, seed=seed)
    p_res, t_p = _timed(vetsim.simulate, prop, replications=reps, seed=seed)
    bud, t_bud = _timed(budget, prop, draws=200, seed=seed, caseload=p_res)
    t_sim = t_b + t_p
    print(f"simulation, {reps} replications x 2 scenarios: {t_sim:6.2f} s; budget (200 draws): {t_bud:5.2f} s")

    print("\nstand-alone charts (zh), build + draw to PNG at 1920 px:")
    total_charts = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        makers = {
            "waits_by_level": lambda: charts.waits_by_level(b_res, p_res, scenario=base),
            "one_trip_by_level": lambda: charts.one_trip_by_level(b_res, p_res, scenario=base),
            "resolution_vs_deadline": lambda: charts.resolution_vs_deadline(b_res, p_res, scenario=base),
            "utilisation_heatmap": lambda: charts.utilisation_heatmap(p_res, scenario=prop),
            "backlog_burndown": lambda: charts.backlog_burndown(b_res, p_res, scenario=base),
            "staff_and_cost": lambda: charts.staff_and_cost(site_costs(base), site_costs(prop), scenario=base),
            "budget_by_tier": lambda: charts.budget_by_tier(bud),
            "budget_by_line": lambda: charts.budget_by_line(bud),
        }
        for name, make in makers.items():
            t0 = time.perf_counter()
            charts.save_figure(make(), Path(tmp) / f"{name}.png")
            dt_ = time.perf_counter() - t0
            total_charts += dt_
            print(f"  {name:24s} {dt_:6.2f} s")

        inputs = BriefInputs(base, b_res, site_costs(base), bud, prop, p_res, site_costs(prop))
        brief, t_make = _timed(make_brief, inputs, "zh")
        _, t_fig = _timed(lambda: brief.figure)
        print(f"\nbrief: KPI table + headlines {t_make:5.2f} s; page figure {t_fig:5.2f} s")
        exports = {}
        for suffix in ("png", "pdf", "html"):
            path, exports[suffix] = _timed(brief.save, Path(tmp) / f"brief.{suffix}")
            print(f"  export {suffix:4s} {exports[suffix]:6.2f} s  {path.stat().st_size / 1024:8.0f} KiB")
    brief_total = t_make + t_fig + sum(exports.values())
    print(f"\nratio brief (all three files) / simulation: {brief_total / t_sim:5.2f}")
    print(f"ratio PDF export / PNG export:              {exports['pdf'] / exports['png']:5.2f}"
          "  (PDF subsets the CJK font with fontTools: text stays text)")
    print(f"ratio all 8 stand-alone charts / page PNG:  {total_charts / (t_fig + exports['png']):5.2f}")


if __name__ == "__main__":
    main()
