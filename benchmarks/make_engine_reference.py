"""Write ``tests/data/engine_reference.json``: the KPIs of an earlier engine, the yardstick of the
statistical-equivalence test (tests/test_sim_equivalence.py, issue 25).

Run: .venv/bin/python benchmarks/make_engine_reference.py [COMMIT]

The commit's tree is taken from git into a temporary folder (``benchmarks/old_engine.py``); there the
sample county and the proposal are simulated KPI-only, ``REPLICATIONS`` replications from ``SEED``, and
every replication's value of each (metric, level) over all case types is stored with the commit, seed and
replications that made it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from old_engine import ROOT, exported, headline_code, run_in  # noqa: E402

COMMIT = "2fe4189"  # main before the faster engine of issue 25
SEED, REPLICATIONS = 20251204, 20
SCENARIOS = {"sample_county": "data/sample_county", "proposal_more_staff": "data/proposal_more_staff"}
OUT = ROOT / "tests" / "data" / "engine_reference.json"


def main(commit: str = COMMIT) -> None:
    full = subprocess.run(["git", "-C", str(ROOT), "rev-parse", commit], capture_output=True, text=True,
                          check=True).stdout.strip()
    with exported(full) as tree:
        got = run_in(tree, headline_code(SCENARIOS, SEED, REPLICATIONS))
    doc = {"made_by": "benchmarks/make_engine_reference.py", "commit": full, "seed": SEED,
           "replications": REPLICATIONS, "tables": False, "scenarios": SCENARIOS, "values": got["values"]}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} from {full[:10]} ({REPLICATIONS} replications, seed {SEED})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
