"""Regions: the sample city (totals, reproducible generator), region files validated at once, summaries, allocation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from vetsim.cli import main
from vetsim.errors import ScenarioError
from vetsim.region import load_region
from vetsim.region.allocate import allocate

from .conftest import ROOT, SAMPLE

CITY = ROOT / "data" / "sample_city"


@pytest.fixture(scope="module")
def city():
    return load_region(CITY)


def test_sample_city_totals_match_the_public_figures(city):
    levels = {"county_center": 0, "township": 0, "village": 0}
    for c in city.counties:
        for s in c.scenario.sites:
            levels[s.level] += 1
    assert len(city.counties) == 20
    assert levels == {"county_center": 20, "township": 308, "village": 3995}
    assert sum(c.scenario.county_center.veterans for c in city.counties) == 198_000
    assert int(city.spec.city_centers.value) == 1
    # counties differ in size and staffing
    towns = [len(c.scenario.sites_at("township")) for c in city.counties]
    funded = [c.scenario.county_center.funded_staff for c in city.counties]
    away = {c.scenario.spec.presence.township.away_share.value for c in city.counties}
    assert max(towns) - min(towns) >= 4 and len(set(funded)) >= 3 and len(away) >= 5
    # volumes follow the county's veterans (patched onto the sample county's rows)
    big = max(city.counties, key=lambda c: c.scenario.county_center.veterans)
    small = min(city.counties, key=lambda c: c.scenario.county_center.veterans)
    vol = lambda c: c.scenario.caseload_row("consultation", "village").yearly_volume  # noqa: E731
    assert vol(big) > 1.5 * vol(small)


def test_generator_is_reproducible(tmp_path):
    spec = importlib.util.spec_from_file_location("make_city", ROOT / "data" / "tools" / "make_sample_city.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(tmp_path)
    for name in ("counties.csv", "county_sites.csv", "county_caseload.csv", "county_backlog.csv"):
        assert (tmp_path / name).read_bytes() == (CITY / name).read_bytes(), name


def test_region_validate_prints_chinese_summary(capsys):
    assert main(["region", "validate", str(CITY)]) == 0
    out = capsys.readouterr().out
    total = next(line for line in out.splitlines() if line.startswith("合计"))
    assert "区域数据校验通过" in out and total.split()[:4] == ["合计", "20", "308", "3,995"] and "198,000" in out
    assert "市级服务中心 1 个" in out


def _region(tmp_path: Path, yaml_text: str, files: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "region.yaml").write_text(yaml_text, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_region_problems_are_listed_at_once(tmp_path):
    folder = _region(tmp_path, f"name: {{zh: 坏区域, en: Bad}}\ncounty_table: {{file: counties.csv, base: {SAMPLE}, "
                               "tables: {sites.csv: county_sites.csv}}\n", {
        "counties.csv": "county_id,name_zh,name_en,presence.township.away_shar.value,seed\n"
                        "A,甲县,A County,0.2,1\nB,乙县,B County,,-5\nA,重复,Dup,,\n",
        "county_sites.csv": "county_id,site_id,name_zh,name_en,level,parent_id,funded_staff,parttime_staff,open_days,"
                            "open_hours,online_share,veterans\n"
                            "Z,C01,中心,Center,county_center,,3,0,Mon-Fri,08:30-12:00,0.1,100\n",
    })
    with pytest.raises(ScenarioError) as err:
        load_region(folder)
    text = err.value.user_message("zh")
    assert "county_sites.csv" in text and "'Z'" in text  # a county the table does not have
    assert "[A]" in text and "away_shar" in text  # an unknown key of scenario.yaml, named with its county
    assert "[B]" in text and "seed" in text  # a bad value of another county
    assert "counties.csv" in text and "重复" in text  # the repeated county id


def test_region_of_scenario_folders(tmp_path):
    folder = _region(tmp_path, f"name: {{zh: 两县, en: Two}}\ncounties:\n  - {{id: A, folder: {SAMPLE}}}\n"
                               f"  - {{id: B, folder: {ROOT / 'data' / 'proposal_more_staff'}}}\n")
    region = load_region(folder)
    assert [c.id for c in region.counties] == ["A", "B"]
    assert region.county("B").scenario.site("T01").funded_staff == 2


def test_allocation_is_the_best_marginal_gains(city):
    region = type(city)(city.spec, city.counties[:3], city.path)
    none = allocate(region, posts=0)
    assert none.posts == 0 and not none.changes
    prev = none.table["excess_after_h"].sum()
    for n in (1, 3, 6):
        a = allocate(region, posts=n)
        assert a.posts == n and a.table[["posts_township", "posts_county_center"]].to_numpy().sum() == n
        after = a.table["excess_after_h"].sum()
        assert after <= prev + 1e-9  # more posts never leave more excess work
        prev = after
    # truth: the objective is separable and concave per site, so the optimum removes the n largest marginal gains
    gains = []
    from vetsim.staffing import wisn_table

    for c in region.counties:
        w = wisn_table(c.scenario)
        w = w[w["level"].isin(["township", "county_center"])]
        cap = c.scenario.spec.targets.max_utilisation.value
        for r in w.itertuples():
            for k in range(6):
                ex = lambda m, r=r, cap=cap: max(0.0, r.workload_h - m * r.awt_h * cap)  # noqa: E731
                gains.append(ex(r.staff + k) - ex(r.staff + k + 1))
    best = sum(sorted(gains, reverse=True)[:6])
    removed = a.table["excess_before_h"].sum() - a.table["excess_after_h"].sum()
    assert removed == pytest.approx(best, rel=1e-9)
    # a budget buys posts at each level's yearly cost
    b = allocate(region, budget_yuan=200_000)
    assert b.cost_yuan <= 200_000 and b.posts >= 2


def test_allocate_cli_confirms_in_simulation(capsys, tmp_path):
    folder = _region(tmp_path, f"name: {{zh: 两县, en: Two}}\ncounties:\n  - {{id: A, folder: {SAMPLE}}}\n")
    assert main(["region", "allocate", str(folder), "--posts", "2", "--replications", "2", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "新增在编岗位分配：共 2 个" in out and "仿真确认" in out and "全区域合计" in out and "→" in out
    assert main(["region", "simulate", str(folder), "--replications", "2", "--days", "15", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Region total" in out and "One-trip rate" in out


@pytest.mark.parametrize("argv", [["region", "-h"], ["region", "simulate", "-h"], ["experiment", "-h", "--lang", "en"]])
def test_help_prints(argv, capsys):
    assert main(argv) == 0
    assert "95%" in capsys.readouterr().out or "experiment" in " ".join(argv)


def test_region_intervals_stay_within_what_each_kpi_can_take():
    """Two replications give wide t-intervals; as for one county, they are cut to the KPI's range
    (no negative count; a chance over runs gets Wilson's interval, inside 0-1) -- except workload
    pressure, which may exceed 1."""
    import pandas as pd

    from vetsim.kpis import cut_interval
    from vetsim.region.summary import TOTAL, kpi_table

    rows = []
    for rep, (met, backlog, pressure) in enumerate([(0.0, 0, 1.5), (1.0, 140, 1.7)]):
        for metric, value in (("petition_target_met", met), ("backlog_end", backlog), ("workload_pressure", pressure),
                              ("cases_arrived", 100)):
            rows.append({"county": "A", "metric": metric, "replication": rep, "value": value, "level": "all",
                         "case_type": "all"})
    t = kpi_table(pd.DataFrame(rows), ("petition_target_met", "backlog_end", "workload_pressure")).set_index(
        ["county", "metric"])
    # a chance over one county's runs has Wilson's interval (1 of 2 runs: 9.5%-90.5%), inside [0, 1]
    lo, hi = t.loc[("A", "petition_target_met"), "ci_low"], t.loc[("A", "petition_target_met"), "ci_high"]
    assert lo == pytest.approx(0.0945, abs=1e-4) and hi == pytest.approx(0.9055, abs=1e-4)
    assert t.loc[("A", "backlog_end"), "ci_low"] == 0.0 and t.loc[("A", "backlog_end"), "ci_high"] > 140
    p = t.loc[("A", "workload_pressure")]
    assert p["ci_low"] < 1.6 < p["ci_high"] and p["ci_high"] > 1.7  # not cut at 1: above 1 means work left undone
    assert t.loc[(TOTAL, "petition_target_met"), "ci_high"] <= 1.0
    assert cut_interval("one_trip_rate", -0.2, 1.3) == (0.0, 1.0)
    assert cut_interval("wait_mean_min", -3.0, 250.0) == (0.0, 250.0)


def test_no_output_goes_into_a_region_or_the_experiment_files_folder(tmp_path, capsys):
    from vetsim.files import OutputPathError, check_output_target

    for force in (False, True):
        with pytest.raises(OutputPathError):
            check_output_target(ROOT / "data" / "sample_city", "folder", force)
    with pytest.raises(OutputPathError):
        check_output_target(ROOT / "data" / "sample_city" / "summary.csv", "file")
    exp = tmp_path / "experiment.yaml"
    exp.write_text(f"region: {ROOT / 'data' / 'sample_city'}\ncounties: [X03]\nreplications: 1\nseed: 1\n", encoding="utf-8")
    assert main(["experiment", str(exp), "--scheduler", "serial", "--out", str(tmp_path), "--force"]) == 2
    assert "试验文件所在的文件夹" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experiment.yaml"]


def test_a_misspelt_county_lists_every_county_of_the_region():
    with pytest.raises(ScenarioError) as err:
        load_region(ROOT / "data" / "sample_city", {"X03", "X99"})
    text = err.value.user_message("zh")
    assert "X99" in text and "X01" in text and "X20" in text
