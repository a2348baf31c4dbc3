"""Simulation-based calibration, small version: true counties with known shifts, ledgers drawn from
their simulation, rendered messy, imported through ``vetsim ledger import``, fitted; each fitted
parameter beside its truth (the full version: benchmarks/bench_calibration_recovery.py, >= 20 counties).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.ledger_support import ledger_key  # noqa: F401
from vetsim.backtest.recovery import coverage_table, recover
from vetsim.backtest.truth import RANGES, Shifts, random_shifts, shifted
from vetsim.cli import main

# issue 22's true county: township consultation 2,500 -> 3,250, relief 628 -> 500, pension resolved at
# the township 0.70 -> 0.60, consultation hotline share 0.25 -> 0.35, township away share 0.20 -> 0.35
ISSUE_SHIFTS = Shifts(volumes={("consultation", "township"): 3250, ("temporary_relief", "township"): 500},
                      resolved={("pension", "township"): 0.60}, hotline={"consultation": 0.35},
                      away={"township": 0.35})


def test_issue_true_county_is_recovered_through_the_command_line(sample, sample_path, tmp_path) -> None:
    truth = shifted(sample, ISSUE_SHIFTS)
    res, facts = recover(truth, sample, sample_path, tmp_path, main, seed=8)
    assert facts["unknown_site_referrals"] == 0  # referrals to C01, T05, a site's name: all read
    shares = res[res["kind"] == "resolved_here_share"]
    assert len(shares) >= 9 and shares["estimate"].max() < 0.95  # no share forced to 1.000
    assert shares["inside"].all(), shares[~shares["inside"]]
    pension = shares[(shares["case_type"] == "pension") & (shares["level"] == "township")].iloc[0]
    assert pension["truth"] == 0.60 and pension["ci_low"] <= 0.60 <= pension["ci_high"]
    away = res[(res["kind"] == "away_share") & (res["level"] == "township")].iloc[0]
    assert away["truth"] == 0.35 and away["ci_low"] <= 0.35 <= away["ci_high"] and away["ci_high"] - away["ci_low"] < 0.1
    hot = res[(res["kind"] == "hotline_share") & (res["case_type"] == "consultation")].iloc[0]
    assert hot["inside"] and abs(hot["estimate"] - 0.35) < 0.02
    vol = res[(res["kind"] == "volume") & (res["level"] == "township")].set_index("case_type")
    for ct in ("consultation", "temporary_relief"):  # within 3 SE (the 95% coverage is the benchmark's)
        se = (vol.loc[ct, "ci_high"] - vol.loc[ct, "ci_low"]) / 3.92
        assert abs(vol.loc[ct, "estimate"] - vol.loc[ct, "truth"]) <= 3 * se, vol.loc[ct]


@pytest.mark.slow
def test_a_random_true_county_bias_and_coverage_per_kind(sample, sample_path, tmp_path, capsys) -> None:
    """Shifts drawn from the stated ranges (volumes, shares, hotline, away, casework effort)."""
    shifts = random_shifts(sample, np.random.default_rng(22))
    assert set(shifts.away) == {"village", "township"} and RANGES["effort_factor"][0] <= shifts.effort_factor
    res, facts = recover(shifted(sample, shifts), sample, sample_path, tmp_path, main, seed=22)
    table = coverage_table(res)
    with capsys.disabled(), pd.option_context("display.width", 160):
        print("\n" + table.to_string(index=False))
    assert facts["unknown_site_referrals"] == 0
    assert set(table["kind"]) == {"volume", "resolved_here_share", "hotline_share", "away_share"}
    assert res["inside"].mean() >= 0.8  # 95% intervals: about 26 of 27 expected inside
    # one county: the bias of a kind may not exceed its interval half-width (the benchmark holds it to half)
    assert (table["bias_over_half_width"] <= 1.0).all(), table


def test_without_nobody_marks_presence_is_fitted_jointly_with_the_shares(sample) -> None:
    """A ledger that never writes "无人接待": walk-ins sent on look like referrals; the away share comes from
    walk-ins resolving less often than phone/online matters of the same type (one likelihood)."""
    from vetsim.backtest import draw_records
    from vetsim.ledgerfit import fit_ledger

    records = draw_records(shifted(sample, ISSUE_SHIFTS), years=2, seed=8)
    records = {k: (v.assign(found_nobody=False) if k != "register" else v) for k, v in records.items()}
    fit = fit_ledger(records, sample)
    away = fit.get("away_share", "township", what="joint")
    assert away is not None and away["basis"] == "fitted"
    assert away["ci_low"] <= 0.35 <= away["ci_high"] and away["ci_high"] - away["ci_low"] < 0.1
    assert away["ci_high"] < 0.5 and away["ci_low"] > 0.2  # far from the scenario's assumed 0.20
    share = fit.get("resolved_here_share", "township", "consultation")
    assert abs(share["estimate"] - 0.90) < 0.02
