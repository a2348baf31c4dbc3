"""The estimate and the simulation agree on each site's yearly workload (issue 10, item 1).

Guards the one model of work: the staffing estimate (``Demand.workload_h``: counter, casework,
duties, campaigns, shared cover) and the event simulation must see the same work at every site.
Simulation side, per replication: counter minutes served + casework minutes that entered the back
office + the duty and campaign packages owed (released in the window) + the shared village cover
the network reserves (``cover_min`` x open days). The sample county with a shared village cover
added, duties and campaigns on, 8 replications: Poisson noise on a township's ~2,000 hours is
about 0.3%, far below the 2% tolerance.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vetsim import load_scenario
from vetsim.scenario.staffing_spec import SharedStaff
from vetsim.sim import simulate
from vetsim.work import compile_network, derive_demand

pytestmark = pytest.mark.statistical  # many replications: CI runs it, a local quick run skips it

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"
REPLICATIONS = 8


def test_estimate_and_simulation_agree_on_workload_per_site() -> None:
    sc = load_scenario(SAMPLE)
    rule = SharedStaff(worker_site="T03", villages=("T03V01", "T03V02"), label_zh="兼管两村", label_en="covers two",
                       source="test")
    spec = sc.spec.model_copy(update={"staffing": sc.spec.staffing.model_copy(update={"shared_staff": (rule,)})})
    sc = dataclasses.replace(sc, spec=spec)
    d, net = derive_demand(sc), compile_network(sc)
    assert d.duty_h.sum() > 0 and d.campaign_h.sum() > 0 and d.cover_h.sum() > 0  # all kinds of work on
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = simulate(sc, replications=REPLICATIONS, seed=3)
    ids = list(d.site_ids)
    sd = res.site_days
    served = sd.groupby("site_id", observed=False)[["busy_counter_min", "casework_in_min"]].sum().sum(axis=1)
    work = res.work[res.work["release_day"] < net.days]
    owed = work.groupby("site_id", observed=False)["owed_min"].sum()
    cover = np.asarray(net.cover_min) * net.open_mask[:, : net.days].sum(axis=1)
    sim_h = ((served.reindex(ids).fillna(0.0) + owed.reindex(ids).fillna(0.0)).to_numpy() / REPLICATIONS + cover) / 60.0
    rel = pd.Series(sim_h / d.workload_h - 1.0, index=ids)
    assert (d.workload_h > 0).all()
    assert rel.abs().max() < 0.02, rel[rel.abs() >= 0.02].round(4).to_dict()
    t3 = ids.index("T03")
    assert d.cover_h[t3].sum() > 0 and abs(rel["T03"]) < 0.02
