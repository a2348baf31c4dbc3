"""Sensitivity analysis (issue 15, item 3): ranges from the scenario, variants through the overlay mechanism,
the tornado against hand-computed swings, SALib wrappers against known indices, and the acceptance point:
the global (Morris) ranking of the fiscal model agrees with the tornado on the top 3 assumptions."""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vetsim.errors import ScenarioError
from vetsim.scenario import apply_overlay, load_scenario
from vetsim.scenario.fiscal_spec import Dist
from vetsim.sensitivity import assumptions, global_ranking, morris_indices, quantile, sobol_indices, tornado, variant
from vetsim.sensitivity.outputs import service_outputs, short_run


# ---- ranges ----------------------------------------------------------------------------------
def test_triangular_and_uniform_quantiles_by_hand() -> None:
    tri = Dist(kind="triangular", low=200, mode=300, high=450)
    assert quantile(tri, 0.1) == pytest.approx(250.0)                          # 200 + sqrt(0.1 * 250 * 100)
    assert quantile(tri, 0.9) == pytest.approx(450 - math.sqrt(0.1 * 250 * 150))
    assert quantile(tri, (300 - 200) / 250) == pytest.approx(300.0)             # the mode at its CDF value
    assert quantile(Dist(kind="uniform", low=2, high=6), 0.9) == pytest.approx(5.6)


def test_assumptions_come_from_distributions_and_the_table(sample) -> None:
    found = {a.key: a for a in assumptions(sample)}
    cohort = found["fiscal.si_continuation.cohort.count"]
    assert (cohort.low, cohort.mid) == (pytest.approx(250.0), 300.0) and cohort.model == "fiscal"
    assert cohort.origin == "distribution (triangular)"
    away = found["presence.township.away_share"]
    assert (away.low, away.mid, away.high, away.model) == (0.1, 0.2, 0.35, "service")
    assert found["costs.funded_post.township"].model == "fiscal"  # unit costs feed the budget only
    for a in found.values():
        assert a.low <= a.mid <= a.high and a.low < a.high and a.label_zh and a.label_en and a.source and a.unit
    assert len(sample.table("sensitivity.csv")) == sum(a.origin == "sensitivity.csv" for a in found.values())


# ---- variants through the overlay mechanism ----------------------------------------------------
def test_with_changes_means_what_an_overlay_folder_means(sample, proposal) -> None:
    edited = apply_overlay(sample, {"site_updates": [{"where": {"level": "township"}, "set": {"funded_staff": 2}}]})
    assert edited.sites == proposal.sites
    assert apply_overlay(sample, {}).hash() == sample.hash()
    v = variant(sample, {"presence.township.away_share": 0.3, "fiscal.si_continuation.payment.years": 4.6})
    assert v.spec.presence.township.away_share.value == 0.3
    assert v.spec.presence.township.away_share.label_zh == sample.spec.presence.township.away_share.label_zh
    assert v.spec.fiscal.si_continuation.payment.years == 5  # a whole-number setting: nearest whole number
    assert sample.spec.presence.township.away_share.value == 0.2  # the original is untouched


def test_an_invalid_overlay_is_refused_with_every_problem(sample) -> None:
    with pytest.raises(ScenarioError) as err:
        apply_overlay(sample, {"presence": {"township": {"away_share": {"value": 1.5}}},
                             "site_updates": [{"where": {"level": "nowhere"}, "set": {"funded_staff": 2}}]})
    text = err.value.user_message("en")
    assert "away_share" in text and "matches no row" in text
    with pytest.raises(ScenarioError):
        apply_overlay(sample, {"base": "../sample_county"})


def _overlay_with_table(tmp_path: Path, sample_path: Path, csv: str) -> Path:
    folder = tmp_path / "ov"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(f"base: {os.path.relpath(sample_path, folder)}\n", encoding="utf-8")
    head = "key,low,high,unit,label_zh,label_en,source\n"
    (folder / "sensitivity.csv").write_text(head + csv, encoding="utf-8")
    return folder


def test_bad_sensitivity_rows_are_all_reported(tmp_path, sample_path) -> None:
    folder = _overlay_with_table(tmp_path, sample_path,
                                 "presence.nowhere.away_share,0.1,0.3,share,甲,A,assumption\n"
                                 "simulation.calendar,1,2,x,乙,B,assumption\n"
                                 "simulation.patience_minutes,70,90,minute,丙,C,assumption\n"
                                 "fiscal.si_continuation.payment.years,2,4.5,year,丁,D,assumption\n"
                                 "simulation.service_time_cv,0.9,0.5,ratio,戊,E,assumption\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(folder)
    text = err.value.user_message("en")
    assert "sensitivity.csv" in text
    for part in ("has no presence.nowhere.away_share", "simulation.calendar is not a single number",
                 "value 60 lies outside [70, 90]", "takes whole numbers only", "must be below high"):
        assert part in text, part
    assert "在区间" in err.value.user_message("zh")


def test_an_overlay_row_replaces_the_base_range(tmp_path, sample_path) -> None:
    folder = _overlay_with_table(tmp_path, sample_path, "presence.township.away_share,0.15,0.25,share,甲,A,assumption\n")
    found = {a.key: a for a in assumptions(load_scenario(folder))}
    assert (found["presence.township.away_share"].low, found["presence.township.away_share"].high) == (0.15, 0.25)


# ---- a column of a scenario table (multipliers) ------------------------------------------------
def test_a_table_column_is_varied_by_multiplying_its_rows(sample) -> None:
    found = {a.key: a for a in assumptions(sample)}
    vol = found["caseload.csv:yearly_volume"]
    assert (vol.low, vol.mid, vol.high, vol.model) == (0.85, 1.0, 1.2, "service")
    up = variant(sample, {"caseload.csv:yearly_volume": 1.2})
    for old, new in zip(sample.caseload, up.caseload):
        assert new.yearly_volume == pytest.approx(old.yearly_volume * 1.2)
        assert new.model_copy(update={"yearly_volume": old.yearly_volume}) == old  # nothing else moved
    assert variant(sample, {"caseload.csv:yearly_volume": 1.0}).hash() == sample.hash()
    some = variant(sample, {"caseload.csv[case_type=petition]:yearly_volume": 2.0})
    for old, new in zip(sample.caseload, some.caseload):
        assert new.yearly_volume == pytest.approx(old.yearly_volume * (2.0 if old.case_type == "petition" else 1.0))
    # a whole-number column is rounded
    open_cases = variant(sample, {"backlog.csv:open_cases": 1.5})
    assert [b.open_cases for b in open_cases.backlog] == [round(b.open_cases * 1.5) for b in sample.backlog]


def test_a_multiplier_that_leaves_the_allowed_values_names_the_key(sample) -> None:
    with pytest.raises(ScenarioError) as err:
        variant(sample, {"caseload.csv:resolved_here_share": 2.0})  # a share beyond 1
    assert "caseload.csv:resolved_here_share" in err.value.user_message("en")


def test_bad_table_rows_of_sensitivity_csv_are_all_reported(tmp_path, sample_path) -> None:
    folder = _overlay_with_table(tmp_path, sample_path,
                                 "nowhere.csv:yearly_volume,0.8,1.2,ratio,甲,A,assumption\n"
                                 "caseload.csv:volume,0.8,1.2,ratio,乙,B,assumption\n"
                                 "caseload.csv[case_type=nothing]:yearly_volume,0.8,1.2,ratio,丙,C,assumption\n"
                                 "caseload.csv:case_type,0.8,1.2,ratio,丁,D,assumption\n"
                                 "caseload.csv:counter_minutes,1.1,1.3,ratio,戊,E,assumption\n"
                                 "caseload.csv:backoffice_hours,0,1.2,ratio,庚,G,assumption\n"
                                 "caseload.csv[case_type]:yearly_volume,0.8,1.2,ratio,己,F,assumption\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(folder)
    text = err.value.user_message("en")
    for part in ("nowhere.csv cannot take a range", "caseload.csv has no column volume", "matches no row of caseload.csv",
                 "caseload.csv:case_type is not a numeric column", "0 < low <= 1 <= high (got 1.1, 1.3)", "(got 0, 1.2)",
                 "must be column=value pairs"):
        assert part in text, part
    assert "倍数" in err.value.user_message("zh")


def test_more_volume_means_more_workload_pressure(sample) -> None:
    """Monotonicity: the caseload range's P90 arm is under more pressure than its P10 arm (same seeds)."""
    t = tornado(sample, days=60, replications=1, seed=7, keys=["caseload.csv:yearly_volume"])
    row = t.of("workload_pressure").set_index("key").loc["caseload.csv:yearly_volume"]
    assert row["at_low"] < row["base"] < row["at_high"]


# ---- tornado -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fiscal_tornado(sample):
    return tornado(sample, service=False)


def test_tornado_swing_of_a_unit_cost_by_hand(sample, fiscal_tornado) -> None:
    # village part-time subsidy 6,000 -> 9,600 yuan a year, growing with site_costs.growth from the base year
    n = sum(s.parttime_staff for s in sample.sites_at("village"))
    g = sample.spec.fiscal.site_costs.growth.value
    mean_growth = np.mean([(1 + g) ** k for k in range(sample.spec.horizon_years)])
    row = fiscal_tornado.of("budget_total").set_index("key").loc["costs.parttime_post.village"]
    assert row["swing"] == pytest.approx(n * 3600 * mean_growth, rel=1e-6)
    assert row["at_low"] < row["base"] < row["at_high"]
    t = fiscal_tornado.table
    assert set(t["output"]) == {"budget_total", "budget_county"}  # no simulation asked for
    moving = t[t["swing"] > 0]  # an exact model has no noise: every bar that moves is ranked, 1, 2, ...
    assert (moving.groupby("output")["rank"].apply(lambda r: sorted(r) == list(range(1, len(r) + 1)))).all()
    assert t.loc[t["swing"] == 0, "rank"].isna().all() and (t["noise"] == 0).all()


def test_service_tornado_uses_common_random_numbers(sample) -> None:
    short = short_run(sample, 60)
    keys = ["presence.township.other_duties_share", "simulation.patience_minutes"]
    t = tornado(sample, days=60, replications=1, seed=7, keys=keys)
    rows = t.of("workload_pressure").set_index("key")
    base = service_outputs(short, 1, 7)["workload_pressure"]
    assert rows["base"].iloc[0] == base  # same seed, same scenario: the very same numbers
    other = rows.loc["presence.township.other_duties_share"]
    assert other["at_low"] < base < other["at_high"]  # less time present -> more pressure
    assert t.meta["days"] == 60 and t.meta["replications"] == 1


# ---- SALib wrappers against truth --------------------------------------------------------------
def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_wrapper_recovers_the_ishigami_indices() -> None:
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    s1 = [v1 / var, v2 / var, 0.0]
    st = [(v1 + v13) / var, v2 / var, v13 / var]
    (f,) = sobol_indices(_ishigami, ["x1", "x2", "x3"], [(-math.pi, math.pi)] * 3, n=2048, seed=3)
    assert f["S1"].to_numpy() == pytest.approx(s1, abs=0.04)
    assert f["ST"].to_numpy() == pytest.approx(st, abs=0.04)


def test_sobol_wrapper_on_a_linear_model_with_known_variances() -> None:
    coef = np.array([1.0, 2.0, 3.0])
    frames = sobol_indices(lambda x: np.c_[x @ coef, -2 * (x @ coef)], ["a", "b", "c"], [(0, 1)] * 3, n=2048, seed=1)
    truth = coef**2 / np.sum(coef**2)  # var of U(0,1) alike: S_i = a_i^2 / sum a_j^2, no interaction
    for f in frames:  # one frame per output; the second output is a scaled copy
        assert f["S1"].to_numpy() == pytest.approx(truth, abs=0.03)
        assert f["ST"].to_numpy() == pytest.approx(truth, abs=0.03)


def test_morris_wrapper_gives_exact_effects_of_a_linear_model() -> None:
    coef = np.array([3.0, -1.0, 0.5])
    bounds = [(0, 2), (10, 20), (-1, 1)]
    (f,) = morris_indices(lambda x: x @ coef, ["a", "b", "c"], bounds, trajectories=6, seed=2)
    widths = np.array([hi - lo for lo, hi in bounds])
    assert f["mu_star"].to_numpy() == pytest.approx(np.abs(coef) * widths)
    assert f["sigma"].to_numpy() == pytest.approx(0.0, abs=1e-9)


# ---- acceptance: global ranking agrees with the tornado on the fiscal model ---------------------
def test_morris_ranking_agrees_with_the_tornado_on_the_top_3(sample, fiscal_tornado) -> None:
    g = global_ranking(sample, "morris", samples=3, seed=11)
    assert g.meta["evaluations"] == 3 * (len(assumptions(sample, "fiscal")) + 1)
    for output in ("budget_total", "budget_county"):
        assert set(g.ranking(output)[:3]) == set(fiscal_tornado.ranking(output)[:3]), output
    assert fiscal_tornado.ranking("budget_total")[0] == "fiscal.pensions.rise_after_last"


def test_no_ranges_is_a_clear_error(sample) -> None:
    from vetsim.sensitivity import SensitivityError

    doc: dict = {}
    for a in assumptions(sample, "fiscal"):
        if a.origin.startswith("distribution"):
            at = doc
            for part in a.key.split("."):
                at = at.setdefault(part, {})
            at["dist"] = None
    bare = replace(apply_overlay(sample, doc), extra_tables=tuple(
        (name, rows) for name, rows in sample.extra_tables if name != "sensitivity.csv"))
    assert assumptions(bare) == []
    with pytest.raises(SensitivityError) as err:
        global_ranking(bare, "morris", samples=2)
    assert "sensitivity.csv" in err.value.user_message("zh")


def test_a_multiplier_that_breaks_the_scenario_says_which_range_did_it(sample) -> None:
    with pytest.raises(ScenarioError) as err:
        variant(sample, {"caseload.csv:m01": 2.0})  # monthly shares no longer add up to 1
    en, zh = err.value.user_message("en"), err.value.user_message("zh")
    assert "caseload.csv:m01 in sensitivity.csv (times 2)" in en and "m12" in en
    assert "乘以 2" in zh


def test_swing_noise_from_paired_replications_by_hand() -> None:
    from vetsim.sensitivity.tornado import _noise, _ranks

    # paired differences 1 and 2: mean 1.5, sd 0.7071, t(0.975, 1) = 12.706 -> half-width 12.706 x 0.7071 / sqrt(2)
    assert _noise(np.array([1.0, 2.0]), np.array([2.0, 4.0])) == pytest.approx(12.7062 * 0.70711 / math.sqrt(2), rel=1e-4)
    assert _noise(5.0, 7.0) == 0.0  # an exact model: one number per arm, no noise
    assert math.isnan(_noise(np.array([1.0]), np.array([2.0])))  # one run: the noise cannot be told
    table = pd.DataFrame({"output": ["w"] * 4, "swing": [3.0, 0.32, 1.0, 0.0], "noise": [1.0, 0.71, float("nan"), 0.0]})
    # only swings clear of their noise are ranked; an unknown noise (one run) is not clear
    assert _ranks(table).tolist() == [1, pd.NA, pd.NA, pd.NA]


def test_service_tornado_ranks_only_swings_beyond_their_noise(sample) -> None:
    keys = ["presence.township.other_duties_share", "simulation.return_delay_days"]
    t = tornado(sample, days=30, replications=2, seed=7, keys=keys).table
    service = t[t["output"].isin(["township_wait", "workload_pressure", "one_trip_rate", "duty_coverage"])]
    service = service[np.isfinite(service["at_low"]) & np.isfinite(service["at_high"])]  # (no duty due in 30 days)
    assert len(service) >= 4 and np.isfinite(service["noise"]).all()
    ranked = service["rank"].notna()
    assert (service.loc[ranked, "swing"] > service.loc[ranked, "noise"]).all()
    assert (service.loc[~ranked, "swing"] <= service.loc[~ranked, "noise"]).all()
