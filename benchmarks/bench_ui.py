"""How fast the staffing explorer answers a staffing change (acceptance: < 300 ms on the sample county).

Measured through the app object, as a user's edit arrives: set a value in the per-level or per-site
box (the widget callback checks it, applies it, recomputes the instant estimate and re-renders its
table), with debouncing off so the time is the work itself. Prints figures and ratios, no pass/fail.

    .venv/bin/python benchmarks/bench_ui.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vetsim.staffing import estimate  # noqa: E402
from vetsim.ui import StaffingExplorer  # noqa: E402

BUDGET_MS = 300.0
N = 40


def _stats(ms: list[float]) -> str:
    ms = sorted(ms)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    return f"median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms"


def main() -> None:
    t0 = time.perf_counter()
    app = StaffingExplorer(ROOT / "data", "sample_county", debounce=0)
    print(f"staffing explorer start-up (load scenario, first estimate): {(time.perf_counter() - t0) * 1e3:.0f} ms")
    n_sites = len(app.base.sites)
    level_ms, site_ms, model_ms = [], [], []
    box = app.editor.level_inputs[("township", "funded_staff")]
    app.editor.site_level.value = "township"
    row = app.editor.row_inputs[0]["funded_staff"]
    for i in range(N):
        before = app.estimate
        t = time.perf_counter()
        box.value = 2 + (i % 3)  # 2, 3, 4: always a change
        level_ms.append((time.perf_counter() - t) * 1e3)
        assert app.estimate is not before and not app.error
        before = app.estimate
        t = time.perf_counter()
        row.value = 6 + (i % 2)
        site_ms.append((time.perf_counter() - t) * 1e3)
        assert app.estimate is not before and not app.error
        staff = {sid: v["funded_staff"] + v["parttime_staff"] for sid, v in app.editor.values.items()}
        t = time.perf_counter()
        estimate(app.base, staff)
        model_ms.append((time.perf_counter() - t) * 1e3)
    print(f"sample county: {n_sites} sites, {N} edits of each kind")
    print(f"  per-level edit (all {len(app.base.sites_at('township'))} townships): {_stats(level_ms)}")
    print(f"  per-site edit (one township):              {_stats(site_ms)}")
    print(f"  model alone (vetsim.staffing.estimate):    {_stats(model_ms)}")
    med = statistics.median(level_ms + site_ms)
    print(f"ratio median edit / {BUDGET_MS:.0f} ms budget: {med / BUDGET_MS:.3f}  "
          f"(p90 {sorted(level_ms + site_ms)[int(0.9 * (2 * N - 1))] / BUDGET_MS:.3f})")
    print(f"share of an edit spent in the model: {statistics.median(model_ms) / med:.2f}")


if __name__ == "__main__":
    main()
