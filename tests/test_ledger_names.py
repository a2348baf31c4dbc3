"""Staff name workbooks and sheets after the person: none of it reaches a record, a problem, a summary,
a printed line, an output file or the import page.

The ledger is a rendered synthetic one (fake people), renamed ``<name>_<ID>_<phone>.xlsx`` with sheets
named ``<name><ID tail>`` and ``<name><phone>``; a CSV twin too. Every output is searched for the
name, the ID number, the phone number and the sheet names, in both languages.
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest

from tests.ledger_support import ledger_key, rendered  # noqa: F401 - autouse fixture: the key in a scratch folder
from tests.test_ledger_privacy import _texts_of
from vetsim.cli import main
from vetsim.ledger import import_ledger, write_import
from vetsim.ledger.personal import REDACTED, Scrubber, file_label, load_key, sheet_label
from vetsim.ui import LedgerImporter

NAME, ID, PHONE = "欧阳明辉", "360722197001010033", "13912345678"
PERSON_FILE = f"{NAME}_{ID}_{PHONE}.xlsx"
SHEETS = (f"{NAME}07123X", f"{NAME}{PHONE}", f"王秀英{ID[-6:]}")
SECRETS = (NAME, ID, PHONE, "07123X", "王秀英", *SHEETS)


def _person_named(sample, folder, suffix=".xlsx"):
    folder.mkdir()
    _, r = rendered(sample, "visits", folder / f"v{suffix}", n=90)
    target = folder / PERSON_FILE.replace(".xlsx", suffix)
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(r.path)
        assert len(wb.worksheets) >= 3  # the rendered ledger spreads its rows over several sheets
        for ws, name in zip(wb.worksheets, SHEETS):
            ws.title = name
        wb.save(target)
    else:
        target.write_bytes(r.path.read_bytes())
    r.path.unlink()
    return target, r


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_person_named_file_and_sheets_leave_no_trace(sample, sample_path, tmp_path, capsys, suffix):
    path, r = _person_named(sample, tmp_path / "in", suffix)
    printed = []
    for lang in ("zh", "en"):
        assert main(["ledger", "import", str(path), "--scenario", str(sample_path), "--out", str(tmp_path / lang),
                     "--lang", lang]) == 0
        cap = capsys.readouterr()
        printed += [cap.out, cap.err]
    res = import_ledger(path, sample)
    write_import(res, tmp_path / "api")
    app = LedgerImporter(scenario=sample_path, data_dir=sample_path.parent)
    app.upload.value = ({"name": path.name, "type": "", "size": path.stat().st_size, "content": path.read_bytes(),
                         "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)},)
    app.run_button.click()
    assert app.error == "" and app.result is not None
    texts = printed + [app.output.value, app.runner.status.value, res.text("zh", 10 ** 6), res.text("en", 10 ** 6)]
    for folder in ("zh", "en", "api"):
        texts += _texts_of(tmp_path / folder)
    blob = "\n".join(texts)
    label = file_label(load_key(), path.name)
    assert label in blob and re.fullmatch(r"ledger-[a-z]{8}\.(xlsx|csv)", label)  # the file is named by its label
    assert not [s for s in SECRETS if s in blob]
    df = res.frame("visits")
    assert set(df["source_file"]) == {label}
    want = {sheet_label(i) for i in range(1, 4)} if suffix == ".xlsx" else {""}
    assert set(df["source_sheet"]) == want and len(df) > 60
    if suffix == ".xlsx":
        assert "工作表 1" in blob and "sheet 1" in blob  # the neutral label, in each language


def test_the_label_is_stable_keyed_and_never_a_number(tmp_path, monkeypatch):
    key = load_key()
    a = file_label(key, PERSON_FILE)
    assert a == file_label(key, PERSON_FILE) and a != file_label(key, "other.xlsx")
    assert a != file_label(bytes(32), PERSON_FILE) and not re.search(r"\d", a.removesuffix(".xlsx"))
    assert file_label(key, "ledger.XLSX").endswith(".xlsx") and file_label(key, "a.exe").startswith("ledger-")


def test_the_scan_removes_ids_phones_and_the_names_met():
    s = Scrubber()
    s.learn(["张三丰", "x"])  # a name met in the ledger's name column; one character is no name
    text = f"文件 {NAME}_{ID}_{PHONE}：张三丰 0791-88123456 第 12 行 x 1000000 行"
    out = s.text(text)
    assert ID not in out and PHONE not in out and "88123456" not in out and "张三丰" not in out
    assert "第 12 行" in out and " x " in out and "1000000" in out and out.count(REDACTED) == 4
    assert s.text("3f9a2c1b7d0e4a5b") == "3f9a2c1b7d0e4a5b"  # a pseudonym or record id is kept
    df = pd.DataFrame({"person": ["1234567890123456"], "note": [f"tel {PHONE}"]})
    assert s.frame(df).to_dict("list") == {"person": ["1234567890123456"], "note": [f"tel {REDACTED}"]}
    assert s.tree({"file": ID, "n": 3, "sheets": [{"sheet": PHONE}]}) == {"file": REDACTED, "n": 3,
                                                                        "sheets": [{"sheet": REDACTED}]}


def test_a_person_named_file_that_cannot_be_read_is_named_by_its_label(sample, sample_path, tmp_path, capsys,
                                                                       monkeypatch):
    path = tmp_path / "in" / PERSON_FILE.replace(".xlsx", ".csv")
    path.parent.mkdir()
    path.write_text("来访日期,接待单位,来访事由\n2025-01-02,城东,政策咨询\n", encoding="utf-8")
    real = type(path).read_bytes

    def denied(self):
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(type(path), "read_bytes", denied)
    assert main(["ledger", "import", str(path), "--scenario", str(sample_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "没有访问权限" in err and file_label(load_key(), path.name) in err
    assert not [s for s in SECRETS if s in err] and "Permission" not in err
