"""Same seed, same numbers: this checkout against another commit, bit for bit, and their CPU side by side.

Run: .venv/bin/python benchmarks/same_numbers.py [COMMIT] [--timing ROUNDS]

For a refactor that must change no number (issue 25): every scenario below is simulated with the same
seed by the commit's tree (``benchmarks/old_engine.py``: ``git archive`` into a temporary folder) and by
this checkout, with tables and KPI-only; the case, visit, site-day and work tables, the per-replication
KPIs and the summary must be equal to the last bit (``pandas.testing.assert_frame_equal``, exact).
The scenarios cover the sample county and its proposals, petition owners on a township with unstaffed
townships (walk-ins sent on, 包案 owner != site), a star network with abandonment and gamma or exponential service times
on the official calendar, a continuous-calendar M/M/3 desk, and a fifth (community) level.

``--timing ROUNDS``: CPU seconds of one county-year of the sample county (``run_replication``, KPI-only
and with tables, median of 8 replications per round), the commit and this checkout in alternating rounds;
the medians over the rounds are printed.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from old_engine import ROOT, exported, run_in  # noqa: E402

COMMIT = "2a4b08f"  # main before the case-flow, stream and record speed-ups of issue 25

RUN = r'''
import json, pickle, sys, tempfile
from pathlib import Path
import pandas as pd
from vetsim import load_scenario
from vetsim.scenario.loader import validate_scenario
from vetsim.sim import simulate, star_network, synthetic_scenario

def scenarios():
    sc = load_scenario("data/sample_county")
    yield "sample_county", sc, 2, 1
    yield "proposal_more_staff", load_scenario("data/proposal_more_staff"), 2, 1
    yield "proposal_fewer_staff", load_scenario("tests/data/proposal_fewer_staff"), 1, 3
    town = sc.sites_at("township")[0].site_id
    rows = tuple(r.model_copy(update={"owner_site": town, "hours_per_week": 5.0}) if r.case_type == "petition"
                 else r for r in sc.backlog)
    own = validate_scenario(sc.with_table("backlog.csv", rows)).with_site_changes(
        {s.site_id: {"funded_staff": 0, "parttime_staff": 0} for s in sc.sites_at("township")[1:3]})
    yield "owner_unstaffed", own, 2, 5
    yield "star_gamma_abandon", star_network(2, 3, volume_per_village=300, staff=(1, 1, 2), simulation={
        "calendar": "official", "service_time_distribution": "gamma", "abandonment": True, "days": 60}), 3, 99
    yield "star_exp_abandon", star_network(2, 3, volume_per_village=2500, staff=(1, 1, 1), simulation={
        "calendar": "official", "service_time_distribution": "exponential", "abandonment": True, "days": 45}), 2, 4
    yield "continuous_mm3", synthetic_scenario(
        [{"site_id": "C", "level": "county_center", "funded_staff": 3}],
        [{"case_type": "x", "level": "county_center", "yearly_volume": 0.24 * 1440 * 365, "counter_minutes": 10.0}],
        simulation={"calendar": "continuous", "service_time_distribution": "exponential", "abandonment": False,
                    "days": 20}), 2, 11
    from tests.test_levels import _five_level_copy
    _, five = _five_level_copy(Path(tempfile.mkdtemp()), days=90)
    yield "five_levels", load_scenario(five), 2, 7

out = {}
for name, sc, n, seed in scenarios():
    r = simulate(sc, replications=n, seed=seed)
    k = simulate(sc, replications=n, seed=seed, tables=False)
    out[name] = {f: getattr(r, f) for f in ("cases", "visits", "site_days", "work", "per_replication", "summary")}
    out[name]["kpi_only_per_replication"] = k.per_replication
    out[name]["kpi_only_summary"] = k.summary
with open(OUT, "wb") as f:
    pickle.dump(out, f)
print(json.dumps({name: len(v["cases"]) for name, v in out.items()}))
'''

TIMING = r'''
import json, statistics, time
import numpy as np
from vetsim import load_scenario
from vetsim.sim.runner import run_replication
sc = load_scenario("data/sample_county")
key = sc.hash()
seqs = np.random.SeedSequence(3).spawn(9)
run_replication(sc, seqs[0], 0, key, False)  # warm: the compiled network is cached
out = {}
for tables in (False, True):
    ts = []
    for i, sq in enumerate(seqs[1:]):
        c = time.process_time()
        run_replication(sc, sq, i, key, tables)
        ts.append(time.process_time() - c)
    out["tables" if tables else "kpi_only"] = statistics.median(ts)
print(json.dumps(out))
'''


def outputs(folder: Path) -> dict:
    """Every scenario's tables and KPIs as simulated by the vetsim in ``folder``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.pkl"
        run_in(folder, f"OUT = {str(path)!r}\n" + RUN)
        with open(path, "rb") as f:
            return pickle.load(f)


def differences(old: dict, new: dict) -> list[str]:
    """What is not equal to the last bit: ``scenario/table: message``."""
    import pandas as pd

    bad = []
    for name, tables in old.items():
        for table, frame in tables.items():
            try:
                pd.testing.assert_frame_equal(frame, new[name][table], check_exact=True)
            except AssertionError as err:
                bad.append(f"{name}/{table}: {str(err).splitlines()[0]}")
    return bad


def timing(tree: Path, rounds: int) -> None:
    """The commit's and this checkout's CPU per county-year in alternating rounds; medians printed."""
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for _ in range(rounds):
        runs["old"].append(run_in(tree, TIMING))
        runs["new"].append(run_in(ROOT, TIMING))
    for which in ("kpi_only", "tables"):
        old = statistics.median(r[which] for r in runs["old"])
        new = statistics.median(r[which] for r in runs["new"])
        print(f"{which}: old {old:.4f} s, new {new:.4f} s CPU per county-year ({old / new:.2f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("commit", nargs="?", default=COMMIT)
    ap.add_argument("--timing", type=int, default=0, metavar="ROUNDS")
    args = ap.parse_args()
    with exported(args.commit) as tree:
        bad = differences(outputs(tree), outputs(ROOT))
        print("\n".join(bad) if bad else f"all scenarios bit-identical to {args.commit}")
        if args.timing:
            timing(tree, args.timing)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
