"""Arrivals: non-homogeneous Poisson with the monthly seasonality, weekday and hour profiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import vetsim
from vetsim.sim.streams import draw_streams, keyed_rng
from vetsim.sim.synthetic import synthetic_scenario
from vetsim.work.network import compile_network

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def county():
    return vetsim.load_scenario(DATA / "sample_county")


def test_expected_volume_and_seasonality(county):
    net = compile_network(county)
    ct = net.case_types.index("placement")
    lam = sum(l for s, c, l in net.streams if c == ct)
    row = county.caseload_row("placement", "county_center")
    assert lam.sum() == pytest.approx(row.yearly_volume, rel=1e-9)
    start = county.spec.simulation.start_date
    months = np.array([(start + dt.timedelta(int(d))).month for d in range(net.days)])
    by_month = np.bincount(months, weights=lam, minlength=13)[1:]
    assert by_month == pytest.approx(np.array(row.seasonality) * row.yearly_volume, rel=1e-9)
    # nothing arrives on a day the site is closed (weekends, Spring Festival)
    c01 = net.site_ids.index("C01")
    assert np.all(lam[~net.open_mask[c01, :net.days]] == 0)


def test_drawn_arrivals_follow_the_hour_profile(county):
    net = compile_network(county)
    arrivals, _ = draw_streams(net, np.random.SeedSequence(5))
    t = np.concatenate([a.times for a in arrivals if net.level[a.site] == 1])  # township stations 08:30-17:30
    minute = t % 1440
    assert ((minute >= 510) & (minute < 720) | (minute >= 840) & (minute < 1050)).all()
    prof = county.spec.simulation.hour_profile
    # expected share per hour: weight x open minutes in that hour
    open_min = {8: 30, 9: 60, 10: 60, 11: 60, 14: 60, 15: 60, 16: 60, 17: 30}
    w = {h: prof.get(h, 0) * m for h, m in open_min.items()}
    total = sum(w.values())
    counts = np.bincount((minute // 60).astype(int), minlength=24)
    for h, wh in w.items():
        expected = wh / total * len(t)
        assert abs(counts[h] - expected) < 4 * np.sqrt(expected) + 1, (h, counts[h], expected)
    # Poisson: the yearly count's spread across seeds matches its mean (variance / mean ~ 1)
    totals = [sum(len(a.times) for a in draw_streams(net, np.random.SeedSequence(s))[0]) for s in range(12)]
    assert np.var(totals, ddof=1) / np.mean(totals) == pytest.approx(1.0, abs=0.8)


def test_weekday_profile_shifts_volume_to_mondays():
    sites = [{"site_id": "C", "level": "county_center", "funded_staff": 1}]
    load = [{"case_type": "x", "level": "county_center", "yearly_volume": 1000}]
    flat = compile_network(synthetic_scenario(sites, load, simulation={"calendar": "weekdays"}))
    peak = compile_network(synthetic_scenario(sites, load, simulation={"calendar": "weekdays",
                                                                       "weekday_profile": {1: 2.0}}))
    wd = flat.cal.weekday[-flat.cal.first_day:][:flat.days]
    lf, lp = flat.streams[0][2], peak.streams[0][2]
    assert lf.sum() == pytest.approx(lp.sum())
    jan = np.arange(flat.days) < 31  # within one month the ratio is exact
    assert lp[jan & (wd == 0)].mean() / lp[jan & (wd == 2)].mean() == pytest.approx(2.0)
    assert lf[jan & (wd == 0)].mean() / lf[jan & (wd == 2)].mean() == pytest.approx(1.0)


def test_keyed_streams_do_not_depend_on_other_sites():
    seq = np.random.SeedSequence(1).spawn(3)[2]
    a = keyed_rng(seq, "arrivals", "T01", "pension").random(5)
    b = keyed_rng(seq, "arrivals", "T01", "pension").random(5)
    c = keyed_rng(seq, "arrivals", "T02", "pension").random(5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
