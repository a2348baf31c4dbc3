"""Same seed, same results: serial, worker processes, and a Dask LocalCluster."""

from __future__ import annotations

import pandas as pd
import pytest

from vetsim.sim import simulate, star_network

FRAMES = ("cases", "visits", "site_days", "summary", "per_replication")


@pytest.fixture(scope="module")
def small():
    # 2 townships x 3 villages -> center, official calendar, abandonment and gamma times on
    return star_network(2, 3, volume_per_village=300, staff=(1, 1, 2),
                        simulation={"calendar": "official", "service_time_distribution": "gamma",
                                    "abandonment": True, "days": 60})


@pytest.fixture(scope="module")
def serial(small):
    return simulate(small, replications=3, seed=99)


def _same(a, b):
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    keep = ("seed", "scenario_hash", "vetsim_version", "replications")
    assert {k: a.meta[k] for k in keep} == {k: b.meta[k] for k in keep}


def test_workers_do_not_change_results(small, serial):
    _same(serial, simulate(small, replications=3, seed=99, workers=2))


def test_other_seed_changes_results(small, serial):
    other = simulate(small, replications=3, seed=100)
    assert not serial.cases["arrival_day"].equals(other.cases["arrival_day"])


def test_dask_local_cluster_matches_serial(small, serial):
    """Through a dask.distributed client's executor (threads keep the test fast; pickling across
    processes is covered by the workers=2 test)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        res = simulate(small, replications=3, seed=99, executor=client.get_executor())
    _same(serial, res)
