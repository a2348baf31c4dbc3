"""Nothing personal leaves the import, and the pseudonym key never lives inside the project or the output.

The scan renders ledgers with known fake names, ID numbers, phone numbers and addresses, imports them
through the command line (both languages) and the Python API, writes the outputs, and searches every
output file (Parquet read back cell by cell, and its raw bytes), every printed line and every problem
message for each of them.
"""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from tests.ledger_support import ledger_key, rendered  # noqa: F401
from vetsim.cli import main
from vetsim.ledger import import_ledger, write_import
from vetsim.ledger.personal import PROJECT_DIR, LedgerKeyError, key_path, load_key

ROOT = PROJECT_DIR


def _texts_of(folder) -> list[str]:
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        raw = p.read_bytes()
        out.append(raw.decode("utf-8", errors="replace"))
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
            out.append("\n".join(df.astype(str).to_csv(index=False).splitlines()))
    return out


@pytest.mark.parametrize("kind,suffix", [("visits", ".xlsx"), ("register", ".csv")])
def test_no_name_id_or_phone_in_any_output(sample_path, sample, tmp_path, capsys, kind, suffix):
    _, r = rendered(sample, kind, tmp_path / f"ledger{suffix}", n=150)
    secrets = [s for key in ("names", "ids", "phones", "addresses") for s in r.personal[key]]
    assert len(r.personal["ids"]) > 20 and all(len(s) >= 2 for s in secrets)
    printed = []
    for lang in ("zh", "en"):
        out = tmp_path / f"out_{lang}"
        assert main(["ledger", "import", str(r.path), "--scenario", str(sample_path), "--out", str(out),
                     "--lang", lang]) == 0
        cap = capsys.readouterr()
        printed += [cap.out, cap.err]
    res = import_ledger(r.path, sample)
    write_import(res, tmp_path / "out_api")
    haystack = printed + [p.text(lang) for p in res.problems for lang in ("zh", "en")] + [res.text("zh", 10 ** 6),
                                                                                         res.text("en", 10 ** 6)]
    for folder in ("out_zh", "out_en", "out_api"):
        haystack += _texts_of(tmp_path / folder)
    blob = "\n".join(haystack)
    assert "身份证号" in blob  # the problems do name the ID column (so the scan reads what is printed)
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"{len(leaked)} personal values found in the outputs"
    # and no column of the records could hold them
    assert not {"name", "id_number", "phone", "address"} & set(res.frame(kind).columns)


def test_problem_messages_mask_cell_values(sample, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("来访接待登记台账\n来访日期,接待单位,来访事由\n2025-01-02,张三丰13912345678,政策咨询\n", encoding="utf-8")
    res = import_ledger(path, sample)
    (p,) = res.problems
    assert p.reason == "unknown_site" and p.row == 3
    assert "张三丰" not in p.text("zh") and "13912345678" not in p.text("en") and "张*" in p.text("zh")


def test_key_is_created_once_private_and_stable(ledger_key):  # noqa: F811 - the fixture of tests.ledger_support
    ledger_key.unlink(missing_ok=True)
    a = load_key()
    assert ledger_key.is_file() and stat.S_IMODE(ledger_key.stat().st_mode) == 0o600
    assert load_key() == a and len(a) == 32
    assert not ledger_key.resolve().is_relative_to(ROOT.resolve())


def test_default_key_lives_in_the_home_config_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("VETSIM_KEY")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert key_path() == tmp_path / "home" / ".config" / "vetsim" / "ledger.key"
    load_key()
    assert key_path().is_file() and not key_path().resolve().is_relative_to(ROOT.resolve())


def test_a_key_inside_the_project_folder_is_refused(monkeypatch):
    inside = ROOT / "out" / "ledger.key"
    monkeypatch.setenv("VETSIM_KEY", str(inside))
    with pytest.raises(LedgerKeyError, match="project folder"):
        load_key()
    assert not inside.exists()


def test_a_key_inside_the_output_folder_is_refused(sample, tmp_path, monkeypatch):
    _, r = rendered(sample, "visits", tmp_path / "v.csv", n=30)
    out = tmp_path / "out"
    monkeypatch.setenv("VETSIM_KEY", str(out / "ledger.key"))
    with pytest.raises(LedgerKeyError):
        import_ledger(r.path, sample, out=out)
    assert main(["ledger", "import", str(r.path), "--scenario", str(sample.path), "--out", str(out)]) == 2
    assert not (out / "ledger.key").exists()


def test_a_key_readable_by_others_is_refused(ledger_key):  # noqa: F811 - the fixture of tests.ledger_support
    load_key()
    os.chmod(ledger_key, 0o644)
    try:
        with pytest.raises(LedgerKeyError, match="chmod 600"):
            load_key()
    finally:
        os.chmod(ledger_key, 0o600)


def test_another_key_gives_other_pseudonyms(sample, tmp_path, monkeypatch):
    (tmp_path / "ledgers").mkdir()
    _, r = rendered(sample, "visits", tmp_path / "ledgers" / "v.csv", n=40)
    a = set(import_ledger(r.path, sample).frame()["person"]) - {""}  # "": rows with an invalid ID
    monkeypatch.setenv("VETSIM_KEY", str(tmp_path / "other" / "k"))
    b = set(import_ledger(r.path, sample).frame()["person"]) - {""}
    assert a and b and not (a & b)
