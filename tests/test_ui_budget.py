"""Budget explorer driven without a browser: the form edits the fiscal inputs, the model answers."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from vetsim.fiscal import budget
from vetsim.ui import BudgetExplorer, fiscal_variant

from .ui_support import assert_chinese_error, make_data_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_data_dir(tmp_path_factory.mktemp("ui_budget"))


@pytest.fixture(scope="module")
def shared_app(data_dir):
    return BudgetExplorer(data_dir, "sample_county", draws=0)


@pytest.fixture()
def app(shared_app):
    """One explorer for the module; the form back at the scenario's values, computed, before each test."""
    shared_app._fill_defaults()
    shared_app.runner.run(shared_app.compute)
    return shared_app


@pytest.fixture()
def form(data_dir):
    """The form only (nothing computed yet): for tests that look at the inputs the model gets."""
    return BudgetExplorer(data_dir, "sample_county", draws=0, compute=False)


def _gov_total(b, line: str | None = None) -> pd.Series:
    t = b.table[b.table["tier"].isin(["central", "province", "city", "county"])]
    if line:
        t = t[t["line"] == line]
    return t.groupby("year")["value"].sum()


def test_form_starts_with_the_scenario_values_and_computes_the_same_budget(app):
    assert app.error == ""
    f = app.base.spec.fiscal
    assert app.inputs["eligible_count"].value == f.si_continuation.cohort.count.value
    assert app.inputs["yearly_rise"].value == f.pensions.rise_after_last.value
    direct = budget(app.base, draws=0, seed=app.base.spec.seed)
    pd.testing.assert_frame_equal(app.budget.table, direct.table)
    assert app.figure is not None and len(app.image.value) > 1000
    assert "中央财政" in app.table_html.value


def test_eligible_count_enters_linearly(form):
    app = form
    """Back-payments scale with the number of people: B(2n) - B(n) == B(n) - B(0) for the SI line."""
    n = app.inputs["eligible_count"].value
    totals = []
    for count in (0.0, n, 2 * n):
        app.inputs["eligible_count"].value = count
        scenario = app.scenario()  # what the compute button feeds to the model
        assert scenario.spec.fiscal.si_continuation.cohort.count.value == count
        totals.append(_gov_total(budget(scenario, draws=0), "si_continuation"))
    d1, d2 = totals[1] - totals[0], totals[2] - totals[1]
    assert (d1 > 0).any()
    assert np.allclose(d1, d2, atol=0.05)  # cents of rounding


def test_tier_shares_split_the_si_line(app):
    for tier, v in {"central": 0.5, "province": 0.25, "city": 0.125, "county": 0.125}.items():
        app.inputs[tier].value = v
    app.button.click()
    assert app.error == ""
    t = app.budget.table
    si = t[(t["line"] == "si_continuation")].groupby("tier")["value"].sum()
    gov = si[["central", "province", "city", "county"]].sum()
    assert si["central"] / gov == pytest.approx(0.5, abs=1e-6)
    assert si["county"] / gov == pytest.approx(0.125, abs=1e-6)


def test_shares_not_summing_to_one_are_a_chinese_message(app):
    before = app.budget
    app.inputs["central"].value = 0.9
    app.button.click()
    assert_chinese_error(app)
    assert "之和应为 1" in app.error
    assert app.budget is before  # nothing recomputed


def test_draws_give_bands_and_downloads(data_dir):
    app = BudgetExplorer(data_dir, "sample_county", draws=30)
    assert app.error == ""
    t = app.budget.table
    assert app.budget.meta["draws"] == 30
    assert (t["p10"] <= t["p50"] + 0.01).all() and (t["p50"] <= t["p90"] + 0.01).all()
    assert (t["p90"] > t["p10"]).any()
    # CSV: UTF-8 with BOM so Excel shows Chinese; same numbers as the table
    assert app.csv_bytes.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(io.BytesIO(app.csv_bytes), encoding="utf-8-sig")
    assert list(csv.columns)[:3] == ["年度", "项目", "承担主体"]
    assert csv["金额（元）"].sum() == pytest.approx(t["value"].sum())
    wb = openpyxl.load_workbook(io.BytesIO(app.xlsx_bytes))
    assert len(wb.sheetnames) >= 2
    links = re.findall(r'download="([^"]+)" href="data:([^;]+);base64,([^"]+)"', app.links.value)
    assert {name.rsplit(".", 1)[1] for name, _m, _d in links} == {"xlsx", "csv"}
    csv_link = next(d for name, _m, d in links if name.endswith(".csv"))
    assert base64.b64decode(csv_link) == app.csv_bytes


def test_fiscal_variant_keeps_the_base_scenario_untouched(sample):
    values = {"eligible_count": 10.0, "years_in_arrears": 2.0, "base_share": 1.0, "central": 1.0,
              "province": 0.0, "city": 0.0, "county": 0.0, "yearly_rise": 0.0}
    v = fiscal_variant(sample, values)
    assert v.spec.fiscal.si_continuation.cohort.count.value == 10.0
    assert sample.spec.fiscal.si_continuation.cohort.count.value != 10.0
    assert v.hash() != sample.hash() and v.sites == sample.sites


def test_choosing_a_broken_scenario_is_a_message(form, data_dir):
    app = form
    app.picker.widget.value = str(data_dir / "broken_overlay")
    assert_chinese_error(app)
