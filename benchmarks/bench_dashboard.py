"""How long the meeting dashboard takes to show its KPI cards in a browser, first and second load.

Acceptance (issue 11): the second load of the same scenarios shows the KPI cards in < 3 s (results
come from the on-disk cache, vetsim.cache). Starts the dashboard server as ``make dashboard`` does
(vetsim.ui.voila, 127.0.0.1, free port) with an empty results cache, then Debian's Chromium (headless,
through Playwright; never ``playwright install``) opens the page twice: seconds from navigation to
the first progress text, to the instant estimate's cards and to the simulated KPI cards are printed, with the machine's load average (the
browser, the server and the kernels share its cores, so a busy machine reads slower). Between the
loads the server is left ``--settle`` seconds to refill its pool of preheated kernels, as it would
between two meetings. Figures, not pass/fail.

    .venv/bin/python benchmarks/bench_dashboard.py [--replications N] [--settle S]

``--replications`` (default: the scenario's own count) shortens the first, uncached load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vetsim.ui.voila import CHROMIUM, CHROMIUM_ARGS, start_voila, stop_voila, wait_ready  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "03_dashboard.ipynb"
# a simulated card: live (vetsim.ui.dashboard) or its static preview on a later opening (MeetingDashboard.preview)
CARDS = ".vetsim-cards .vetsim-card.kpi-site_cost .v, .vetsim-cards .vetsim-card.static-kpi-site_cost .v"
ESTIMATE = ".vetsim-cards .vetsim-card.estimate-kpi-site_cost .v"  # the instant estimate's (vetsim.ui.estimate_cards)
PROGRESS = ".vetsim-progress, .vetsim-loading"
TARGET_S = 3.0
TIMEOUT_MS = 600_000


def _load(browser, url: str) -> tuple[float | None, float | None, float]:
    """Open the dashboard in a new page: seconds to a progress text, to the estimate's cards (each None if
    never seen) and to the simulated KPI cards."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        t0 = time.perf_counter()
        page.goto(url, timeout=TIMEOUT_MS, wait_until="commit")
        progress = estimate = None
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            if page.locator(CARDS).count():
                break
            if progress is None and page.locator(PROGRESS).count():
                progress = time.perf_counter() - t0
            if estimate is None and page.locator(ESTIMATE).count():
                estimate = time.perf_counter() - t0
            page.wait_for_timeout(50)
        page.locator(CARDS).first.wait_for(timeout=1000)
        return progress, estimate, time.perf_counter() - t0
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None, help="replications (default: the scenario's)")
    parser.add_argument("--settle", type=float, default=30.0, help="seconds between the loads (default 30)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="vetsim-bench-") as tmp:
        env = {"VETSIM_CACHE": str(Path(tmp) / "cache"), "VETSIM_UI_LOG": str(Path(tmp) / "ui.log")}
        if args.replications:
            env["VETSIM_UI_REPLICATIONS"] = str(args.replications)
        proc, url = start_voila(NOTEBOOK, env=env, log=Path(tmp) / "voila.log")
        try:
            wait_ready(url, timeout=120, proc=proc)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
                try:
                    reps = args.replications or "scenario's"
                    print(f"meeting dashboard, {reps} replications, empty results cache at start, "
                          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
                    for n, name in ((1, "first load (simulates, fills the cache)"), (2, "second load (cache)")):
                        if n == 2:
                            time.sleep(args.settle)
                        progress, estimate, cards = _load(browser, url)
                        shown = f"progress text after {progress:5.1f} s, " if progress is not None else ""
                        shown += f"estimate cards after {estimate:5.1f} s, " if estimate is not None else ""
                        print(f"  {name:42s} {shown}KPI cards after {cards:6.1f} s")
                        if n == 2:
                            print(f"  second load target < {TARGET_S:.0f} s: "
                                  f"{'met' if cards < TARGET_S else 'NOT met'} ({cards / TARGET_S:.2f} of target), "
                                  f"load average {os.getloadavg()[0]:.1f}")
                finally:
                    browser.close()
        finally:
            stop_voila(proc)


if __name__ == "__main__":
    main()
