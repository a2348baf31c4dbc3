"""A back-test that can fail (issue 22, item 4): the verdict over every measure a ledger shows.

Records of issue 22's true county (two years). A correct fit of them passes; the same fit with every
resolved-here share forced to 1.0 fails, and so does a fit of another county's ledgers (the sample
county's): each with non-zero exit and a verdict naming the measures.
"""

from __future__ import annotations

import pytest

from tests.test_calibration_recovery import ISSUE_SHIFTS
from vetsim.backtest import CalibrationReport, draw_records, validate, verdict
from vetsim.backtest.truth import shifted
from vetsim.cli import main
from vetsim.ledgerfit import fit_ledger, write_overlay
from vetsim.ledgerfit.records_io import write_records
from vetsim.scenario import load_scenario, validate_scenario

REPS = 3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth_records(sample):
    return draw_records(shifted(sample, ISSUE_SHIFTS), years=2, seed=8)


@pytest.fixture(scope="module")
def correct(sample, truth_records, tmp_path_factory):
    fit = fit_ledger(truth_records, sample)
    return fit, load_scenario(write_overlay(fit, sample, tmp_path_factory.mktemp("c") / "fitted"))


def test_a_correct_fit_passes(truth_records, correct) -> None:
    v = verdict(validate(truth_records, correct[1], replications=REPS, seed=1))
    print(v.table.to_string())
    assert v.fits, v.line("en")
    assert {"resolved_here_share", "one_trip_rate", "resolution_days", "walk_in_share", "phone_share",
            "closed_visit_share", "volume"} <= set(v.table["measure"])


def test_shares_forced_to_one_fail(sample, truth_records, correct, tmp_path, monkeypatch, capsys) -> None:
    fitted = correct[1]
    rows = tuple(r.model_copy(update={"resolved_here_share": 1.0}) if r.level != "partner" else r for r in fitted.caseload)
    forced = validate_scenario(fitted.with_table("caseload.csv", rows))
    compare = validate(truth_records, forced, replications=REPS, seed=1)
    v = verdict(compare)
    assert not v.fits and "resolved_here_share" in v.failing(), v.table
    assert "Share resolved at the level" in v.line("en") and "本级办结比例" in v.line("zh")
    # the command: the verdict printed last, exit code 1
    rep = CalibrationReport(forced, correct[0], compare, None, REPS, base=sample)
    monkeypatch.setattr("vetsim.backtest.run.calibrate_on_ledger", lambda *a, **k: rep)
    ledger = write_records(truth_records, tmp_path / "ledger")
    code = main(["calibrate", "data/sample_county", "--ledger", str(ledger), "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1 and lines[-1].startswith("结论：校准后的情景与台账不符") and "本级办结比例" in lines[-1]


def test_a_fit_of_another_county_fails(sample, truth_records, tmp_path) -> None:
    other = draw_records(sample, years=2, seed=4)  # the sample county's own ledgers, not the true county's
    wrong = load_scenario(write_overlay(fit_ledger(other, sample), sample, tmp_path / "wrong"))
    v = verdict(validate(truth_records, wrong, replications=REPS, seed=1))
    print(v.line("en"))
    assert not v.fits and "volume" in v.failing(), v.table
