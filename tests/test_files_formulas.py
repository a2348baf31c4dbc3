"""Formula injection (issue 11, item 10): no text from a scenario becomes a live formula in Excel or CSV.

A scenario whose name, labels and sources start with ``=HYPERLINK(...)``, ``+1``, ``-1``, ``@SUM(1)``
(and tab / CR) goes through every Excel and CSV writer: the budget workbook and CSV, the budget
explorer's downloads, the staffing plan's ``plan.csv``. openpyxl must find no formula cell at all
(vetsim writes none on purpose), and no CSV text field may start like a formula.
"""

from __future__ import annotations

import csv
import io
import itertools
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

import vetsim
from vetsim.files import FORMULA_PREFIXES, excel_safe, excel_safe_frame

# a scenario can no longer hold tab or CR in a label (refused on load as control characters), so the
# hostile scenario uses the visible formula starts; excel_safe itself is tested with tab and CR too
PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)", "=1+1", "-2+3"]
TEXT_KEYS = {"zh", "en", "label_zh", "label_en", "source"}
TEXT_COLUMNS = {"name_zh", "name_en", "label_zh", "label_en", "source"}


def _poison_yaml(node, cycle):
    if isinstance(node, dict):
        return {k: (next(cycle) if k in TEXT_KEYS and isinstance(v, str) else _poison_yaml(v, cycle))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_poison_yaml(v, cycle) for v in node]
    return node


@pytest.fixture(scope="module")
def hostile(sample_path, tmp_path_factory) -> Path:
    """A copy of the sample county whose every name, label and source starts like a formula."""
    folder = tmp_path_factory.mktemp("hostile") / "sample_county"
    shutil.copytree(sample_path, folder)
    cycle = itertools.cycle(PAYLOADS)
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    (folder / "scenario.yaml").write_text(yaml.safe_dump(_poison_yaml(doc, cycle), allow_unicode=True),
                                          encoding="utf-8")
    for path in folder.glob("*.csv"):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for r in rows:
            for c in TEXT_COLUMNS & set(r):
                r[c] = next(cycle)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    sc = vetsim.load_scenario(folder)
    assert sc.name("zh").startswith("=HYPERLINK")  # the scenario really is hostile and still loads
    return folder


def _formula_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def _csv_formula_fields(text: str) -> list[str]:
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for v in row:
            if v.startswith(FORMULA_PREFIXES):
                try:
                    float(v)  # a negative number stays a number
                except ValueError:
                    bad.append(v)
    return bad


def test_budget_excel_and_csv_hold_no_formula(hostile, tmp_path) -> None:
    """Guards item 10: the budget workbook had 445 live formulas from a scenario's name and labels."""
    b = vetsim.budget(vetsim.load_scenario(hostile), draws=20, seed=1)
    for lang in ("zh", "en"):
        xlsx = b.to_excel(tmp_path / f"b_{lang}.xlsx", lang=lang)
        assert _formula_cells(xlsx) == []
        wb = openpyxl.load_workbook(xlsx)
        texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any(t.startswith("=HYPERLINK") for t in texts)  # kept as text, as written (quote-prefixed)
        text = b.to_csv(tmp_path / f"b_{lang}.csv", lang=lang).read_text(encoding="utf-8-sig")
        assert _csv_formula_fields(text) == []


def test_budget_explorer_downloads_hold_no_formula(hostile, tmp_path) -> None:
    """Guards item 10 for the budget explorer's Excel and CSV downloads."""
    from vetsim.ui import BudgetExplorer

    app = BudgetExplorer(hostile.parent, scenario=hostile, draws=20)
    files = app.save_downloads(tmp_path)
    assert _formula_cells(files["budget.xlsx"]) == []
    assert _csv_formula_fields(files["budget.csv"].read_text(encoding="utf-8-sig")) == []


def test_plan_csv_holds_no_formula(hostile, tmp_path) -> None:
    """Guards item 10 for ``plan.csv`` of a saved staffing plan."""
    sc = vetsim.load_scenario(hostile)
    plan = vetsim.optimize_staffing(sc)
    out = plan.save(tmp_path / "plan")
    assert _csv_formula_fields((out / "plan.csv").read_text(encoding="utf-8")) == []
    assert vetsim.load_scenario(out).name("zh").startswith("=HYPERLINK")  # the overlay still opens


def test_excel_safe_rules() -> None:
    """Text starting like a formula gets a quote; numbers and ordinary text are untouched."""
    assert [excel_safe(p)[0] for p in PAYLOADS] == ["'"] * len(PAYLOADS)
    assert excel_safe("示例县") == "示例县" and excel_safe(-1) == -1 and excel_safe(1.5) == 1.5
    import pandas as pd

    df = excel_safe_frame(pd.DataFrame({"=a": ["=b", "c"], "n": [-1.0, 2.0]}))
    assert list(df.columns) == ["'=a", "n"] and df["=a" if "=a" in df else "'=a"].tolist() == ["'=b", "c"]
    assert df["n"].tolist() == [-1.0, 2.0]
