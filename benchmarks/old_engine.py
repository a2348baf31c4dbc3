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

__all__ = ["ROOT", "exported", "run_in", "headline_code", "run_values", "headline_keys", "compare"]


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


def run_values(per_rep) -> dict[str, list[float | None]]:
    """Every replication's value of each (metric, level) over all case types: ``{"metric|level": [...]}``."""
    pr = per_rep[per_rep["case_type"] == "all"]
    vals: dict[str, list[float | None]] = {}
    for (metric, level), g in pr.groupby(["metric", "level"], sort=False):
        vals[f"{metric}|{level}"] = [None if v != v else float(v) for v in g.sort_values("replication")["value"]]
    return vals


def headline_keys() -> list[str]:
    """The headline KPIs: every simulated row of the brief's KPI table, as ``metric|level``."""
    from vetsim.brief.kpis import BRIEF_KPIS

    return [f"{k.metric}|{k.level or 'all'}" for k in BRIEF_KPIS if k.metric]


def compare(old: dict[str, list], new: dict[str, list]) -> list[tuple[str, tuple, tuple, bool]]:
    """Per headline KPI present in either run: (key, old (mean, low, high), new (mean, low, high), agree),
    agree when each mean lies in the other's 95% interval (:func:`vetsim.stats.inside_each_other`)."""
    import numpy as np

    from vetsim.kpis import KPIS
    from vetsim.stats import inside_each_other, mean_interval

    rows = []
    for key in headline_keys():
        if key not in old and key not in new:
            continue
        a = np.array([np.nan if v is None else v for v in old.get(key, [])], dtype=float)
        b = np.array([np.nan if v is None else v for v in new.get(key, [])], dtype=float)
        binary = KPIS[key.split("|")[0]].binary if key.split("|")[0] in KPIS else False
        rows.append((key, mean_interval(a, binary), mean_interval(b, binary), inside_each_other(a, b, binary)))
    return rows


def headline_code(scenarios: dict[str, str], seed: int, replications: int) -> str:
    """Code that simulates each scenario (name -> path, relative to the folder) KPI-only and prints, as JSON,
    every replication's value of each (metric, level) over all case types (:func:`run_values`), the CPU
    seconds of each ``simulate`` and where vetsim came from."""
    return f"""
import json, sys, time
import vetsim
from vetsim import load_scenario
from vetsim.sim import simulate
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from old_engine import run_values
out = {{"vetsim_file": vetsim.__file__, "values": {{}}, "cpu_s": {{}}}}
for name, path in {scenarios!r}.items():
    sc = load_scenario(path)
    c0 = time.process_time()
    res = simulate(sc, replications={replications}, seed={seed}, tables=False)
    out["cpu_s"][name] = time.process_time() - c0
    out["values"][name] = run_values(res.per_replication)
print(json.dumps(out))
"""
