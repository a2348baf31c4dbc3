"""Ledger import speed and memory (issue 12 target: 100,000 ledger rows in < 10 s and < 500 MB).

Renders a synthetic visitor ledger of 100,000 rows with every messiness (three sheets, title row,
two-row merged header, subtotal and blank rows, mixed date forms, full-width digits, site and case
word variants, fake personal data), then imports it in a fresh child process and prints its wall
time, CPU time and peak memory (ru_maxrss of the child: Python, pandas, calamine and the records),
for the .xlsx and for the same ledger as .csv.

Wall time on a shared machine includes waiting for a core; the CPU time is what the import itself
costs. The key lives in a temp folder (never the user's).
Run: .venv/bin/python benchmarks/bench_ledger_import.py [ROWS]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S, TARGET_MB = 10.0, 500.0

_CHILD = """
import json, resource, sys, time
import vetsim
from vetsim.ledger import import_ledger
sc = vetsim.load_scenario(sys.argv[2])
w, c = time.perf_counter(), time.process_time()
res = import_ledger(sys.argv[1], sc)
wall, cpu = time.perf_counter() - w, time.process_time() - c
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "used": res.summary["rows_used"], "read": res.summary["rows_read"],
                  "rejected": res.summary["rows_rejected"]}))
"""


def main() -> None:
    import vetsim
    from vetsim.ledger import render_ledger, synthetic_records

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sc_path = ROOT / "data" / "sample_county"
    sc = vetsim.load_scenario(sc_path)
    with tempfile.TemporaryDirectory(prefix="vetsim-bench-ledger-") as tmp:
        env = dict(os.environ, VETSIM_KEY=str(Path(tmp) / "key" / "ledger.key"))
        recs = synthetic_records(sc, "visits", n, seed=1)
        for suffix in (".xlsx", ".csv"):
            path = Path(tmp) / f"visits{suffix}"
            t = time.perf_counter()
            render_ledger(recs, sc, "visits", 2, path)
            made = time.perf_counter() - t
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(sc_path)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            m = json.loads(out.strip().splitlines()[-1])
            print(f"{suffix[1:]:>4}: {n:,} records rendered in {made:.1f} s ({path.stat().st_size / 1e6:.1f} MB); "
                  f"import read {m['read']:,} rows, used {m['used']:,}, rejected {m['rejected']}")
            print(f"      wall {m['wall']:.1f} s (target < {TARGET_S:.0f} s, ratio {m['wall'] / TARGET_S:.2f}), "
                  f"CPU {m['cpu']:.1f} s (ratio {m['cpu'] / TARGET_S:.2f}), peak memory {m['rss_mb']:.0f} MB "
                  f"(target < {TARGET_MB:.0f} MB, ratio {m['rss_mb'] / TARGET_MB:.2f})")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
