"""Fixed costs a user must not pay twice (issue 25, Build 4).

``vetsim --help`` and ``vetsim COMMAND -h`` build the whole parser, in a fresh process, without
loading matplotlib, pandas or scipy.stats; the Student-t and normal quantiles come from
``scipy.special`` with the values of the tables (and of ``scipy.stats``, to the last bit).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from vetsim.stats import t_half_width, t_interval, t_quantile, wilson_interval

from .conftest import ROOT

HEAVY = ("matplotlib", "pandas", "scipy.stats")

# what the help of each command must not load, read from a fresh interpreter's sys.modules
_PROBE = """
import json, sys
sys.argv = ["vetsim", *sys.argv[1:]]
from vetsim.cli import main
code = main()
heavy = sorted({n for n in sys.modules for h in %r if n == h or n.startswith(h + ".")})
print("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}))
""" % (HEAVY,)  # noqa: UP031 - a code template: its own braces stay as they are


def _probe(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, check=False)
    line = next((l for l in out.stdout.splitlines() if l.startswith("PROBE ")), None)
    assert line is not None, out.stdout[-2000:] + out.stderr[-2000:]
    return json.loads(line.removeprefix("PROBE "))


@pytest.mark.parametrize("command", ["", "validate", "show", "simulate", "staff", "budget", "report", "calibrate",
                                     "sensitivity", "region", "ledger", "tasks", "bulletin"])
def test_help_loads_no_plotting_tables_or_scipy_stats(command: str) -> None:
    got = _probe(*([command] if command else []), "--help")
    assert got["code"] == 0
    assert got["heavy"] == [], f"`vetsim {command} --help` imported {got['heavy'][:8]}"


def test_the_probe_sees_a_heavy_import() -> None:
    """The probe can fail: a command that computes a budget loads pandas, and the probe says so."""
    got = _probe("budget", str(ROOT / "data" / "sample_county"))
    assert got["code"] == 0 and any(h.startswith("pandas") for h in got["heavy"])


@pytest.mark.parametrize("p, df, table", [(0.975, 1, 12.7062047), (0.975, 9, 2.2621572), (0.975, 19, 2.0930241),
                                          (0.95, 4, 2.1318468), (0.995, 29, 2.7563859), (0.025, 9, -2.2621572)])
def test_t_quantiles_are_the_tables(p: float, df: int, table: float) -> None:
    assert t_quantile(p, df) == pytest.approx(table, abs=5e-8)


def test_t_quantiles_equal_scipy_stats_to_the_last_bit() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 5, 9, 19, 39, 99, 1000):
        for p in (0.5, 0.9, 0.95, 0.975, 0.995, 0.025):
            assert t_quantile(p, df) == float(stats.t.ppf(p, df))
    sd, n = [1.0, 2.5, 0.3, 4.0], [1, 2, 10, 40]
    want = [math.nan] + [float(stats.t.ppf(0.975, k - 1)) * s / math.sqrt(k) for s, k in zip(sd[1:], n[1:])]
    got = t_half_width(sd, n)
    assert math.isnan(got[0]) and list(got[1:]) == want[1:]
    assert wilson_interval(3, 4) == pytest.approx((0.3006418, 0.9544127), abs=1e-6)


def test_interval_of_known_numbers() -> None:
    """1..10: mean 5.5, sd 3.0276504, t(0.975, 9) 2.2621572 -> half width 2.1658506."""
    mean, low, high = t_interval(range(1, 11))
    assert mean == 5.5
    assert (high - mean) == pytest.approx(2.1658506, abs=1e-6)
    assert mean - low == pytest.approx(high - mean)
    assert math.isnan(t_quantile(0.975, 0))


@pytest.mark.parametrize("package, name", [("vetsim.fiscal", "budget"), ("vetsim.sensitivity", "tornado")])
def test_an_export_named_like_its_module_stays_the_function(package: str, name: str) -> None:
    """Lazy exports: importing the module ``package.name`` first (as a handler does) must not turn the
    package's ``name`` into that module; an eager ``from .name import name`` left the function there."""
    code = (f"import importlib, {package}.{name}; import {package} as p; from {package} import {name} as f; "
            f"m = importlib.import_module('{package}.{name}'); "
            f"print(callable(f), f is getattr(p, '{name}'), f is getattr(m, '{name}'), type(m).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert out.stdout.split() == ["True", "True", "True", "module"], out.stdout + out.stderr[-2000:]
