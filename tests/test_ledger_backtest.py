"""Validation and back-test of a ledger calibration: coverage, report (zh/en, no missing glyph), CLI (issue 12, item 4).

Simulations are short: 15 months of records from the sample county, one replication, and the
comparison over the first quarter only where a test does not need more.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

from vetsim.backtest.compare import backtest, validate
from vetsim.backtest.draw import draw_records
from vetsim.backtest.report import CalibrationReport
from vetsim.cli import main
from vetsim.ledgerfit import fit_ledger, write_overlay
from vetsim.ledgerfit.records_io import RecordsError, read_records, write_records
from vetsim.scenario import load_scenario


@pytest.fixture(scope="module")
def records(sample):
    return draw_records(sample, years=1.25, seed=3)  # 15 months: 12 to fit, 3 to predict


@pytest.fixture(scope="module")
def short_report(sample, records, tmp_path_factory):
    fit = fit_ledger(records, sample)
    fitted = load_scenario(write_overlay(fit, sample, tmp_path_factory.mktemp("o") / "fitted"))
    compare = validate(records, fitted, replications=2, seed=1, start=dt.date(2027, 1, 1), end=dt.date(2027, 4, 1))
    return CalibrationReport(fitted, fit, compare, backtest(records, sample), replications=2)


def test_backtest_coverage_of_the_90_percent_interval(sample) -> None:
    rec = draw_records(sample, years=2, seed=11)
    bt = backtest(rec, sample, fit_months=12, seed=1)
    print(f"back-test: {bt.coverage:.1%} of {bt.n} monthly values inside the 90% prediction interval")
    print(bt.table.groupby("level")["inside"].mean().to_string())
    assert bt.n == 12 * 12  # 12 later months x 12 (level, case type) rows with matters
    assert 0.75 <= bt.coverage <= 0.98


def test_validation_compares_like_with_like(short_report) -> None:
    c = short_report.compare
    vol = c[(c["measure"] == "volume") & (c["case_type"] == "all")]
    assert set(vol["month"]) == {"2027-01", "2027-02", "2027-03"}
    assert (vol["ci_low"] <= vol["simulated"]).all() and (vol["simulated"] <= vol["ci_high"]).all()
    for m in ("on_spot_share", "one_trip_rate", "resolution_days", "backlog_end"):
        assert c[(c["measure"] == m) & (c["case_type"] == "all")]["observed"].notna().all(), m
    # the fitted model reproduces the county-wide quarter within its prediction interval
    total = vol.groupby("level")[["observed", "simulated"]].sum()
    assert ((total["observed"] / total["simulated"] - 1).abs() < 0.15).all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_renders_without_missing_glyphs(short_report, lang, tmp_path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = short_report.to_html(lang)  # draws every chart and its text
        if lang == "zh":  # the PDF (slow: the CJK font is embedded) once
            short_report.save(tmp_path / "r.pdf", lang)
            assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not glyphs, glyphs[:3]
    assert ("台账校准与回测报告" if lang == "zh" else "calibration on the ledgers") in html
    assert html.count("<img") >= 5
    short_report.save(tmp_path / "r.xlsx", lang)
    sheets = pd.read_excel(tmp_path / "r.xlsx", sheet_name=None, engine="openpyxl")
    assert len(sheets) == 5 and all(len(s) for s in sheets.values())


def test_report_refuses_an_unknown_format(short_report, tmp_path) -> None:
    from vetsim.errors import VetsimError

    with pytest.raises(VetsimError) as err:
        short_report.save(tmp_path / "r.docx")
    assert ".xlsx" in err.value.user_message("zh")


def test_records_folder_roundtrip_and_errors(records, tmp_path) -> None:
    folder = write_records(records, tmp_path / "ledger")
    back = read_records(folder)
    assert set(back) == set(records) and len(back["visits"]) == len(records["visits"])
    (tmp_path / "bad").mkdir()
    records["cases"].drop(columns=["person", "channel"]).to_csv(tmp_path / "bad" / "cases.csv", index=False)
    with pytest.raises(RecordsError) as err:
        read_records(tmp_path / "bad")
    assert "cases.csv" in err.value.user_message("zh") and "person" in err.value.user_message("en")


def test_cli_calibrate_on_ledger(sample_path, records, tmp_path, capsys) -> None:
    ledger = write_records(records, tmp_path / "ledger")
    out, report = tmp_path / "fitted", tmp_path / "report.xlsx"  # the charts are tested above
    code = main(["calibrate", str(sample_path), "--ledger", str(ledger), "--out", str(out), "--report", str(report),
                 "--replications", "1"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "回测" in text and "90% 预测区间" in text and report.is_file()
    assert load_scenario(out).caseload_row("consultation", "village").yearly_volume_se > 0
    # refused before any work: a report type it cannot write, --out without --ledger
    assert main(["calibrate", str(sample_path), "--ledger", str(ledger), "--out", str(tmp_path / "x"),
                 "--report", str(tmp_path / "r.doc")]) != 0
    assert not (tmp_path / "x").exists()
    assert main(["calibrate", str(sample_path), "--out", str(tmp_path / "y")]) != 0
