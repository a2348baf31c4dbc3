"""WISN (workload-based staffing) and the binding constraint, against a tiny county worked out by hand.

The county (weekdays calendar, 2027: 261 working days):
- township T: 2 posts (1 funded), open 09:00-12:00 + 13:00-17:00 = 7 h a day -> 1,827 h a year;
  presence away 0.1, other duties 0.25 -> AWT = 1,827 x 0.9 x 0.75 = 1,233.225 h per post;
  1,000 walk-in cases x 12 min = 200 h counter, x 0.5 h = 500 h casework; a duty of 1.5 h for half
  of its 200 veterans = 150 h; a campaign of 120 h; it opens village V (3 h a day) = 783 h cover.
  Workload 1,753 h; required posts 1,753 / 1,233.225 = 1.4215; WISN ratio 2 / 1.4215 = 1.4070.
- village V: no own post, opened by T's worker (staff in post 1); 100 cases x 15 min = 25 h;
  AWT 783 h (no presence rule for villages) -> required 0.031928.
- village W: 2 funded posts, 10 cases x 15 min = 2.5 h; open 3 h a day -> AWT 783 h.
- county center C: 3 funded posts, 20,000 visits x 20 min = 6,666.7 h; AWT 1,827 h.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vetsim.scenario.staffing_spec import SharedStaff, StaffingSettings
from vetsim.scenario.work_spec import CampaignRow, DutyRow, LevelPresence, Presence
from vetsim.sim.synthetic import synthetic_scenario
from vetsim.staffing import evaluate_arrays, optimal_staff, requirement, wisn_table
from vetsim.staffing.wisn import WISN_COLUMNS
from vetsim.work import derive_demand


def _q(v: float, unit: str = "share") -> dict:
    return {"value": v, "unit": unit, "label_zh": "测试", "label_en": "test", "source": "test"}


@pytest.fixture(scope="module")
def county():
    day = "09:00-12:00;13:00-17:00"
    sites = [
        {"site_id": "C", "level": "county_center", "funded_staff": 3, "open_hours": day},
        {"site_id": "T", "level": "township", "parent_id": "C", "funded_staff": 1, "parttime_staff": 1,
         "open_hours": day, "veterans": 200},
        {"site_id": "V", "level": "village", "parent_id": "T", "funded_staff": 0, "open_hours": "09:00-12:00"},
        {"site_id": "W", "level": "village", "parent_id": "T", "funded_staff": 2, "open_hours": "09:00-12:00"},
    ]
    caseload = [
        {"case_type": "c", "level": "township", "yearly_volume": 1000, "counter_minutes": 12.0, "backoffice_hours": 0.5},
        {"case_type": "c", "level": "village", "yearly_volume": 110, "counter_minutes": 15.0},
        {"case_type": "c", "level": "county_center", "yearly_volume": 20000, "counter_minutes": 20.0},
    ]
    sc = synthetic_scenario(sites, caseload, simulation={"calendar": "weekdays"}, wait_target=5.0)
    # village volume split by veterans: V 100 cases, W 10
    sites_rows = tuple(s.model_copy(update={"veterans": {"V": 100, "W": 10}.get(s.site_id, s.veterans)})
                       for s in sc.sites)
    presence = Presence(township=LevelPresence(away_share=_q(0.1), other_duties_share=_q(0.25)))
    staffing = StaffingSettings(shared_staff=(SharedStaff(worker_site="T", villages=("V",), label_zh="兼管",
                                                          label_en="covers", source="test"),))
    duty = DutyRow(duty="visit", level="township", label_zh="走访", label_en="visits", basis="veteran", hours=1.5,
                   share_of_veterans=0.5, period="year", start="01-01", due="12-31", source="test")
    camp = CampaignRow(campaign="screen", level="township", label_zh="摸底", label_en="screening", basis="site",
                       hours=120.0, start="2027-03-01", deadline="2027-06-30", source="test")
    spec = sc.spec.model_copy(update={"presence": presence, "staffing": staffing})
    return dataclasses.replace(sc, spec=spec, sites=sites_rows,
                               extra_tables=(("duties.csv", (duty,)), ("campaigns.csv", (camp,))))


def test_wisn_by_hand(county) -> None:
    w = wisn_table(county).set_index("site_id")
    t = w.loc["T"]
    assert t["awt_h"] == pytest.approx(1233.225)
    assert t["counter_h"] == pytest.approx(200.0, rel=1e-4) and t["casework_h"] == pytest.approx(500.0, rel=1e-4)
    assert t["duty_h"] == pytest.approx(150.0) and t["campaign_h"] == pytest.approx(120.0)
    assert t["cover_h"] == pytest.approx(783.0)
    assert t["workload_h"] == pytest.approx(1753.0, rel=1e-4)
    assert t["category_allowance"] == 1.0
    assert t["required_posts"] == pytest.approx(1753.0 / 1233.225, rel=1e-4)
    assert t["wisn_ratio"] == pytest.approx(2 / (1753.0 / 1233.225), rel=1e-4)
    assert t["pressure"] == pytest.approx(1753.0 / 1233.225 / 2, rel=1e-4)
    assert t["required_at_cap"] == 2 and t["status"] == "adequate"  # 1.4215 / 0.85 = 1.67 -> 2 posts
    assert t["counter_min_per_visit"] == pytest.approx(12.0) and t["visits_per_post"] == pytest.approx(1233.225 * 5)
    v = w.loc["V"]
    assert v["staff"] == 1 and v["awt_h"] == pytest.approx(783.0)  # the visiting worker
    assert v["required_posts"] == pytest.approx(25.0 / 783.0, rel=1e-4)
    c = w.loc["C"]
    assert c["required_posts"] == pytest.approx(20000 * 20 / 60 / 1827, rel=1e-4)
    assert c["wisn_ratio"] == pytest.approx(3 / (20000 * 20 / 60 / 1827), rel=1e-4) and c["status"] == "shortage"
    # a township with one post: below 1 is pressure
    one = wisn_table(county, {"T": 1}).set_index("site_id").loc["T"]
    assert one["wisn_ratio"] == pytest.approx(1233.225 / 1753.0, rel=1e-4) and one["status"] == "shortage"


def test_wisn_labels_in_both_languages(county) -> None:
    zh = wisn_table(county, labels=True)
    en = wisn_table(county, lang="en", labels=True)
    assert list(zh.columns) == [v[0] for v in WISN_COLUMNS.values()]
    assert list(en.columns) == [v[1] for v in WISN_COLUMNS.values()]
    assert "乡镇（街道）服务站" in set(zh["层级"]) and "充足" in set(zh["状态"])
    assert "understaffed (workload above the time available)" in set(en["status"])


def test_binding_constraint_per_site(county) -> None:
    """Which constraint sets the requirement: workload at T, the counter at C, the funded floor at W."""
    d = derive_demand(county)
    r = requirement(county, d).set_index("site_id")
    # one post away 10% of days: at most 90% served in time, above the 80% target -> the counter needs 1
    assert r.loc["T", "workload_need"] == 2 and r.loc["T", "counter_need"] == 1
    assert r.loc["T", "binding"] == "workload" and r.loc["T", "required"] == 2
    # C: the workload needs ceil(3.649 / 0.85) = 5 posts; the 5-minute wait target needs more (Erlang)
    assert r.loc["C", "workload_need"] == 5
    need_c = r.loc["C", "counter_need"]
    assert need_c > 5 and r.loc["C", "binding"] == "counter" and r.loc["C", "required"] == need_c
    i = d.site_ids.index("C")
    staff = np.ones(len(d.site_ids), dtype=np.int64)
    staff[i] = need_c - 1
    assert evaluate_arrays(d, staff, 5.0).service_level[i] < 0.8  # one fewer misses the service level
    # W: two funded posts kept by policy though one post does the work; V: the visiting worker suffices
    assert r.loc["W", "binding"] == "floor" and r.loc["W", "required"] == 2 and r.loc["W", "counter_need"] == 1
    assert r.loc["V", "binding"] == "none" and r.loc["V", "required"] == 0
    # presence binds the counter: away 25% of days, one post serves at most 75% of visitors -> 2 posts
    away = dataclasses.replace(county, spec=county.spec.model_copy(update={"presence": Presence(
        township=LevelPresence(away_share=_q(0.25), other_duties_share=_q(0.25)))}))
    ra = requirement(away).set_index("site_id")
    assert ra.loc["T", "counter_need"] == 2
    cut = requirement(county, d, may_cut_funded=True).set_index("site_id")
    assert cut.loc["W", "binding"] == "counter" and cut.loc["W", "required"] == 1
    # the allocation carries it to the plan table (plan on the sample county: tests/test_staffing_plan.py)
    alloc = optimal_staff(county)
    assert dict(zip(alloc.site_ids, alloc.binding)) == {"C": "counter", "T": "workload", "V": "none", "W": "floor"}
