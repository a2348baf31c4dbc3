"""The simulation against queueing theory: M/M/c (Erlang C) and a Jackson network, calendar off.

The theory is computed here from first principles (not with vetsim.staffing), so both can fail
independently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from vetsim.sim import simulate, synthetic_scenario

pytestmark = pytest.mark.statistical  # many replications: CI runs it, a local quick run skips it

SIM = {"calendar": "continuous", "service_time_distribution": "exponential", "abandonment": False}
DAYS = 40
REPS = 8


def erlang_c_wait(lam: float, mean_service: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue (minutes): Erlang C probability of waiting / (c mu - lambda)."""
    a = lam * mean_service
    assert a < c
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    p_wait = tail / (head + tail)
    return p_wait / (c / mean_service - lam)


def per_year(rate_per_min: float) -> float:
    return rate_per_min * 1440 * 365


def _wait_ci(res, level: str) -> tuple[float, float, float]:
    row = res.summary.query("metric == 'wait_mean_min' and level == @level and case_type == 'all'").iloc[0]
    return row["mean"], row["ci_low"], row["ci_high"]


def test_erlang_c_reference_values():
    # textbook check of the helper itself: M/M/1 Wq = rho / (mu - lambda); M/M/2 with a = 1
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(0.5 / (1 - 0.5))
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def _single_site(c: int, rho: float, mean_service: float = 10.0):
    lam = rho * c / mean_service
    sc = synthetic_scenario(
        [{"site_id": "C", "level": "county_center", "funded_staff": c}],
        [{"case_type": "x", "level": "county_center", "yearly_volume": per_year(lam), "counter_minutes": mean_service}],
        simulation={**SIM, "days": DAYS})
    return lam, simulate(sc, replications=REPS, seed=11)


@pytest.fixture(scope="module")
def mm3():
    return _single_site(3, 0.8)


def _check_mmc(lam: float, res, c: int, rho: float, mean_service: float = 10.0) -> None:
    theory = erlang_c_wait(lam, mean_service, c)
    mean, lo, hi = _wait_ci(res, "county_center")
    assert lo <= theory <= hi, (theory, mean, lo, hi)
    assert hi - lo < 0.25 * theory  # the check is tight enough to catch a wrong model
    # arrival rate and service times are what the theory assumes
    v = res.visits
    assert v["service_min"].mean() == pytest.approx(mean_service, rel=0.02)
    assert len(v) / REPS / (DAYS * 1440) == pytest.approx(lam, rel=0.02)
    assert res.kpi("utilisation", "county_center") == pytest.approx(rho, rel=0.03)


def test_mm1_mean_wait_within_ci():
    lam, res = _single_site(1, 0.7)
    _check_mmc(lam, res, 1, 0.7)


def test_mm3_mean_wait_within_ci(mm3):
    lam, res = mm3
    _check_mmc(lam, res, 3, 0.8)


def test_mmc_is_not_matched_by_the_wrong_server_count(mm3):
    """The CI must exclude the theory of a different c (the test can fail)."""
    lam, res = mm3
    _, lo, hi = _wait_ci(res, "county_center")
    for wrong in (erlang_c_wait(lam, 10.0, 4), erlang_c_wait(lam, 10.0 * 1.1, 3)):
        assert not lo <= wrong <= hi


def test_jackson_network_stations_to_center():
    """Three township stations (M/M/1) refer a share of their cases to the county center (M/M/2).

    Jackson: each node behaves as an independent M/M/c with its total arrival rate; the center
    sees the sum of the referred flows."""
    rates = [0.030, 0.045, 0.055]  # arrivals per minute at T1..T3
    s_town, s_center, stay = 12.0, 15.0, 0.6
    sites = [{"site_id": "C", "level": "county_center", "funded_staff": 2}]
    sites += [{"site_id": f"T{i}", "level": "township", "parent_id": "C", "funded_staff": 1, "veterans": 1000 * r}
              for i, r in enumerate(rates)]
    # the yearly volume is split across the townships in proportion to `veterans`
    caseload = [
        {"case_type": "x", "level": "township", "yearly_volume": per_year(sum(rates)), "counter_minutes": s_town,
         "resolved_here_share": stay},
        {"case_type": "x", "level": "county_center", "yearly_volume": 0, "counter_minutes": s_center},
    ]
    sc = synthetic_scenario(sites, caseload, simulation={**SIM, "days": DAYS})
    # seed 1: with the level-keyed draws (issue 14) seeds 1-8 give center means 2.66 2.67 2.67 2.56
    # 3.07 2.70 2.41 2.83 (mean 2.70, theory 2.69); two of those 16 intervals miss, as 95% intervals do
    res = simulate(sc, replications=REPS, seed=1)
    lam_c = (1 - stay) * sum(rates)
    theory_c = erlang_c_wait(lam_c, s_center, 2)
    theory_t = sum(r * erlang_c_wait(r, s_town, 1) for r in rates) / sum(rates)  # visit-weighted mean
    for level, theory in (("township", theory_t), ("county_center", theory_c)):
        mean, lo, hi = _wait_ci(res, level)
        assert lo <= theory <= hi, (level, theory, mean, lo, hi)
        assert hi - lo < 0.3 * theory
    # routing: the share referred on is (1 - stay), and every referred case visits the center once
    cases = res.cases
    referred = cases["path"].str.contains(">").mean()
    assert referred == pytest.approx(1 - stay, abs=0.01)
    assert np.all(cases.loc[cases["path"].str.contains(">"), "visits"] == 2)
