"""KPI honesty under stress, second round (issue 23): no KPI may improve beyond its interval.

The sample county is run at baseline and under four stresses -- case volume x1.5 and x2, every
site's staff halved, every township station at 0 staff -- on the same seeds (common random numbers:
the streams are keyed by level and site, ``vetsim.sim.streams``), ``REPS`` paired replications
each. For every KPI with a better direction, at every level (county-wide included, case type
``all``), the paired difference stress - baseline must not be better than 0 beyond its 95% Student-t
interval. A figure that exists only in the runs where something happened (the day a campaign
finished, the day the backlog reached zero) counts a run where it did not happen as the last day of
the window, so "finished in 1 of 20 runs" cannot look like an early finish. A KPI with a value at
baseline must keep one under stress (a level with no staff is red, not "—").

``python tests/test_kpi_stress.py`` prints the figures quoted in the README.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vetsim import load_scenario, simulate
from vetsim.kpis import KPIS
from vetsim.scenario import scale_rows
from vetsim.scenario.sensitivity_spec import TableKey
from vetsim.stats import t_half_width

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"
REPS = 10
SEED = 23
LEVELS = ("all", "village", "township", "county_center")
# figures that exist only in the runs where something happened: a run where it did not counts as the window's end
UNTIL_END = ("campaign_done_day", "petition_backlog_zero_day")


def _stresses(sc):
    vol = TableKey("caseload.csv", (), "yearly_volume")
    return {
        "volume_x1.5": scale_rows(sc, vol, 1.5),
        "volume_x2": scale_rows(sc, vol, 2.0),
        "staff_halved": sc.with_site_changes({s.site_id: {"funded_staff": s.funded_staff // 2,
                                                          "parttime_staff": s.parttime_staff // 2} for s in sc.sites}),
        "townships_unstaffed": sc.with_site_changes({s.site_id: {"funded_staff": 0, "parttime_staff": 0}
                                                     for s in sc.sites_at("township")}),
    }


@lru_cache(maxsize=1)
def _runs(reps: int = REPS) -> dict[str, pd.DataFrame]:
    sc = load_scenario(SAMPLE)
    out = {"baseline": simulate(sc, replications=reps, seed=SEED)}
    out.update({name: simulate(x, replications=reps, seed=SEED) for name, x in _stresses(sc).items()})
    return {k: v for k, v in out.items()}


def _per_rep(res, metric: str, level: str) -> np.ndarray | None:
    pr = res.per_replication
    m = pr[(pr["metric"] == metric) & (pr["level"] == level) & (pr["case_type"] == "all")]
    if m.empty:
        return None
    n = int(res.meta["replications"])
    v = m.set_index("replication")["value"].reindex(range(n)).to_numpy(dtype=float)
    if metric in UNTIL_END:
        v = np.where(np.isnan(v), float(res.meta.get("days") or 365), v)
    return v


def paired_changes(base, stressed) -> pd.DataFrame:
    """Per KPI and level: baseline mean, stressed mean, paired difference and its 95% half width, verdict."""
    rows = []
    for metric, k in KPIS.items():
        if k.direction is None:
            continue
        for level in LEVELS:
            b = _per_rep(base, metric, level)
            if b is None or np.isnan(b).all():
                continue
            x = _per_rep(stressed, metric, level)
            lost = x is None or np.isnan(x).all()
            d = np.full(len(b), np.nan) if lost else x - b
            ok = ~np.isnan(d) & np.isfinite(d)
            diff = float(d[ok].mean()) if ok.any() else math.nan
            half = float(t_half_width(d[ok].std(ddof=1), ok.sum())) if ok.sum() > 1 else math.nan
            better = -diff if k.direction == "lower" else diff
            improved = bool(ok.sum() > 1 and better > (half if half > 0 else 1e-9))
            rows.append({"metric": metric, "level": level, "baseline": float(np.nanmean(b)),
                         "stressed": math.nan if lost else float(np.nanmean(np.where(np.isfinite(x), x, np.nan)))
                         if np.isfinite(x).any() else math.inf,
                         "diff": diff, "half": half, "improved": improved, "lost": lost})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("stress", ["volume_x1.5", "volume_x2", "staff_halved", "townships_unstaffed"])
def test_no_kpi_improves_beyond_its_interval(stress) -> None:
    runs = _runs()
    table = paired_changes(runs["baseline"], runs[stress])
    bad = table[table["improved"] | table["lost"]]
    assert bad.empty, f"{stress}: KPIs that improved or vanished under stress:\n{bad.to_string()}"


if __name__ == "__main__":  # the figures of the README
    runs = _runs()
    pd.set_option("display.width", 200)
    for name in [k for k in runs if k != "baseline"]:
        t = paired_changes(runs["baseline"], runs[name])
        print(f"== {name} ({REPS} paired replications)")
        print(t.round(4).to_string())
