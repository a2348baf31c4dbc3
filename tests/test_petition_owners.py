"""Petition backlog cases handled by named owners (包案, issue 23): who takes the cases and how much
time they give moves the chance of clearing the backlog; cases that cannot be resolved under current
policy are counted apart.

Common random numbers: every variant runs on the same seed, and the effort of each case, its partner's
decision and whether it can be resolved are drawn by keys of the case's own site and case type
(``vetsim.sim.streams``), so only the owner's time differs between the runs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from vetsim import load_scenario, simulate
from vetsim.errors import ScenarioError
from vetsim.scenario.loader import validate_scenario

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"
REPS, SEED = 10, 7


def _with_petitions(sc, **update):
    rows = tuple(r.model_copy(update=update) if r.case_type == "petition" else r for r in sc.backlog)
    return validate_scenario(sc.with_table("backlog.csv", rows))


@lru_cache(maxsize=1)
def _runs():
    sc = load_scenario(SAMPLE)
    town = sc.sites_at("township")[0].site_id  # a one-post township station under heavy pressure
    variants = {"baseline": sc,
                "more_hours": _with_petitions(sc, hours_per_week=5.0),
                "fewer_hours": _with_petitions(sc, hours_per_week=1.5),
                "township_owner": _with_petitions(sc, owner_site=town)}
    variants["township_owner_2_posts"] = variants["township_owner"].with_site_changes({town: {"funded_staff": 2}})
    # only the baseline's cases table is read; the variants need KPIs only (tables=False: the same numbers)
    return {k: simulate(x, replications=REPS, seed=SEED, tables=k == "baseline") for k, x in variants.items()}


def _zero_days(res) -> np.ndarray:
    """The day the backlog reached zero in each run; a run that never cleared it counts as the window's end."""
    pr = res.per_replication
    z = pr[pr["metric"] == "petition_backlog_zero_day"].set_index("replication")["value"]
    return z.reindex(range(REPS)).fillna(float(res.meta["days"])).to_numpy()


def test_the_sample_names_its_owner_and_unresolvable_share() -> None:
    sc = load_scenario(SAMPLE)
    row = next(r for r in sc.backlog if r.case_type == "petition")
    assert row.owner_site == sc.county_center.site_id and 0 < row.unresolvable_share < 1
    assert "assumption" in row.source and "包案" in row.source


def test_clearing_chance_moves_with_the_coordination_hours() -> None:
    r = _runs()
    chance = {k: r[k].kpi("petition_target_met") for k in ("baseline", "more_hours", "fewer_hours")}
    assert chance["more_hours"] > chance["baseline"] > chance["fewer_hours"], chance
    # paired: with the same cases, twice the weekly hours clear every run's backlog earlier
    assert (_zero_days(r["more_hours"]) < _zero_days(r["baseline"])).all()
    assert (_zero_days(r["fewer_hours"]) >= _zero_days(r["baseline"])).all()


def test_clearing_chance_moves_with_the_case_owner_and_its_staffing() -> None:
    r = _runs()
    base, town, town2 = (r[k].kpi("petition_target_met") for k in ("baseline", "township_owner", "township_owner_2_posts"))
    # a one-post township station under pressure has less time for the cases than the county center ...
    assert town < base, (town, base)
    assert _zero_days(r["township_owner"]).mean() > _zero_days(r["baseline"]).mean()
    # ... and a second post there gives it back
    assert town2 > town, (town2, town)
    assert _zero_days(r["township_owner_2_posts"]).mean() < _zero_days(r["township_owner"]).mean()


def test_unresolvable_cases_are_counted_apart() -> None:
    res = _runs()["baseline"]
    sc = load_scenario(SAMPLE)
    row = next(b for b in sc.backlog if b.case_type == "petition")
    pr = res.per_replication
    other = pr[pr["metric"] == "petition_backlog_not_resolvable"]["value"].to_numpy()
    assert len(other) == REPS and (other >= 0).all() and (other <= row.open_cases).all()
    # the share drawn matches the data's share (12 cases x 10 runs, binomial 95% band)
    share, n = other.sum() / (REPS * row.open_cases), REPS * row.open_cases
    assert abs(share - row.unresolvable_share) < 2.6 * np.sqrt(row.unresolvable_share * (1 - row.unresolvable_share) / n)
    # the cases table marks them, only backlog petitions
    c = res.cases
    assert c.loc[c["not_resolvable"], "from_backlog"].all()
    assert (c.loc[c["not_resolvable"], "case_type"] == "petition").all()
    # the same draws whoever owns the cases (common random numbers)
    own = _runs()["township_owner"].per_replication
    assert (own[own["metric"] == "petition_backlog_not_resolvable"]["value"].to_numpy() == other).all()


def test_owner_must_be_a_site_and_needs_a_long_running_case() -> None:
    sc = load_scenario(SAMPLE)
    with pytest.raises(ScenarioError, match="owner_site|X99"):
        _with_petitions(sc, owner_site="X99")
    rows = tuple(r.model_copy(update={"owner_site": "C01"}) if r.case_type == "pension" else r for r in sc.backlog)
    with pytest.raises(ScenarioError, match="effort_hours"):
        validate_scenario(sc.with_table("backlog.csv", rows))
