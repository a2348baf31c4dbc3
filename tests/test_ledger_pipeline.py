"""The whole ledger path as a bureau would run it: messy ledgers -> import -> calibrate -> report (issue 12).

Truth is the generating scenario: two years of records drawn from the sample county's own simulation
are rendered as messy spreadsheets with fake people (names, valid ID numbers, phones, addresses), imported
with ``vetsim ledger import`` one file at a time, and fitted with ``vetsim calibrate --ledger`` over all
the imported folders. The fitted overlay must give back the scenario's large volumes within 10%, and no
output of any step (files, report, printed lines) may hold a name, ID number, phone or address.
"""

from __future__ import annotations

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
        if p.is_file():
            out.append(p.read_bytes().decode("utf-8", errors="replace"))
            if p.suffix == ".parquet":
                out.append(pd.read_parquet(p).astype(str).to_csv(index=False))
            if p.suffix == ".xlsx":
                for sheet in pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl").values():
                    out.append(sheet.astype(str).to_csv(index=False))
    return "\n".join(out)


@pytest.mark.slow
def test_messy_ledgers_to_fitted_scenario_without_personal_data(sample, sample_path, tmp_path, capsys) -> None:
    records = draw_records(sample, YEARS, seed=11)
    secrets: list[str] = []
    imported = []
    for i, (kind, suffix) in enumerate((("visits", ".csv"), ("petitions", ".xlsx"), ("cases", ".csv"),
                                        ("register", ".csv"))):
        path = tmp_path / "ledgers" / f"{kind}{suffix}"
        path.parent.mkdir(exist_ok=True)
        r = render_ledger(records[kind], sample, kind, 100 + i, path)
        secrets += [s for key in ("names", "ids", "phones", "addresses") for s in r.personal[key]]
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
    assert len(secrets) > 100
    blob = "\n".join([printed.out, printed.err, _texts(tmp_path / "imported"), _texts(fitted),
                      report.read_bytes().decode("utf-8", errors="replace")])
    blob += "\n".join(df.astype(str).to_csv(index=False) for df in pd.read_excel(report, sheet_name=None, header=None, engine="openpyxl").values())
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"{len(leaked)} personal values found downstream of the import"
