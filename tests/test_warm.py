"""The set-up step that compiles the engine's day end once (``python -m vetsim.sim.warm``, run by ``make venv``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_make_venv_compiles_the_engine_after_installing():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("$(VENV)/.installed:")[1].split("\n\n")[0]
    lines = [x.strip() for x in recipe.splitlines()]
    assert lines.index("$(PY) -m vetsim.sim.warm") > lines.index("$(PY) -m pip install -q -e '.[dev]'")
    assert lines[-1] == "touch $@"  # a failed compile leaves the venv not installed: the next make tries again


@pytest.mark.slow  # a whole compile (~50 s CPU): CI runs it, a local quick run skips it
def test_warm_fills_the_cache_that_the_next_process_loads(tmp_path):
    """With an empty cache the step compiles (seconds of CPU); a second process then only loads the code."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "HOME": str(tmp_path)}
    env.pop("VETSIM_JIT", None)
    first = subprocess.run([sys.executable, "-m", "vetsim.sim.warm"], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=600)
    assert first.returncode == 0 and "仿真引擎已编译就绪" in first.stdout and "compiled and ready" in first.stdout
    assert any((tmp_path / "vetsim").glob("jit-*/*/*.nbi")), "no machine code was cached"
    again = subprocess.run([sys.executable, "-m", "vetsim.sim.warm"], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=600)
    seconds = [float(out.stdout.split("（")[1].split(" 秒")[0]) for out in (first, again)]
    assert again.returncode == 0 and seconds[1] < seconds[0] / 3, seconds
