"""What charts read out of Results and Budget: checked against hand computations on tiny frames."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from vetsim.charts.budget import government_total
from vetsim.charts.data import by_level, day_to_date, kpi, monthly_utilisation, open_per_day


def _summary(rows):
    cols = ["metric", "level", "case_type", "mean", "ci_low", "ci_high", "replications", "unit", "label_zh", "label_en"]
    return pd.DataFrame([(*r, "u", "zh", "en") for r in rows], columns=cols)


def test_kpi_picks_the_overall_row_and_levels() -> None:
    res = SimpleNamespace(summary=_summary([
        ("wait_mean_min", "all", "all", 10.0, 9.0, 11.0, 3),
        ("wait_mean_min", "township", "all", 20.0, 18.0, 22.0, 3),
        ("wait_mean_min", "township", "petition", 99.0, 90.0, 100.0, 3),
        ("wait_mean_min", "village", "all", math.nan, math.nan, math.nan, 0),
    ]), meta={})
    assert kpi(res, "wait_mean_min").mean == 10.0
    est = kpi(res, "wait_mean_min", "township")
    assert (est.mean, est.lo, est.hi, est.replications) == (20.0, 18.0, 22.0, 3)
    assert kpi(res, "wait_mean_min", "township", "petition").mean == 99.0
    assert kpi(res, "wait_mean_min", "village") is None  # NaN means "no value"
    assert kpi(res, "one_trip_rate") is None
    table = by_level(res, "wait_mean_min")
    assert table["level"].tolist() == ["township"]


def test_monthly_utilisation_is_weighted_by_available_minutes() -> None:
    # T1 in January: 2 days, 100 min at 50% and 300 min at 90% -> (50 + 270) / 400 = 0.8, not 0.7
    # a closed day (0 available minutes) does not count as 0% utilisation
    # two village stations pooled: (10 + 30) / (100 + 100) = 0.2
    sd = pd.DataFrame({
        "replication": [0, 0, 0, 0, 0],
        "site_id": ["T1", "T1", "T1", "V1", "V2"],
        "level": ["township", "township", "township", "village", "village"],
        "date": pd.to_datetime(["2027-01-04", "2027-01-05", "2027-01-09", "2027-01-04", "2027-01-04"]),
        "available_min": [100.0, 300.0, 0.0, 100.0, 100.0],
        "utilisation": [0.5, 0.9, 0.0, 0.1, 0.3],
    })
    out = monthly_utilisation(SimpleNamespace(site_days=sd)).set_index("site_id")["value"]
    assert out["T1"] == pytest.approx(0.8)
    assert out["village"] == pytest.approx(0.2)
    assert set(out.index) == {"T1", "village"}


def test_open_per_day_counts_by_hand() -> None:
    # replication 0: A open days 0-2 (finishes on day 3), B arrives day 1 and never finishes
    # replication 1: C open days 0-4, finishes day 5 (outside a 5-day horizon)
    cases = pd.DataFrame({"replication": [0, 0, 1], "arrival_day": [0, 1, -30],
                          "finish_day": [3.0, np.nan, 5.0]})
    out = open_per_day(cases, days=5, replications=2)
    rep0 = np.array([1, 2, 2, 1, 1])
    rep1 = np.array([1, 1, 1, 1, 1])
    assert out["mean"].tolist() == pytest.approx(((rep0 + rep1) / 2).tolist())
    sd = np.std(np.vstack([rep0, rep1]), axis=0, ddof=1)
    t_975_1 = 12.706204736  # Student t, 97.5% quantile, 1 degree of freedom (tables)
    assert out["ci_high"].to_numpy() - out["mean"].to_numpy() == pytest.approx(t_975_1 * sd / np.sqrt(2))


def test_day_numbers_become_dates() -> None:
    res = SimpleNamespace(meta={"start_date": "2027-01-01"}, site_days=pd.DataFrame())
    assert day_to_date(res, 0) == dt.date(2027, 1, 1)
    assert day_to_date(res, 180.7) == dt.date(2027, 6, 30)  # day 180 is 30 June
    assert day_to_date(res, dt.date(2027, 3, 1)) == dt.date(2027, 3, 1)


def test_government_total_band_comes_from_the_total_rows() -> None:
    rows = [(2027, "pension", "central", 60.0, 50.0, 60.0, 70.0), (2027, "pension", "county", 40.0, 30.0, 40.0, 50.0),
            (2027, "pension", "individual", 999.0, 999.0, 999.0, 999.0),
            (2027, "total", "total", 100.0, 90.0, 100.0, 110.0)]
    table = pd.DataFrame(rows, columns=["year", "line", "tier", "value", "p10", "p50", "p90"])
    out = government_total(table).iloc[0]
    # value = sum of the government parts (individual excluded); band = quantiles of the summed draws,
    # narrower than the sum of the parts' quantiles (80 .. 120)
    assert (out["value"], out["p10"], out["p90"]) == (100.0, 90.0, 110.0)
    out = government_total(table[table["line"] != "total"]).iloc[0]
    assert out["value"] == 100.0 and math.isnan(out["p10"])  # no band rather than a made-up one
