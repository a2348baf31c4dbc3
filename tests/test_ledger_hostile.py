"""Hostile or broken ledger files end in a clear message within bounds: never a traceback, never a hang."""

from __future__ import annotations

import time
import zipfile

import pytest

from tests.ledger_support import ledger_key  # noqa: F401 - autouse fixture: the key in a scratch folder
from vetsim.cli import main
from vetsim.errors import VetsimError
from vetsim.ledger import import_ledger
from vetsim.ledger import limits as ledger_limits
from vetsim.ledger.personal import file_label, load_key
from vetsim.ledger.reader import LedgerFileError
from vetsim.scenario.limits import Limit


def _xlsx(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_huge_cell_rejects_its_row_without_showing_it(sample, tmp_path):
    huge = "长" * 50_000
    path = _xlsx(tmp_path / "h.xlsx", [["来访日期", "接待单位", "来访事由"], ["2025-01-02", "城东", huge],
                                       ["2025-01-03", "城东", "政策咨询"]])
    res = import_ledger(path, sample, kind="visits")
    assert len(res.frame()) == 1
    (p,) = res.problems
    assert (p.row, p.reason, p.rejected) == (2, "cell_too_long", True) and "来访事由" in p.text()
    assert huge[:50] not in p.text() and len(p.text()) < 300


def test_too_many_rows_is_refused_before_reading_them(sample, tmp_path, monkeypatch):
    monkeypatch.setitem(ledger_limits.LEDGER_LIMITS, "rows", Limit(100, "行数", "number of rows"))
    path = _xlsx(tmp_path / "big.xlsx", [["来访日期", "接待单位", "来访事由"]] + [["2025-01-02", "城东", "咨询"]] * 150)
    with pytest.raises(VetsimError) as err:
        import_ledger(path, sample)
    shown = file_label(load_key(), "big.xlsx")  # the file's label: its own name may be a person's
    assert "above the maximum of 100" in err.value.user_message("en") and shown in err.value.user_message("en")
    csv = tmp_path / "big.csv"
    csv.write_text("来访日期,接待单位,来访事由\n" + "2025-01-02,城东,咨询\n" * 150, encoding="utf-8")
    with pytest.raises(VetsimError, match="maximum of 100"):
        import_ledger(csv, sample)


@pytest.mark.parametrize("content", [b"just some text, not a workbook", b"PK\x03\x04broken zip", b"\x00\x01\x02" * 1000])
def test_a_non_spreadsheet_renamed_xlsx_is_refused(sample, tmp_path, capsys, content):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(LedgerFileError, match="not a readable Excel"):
        import_ledger(path, sample)
    assert main(["ledger", "import", str(path), "--scenario", str(sample.path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert file_label(load_key(), "fake.xlsx") in err and "Traceback" not in err and not (tmp_path / "o").exists()


def test_a_zip_that_is_not_a_workbook_is_refused(sample, tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(LedgerFileError):
        import_ledger(path, sample)


def test_a_zip_bomb_is_refused_without_unpacking(sample, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 5_000_000 + "/>")
    monkeypatch.setitem(ledger_limits.LEDGER_LIMITS, "unzipped_bytes", Limit(1_000_000, "解压", "unpacked"))
    t = time.perf_counter()
    with pytest.raises(VetsimError, match="above the maximum"):
        import_ledger(path, sample)
    assert time.perf_counter() - t < 2


def test_a_too_big_file_is_refused_by_its_size(sample, tmp_path, monkeypatch):
    monkeypatch.setitem(ledger_limits.LEDGER_LIMITS, "file_bytes", Limit(1000, "文件大小", "file size"))
    path = tmp_path / "x.csv"
    path.write_text("来访日期,接待单位,来访事由\n" + "2025-01-02,城东,咨询\n" * 200, encoding="utf-8")
    with pytest.raises(VetsimError, match="file size"):
        import_ledger(path, sample)


@pytest.mark.parametrize("name", ["x.pdf", "x.txt", "x"])
def test_other_file_types_are_refused(sample, tmp_path, name):
    path = tmp_path / name
    path.write_text("a", encoding="utf-8")
    with pytest.raises(LedgerFileError, match="xlsx"):
        import_ledger(path, sample)


def test_a_missing_file_and_a_gbk_csv(sample, tmp_path):
    with pytest.raises(LedgerFileError, match="not found"):
        import_ledger(tmp_path / "none.csv", sample)
    path = tmp_path / "gbk.csv"
    path.write_bytes("来访接待登记台账\n来访日期,接待单位,来访事由\n2025/1/2,城东,政策咨询\n".encode("gbk"))
    assert import_ledger(path, sample).frame()["site_id"].tolist() == ["T01"]


def test_formulas_are_not_evaluated(sample, tmp_path):
    path = _xlsx(tmp_path / "f.xlsx", [["来访日期", "接待单位", "来访事由"], ["=TODAY()", "城东", "=A1"]])
    res = import_ledger(path, sample, kind="visits")
    assert res.frame().empty and {p.reason for p in res.problems} == {"missing_date", "missing_case_type"}


def test_readme_lists_the_ledger_limits():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, lim in ledger_limits.LEDGER_LIMITS.items():
        assert f"| `{name}` | {lim.value:,.0f} | {lim.what_zh} / {lim.what_en} |" in readme, name
