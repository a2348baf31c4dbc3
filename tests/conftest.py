"""Shared fixtures: paths of the bundled scenarios."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Simulation results the tests cache (vetsim.cache) go to a scratch folder, never the user's cache.
os.environ.setdefault("VETSIM_CACHE", tempfile.mkdtemp(prefix="vetsim-test-cache-"))
# The command line speaks English under an English locale; the tests expect its default, Chinese.
for _var in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_var, "").lower().startswith("en"):
        os.environ[_var] = "C.UTF-8"

# Marked tests skipped on a local run by default (the quick suite, `make test` in minutes on 2 cores): CI
# runs them (CI=true, as .ci/run sets), and so does any run with VETSIM_FULL_TESTS=1 or one that names
# a marker (-m browser, -m statistical).
FULL_SUITE_ENV = ("CI", "VETSIM_FULL_TESTS")
LOCAL_SKIPPED = ("browser", "statistical", "slow")


def full_suite(config) -> bool:
    """Whether every marked test runs: in CI, with VETSIM_FULL_TESTS set, or when ``-m`` chooses tests."""
    chosen = config.getoption("markexpr", default="")
    return bool(chosen) or any(os.environ.get(v, "").lower() not in ("", "0", "false") for v in FULL_SUITE_ENV)


# xdist hands out whole files (``--dist loadfile`` in pyproject's addopts): a file's module-scoped fixtures and
# cached runs are then built once, not once per worker. Files are handed out in the order below, the longest
# first, so that a long file does not start last and keep one core busy while the other waits. The figures are a
# file's seconds in one serial run of the quick suite (`-n 0 --durations=0`, Dec 2026, on the shared 2-core machine
# at load ~7, so only their order matters); other files follow in their usual order. In a full run (CI) the files
# with browser/statistical tests go first: they run minutes.
FILE_SECONDS = {
    "tests/test_readme_commands.py": 83, "tests/test_ui_dashboard.py": 78, "tests/test_region_experiment.py": 76,
    "tests/test_ui_server.py": 75, "tests/test_bulletin.py": 73, "tests/test_compare.py": 57,
    "tests/test_bad_input_corpus.py": 54, "tests/test_report_brief.py": 46, "tests/test_ui_estimate_cards.py": 41,
    "tests/test_brief_layout.py": 40, "tests/test_replicate.py": 36, "tests/test_calibration_recovery.py": 34,
    "tests/test_cli_output.py": 31, "tests/test_petition_owners.py": 30, "tests/test_brief_three_ways.py": 27,
    "tests/test_file_writers.py": 27, "tests/test_chart_numbers.py": 25, "tests/test_startup.py": 24,
    "tests/test_staffing_plan.py": 21, "tests/test_scenario_invalid.py": 20, "tests/test_scenario_property.py": 20,
    "tests/test_ledger_backtest.py": 19, "tests/test_charts_render.py": 19, "tests/test_tasks_acceptance.py": 18,
    "tests/test_tasks.py": 18, "tests/test_sensitivity.py": 17, "tests/test_cache.py": 16,
    "notebooks/03_dashboard.ipynb": 14, "tests/test_ui_budget.py": 13, "tests/test_sim_flow.py": 11,
    "tests/test_sitemap.py": 11,
}


def _file(item) -> str:
    return item.nodeid.split("::", 1)[0]  # tests/test_x.py, notebooks/x.ipynb


def _file_weight(path: str, full: bool, marked: set[str]) -> float:
    return (1e6 if full and path in marked else 0.0) + FILE_SECONDS.get(path, 0.0)


def pytest_collection_modifyitems(config, items) -> None:
    full = full_suite(config)
    marked = {_file(item) for item in items if any(m in item.keywords for m in LOCAL_SKIPPED)}
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        first_seen.setdefault(_file(item), i)
    # a stable sort: each file's tests stay together and in their order (module fixtures set up once)
    items.sort(key=lambda item: (-_file_weight(_file(item), full, marked), first_seen[_file(item)]))
    if full:
        return
    skip = pytest.mark.skip(reason="browser/statistical: CI runs it (CI=true); here VETSIM_FULL_TESTS=1 or -m MARKER")
    for item in items:
        if any(m in item.keywords for m in LOCAL_SKIPPED):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    """The machine's load at the end of the run: a time of the suite means little without it."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mode = "browser/statistical tests included" if full_suite(terminalreporter.config) else \
        "quick suite (browser/statistical skipped)"
    terminalreporter.write_line(f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {cores} cores; {mode}")


ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_county"
PROPOSAL = ROOT / "data" / "proposal_more_staff"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def proposal_path() -> Path:
    return PROPOSAL


@pytest.fixture(scope="session")
def sample():
    import vetsim

    return vetsim.load_scenario(SAMPLE)


@pytest.fixture(scope="session")
def proposal():
    import vetsim

    return vetsim.load_scenario(PROPOSAL)
