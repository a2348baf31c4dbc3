"""A back-test that can fail (issue 22, item 4): the verdict over every measure a ledger shows.

Records of issue 22's true county (two years). A correct fit of them passes; the same fit with every
resolved-here share forced to 1.0 fails, and so does a fit of another county's ledgers (the sample
county's): each with non-zero exit and a verdict naming the measures.
"""

from __future__ import annotations

import pytest

from tests.patch_support import patch_everywhere
from tests.test_calibration_recovery import ISSUE_SHIFTS
from vetsim.backtest import CalibrationReport, draw_records, validate, verdict
from vetsim.backtest.truth import shifted
from vetsim.cli import main
from vetsim.ledgerfit import fit_ledger, write_overlay
from vetsim.ledgerfit.records_io import write_records
from vetsim.scenario import load_scenario, validate_scenario

REPS = 5  # the fewest runs the verdict judges the measures on (VERDICT_MIN_REPLICATIONS)

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
    patch_everywhere(monkeypatch, "vetsim.backtest.run", "calibrate_on_ledger", lambda *a, **k: rep)  # and in the handler
    ledger = write_records(truth_records, tmp_path / "ledger")
    code = main(["calibrate", "data/sample_county", "--ledger", str(ledger), "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1 and lines[-1].startswith("结果：校准后的情景与台账不符") and "本级办结比例" in lines[-1]
    assert lines[-1].endswith("（退出码 1）")


def test_a_fit_of_another_county_fails(sample, truth_records, tmp_path) -> None:
    other = draw_records(sample, years=2, seed=4)  # the sample county's own ledgers, not the true county's
    wrong = load_scenario(write_overlay(fit_ledger(other, sample), sample, tmp_path / "wrong"))
    v = verdict(validate(truth_records, wrong, replications=REPS, seed=1))
    print(v.line("en"))
    assert not v.fits and "volume" in v.failing(), v.table


def test_the_calibrated_folder_says_what_the_data_changed(correct) -> None:
    """calibration_changes.csv: old -> fitted with interval and n, assumptions and pooling marked; the brief's footer."""
    import pandas as pd

    from vetsim.brief.page import _ledger_period

    fit, fitted = correct
    table = pd.read_csv(fitted.path / "calibration_changes.csv")
    assert list(table.columns) == ["参数", "层级", "业务类型", "原值", "拟合值", "95% 区间下限", "95% 区间上限", "n", "依据"]
    away = table[(table["参数"] == "人员离岗天数占比") & (table["层级"] == "乡镇（街道）服务站")].iloc[0]
    assert away["原值"] == 0.2 and away["95% 区间下限"] <= 0.35 <= away["95% 区间上限"] and away["依据"] == "台账拟合"
    assert (table["依据"] == "台账无此信息，仍为假设").sum() >= 3  # casework hours, referral delays, other work
    assert (table["依据"] == "数据太少，取本级合并值").any()  # village away shares pooled to the level
    assert fitted.spec.presence.level("township").away_share.value == pytest.approx(0.35, abs=0.02)
    assert _ledger_period(fitted, "zh") == "按台账 2027-01-01至2028-12-31 校准"
    assert _ledger_period(fitted, "en") == "calibrated on the ledgers of 2027-01-01 to 2028-12-31"
