"""The whole ledger path as a bureau would run it: messy ledgers -> import -> calibrate -> report (issue 12).

Truth is the generating scenario: two years of records drawn from the sample county's own simulation
are rendered as messy spreadsheets with fake people (names, valid ID numbers, phones, addresses), imported
with ``vetsim ledger import`` one file at a time, and fitted with ``vetsim calibrate --ledger`` over all
the imported folders. The fitted overlay must give back the scenario's large volumes within 10%, and no
output of any step (files, report, printed lines) may hold a name, ID number, phone or address.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.ledger_support import ledger_key  # noqa: F401
from vetsim.backtest.draw import draw_records
from vetsim.cli import main
from vetsim.ledger import render_ledger
from vetsim.scenario import load_scenario

YEARS = 2


def _texts(folder) -> str:
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".parquet":  # compressed columns: read the values, not the bytes
            out.append(pd.read_parquet(p).astype(str).to_csv(index=False))
        elif p.suffix == ".xlsx":  # a zip: read the cells
            for sheet in pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl").values():
                out.append(sheet.astype(str).to_csv(index=False))
        else:
            out.append(p.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(out)


@pytest.mark.slow
def test_messy_ledgers_to_fitted_scenario_without_personal_data(sample, sample_path, tmp_path, capsys) -> None:
    records = draw_records(sample, YEARS, seed=11)
    personal: dict[str, set[str]] = {"names": set(), "ids": set(), "phones": set(), "addresses": set()}
    imported = []
    for i, (kind, suffix) in enumerate((("visits", ".csv"), ("petitions", ".xlsx"), ("cases", ".csv"),
                                        ("register", ".csv"))):
        path = tmp_path / "ledgers" / f"{kind}{suffix}"
        path.parent.mkdir(exist_ok=True)
        r = render_ledger(records[kind], sample, kind, 100 + i, path)
        for key in personal:
            personal[key] |= set(r.personal[key])
        out = tmp_path / "imported" / kind
        out.parent.mkdir(exist_ok=True)
        assert main(["ledger", "import", str(path), "--scenario", str(sample_path), "--out", str(out)]) == 0
        imported.append(str(out))
    fitted = tmp_path / "fitted"
    report = tmp_path / "report.xlsx"
    assert main(["calibrate", str(sample_path), "--ledger", *imported, "--out", str(fitted),
                 "--report", str(report), "--replications", "2"]) == 0
    printed = capsys.readouterr()

    # recovery of the generating scenario through the messy files (rows >= 500 expected matters: 10%)
    sc = load_scenario(fitted)
    checked = 0
    for row in sample.caseload:
        if row.yearly_volume * YEARS < 500:
            continue
        got = sc.caseload_row(row.case_type, row.level).yearly_volume
        assert abs(got / row.yearly_volume - 1) <= 0.10, (row.level, row.case_type, got, row.yearly_volume)
        checked += 1
    assert checked >= 6

    # nothing personal anywhere downstream of the import
    assert min(len(v) for v in personal.values()) > 100
    assert max(len(n) for n in personal["names"]) <= 4 and min(len(n) for n in personal["names"]) >= 2
    blob = "\n".join([printed.out, printed.err, _texts(tmp_path / "imported"), _texts(fitted)])
    blob += "\n".join(df.astype(str).to_csv(index=False) for df in pd.read_excel(report, sheet_name=None, header=None, engine="openpyxl").values())
    assert not _leaks(personal, blob), "personal values found downstream of the import"


def _leaks(personal: dict[str, set[str]], blob: str) -> list[str]:
    """Every personal value that occurs in ``blob``, found in linear time (thousands of people, megabytes of output):
    ID numbers and phones by their digit patterns, names by every 2-4 character Chinese substring, addresses by
    every ending of a run that ends like one (…号)."""
    found = set(re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", blob)) & personal["ids"]
    found |= set(re.findall(r"(?<![0-9])1[0-9]{10}(?![0-9])", blob)) & personal["phones"]
    pieces = {run[i:i + n] for run in re.findall(r"[\u4e00-\u9fff]+", blob)
              for n in (2, 3, 4) for i in range(len(run) - n + 1)}
    found |= pieces & personal["names"]
    assert all(a.endswith("号") for a in personal["addresses"])  # the generator's form: ...村12号
    found |= {run[i:] for run in re.findall(r"[\u4e00-\u9fff0-9]+号", blob) for i in range(len(run))} & personal["addresses"]
    return sorted(found)
