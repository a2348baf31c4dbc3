"""The KPI-only path (issue 25, Build 2): ``simulate(..., tables=False)`` gives the same KPIs to the last bit.

Callers that read only KPIs (policy comparison, sensitivity arms) skip joining and sending back the
case, visit, site-day and work tables; the numbers must not move, serially or with worker processes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from vetsim.scenario import apply_overlay
from vetsim.sim import simulate, star_network


@pytest.fixture(scope="module")
def short(sample):
    """The sample county over 45 days (its work model: must-do work, slack policy, overtime, petition owners)."""
    return apply_overlay(sample, {"simulation": {"days": 45}})


def _same(full, kpis) -> None:
    pd.testing.assert_frame_equal(kpis.summary, full.summary, check_exact=True)
    pd.testing.assert_frame_equal(kpis.per_replication, full.per_replication, check_exact=True)
    assert {k: v for k, v in kpis.meta.items() if k not in ("created", "tables")} == \
        {k: v for k, v in full.meta.items() if k != "created"}


def test_kpis_only_equal_the_full_run_bit_for_bit(short) -> None:
    full = simulate(short, replications=2, seed=11)
    kpis = simulate(short, replications=2, seed=11, tables=False)
    _same(full, kpis)
    assert kpis.meta["tables"] is False and "tables" not in full.meta
    assert kpis.cases is None and kpis.visits is None and kpis.site_days is None and kpis.work is None
    assert full.cases is not None and len(full.visits) > 0
    assert kpis.kpi("wait_mean_min", "township") == full.kpi("wait_mean_min", "township")


def test_kpis_only_on_an_executor_and_another_seed_differ_only_by_seed() -> None:
    sc = star_network(2, 2, volume_per_village=200, simulation={"days": 30})
    with ThreadPoolExecutor(2) as ex:
        kpis = simulate(sc, replications=3, seed=5, executor=ex, tables=False)
    _same(simulate(sc, replications=3, seed=5), kpis)
    other = simulate(sc, replications=3, seed=6, tables=False)
    with pytest.raises(AssertionError):  # the comparison can fail: another seed gives other numbers
        pd.testing.assert_frame_equal(other.per_replication, kpis.per_replication, check_exact=True)


def test_a_kpi_only_run_has_no_tables_to_write(tmp_path) -> None:
    kpis = simulate(star_network(1, 1, simulation={"days": 5}), replications=1, seed=1, tables=False)
    with pytest.raises(ValueError, match="KPI-only"):
        kpis.to_parquet(tmp_path / "out")
