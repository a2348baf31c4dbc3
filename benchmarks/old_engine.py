"""Run another commit's engine side by side with this checkout's (issue 25).

``exported(commit)`` writes the tree of ``commit`` (``git archive``) into a temporary folder; ``run_in(folder,
code)`` runs ``code`` in a fresh Python whose ``vetsim`` is the one in that folder, and returns the JSON the
code prints last. Used by ``benchmarks/bench_sim.py`` (timings of the old engine) and
``benchmarks/make_engine_reference.py`` (the reference KPIs of ``tests/data/engine_reference.json``).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "exported", "run_in", "headline_code"]


@contextlib.contextmanager
def exported(commit: str) -> Iterator[Path]:
    """The files of ``commit`` in a temporary folder (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix=f"vetsim-{commit[:7]}-") as tmp:
        archive = Path(tmp) / "tree.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "tree", filter="data")
        archive.unlink()
        yield Path(tmp) / "tree"


def run_in(folder: Path, code: str, timeout: float = 1800) -> dict:
    """Run ``code`` with ``folder``'s vetsim first on the path; return the JSON of its last output line."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    prelude = f"import sys; sys.path.insert(0, {str(folder)!r})\n"
    out = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, env=env,
                         cwd=str(folder), timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"run in {folder} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def headline_code(scenarios: dict[str, str], seed: int, replications: int) -> str:
    """Code that simulates each scenario (name -> path, relative to the folder) KPI-only and prints, as JSON,
    every replication's value of each (metric, level, case_type 'all') row, and where vetsim came from."""
    return f"""
import json, vetsim
from vetsim import load_scenario
from vetsim.sim import simulate
out = {{"vetsim_file": vetsim.__file__, "values": {{}}}}
for name, path in {scenarios!r}.items():
    res = simulate(load_scenario(path), replications={replications}, seed={seed}, tables=False)
    pr = res.per_replication
    pr = pr[pr["case_type"] == "all"]
    vals = {{}}
    for (metric, level), g in pr.groupby(["metric", "level"], sort=False):
        vals[metric + "|" + str(level)] = [None if v != v else float(v) for v in g.sort_values("replication")["value"]]
    out["values"][name] = vals
print(json.dumps(out))
"""
