"""Benchmark of a region experiment on Dask (issue 15). Run: .venv/bin/python benchmarks/bench_region.py

The acceptance experiment: the sample city's 20 counties x 3 variants (baseline; every township station
with 2 funded posts; township staff away 30% of their days) x 10 replications of one year, run on a
Dask LocalCluster of 1 and then 2 worker processes (one thread each), results written as the Parquet
dataset. Prints, measured in this run on this machine:
1. throughput in county-years per second for 1 and 2 workers (loading the region is not timed);
2. parallel efficiency at 2 workers = T(1) / (2 x T(2)); target >= 85%;
3. peak memory (max RSS) per worker; target < 1 GB;
4. whether the two runs wrote identical results (hash of the sorted tables).
Options: --reps N, --counties N, --days N for a shorter run. The machine may be shared: the load
average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vetsim.region.experiment import load_experiment  # noqa: E402
from vetsim.region.runner import prepare_out, read_results, run_groups  # noqa: E402

EXPERIMENT = """\
region: {city}
{counties}
changes:
  - {{path: simulation.days, value: {days}}}
variants:
  - {{name: baseline}}
  - name: township_funded_2
    changes: [{{table: sites.csv, where: {{level: township}}, field: funded_staff, value: 2}}]
  - name: away_30
    changes: [{{path: presence.township.away_share.value, value: 0.3}}]
replications: {reps}
seed: 2027
outputs: [metrics]
"""


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run(exp, workers: int, out: Path) -> tuple[float, list[int]]:
    from dask.distributed import Client, LocalCluster

    prepare_out(out, exp.plan())
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client:
        client.run(lambda: None)  # workers up before the clock starts
        t = time.perf_counter()
        stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, client=client, progress=False)
        wall = time.perf_counter() - t
        rss = sorted(client.run(_peak_rss).values())
    assert stats.computed == len(exp.groups()) * exp.spec.replications
    return wall, rss


def digest(out: Path) -> str:
    df = read_results(out)
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()).hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    ids = [f"X{i:02d}" for i in range(1, a.counties + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "experiment.yaml"
        f.write_text(EXPERIMENT.format(city=ROOT / "data" / "sample_city", counties=f"counties: [{', '.join(ids)}]",
                                       days=a.days, reps=a.reps), encoding="utf-8")
        t = time.perf_counter()
        exp = load_experiment(f)
        print(f"loaded {len(exp.counties)} counties x {len(exp.variants)} variants in {time.perf_counter() - t:.1f} s")
        cells = len(exp.counties) * len(exp.variants) * a.reps
        county_years = cells * a.days / 365
        print(f"load average before: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
        w1, rss1 = run(exp, 1, Path(tmp) / "w1")
        print(f"1 worker : {w1:7.1f} s  {county_years / w1:6.2f} county-years/s  peak RSS {max(rss1) / 2**20:.0f} MB"
              f"  (load {os.getloadavg()[0]:.1f})")
        w2, rss2 = run(exp, 2, Path(tmp) / "w2")
        print(f"2 workers: {w2:7.1f} s  {county_years / w2:6.2f} county-years/s  peak RSS per worker "
              f"{', '.join(f'{r / 2**20:.0f}' for r in rss2)} MB  (load {os.getloadavg()[0]:.1f})")
        eff = w1 / (2 * w2)
        print(f"cells {cells}, county-years {county_years:.0f}; parallel efficiency at 2 workers {eff:.0%} (target >= 85%); "
              f"memory per worker < 1 GB: {max(rss1 + rss2) < 2**30}")
        same = digest(Path(tmp) / "w1") == digest(Path(tmp) / "w2")
        print(f"identical results on 1 and 2 workers: {same}")


if __name__ == "__main__":
    main()
