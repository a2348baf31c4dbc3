"""Calibration from ledgers: recovery of a known scenario, shrinkage, the overlay (issue 12, items 3 and 5).

Truth is the generating scenario: 2 years of records are drawn from the sample county's own
simulation and the fit must give back its caseload numbers within their sampling error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from vetsim.backtest.draw import records_from_results, simulate_years
from vetsim.errors import VetsimError
from vetsim.ledgerfit import beta_binomial, fit_ledger, matters, poisson_gamma, write_overlay
from vetsim.scenario import load_scenario

YEARS = 2


@pytest.fixture(scope="module")
def drawn(sample):
    long, res = simulate_years(sample, YEARS, seed=7)
    return long, res, records_from_results(long, res, 0, seed=7)


@pytest.fixture(scope="module")
def fit(sample, drawn):
    return fit_ledger(drawn[2], sample)


def test_records_follow_the_schema_and_every_case_is_one_matter(drawn) -> None:
    long, res, rec = drawn
    assert set(rec) == {"visits", "petitions", "cases", "register"}
    v = rec["visits"]
    assert v["person"].str.fullmatch(r"[0-9a-f]{16}").all() and str(v["date"].dtype) == "datetime64[ns]"
    assert set(rec["petitions"]["channel"]) <= {"visit", "letter", "hotline", "online"}
    # repeat trips of one matter are linked to one person
    assert v.groupby("person").size().max() > 1
    cases = res.cases[~res.cases["from_backlog"]]
    want = cases.groupby(["origin_level", "case_type"], observed=True).size()
    got = matters(rec).groupby(["level", "case_type"]).size()
    assert dict(got) == {k: v for k, v in want.items() if v}  # conservation: no case lost, none doubled


def test_recovers_the_volumes_of_the_generating_scenario(sample, fit) -> None:
    lines, bad = [], []
    for _, r in fit.level_volumes().iterrows():
        truth = sample.caseload_row(r["case_type"], r["level"]).yearly_volume
        err = r["estimate"] / truth - 1
        sampling_se = math.sqrt(truth * YEARS) / YEARS / truth  # relative SE of a Poisson count
        lines.append(f"{r['level']:>13} {r['case_type']:<16} truth {truth:7.0f} fit {r['estimate']:8.1f} "
                     f"error {err:+6.1%} (sampling SE {sampling_se:.1%})")
        # rows with >= 500 expected matters: within 10%; sparse rows: within 3.5 sampling SE
        ok = abs(err) <= 0.10 if truth * YEARS >= 500 else abs(err) <= 3.5 * sampling_se
        if not ok:
            bad.append(lines[-1])
    print("\n".join(lines))
    assert not bad, bad


def test_recovers_the_shares_resolved_at_each_level(sample, fit) -> None:
    t = fit.table
    rows = t[(t["parameter"] == "resolved_here_share") & (t["site_id"] == "")]
    lines, bad = [], []
    for _, r in rows.iterrows():
        truth = sample.caseload_row(r["case_type"], r["level"]).resolved_here_share
        se = math.sqrt(max(truth * (1 - truth), 0.0025) / r["n"])
        diff = r["estimate"] - truth
        lines.append(f"{r['level']:>13} {r['case_type']:<16} truth {truth:.3f} fit {r['estimate']:.3f} "
                     f"diff {diff * 100:+5.1f} points (n {r['n']})")
        ok = abs(diff) <= 0.05 if se <= 0.02 else abs(diff) <= 3.5 * se
        if not ok:
            bad.append(lines[-1])
    print("\n".join(lines))
    assert len(rows) >= 10 and not bad, bad


def test_channel_shares_come_back(sample, fit) -> None:
    for ct in ("consultation", "petition"):
        h = fit.get("hotline_share", "", ct)
        assert abs(h["estimate"] - sample.spec.case_types[ct].hotline_share) <= max(0.03, 3.5 * h["se"])
    letter = fit.get("letter_share", "", "petition")
    assert abs(letter["estimate"] - 0.23) <= 3.5 * letter["se"]


def test_poisson_gamma_moves_a_sparse_site_and_leaves_a_big_one() -> None:
    prior = np.array([1.0] * 10 + [500.0] * 10)  # yearly rates the level's split expects
    mult = np.tile([0.5, 1.5], 10)  # sites truly differ: the method of moments must find it
    counts = prior * mult
    counts[0] = 6.0  # a sparse site with 6 matters where 1 was expected
    counts[10] = 750.0  # a big site 50% above its prior
    mean, sd, k = poisson_gamma(counts, prior, years=1.0)
    assert 0 < k < 100
    assert 1.0 < mean[0] < 4.0  # pulled most of the way back toward its level
    assert abs(mean[10] / 750.0 - 1) < 0.01  # its own data dominate
    assert sd[0] > 0 and sd[10] > 0
    # no heterogeneity beyond chance: every site gets its level's figure
    same, _sd, k_same = poisson_gamma(prior, prior, years=1.0)
    assert k_same >= 1e5 and np.allclose(same, prior, rtol=1e-3)


def test_beta_binomial_moves_a_sparse_site_and_leaves_a_big_one() -> None:
    hits = np.array([1, 800, 300, 650, 20])
    trials = np.array([1, 1000, 500, 800, 40])
    mean, _sd, p, kappa = beta_binomial(hits, trials)
    assert p == pytest.approx(hits.sum() / trials.sum())
    assert p < mean[0] < 1.0 and mean[0] < 0.95  # 1 of 1 does not make a 100% site
    assert abs(mean[1] - 0.8) < 0.01


def test_the_overlay_loads_validates_and_carries_source_and_uncertainty(sample, fit, tmp_path) -> None:
    out = write_overlay(fit, sample, tmp_path / "fitted")
    sc = load_scenario(out)
    assert sc.spec.base_year == sample.spec.base_year and sc.hash() != sample.hash()
    rows = [r for r in sc.caseload if "台账" in r.source]
    assert len(rows) >= 10
    for r in rows:
        assert r.yearly_volume_se is not None and "n = " in r.source and "ledger 2027-2028" in r.source
        v = fit.get("yearly_volume", r.level, r.case_type)  # None: no matter at this level in the ledgers
        assert r.yearly_volume == pytest.approx(v["estimate"] if v is not None else 0.0, abs=0.01)
        assert abs(sum(r.seasonality) - 1) < 1e-9
    assert sc.spec.case_types["petition"].source.startswith("台账")
    assert (tmp_path / "fitted" / "ledger_fit.csv").read_text(encoding="utf-8").startswith("parameter,")
    assert load_scenario(sample.path).hash() == sample.hash()  # the base is untouched
    with pytest.raises(VetsimError):
        write_overlay(fit, sample, sample.path)  # never over a scenario


def test_fitted_uncertainty_varies_the_simulation_per_replication(sample, fit, tmp_path) -> None:
    from vetsim.sim.streams import vary_parameters
    from vetsim.work.network import compile_network

    base_net = compile_network(sample)
    assert vary_parameters(base_net, np.random.SeedSequence(1)) is base_net  # no SE: nothing varies
    net = compile_network(load_scenario(write_overlay(fit, sample, tmp_path / "f")))
    a, b = (vary_parameters(net, np.random.SeedSequence(s)) for s in (1, 2))
    lam = lambda n: sum(float(x[2].sum()) for x in n.streams)  # noqa: E731
    assert lam(a) != lam(b) and abs(lam(a) / lam(net) - 1) < 0.05
    assert not np.array_equal(a.resolved, b.resolved)
    assert np.all((a.resolved >= 0) & (a.resolved <= 1))


def _with_presence_fit(sample, tmp_path, text: str):
    """The sample county with its ``presence_fit:`` thresholds changed (an overlay folder)."""
    import os

    folder = tmp_path / "presence_fit"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(f"base: {os.path.relpath(sample.path, folder)}\npresence_fit:\n{text}",
                                          encoding="utf-8")
    return load_scenario(folder)


def test_the_presence_thresholds_are_the_scenarios(sample, drawn, fit, tmp_path) -> None:
    """min_site_days and max_half_width come from scenario.yaml (presence_fit), not from code."""
    t = fit.table
    sites = t[(t["parameter"] == "away_share") & (t["site_id"] != "")]
    days = sample.spec.presence_fit.min_site_days.value
    # with the sample's threshold: sites with enough walk-in days get their own figure, the rest the level's
    assert set(sites.loc[sites["n"] >= days, "basis"]) == {"fitted"}
    assert set(sites.loc[sites["n"] < days, "basis"]) == {"pooled"}
    assert (sites["basis"] == "fitted").any() and (sites["basis"] == "pooled").any()
    center = fit.get("away_share", "county_center")
    assert center["basis"] == "too_thin" and (center["ci_high"] - center["ci_low"]) / 2 > 0.1
    # raise the day threshold above every site, and accept any interval: every site pooled, the center used
    loose = _with_presence_fit(sample, tmp_path, "  min_site_days: {value: 100000}\n  max_half_width: {value: 1.0}\n")
    t2 = fit_ledger(drawn[2], loose).table
    sites2 = t2[(t2["parameter"] == "away_share") & (t2["site_id"] != "")]
    assert set(sites2["basis"]) == {"pooled"}
    # the center's level is now used, so its site gets a (pooled) row too
    assert set(sites2["site_id"]) == set(sites["site_id"]) | {sample.county_center.site_id}
    center2 = t2[(t2["parameter"] == "away_share") & (t2["level"] == "county_center") & (t2["site_id"] == "")]
    assert list(center2["basis"]) == ["fitted"]


def test_a_bad_or_missing_presence_fit_is_named(sample, drawn, tmp_path) -> None:
    import dataclasses

    with pytest.raises(VetsimError, match="presence_fit.min_site_days"):
        _with_presence_fit(sample, tmp_path, "  min_site_days: {value: 0.5}\n")
    bare = dataclasses.replace(sample, spec=sample.spec.model_copy(update={"presence_fit": None}))
    with pytest.raises(VetsimError, match="presence_fit") as err:
        fit_ledger(drawn[2], bare)
    assert "presence_fit" in err.value.args[0]  # the Chinese message names the section too
