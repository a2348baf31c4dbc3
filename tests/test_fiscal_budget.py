"""Budget of the sample county: contract, tier sums, ineligible people, Monte Carlo, caseload input."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import vetsim
from vetsim.fiscal import LINES, TABLE_COLUMNS, budget
from vetsim.fiscal.money import to_cents
from vetsim.scenario.fiscal_spec import GOV_TIERS, TIERS


@pytest.fixture(scope="module")
def exact(sample):
    return budget(sample)


@pytest.fixture(scope="module")
def mc(sample):
    return budget(sample, draws=300, seed=7)


def test_contract(exact, sample) -> None:
    t = exact.table
    assert list(t.columns) == list(TABLE_COLUMNS)
    years = list(range(sample.spec.base_year, sample.spec.base_year + sample.spec.horizon_years))
    assert exact.years == years
    assert len(t) == len(years) * (len(LINES) * len(TIERS) + 1)
    assert (t["value"] == t["p10"]).all() and (t["value"] == t["p90"]).all()
    assert exact.meta["scenario_hash"] == sample.hash()
    assert exact.meta["vetsim_version"] == vetsim.__version__
    assert exact.meta["seed"] == sample.spec.seed and exact.meta["draws"] == 0
    assert vetsim.budget is budget
    # only the back-payment line has an individual part
    ind = t[t["tier"] == "individual"].groupby("line")["value"].sum()
    assert ind.drop("si_continuation").eq(0).all() and ind["si_continuation"] > 0


def test_total_rows(exact, mc) -> None:
    for b in (exact, mc):
        tot = b.table[(b.table["line"] == "total")].set_index("year")
        assert (tot["tier"] == "total").all() and list(tot.index) == b.years
        parts = b.table[(b.table["line"] != "total") & (b.table["tier"] != "individual")]
        assert np.allclose(parts.groupby("year")["value"].sum().to_numpy(), tot["value"].to_numpy(), atol=1e-6)
        by_year = b.totals(("year",)).set_index("year")
        assert np.allclose(by_year[["p10", "p50", "p90"]].to_numpy(), tot[["p10", "p50", "p90"]].to_numpy())
    assert (mc.table.query("line == 'total'")["p90"] > mc.table.query("line == 'total'")["p10"]).all()


def test_tiers_sum_to_line_total(exact) -> None:
    arr = exact._draws[0]                                     # unrounded (years, lines, tiers)
    t = exact.table.set_index(["year", "line", "tier"])["value"]
    for j, y in enumerate(exact.years):
        for k, line in enumerate(LINES):
            tiers = sum(round(t[(y, line, x)] * 100) for x in GOV_TIERS)
            assert tiers == int(to_cents(arr[j, k, :4].sum()) * 100 + 0.5)
    by_year = exact.totals(("year",))
    by_tier = exact.totals(("year", "tier"))
    assert set(by_tier["tier"]) == set(GOV_TIERS)
    for y, v in zip(by_year["year"], by_year["value"]):
        assert round(by_tier.loc[by_tier["year"] == y, "value"].sum(), 2) == pytest.approx(v, abs=1e-6)


def test_ineligible_people_get_nothing(exact, sample) -> None:
    p = exact.si_people
    si = sample.spec.fiscal.si_continuation
    rows = {r.person_id: r for r in sample.table("si_applicants.csv")}
    bad = p["person_id"].map(lambda i: rows[i].status == "ineligible" or rows[i].placement not in si.eligible_placements)
    assert bad.sum() > 20
    assert (p.loc[bad, "government_yuan"] == 0).all() and (p.loc[bad, "individual_yuan"] == 0).all()
    assert (p.loc[~bad, "government_yuan"] > 0).all()
    # everything registered is paid within the 5-year horizon (3-year spread): table total = liabilities
    si_total = exact.totals(("line",)).set_index("line").loc["si_continuation", "value"]
    assert si_total == pytest.approx(exact.facts["si_liability_government"], abs=0.05)
    assert exact.facts["si_unpaid_after_horizon"] == pytest.approx(0, abs=1e-6)


def test_ineligible_change_lowers_cost(sample, exact) -> None:
    rows = sample.table("si_applicants.csv")
    sc = type(sample)(sample.spec, sample.sites, sample.caseload, sample.backlog,
                      tuple((n, tuple(r.model_copy(update={"status": "ineligible"}) for r in rs)
                             if n == "si_applicants.csv" else rs) for n, rs in sample.extra_tables))
    b = budget(sc)
    p = b.si_people
    assert (p["government_yuan"] == 0).all()
    si = b.totals(("line",)).set_index("line")["value"]
    cohort_only = si["si_continuation"]
    assert 0 < cohort_only < exact.totals(("line",)).set_index("line")["value"]["si_continuation"]
    assert len(rows) == len(p)


def test_monte_carlo_reproducible_and_ordered(sample, mc) -> None:
    again = budget(sample, draws=300, seed=7)
    pd.testing.assert_frame_equal(mc.table, again.table)
    other = budget(sample, draws=300, seed=8)
    assert not mc.table["value"].equals(other.table["value"])
    t = mc.table
    assert (t["p10"] <= t["p50"] + 1e-9).all() and (t["p50"] <= t["p90"] + 1e-9).all()
    assert mc.meta["draws"] == 300 and mc.meta["seed"] == 7
    tot = mc.totals(("year",))
    assert (tot["p10"] < tot["value"]).all() and (tot["value"] < tot["p90"]).all()


def test_monte_carlo_centres_on_exact(exact, mc) -> None:
    """Means of linear lines stay near the exact values (site costs: identical in the base year)."""
    e = exact.totals(("year", "line")).set_index(["year", "line"])["value"]
    m = mc.totals(("year", "line")).set_index(["year", "line"])["value"]
    y0 = exact.years[0]
    assert m[(y0, "site_costs")] == e[(y0, "site_costs")]
    for line in ("si_continuation", "pension"):
        assert m[(y0, line)] == pytest.approx(e[(y0, line)], rel=0.03)
    # hardship: triangular(18, 26, 40) cases (mean 28) x triangular(6000, 7503.85, 9500) amount (mean 7667.95)
    assert m[(y0, "hardship")] == pytest.approx(28 * 7667.95, rel=0.08)


def test_default_seed_is_scenario_seed(sample) -> None:
    a = budget(sample, draws=20)
    b = budget(sample, draws=20, seed=sample.spec.seed)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_caseload_volumes(sample) -> None:
    cases = pd.DataFrame({"case_type": ["hardship"] * 30 + ["temporary_relief"] * 10 + ["hardship"] * 5,
                          "replication": [0] * 20 + [1] * 10 + [0] * 10 + [2] * 5,
                          "from_backlog": [False] * 40 + [True] * 5})
    fake = SimpleNamespace(cases=cases, meta={"replications": 4, "days": 365})
    b = budget(sample, caseload=fake)
    v = b.totals(("year", "line")).set_index(["year", "line"])["value"]
    y0 = b.years[0]
    # hardship: replications 0..3 have 20, 10, 0 (backlog only), 0 new cases -> mean 7.5 a year
    assert v[(y0, "hardship")] == pytest.approx(7.5 * 7503.85, abs=0.01)
    assert v[(y0, "temporary_relief")] == pytest.approx(2.5 * 769.11, abs=0.01)
    half = SimpleNamespace(cases=cases, meta={"replications": 4, "days": 730})
    v2 = budget(sample, caseload=half).totals(("year", "line")).set_index(["year", "line"])["value"]
    assert v2[(y0, "hardship")] == pytest.approx(v[(y0, "hardship")] / 2, abs=0.01)
    mc = budget(sample, draws=200, caseload=fake).table
    h = mc[(mc["line"] == "hardship") & (mc["year"] == y0)]
    assert h["p10"].min() >= 0


def test_budget_of_proposal_costs_more(sample, proposal_path, exact) -> None:
    p = budget(vetsim.load_scenario(proposal_path))
    diff = (p.totals(("line",)).set_index("line")["value"] - exact.totals(("line",)).set_index("line")["value"])
    growth = sample.spec.fiscal.site_costs.growth.value
    want = sum(15 * 90_000 * (1 + growth) ** k for k in range(sample.spec.horizon_years))
    assert diff["site_costs"] == pytest.approx(want, abs=0.05)
    assert diff.drop("site_costs").abs().max() < 1e-6


def test_totals_rejects_unknown_dimension(exact) -> None:
    with pytest.raises(ValueError, match="allowed: year, line, tier"):
        exact.totals(("month",))
    everything = exact.totals(())
    parts = exact.table.query("tier != 'individual' and line != 'total'")
    assert everything["value"].iloc[0] == pytest.approx(parts["value"].sum())
    assert np.isfinite(everything[["p10", "p50", "p90"]].to_numpy()).all()


def test_draws_in_blocks_give_the_same_budget(sample, monkeypatch):
    """Monte Carlo memory is bounded by taking draws in blocks over the applicants (issue 21): the blocks
    draw the same random numbers as one array, so the budget is identical to the cent."""
    from vetsim.fiscal import si

    whole = vetsim.budget(sample, draws=40, seed=5).table
    monkeypatch.setattr(si, "CHUNK_CELLS", 3 * len(sample.table("si_applicants.csv")) + 1)  # blocks of 3 draws
    blocks = vetsim.budget(sample, draws=40, seed=5).table
    pd.testing.assert_frame_equal(whole, blocks)
    assert whole["p90"].sum() > whole["p10"].sum()  # the draws do spread
