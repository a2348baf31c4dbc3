"""Statistical equivalence of the engine with an earlier one (issue 25, Build 1): same model, faster.

The yardstick is ``tests/data/engine_reference.json``: every replication's KPI values of the engine of
main at the commit it names (before the faster engine), for the sample county and the proposal, made by
``benchmarks/make_engine_reference.py`` (the commit's tree from git in a temporary folder; its seed and
number of replications are stored with it). Today's engine runs the same scenarios, seeds and
replications; each headline KPI (every simulated row of the brief's KPI table) must have its mean inside
the reference's 95% interval and the reference's mean inside its own. Marked ``statistical``: 40
county-years.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from vetsim import load_scenario
from vetsim.sim import simulate

from .conftest import ROOT

pytestmark = pytest.mark.statistical

REF = json.loads((ROOT / "tests" / "data" / "engine_reference.json").read_text(encoding="utf-8"))


def _old_engine():
    spec = importlib.util.spec_from_file_location("old_engine", ROOT / "benchmarks" / "old_engine.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


OLD = _old_engine()


def test_the_reference_says_how_it_was_made() -> None:
    assert len(REF["commit"]) == 40 and REF["replications"] >= 20 and REF["tables"] is False
    for name in ("sample_county", "proposal_more_staff"):
        vals = REF["values"][name]
        assert all(len(v) == REF["replications"] for v in vals.values())
        assert sum(k in vals for k in OLD.headline_keys()) >= 15  # the headline KPIs are there


@pytest.mark.parametrize("name", ["sample_county", "proposal_more_staff"])
def test_each_headline_kpi_inside_the_other_engines_interval(name: str) -> None:
    res = simulate(load_scenario(ROOT / REF["scenarios"][name]), replications=REF["replications"],
                   seed=REF["seed"], tables=False)
    rows = OLD.compare(REF["values"][name], OLD.run_values(res.per_replication))
    assert len(rows) >= 15
    bad = [(key, old, new) for key, old, new, ok in rows if not ok]
    assert not bad, f"{name}: KPIs outside each other's 95% interval (old, new as mean, low, high): {bad}"


def test_the_comparison_can_fail() -> None:
    """A shifted engine (waits 30% longer, one more case open at the end) is caught; the same numbers agree."""
    ref = REF["values"]["sample_county"]
    shifted = {k: list(v) for k, v in ref.items()}
    shifted["wait_mean_min|township"] = [v * 1.3 for v in ref["wait_mean_min|township"]]
    shifted["backlog_end|all"] = [v + 40 for v in ref["backlog_end|all"]]
    rows = {key: ok for key, _old, _new, ok in OLD.compare(ref, shifted)}
    assert rows["wait_mean_min|township"] is False and rows["backlog_end|all"] is False
    assert sum(not ok for ok in rows.values()) == 2
    assert all(ok for _k, _o, _n, ok in OLD.compare(ref, ref))
    assert np.isfinite([old[0] for _k, old, _n, _ok in OLD.compare(ref, ref)]).any()
