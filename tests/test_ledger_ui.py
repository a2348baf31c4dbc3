"""The ledger import page: an uploaded file or a path is imported and summarised; nothing personal is shown."""

from __future__ import annotations

import datetime as dt

from tests.ledger_support import ledger_key, rendered  # noqa: F401
from vetsim.ui import LedgerImporter


def test_upload_import_shows_summary_and_problems_without_personal_data(sample, sample_path, tmp_path):
    _, r = rendered(sample, "visits", tmp_path / "v.xlsx", n=80)
    app = LedgerImporter(scenario=sample_path, data_dir=sample_path.parent)
    app.upload.value = ({"name": "v.xlsx", "type": "", "size": r.path.stat().st_size, "content": r.path.read_bytes(),
                         "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)},)
    app.run_button.click()
    assert app.error == "" and app.result is not None
    assert app.result.summary["rows_rejected"] == int(r.bad_rows["rejected"].sum())
    page = app.output.value + app.runner.status.value
    assert "身份证号" in page and "来访接待登记台账" in page
    leaked = [s for k in ("names", "ids", "phones") for s in r.personal[k] if s in page]
    assert not leaked


def test_a_path_a_sample_and_nothing_chosen(sample, sample_path, tmp_path):
    _, r = rendered(sample, "register", tmp_path / "reg.csv", n=40)
    app = LedgerImporter(scenario=sample_path, data_dir=sample_path.parent, lang="en")
    app.run_button.click()
    assert "Upload a ledger" in app.error
    app.path.value = str(r.path)
    app.run_button.click()
    assert app.error == "" and "register" in app.result.records
    app.sample_button.click()
    assert app.error == "" and app.result.summary["rows_used"] > 150
    app.path.value = str(tmp_path / "missing.xlsx")
    app.run_button.click()
    assert "not found" in app.error
