"""Same seed, same numbers: this checkout against another commit, bit for bit, and their CPU side by side.

Run: .venv/bin/python benchmarks/same_numbers.py [COMMIT] [--timing ROUNDS]

For a refactor that must change no number (issue 25): every scenario below is simulated with the same
seed by the commit's tree (``benchmarks/old_engine.py``: ``git archive`` into a temporary folder) and by
this checkout, with tables and KPI-only; the case, visit, site-day and work tables, the per-replication
KPIs and the summary must be equal to the last bit (``pandas.testing.assert_frame_equal``, exact).
The scenarios cover the sample county and its proposals, petition owners on a township with unstaffed
townships (walk-ins sent on, 包案 owner != site), a star network with abandonment and gamma or exponential service times
on the official calendar, a continuous-calendar M/M/3 desk, and a fifth (community) level. Then the paths
those miss, each in a short run (checked by line coverage of ``vetsim/sim/flow.py`` under ``VETSIM_JIT=0``,
by the results, and by changing each path in the new engine: only its scenario then differs): a stand-in
keeping the counter when nobody is present (``closed_when_away: false``), the category work policy with
``overtime: use: late``, the stresses volume x2, staff halved and the townships emptied, ledger standard
errors (parameters drawn per replication), long-running backlog cases without a partner (decided at once,
or on their earliest day) and owned by another site, visits past the pre-drawn numbers (overflow
generators) and runs repeated for more room (visits, casework items), odd opening days and hours (a visit
due in the past at a closed counter, a straight hand-on to a closed parent, the horizon on a weekend), a
continuous desk with staff away (the day end's change of servers serves a waiting queue), walk-ins and
hotline files referred up to a partner with processing days, gamma service times with CV above 1 on the
weekdays calendar, and a network with no cases at all.

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
from vetsim.scenario import scale_rows
from vetsim.scenario.loader import validate_scenario
from vetsim.scenario.sensitivity_spec import TableKey
from vetsim.sim import simulate, star_network, synthetic_scenario

TMP = Path(tempfile.mkdtemp())


def overlay(name, text, days):
    """The sample county with the settings ``text`` (scenario.yaml keys) and ``days`` days, as an overlay folder
    both trees read."""
    folder = TMP / name
    folder.mkdir()
    base = Path("data/sample_county").resolve()
    (folder / "scenario.yaml").write_text(f"base: {base}\nsimulation: {{days: {days}}}\n" + text, encoding="utf-8")
    return load_scenario(folder)

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
    # paths the scenarios above may not reach (issue 25, verify25)
    yield "stand_in_counter", overlay("stand_in", (
        "presence:\n  township: {away_share: {value: 0.35, unit: share, source: x}, closed_when_away: false}\n"
        "  village: {away_share: {value: 0.2, unit: share, source: x}, closed_when_away: false}\n"), 60), 2, 21
    short = overlay("short", "", 90)
    yield "category_policy_late_overtime", overlay("category_late", "work_policy: category_order\novertime:\n" + "".join(
        f"  {lv}: {{max_hours_per_week: {{value: 10, unit: h, source: x}}, use: late}}\n"
        for lv in ("county_center", "township", "village")), 90), 2, 22
    yield "volume_x2", scale_rows(short, TableKey("caseload.csv", (), "yearly_volume"), 2.0), 1, 23
    yield "staff_halved", short.with_site_changes(
        {s.site_id: {"funded_staff": s.funded_staff // 2, "parttime_staff": s.parttime_staff // 2}
         for s in short.sites}), 1, 33
    yield "townships_emptied", short.with_site_changes(
        {s.site_id: {"funded_staff": 0, "parttime_staff": 0} for s in short.sites_at("township")}), 1, 24
    rows = tuple(r.model_copy(update={"yearly_volume_se": 0.2 * r.yearly_volume,
                                      "resolved_here_share_se": 0.05 if 0.1 < r.resolved_here_share < 0.9 else None})
                 for r in short.caseload)
    yield "ledger_fitted_se", validate_scenario(short.with_table("caseload.csv", rows)), 2, 25
    town = short.sites_at("township")[0].site_id
    pet = next(r for r in short.backlog if r.case_type == "petition")
    long_rows = (*short.backlog,
                 pet.model_copy(update={"site_id": town, "owner_site": short.county_center.site_id, "partner": None,
                                        "earliest_days": None, "open_cases": 6, "effort_hours": 3.0}),
                 pet.model_copy(update={"case_type": "hardship", "partner": None, "earliest_days": 60,
                                        "owner_site": None, "open_cases": 5, "effort_hours": 4.0}),
                 pet.model_copy(update={"case_type": "pension", "earliest_days": 0, "owner_site": None,
                                        "unresolvable_share": 0.5, "open_cases": 5, "effort_hours": 2.0}))
    long_rows = tuple(r for r in long_rows if (r.case_type, r.site_id) not in {("hardship", "C01"), ("pension", "C01")}
                      or r.effort_hours is not None)
    yield "backlog_long_no_decider", validate_scenario(short.with_table("backlog.csv", long_rows)), 2, 26
    yield "crowded_desk_overflow", star_network(1, 2, volume_per_village=6000, staff=(1, 1, 1), simulation={
        "calendar": "official", "service_time_distribution": "gamma", "abandonment": True, "days": 40}), 2, 27
    yield "odd_hours_straight_on", odd_hours(), 2, 28
    yield "continuous_away", continuous_away(), 2, 29
    yield "referred_up_to_partner", referred_up(), 2, 30
    cv = {"value": 1.5, "unit": "ratio", "label_zh": "x", "label_en": "x", "source": "x"}
    yield "star_gamma_cv_above_1", star_network(2, 2, volume_per_village=2000, staff=(1, 1, 1), simulation={
        "calendar": "weekdays", "service_time_distribution": "gamma", "service_time_cv": cv, "abandonment": True,
        "days": 40}), 2, 31
    yield "no_cases", star_network(1, 1, volume_per_village=0.0, simulation={"days": 10}), 1, 32


def odd_hours():
    """A township open Mon-Thu; a village open Mon-Thu mornings to 11:00 (its cases decided at the day end go on
    to the township while it is still open: a visit scheduled in the past, at a closed counter with a server
    idle), another village open Mon-Fri whose zero-minute cases go straight on to the township's counter even
    on Fridays (closed); 87 days, the last two a weekend (return visits and referrals past the horizon)."""
    sites = [{"site_id": "C", "level": "county_center", "funded_staff": 2},
             {"site_id": "T", "level": "township", "parent_id": "C", "funded_staff": 1, "open_days": "Mon-Thu"},
             {"site_id": "V1", "level": "village", "parent_id": "T", "funded_staff": 1, "open_days": "Mon-Thu",
              "open_hours": "08:30-11:00"},
             {"site_id": "V2", "level": "village", "parent_id": "T", "funded_staff": 1}]
    load = []
    for ct, bo in (("a", 0.5), ("b", 0.0)):
        load += [{"case_type": ct, "level": "village", "yearly_volume": 3000, "counter_minutes": 8.0,
                  "backoffice_hours": bo, "resolved_here_share": 0.3},
                 {"case_type": ct, "level": "township", "yearly_volume": 0, "counter_minutes": 12.0,
                  "resolved_here_share": 0.8},
                 {"case_type": ct, "level": "county_center", "yearly_volume": 0, "counter_minutes": 15.0}]
    return synthetic_scenario(sites, load, case_types={"a": {"missing_document_rate": 0.2}, "b": {}},
                              simulation={"calendar": "official", "service_time_distribution": "gamma",
                                          "abandonment": True, "days": 87})


def referred_up():
    """Cases with desk time at every level, mostly referred on (walk-ins to the next counter, hotline files
    without the veteran) up to a partner department with processing days: more casework items than the
    engine's first room for them (1.5 a case)."""
    sites = [{"site_id": "C", "level": "county_center", "funded_staff": 3},
             {"site_id": "T", "level": "township", "parent_id": "C", "funded_staff": 2}]
    sites += [{"site_id": f"V{i}", "level": "village", "parent_id": "T", "funded_staff": 1} for i in range(3)]
    load = [{"case_type": "r", "level": "village", "yearly_volume": 9000, "counter_minutes": 8.0,
             "backoffice_hours": 0.2, "resolved_here_share": 0.1, "referral_delay_days": 1},
            {"case_type": "r", "level": "township", "yearly_volume": 0, "counter_minutes": 10.0,
             "backoffice_hours": 0.3, "resolved_here_share": 0.1, "referral_delay_days": 2},
            {"case_type": "r", "level": "county_center", "yearly_volume": 0, "counter_minutes": 12.0,
             "backoffice_hours": 0.3, "resolved_here_share": 0.4, "referral_delay_days": 0},
            {"case_type": "r", "level": "partner", "yearly_volume": 0, "counter_minutes": 0.0,
             "backoffice_hours": 0.0}]
    return synthetic_scenario(sites, load, case_types={"r": {"hotline_share": 0.4, "partner": "p"}},
                              partners={"p": {"processing_days": 6}},
                              simulation={"calendar": "official", "service_time_distribution": "gamma",
                                          "abandonment": True, "days": 60})


def continuous_away():
    """A continuous-calendar desk whose two posts are each away 30% of days: the queue outlives the day, so
    the day end's change of servers serves it."""
    import dataclasses
    from vetsim.scenario.work_spec import Presence
    sc = synthetic_scenario(
        [{"site_id": "C", "level": "county_center", "funded_staff": 2}],
        [{"case_type": "x", "level": "county_center", "yearly_volume": 0.15 * 1440 * 365, "counter_minutes": 10.0}],
        simulation={"calendar": "continuous", "service_time_distribution": "exponential", "abandonment": True,
                    "days": 30})
    away = {"value": 0.3, "unit": "share", "label_zh": "x", "label_en": "x", "source": "x"}
    presence = Presence.model_validate({"county_center": {"away_share": away}})
    return dataclasses.replace(sc, spec=sc.spec.model_copy(update={"presence": presence}))

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
        old = outputs(tree)
        bad = differences(old, outputs(ROOT))
        print("\n".join(bad) if bad else f"all {len(old)} scenarios bit-identical to {args.commit}: {', '.join(old)}")
        if args.timing:
            timing(tree, args.timing)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
