"""Site running costs: hand-computed per site and per level, and a staffing change shows its cost."""

from __future__ import annotations

import pytest

import vetsim
from vetsim.work import SITE_COST_COLUMNS, site_costs, site_costs_by_level


def test_site_costs_by_hand(sample) -> None:
    df = site_costs(sample).set_index("site_id")
    assert list(site_costs(sample).columns) == list(SITE_COST_COLUMNS)
    assert len(df) == len(sample.sites)
    # C01: 10 funded x 120,000 + overhead 200,000 (scenario.yaml costs)
    assert df.loc["C01", "staff_cost_yuan"] == 1_200_000
    assert df.loc["C01", "total_yuan"] == 1_400_000
    # a township: 1 funded x 90,000 + 1 part-time x 36,000 + 20,000
    assert df.loc["T01", "total_yuan"] == 146_000
    village = next(s for s in sample.sites if s.level == "village")
    want = village.funded_staff * 60_000 + village.parttime_staff * 7_200 + 3_000
    assert df.loc[village.site_id, "total_yuan"] == want
    assert (df["total_yuan"] == df["staff_cost_yuan"] + df["overhead_yuan"]).all()


def test_levels_sum_to_sites(sample) -> None:
    per = site_costs(sample)
    lv = site_costs_by_level(sample).set_index("level")
    assert list(lv.index) == ["village", "township", "county_center"]
    assert lv["total_yuan"].sum() == pytest.approx(per["total_yuan"].sum())
    assert lv.loc["township", "sites"] == 15
    assert lv.loc["county_center", "total_yuan"] == 1_400_000


def test_staffing_change_costs(sample, proposal_path) -> None:
    base = site_costs(sample)["total_yuan"].sum()
    prop = site_costs(vetsim.load_scenario(proposal_path))["total_yuan"].sum()
    assert prop - base == 15 * 90_000          # one more funded post at each of 15 townships
    changed = sample.with_site_changes({"C01": {"parttime_staff": 2}})
    assert site_costs(changed)["total_yuan"].sum() - base == 2 * 48_000
