"""Recurring duties (duties:) and shared village cover, checked against hand computations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from vetsim import load_scenario
from vetsim.errors import ScenarioError
from vetsim.sim import simulate, synthetic_scenario
from vetsim.sim.network import compile_network
from vetsim.staffing import derive_demand
from vetsim.staffing.duties import DutySettings, LevelDuties, split_day, split_days
from vetsim.staffing.settings import SharedStaff

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


def _q(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "label_zh": "测试", "label_en": "test", "source": "test"}


def _duties(per_vet: float, per_week: float, level: str = "county_center") -> DutySettings:
    lv = LevelDuties.model_validate({"hours_per_veteran_year": _q(per_vet, "hour/veteran/year"),
                                     "hours_per_site_week": _q(per_week, "hour/site/week")})
    return DutySettings.model_validate({level: lv})


def _with_duties(sc, duties: DutySettings | None):
    return dataclasses.replace(sc, spec=sc.spec.model_copy(update={"duties": duties}))


def _one_station(staff: int = 2, hours: str = "08:30-17:30", backlog_hours: float = 30.0, duties=None):
    """One site (a county center alone), weekdays calendar, 4 weeks from Monday 2027-01-04 (20 open days),
    no walk-ins, one open case of ``backlog_hours`` at the start."""
    sc = synthetic_scenario(
        [{"site_id": "T", "level": "county_center", "funded_staff": staff, "open_hours": hours, "veterans": 100}],
        [{"case_type": "c", "level": "county_center", "yearly_volume": 0, "backoffice_hours": backlog_hours}],
        backlog=[{"case_type": "c", "site_id": "T", "open_cases": 1, "mean_age_days": 0}] if backlog_hours else None,
        simulation={"calendar": "weekdays", "start_date": dt.date(2027, 1, 4), "days": 28})
    return _with_duties(sc, duties)


# hand computation: (2 h x 100 veterans + 12 h x 365/7 weeks) a year; 28/365 of it in the window,
# spread over 20 open days
HAND_DUTY_MIN = (2 * 100 + 12 * 365 / 7) * 60 * (28 / 365) / 20  # = 190.03 min a day


def test_duty_minutes_per_open_day_by_hand() -> None:
    net = compile_network(_one_station(duties=_duties(2.0, 12.0)))
    assert net.open_mask[0, :28].sum() == 20
    assert net.duty_min[0] == pytest.approx(HAND_DUTY_MIN, rel=1e-12)
    assert net.duty_min[0] == pytest.approx(190.0274, abs=1e-4)
    assert net.cover_min == (0.0,)
    # a level without duties, or no section at all: nothing reserved
    assert compile_network(_one_station(duties=_duties(2.0, 12.0, level="village"))).duty_min == (0.0,)
    assert compile_network(_one_station()).reserved_min == (0.0,)


def test_duties_take_staff_time_before_casework() -> None:
    """2 staff x 540 min = 1080 a day; duties 190.03 first; a 30-hour case (1800 min) needs the rest of 3 days."""
    res = simulate(_one_station(duties=_duties(2.0, 12.0)), replications=1, seed=3)
    free = 1080 - HAND_DUTY_MIN
    assert 1800 / free > 2  # so it finishes on the third open day, Wednesday = day 2
    assert res.cases["finish_day"].tolist() == [2.0]
    sd = res.site_days.set_index("day")
    assert sd["busy_duties_min"].sum() == pytest.approx(HAND_DUTY_MIN * 20)
    assert sd["busy_duties_min"].sum() == pytest.approx((2 * 100 + 12 * 365 / 7) * 60 * 28 / 365)
    assert sd.loc[0, "busy_backoffice_min"] == pytest.approx(free)
    assert sd.loc[2, "busy_backoffice_min"] == pytest.approx(1800 - 2 * free)
    assert sd.loc[0, "utilisation"] == pytest.approx(1.0)
    assert sd.loc[10, "utilisation"] == pytest.approx(HAND_DUTY_MIN / 1080)
    assert (sd["duties_missed_min"] == 0).all()
    # without duties the same case fits in two days
    assert simulate(_one_station(), replications=1, seed=3).cases["finish_day"].tolist() == [1.0]


def test_duties_beyond_capacity_are_capped_and_reported() -> None:
    """1 staff open 60 min a day, 12 h a week of duties = 144 min a day: 60 done, 84 missed, no casework."""
    res = simulate(_one_station(staff=1, hours="09:00-10:00", backlog_hours=1.0, duties=_duties(0.0, 12.0)),
                   replications=1, seed=3)
    sd = res.site_days
    open_days = sd[sd["available_min"] > 0]
    assert len(open_days) == 20
    assert np.allclose(open_days["busy_duties_min"], 60.0)
    assert np.allclose(open_days["duties_missed_min"], 12 * 60 * (365 / 7) * (28 / 365) / 20 - 60)
    assert np.allclose(open_days["utilisation"], 1.0)
    assert res.cases["open_at_end"].all()  # the case never gets staff time


def test_split_day_rule() -> None:
    assert split_day(1080, 300, 190) == (190, 590)
    assert split_day(1080, 1000, 190) == (80, 0)
    assert split_day(1080, 1200, 190) == (0.0, 0.0)  # counter overran the day
    done, left = split_days(np.array([1080.0, 1080.0, 1080.0]), np.array([300.0, 1000.0, 1200.0]), np.full(3, 190.0))
    assert done.tolist() == [190, 80, 0] and left.tolist() == [590, 0, 0]


def test_sample_county_demand_includes_duties_by_hand() -> None:
    """Staffing estimate: casework hours grow by exactly the yearly duty hours (365-day window)."""
    sc = load_scenario(SAMPLE)
    with_d, without = derive_demand(sc), derive_demand(_with_duties(sc, None))
    diff = dict(zip(with_d.site_ids, with_d.casework_h.sum(axis=1) - without.casework_h.sum(axis=1)))
    vets = {s.site_id: s.veterans for s in sc.sites}
    assert vets["C01"] == 11385 and vets["T01"] == 1026
    assert diff["C01"] == pytest.approx(0.4 * 11385 + 50 * 365 / 7)  # 7,161.1 h
    assert diff["T01"] == pytest.approx(2.0 * 1026 + 12 * 365 / 7)  # 2,677.7 h
    v = next(s for s in sc.sites if s.level == "village")
    assert diff[v.site_id] == pytest.approx(1.5 * v.veterans + 1 * 365 / 7)


def test_sample_county_is_busy_but_not_idle() -> None:
    """Simulated utilisation includes duties and matches the analytic estimate (one replication, one year)."""
    sc = load_scenario(SAMPLE)
    res = simulate(sc, replications=1, seed=5)
    util = res.summary.query("metric == 'utilisation' and case_type == 'all'").set_index("level")["mean"]
    assert 0.6 < util["township"] < 0.85 and 0.55 < util["county_center"] < 0.85
    sd = res.site_days
    assert sd["busy_duties_min"].sum() > sd["busy_counter_min"].sum() + sd["busy_backoffice_min"].sum()
    from vetsim.staffing import estimate
    est = estimate(sc).groupby("level")["utilisation"].mean()
    assert est["county_center"] == pytest.approx(util["county_center"], abs=0.03)


def test_duties_validation_is_bilingual(tmp_path) -> None:
    (tmp_path / "scenario.yaml").write_text(
        f"base: {SAMPLE}\nduties:\n  township:\n    hours_per_site_week: {{value: -1, unit: hour/site/week, "
        "label_zh: 测试, label_en: test, source: test}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path)
    assert "应不小于 0" in err.value.user_message("zh") and "must be >= 0" in err.value.user_message("en")
    (tmp_path / "scenario.yaml").write_text(f"base: {SAMPLE}\nduties:\n  city: {{}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path)
    assert "city" in err.value.user_message("en")


def test_shared_cover_is_simulated() -> None:
    """A covered village gets the township worker as a server; the township reserves the village's hours."""
    sc = load_scenario(SAMPLE)
    rule = SharedStaff(worker_site="T03", villages=("T03V01",), label_zh="兼管", label_en="covers", source="test")
    spec = sc.spec.model_copy(update={"staffing": sc.spec.staffing.model_copy(update={"shared_staff": (rule,)}),
                                      "simulation": sc.spec.simulation.model_copy(update={"days": 60})})
    shared = dataclasses.replace(sc, spec=spec).with_site_changes({"T03V01": {"parttime_staff": 0}})
    net = compile_network(shared)
    i = {s: k for k, s in enumerate(net.site_ids)}
    v, t = i["T03V01"], i["T03"]
    assert net.staff[v] == 1 and net.staff[t] == shared.site("T03").staff
    days_v, days_t = net.open_mask[v, :60].sum(), net.open_mask[t, :60].sum()
    assert net.open_min[v] == 180
    assert net.cover_min[t] == pytest.approx(180 * days_v / days_t)
    assert net.reserved_min[t] == pytest.approx(net.duty_min[t] + 180 * days_v / days_t)
    vis = simulate(shared, replications=1, seed=2).visits
    at_v = vis[vis["site_id"] == "T03V01"]
    assert len(at_v) > 0 and at_v["served"].mean() > 0.9  # not turned away as an unstaffed site
