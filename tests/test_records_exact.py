"""The per-replication tables and KPIs computed without per-group masks give the masks' values to the last bit.

``vetsim.sim.records`` (issue 25) groups the rows once instead of masking them per KPI group: counts from a
bincount, sums and means over each group's rows taken side by side in table order, the 90th percentile
without ``np.quantile``'s per-call cost, the site-day table gathered from the engine's day-major grids.
Each is checked here against the plain computation it replaces.
"""

from __future__ import annotations

import numpy as np
import pytest

from vetsim.scenario import apply_overlay
from vetsim.sim import runner
from vetsim.sim.records import _group_means, _Groups, _p90, replication_tables


def _bits(x: float) -> bytes:
    return np.float64(x).tobytes()


def _arrays(rng: np.random.Generator):
    for n in [*range(1, 30), 100, 101, 1000, 4321]:
        yield rng.random(n) * 100
        yield np.round(rng.exponential(3.0, n), 1)  # ties
        w = np.zeros(n)
        w[rng.random(n) < 0.1] = rng.random() * 5  # mostly zero, as waits at a quiet counter
        yield w
        yield rng.normal(0.0, 1e6, n)
        w = rng.random(n)
        w[rng.integers(n)] = np.nan
        yield w
        w = rng.random(n)
        w[rng.integers(n)] = np.inf
        yield w


def test_p90_is_numpys_quantile_to_the_last_bit() -> None:
    arrays = list(_arrays(np.random.default_rng(5)))
    with np.errstate(invalid="ignore"):
        expected = [float(np.quantile(w, 0.9)) for w in arrays]
    got = [_p90(w.copy()) for w in arrays]
    assert [_bits(x) for x in got] == [_bits(x) for x in expected]


def _masked_groups(levels, cts, level_names, ct_names):
    """The groups as boolean masks, in the order the KPI rows list them (the computation replaced)."""
    for li, lname in [(None, "all")] + [(i, name) for i, name in enumerate(level_names)]:
        lm = np.ones(len(levels), bool) if li is None else levels == li
        if li is not None and not lm.any():
            continue
        for ci, cname in [(None, "all")] + [(i, name) for i, name in enumerate(ct_names)]:
            m = lm if ci is None else lm & (cts == ci)
            if ci is not None and not m.any():
                continue
            yield lname, cname, m


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_groups_give_the_masks_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    levels = rng.choice([0, 1, 2, 3], n, p=[0.6, 0.3, 0.099, 0.001])  # 3: a level without a name ("all" only)
    levels[:3] = 3
    cts = rng.integers(0, 7, n)
    cts[(levels == 2)] = np.minimum(cts[levels == 2], 2)  # some (level, case type) groups are empty
    values = rng.exponential(10.0, n)  # arbitrary floats: the sum depends on the order
    whole = np.floor(rng.exponential(20.0, n))  # whole numbers (working days)
    sel = rng.random(n) < 0.7
    names, ct_names = ("village", "township", "county_center"), tuple(f"ct{i}" for i in range(7))
    grp = _Groups(levels, cts, names, ct_names)
    expected = list(_masked_groups(levels, cts, names, ct_names))
    assert [(lv, ct) for _, lv, ct in grp.listed()] == [(lv, ct) for lv, ct, _ in expected]
    count, means = grp.count(sel), grp.reduce(lambda v: float(v.mean()), values, sel=sel)
    means_fast, means_whole = _group_means(grp, values, sel), _group_means(grp, whole, sel)
    for (g, _, _), (_, _, m) in zip(grp.listed(), expected):
        assert grp.n[g] == m.sum() and count[g] == (m & sel).sum()
        if (m & sel).any():
            assert _bits(means[g]) == _bits(values[m & sel].mean()) == _bits(means_fast[g])
            assert _bits(means_whole[g]) == _bits(whole[m & sel].mean())
        else:
            assert means[g] is None and np.isnan(means_fast[g]) and np.isnan(means_whole[g])


def test_site_days_are_the_engine_grids_at_their_cells(sample, monkeypatch) -> None:
    """Each site-day row holds the engine's records of its site and day (read from its day-major grids);
    the rows left out are closed days without any activity."""
    short = apply_overlay(sample, {"simulation": {"days": 40}})
    seen = {}

    def tables(net, eng, rep):
        seen.update(net=net, eng=eng, tables=replication_tables(net, eng, rep))
        return seen["tables"]

    monkeypatch.setattr(runner, "replication_tables", tables)
    runner.run_replication(short, np.random.SeedSequence(3), 0, tables=False)
    net, eng, sd = seen["net"], seen["eng"], seen["tables"]["site_days"]
    sd.settle()
    site, day = sd["site_id"], sd["day"]
    assert len(sd) and np.all(np.diff(site * net.days + day) > 0)  # by site, then day
    for col, name in (("busy_backoffice_min", "casework"), ("busy_duties_min", "duties"),
                      ("busy_campaign_min", "campaigns"), ("other_work_min", "other"), ("cover_min", "cover"),
                      ("casework_in_min", "casework_in"), ("fixed_min", "fixed"), ("overtime_min", "overtime")):
        assert np.array_equal(sd[col], eng.rec[name][site, day]), col
    assert np.array_equal(sd["staff_present"], eng.present[site, day])
    assert np.array_equal(sd["backlog_open"], np.asarray(eng.snap)[day, site])
    left_out = np.ones((len(net.site_ids), net.days), bool)
    left_out[site, day] = False
    assert left_out.any() and not net.open_mask[:, :net.days][left_out].any()
    for name in ("casework", "duties", "campaigns", "casework_in", "overtime"):
        assert not (eng.rec[name][left_out] > 0).any(), name
