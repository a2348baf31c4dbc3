"""Small hand-built ``Results`` and ``Budget`` objects of the contract shape, for chart and brief tests.

The numbers are chosen by hand (not simulated) so that tests can check that charts and the
brief show exactly them; the real pipeline is exercised separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SITE_DAY_COLUMNS = ["replication", "site_id", "level", "date", "arrivals", "served", "abandoned", "wait_mean_min",
                    "queue_max", "backlog_open", "busy_counter_min", "busy_backoffice_min", "available_min",
                    "utilisation"]
CASE_COLUMNS = ["replication", "case_id", "case_type", "origin_site", "origin_level", "final_site", "final_level",
                "path", "channel", "from_backlog", "arrival_day", "finish_day", "trips", "visits",
                "abandoned_visits", "counter_wait_min", "working_days", "deadline_working_days", "on_time",
                "open_at_end"]


@dataclass
class FakeResults:
    summary: pd.DataFrame
    site_days: pd.DataFrame
    cases: pd.DataFrame
    meta: dict[str, Any]
    visits: pd.DataFrame = field(default_factory=pd.DataFrame)

    def kpi(self, metric: str, level: str = "all", case_type: str = "all") -> float:
        s = self.summary
        row = s[(s.metric == metric) & (s.level == level) & (s.case_type == case_type)]
        return float(row["mean"].iloc[0])


@dataclass
class FakeBudget:
    table: pd.DataFrame
    meta: dict[str, Any]


def _row(metric: str, level: str, case_type: str, mean: float, half: float, unit: str) -> dict[str, Any]:
    return {"metric": metric, "level": level, "case_type": case_type, "mean": mean, "ci_low": mean - half,
            "ci_high": mean + half, "replications": 2, "unit": unit, "label_zh": metric, "label_en": metric}


def fake_results(scenario: Any, *, waits: dict[str, float], one_trip: dict[str, float],
                 util_scale: float = 1.0, zero_day: float = 150.0, days: int = 365,
                 replications: int = 2) -> FakeResults:
    """Results with the given mean waits and one-trip rates per level; utilisation and backlog by hand."""
    rows = []
    for lv, w in waits.items():
        rows.append(_row("wait_mean_min", lv, "all", w, w * 0.1, "minute"))
        rows.append(_row("wait_p90_min", lv, "all", 2.2 * w, w * 0.2, "minute"))
        rows.append(_row("service_level", lv, "all", max(0.0, 1 - w / 60), 0.02, "share"))
    for lv, r in one_trip.items():
        rows.append(_row("one_trip_rate", lv, "all", r, 0.01, "share"))
    for lv, u in {"village": 0.2, "township": 0.7, "county_center": 0.8}.items():
        rows.append(_row("utilisation", lv, "all", u * util_scale, 0.02, "share"))
    for i, ct in enumerate(scenario.spec.case_types):
        rows.append(_row("resolution_working_days_mean", "all", ct, 2.0 + 1.5 * i, 0.3, "working day"))
        rows.append(_row("on_time_share", "all", ct, 0.9, 0.02, "share"))
    rows.append(_row("on_time_share", "all", "all", 0.93, 0.01, "share"))
    rows.append(_row("petition_backlog_end", "all", "all", 0.0, 0.0, "case"))
    rows.append(_row("petition_backlog_zero_day", "all", "all", zero_day, 5.0, "day"))
    rows.append(_row("backlog_end", "all", "all", 40.0, 4.0, "case"))
    summary = pd.DataFrame(rows)

    start = scenario.spec.simulation.start_date
    dates = pd.date_range(start, periods=days, freq="D")
    ids = np.array([s.site_id for s in scenario.sites])
    levels = np.array([s.level for s in scenario.sites])
    base_util = {"village": 0.2, "township": 0.7, "county_center": 0.8}
    n_sites = len(ids)
    # utilisation = base(level) x scale x seasonal factor on open days (weekdays), 0 when closed
    season = 1.0 + 0.15 * np.sin(np.arange(days) / 58.0)
    avail_day = np.where(dates.day_of_week < 5, 420.0, 0.0)
    util_site_day = np.clip(np.array([base_util[lv] for lv in levels])[:, None] * util_scale * season[None, :], 0, 1)
    util_site_day = np.where(avail_day[None, :] > 0, util_site_day, 0.0)
    reps = np.repeat(np.arange(replications), n_sites * days)
    util = np.tile(util_site_day.ravel(), replications)
    avail = np.tile(np.tile(avail_day, n_sites), replications)
    site_days = pd.DataFrame({
        "replication": reps, "site_id": np.tile(np.repeat(ids, days), replications),
        "level": np.tile(np.repeat(levels, days), replications), "date": np.tile(np.tile(dates, n_sites), replications),
        "arrivals": 3, "served": 3, "abandoned": 0,
        "wait_mean_min": np.tile(np.repeat([waits.get(lv, 0.0) for lv in levels], days), replications),
        "queue_max": 2, "backlog_open": 1, "busy_counter_min": util * avail * 0.7,
        "busy_backoffice_min": util * avail * 0.3, "available_min": avail, "utilisation": util,
    })[SITE_DAY_COLUMNS]

    case_rows = []
    for rep in range(replications):
        for k in range(12):  # the petition backlog: finishes evenly up to zero_day
            fin = zero_day * (k + 1) / 12 + rep
            case_rows.append((rep, f"B{k}", "petition", "C01", "county_center", "C01", "county_center", "C01",
                              "walk_in", True, 0.0, fin, 1, 1, 0, 0.0, fin * 5 / 7, 60, True, False))
        for i, ct in enumerate(scenario.spec.case_types):
            for k in range(5):
                arr = 10.0 * k + i
                fin = arr + 3 + i
                case_rows.append((rep, f"N{i}-{k}", ct, "T01", "township", "C01", "county_center", "T01>C01",
                                  "walk_in", False, arr, fin, 1, 1, 0, 5.0, 3.0, 5 + 2 * i, True, False))
    cases = pd.DataFrame(case_rows, columns=CASE_COLUMNS)
    meta = {"seed": scenario.spec.seed, "scenario_hash": scenario.hash(), "vetsim_version": "0.1.0",
            "replications": replications, "scenario_name": scenario.name("zh"), "start_date": start, "days": days}
    return FakeResults(summary, site_days, cases, meta)


def fake_budget(scenario: Any, years: tuple[int, ...] = (2027, 2028, 2029)) -> FakeBudget:
    """A budget table: each line split 60/20/10/10 over the tiers, with a total row carrying the band."""
    lines = {"si_continuation": 3.0e6, "pension": 2.0e6, "hardship": 0.2e6, "temporary_relief": 0.5e6,
             "site_costs": 5.0e6}
    shares = {"central": 0.6, "province": 0.2, "city": 0.1, "county": 0.1}
    rows = []
    for j, y in enumerate(years):
        total = 0.0
        for line, v in lines.items():
            amount = v * (1 + 0.05 * j)
            for tier, sh in shares.items():
                x = amount * sh
                rows.append((y, line, tier, x, 0.9 * x, x, 1.1 * x))
            total += amount
        rows.append((y, "total", "total", total, 0.95 * total, total, 1.05 * total))
    table = pd.DataFrame(rows, columns=["year", "line", "tier", "value", "p10", "p50", "p90"])
    meta = {"seed": scenario.spec.seed, "scenario_hash": scenario.hash(), "vetsim_version": "0.1.0",
            "scenario_name": scenario.name("zh"), "draws": 100}
    return FakeBudget(table, meta)


def fake_pair(sample: Any, proposal: Any) -> tuple[FakeResults, FakeResults]:
    base = fake_results(sample, waits={"village": 8.0, "township": 42.0, "county_center": 25.0},
                        one_trip={"village": 0.92, "township": 0.78, "county_center": 0.81, "all": 0.84})
    prop = fake_results(proposal, waits={"village": 8.0, "township": 12.0, "county_center": 24.0},
                        one_trip={"village": 0.92, "township": 0.88, "county_center": 0.82, "all": 0.90},
                        util_scale=0.6, zero_day=120.0)
    return base, prop

