"""What changed since the last meeting: two runs compared — the inputs that differ (rows of the tables),
the figures that moved beyond their noise, and a flag when the method changed (vetsim version)."""

from __future__ import annotations

import dataclasses

import pytest

import vetsim
from vetsim.brief.since import compare_runs, moved_figures, scenario_diff


@pytest.fixture(scope="module")
def runs(sample):
    changed = sample.with_site_changes({f"T{i:02d}": {"funded_staff": 3} for i in range(1, 16)})
    old = vetsim.simulate(sample, replications=3, seed=11)
    new = vetsim.simulate(changed, replications=3, seed=12)
    return sample, old, changed, new


def test_the_changed_rows_are_listed(runs) -> None:
    sample, _old, changed, _new = runs
    d = scenario_diff(sample, changed)
    assert set(d["file"]) == {"sites.csv"} and set(d["field"]) == {"funded_staff"}
    assert sorted(d["row"]) == [f"T{i:02d}" for i in range(1, 16)]
    assert set(d["before"]) == {1} and set(d["after"]) == {3}
    assert scenario_diff(sample, sample).empty


def test_figures_beyond_noise(runs) -> None:
    sample, old, changed, new = runs
    c = compare_runs(sample, old, changed, new)
    assert c.method == [] and not c.figures["method_changed"].any()
    moved = c.moved.set_index(["metric", "level", "case_type"])
    # three posts instead of one at every township station: its queue all but vanishes
    wait = moved.loc[("wait_mean_min", "township", "all")]
    assert wait["change"] < 0 and abs(wait["change"]) > wait["noise"] > 0
    # a figure of the county center, whose staff did not change, stays within its noise
    same = c.figures.set_index(["metric", "level", "case_type"]).loc[("wait_mean_min", "county_center", "all")]
    assert same["moved"] is False or same["moved"] == False  # noqa: E712 - numpy bool
    text = "\n".join(c.lines("zh"))
    assert "输入变化：共 15 处" in text and "sites.csv T01 funded_staff：1 → 3" in text and "超出随机波动" in text
    assert "方法变化" not in text


def test_same_run_moves_nothing_and_one_replication_is_not_judged(runs, sample) -> None:
    _s, old, _c, _n = runs
    same = moved_figures(old, old)
    assert not same["moved"].eq(True).any() and (same["change"] == 0).all()
    one = vetsim.simulate(sample, replications=1, seed=11)
    f = moved_figures(one, one).set_index(["metric", "level", "case_type"])
    assert f.loc[("wait_mean_min", "township", "all"), "moved"] is None  # no Student-t interval from one run: not judged


def test_a_new_vetsim_version_flags_every_figure(runs) -> None:
    sample, old, changed, new = runs
    newer = dataclasses.replace(new, meta={**new.meta, "vetsim_version": "9.9.9"})
    c = compare_runs(sample, old, changed, newer)
    assert c.method == [("version", old.meta["vetsim_version"], "9.9.9")]
    assert c.figures["method_changed"].all()
    lines = c.lines("en")
    assert lines[0].startswith("Method change: vetsim version") and any("[method changed]" in s for s in lines)


def test_cli_compare_in_chinese(sample_path, proposal_path, capsys) -> None:
    from vetsim.cli import main

    assert main(["compare", str(sample_path), str(proposal_path), "--replications", "2", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("与上次会议相比：示例县（基线） → 示例县（方案")
    assert "sites.csv T01 funded_staff：1 → 2" in out and "超出随机波动的指标变化" in out
    assert "（乡镇站，全部业务）" in out  # levels and case types in words, not codes
