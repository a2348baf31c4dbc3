"""Excel workbook (openpyxl) and the ``vetsim budget`` command."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from vetsim.cli import main
from vetsim.fiscal import budget


@pytest.fixture(scope="module")
def mc(sample):
    return budget(sample, draws=50, seed=3)


def test_workbook_zh(mc, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()  # a missing parent folder is refused (see tests/test_files.py)
    path = mc.to_excel(tmp_path / "out" / "预算.xlsx")
    assert path.exists() and not list(path.parent.glob("*.tmp"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["按年度和层级", "按年度和项目", "政府合计区间", "站点经费（基准年）", "明细",
                             "社保接续人员", "假设与来源", "说明"]
    ws = wb["按年度和层级"]
    head = [c.value for c in ws[1]]
    assert head == ["年度", "中央财政", "省级财政", "市级财政", "县级财政", "政府合计", "个人缴费"]
    assert ws["B2"].number_format == "#,##0.00"
    by_tier = mc.totals(("year", "tier"), include_individual=True).set_index(["year", "tier"])["value"]
    by_year = mc.totals(("year",)).set_index("year")["value"]
    for row in ws.iter_rows(min_row=2, values_only=True):
        year = row[0]
        for tier, cell in zip(["central", "province", "city", "county"], row[1:5]):
            assert cell == pytest.approx(by_tier[(year, tier)], abs=1e-6)
        assert row[5] == pytest.approx(by_year[year], abs=1e-6)
        assert row[6] == pytest.approx(by_tier[(year, "individual")], abs=1e-6)
    detail = list(wb["明细"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == len(mc.table)
    assert sum(r[3] for r in detail) == pytest.approx(mc.table["value"].sum(), abs=1e-4)
    assert sum(r[3] for r in detail if r[1] == "合计") == pytest.approx(by_year.sum(), abs=1e-4)
    lines = wb["按年度和项目"]
    total_col = [r[-1] for r in lines.iter_rows(min_row=2, values_only=True)]
    assert total_col == pytest.approx(list(by_year.to_numpy()), abs=1e-6)
    rng = list(wb["政府合计区间"].iter_rows(min_row=2, values_only=True))
    assert all(r[2] <= r[3] <= r[4] for r in rng)
    assume = list(wb["假设与来源"].iter_rows(values_only=True))
    assert assume[0] == ("类别", "参数", "名称", "取值/内容", "单位", "来源", "是否为假设")
    keys = {r[1] for r in assume[1:]}
    assert {"si_unit_pension_rate", "local_average_wage", "pending_pass_rate", "rise_after_last",
            "si_continuation/central/2019", "funded_post.township"} <= keys
    assert all(r[5] for r in assume[1:])                          # every number has a source
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["情景指纹"] == mc.meta["scenario_hash"] and notes["随机种子"] == 3


def test_workbook_en_exact(sample, tmp_path: Path) -> None:
    b = budget(sample)
    wb = openpyxl.load_workbook(b.to_excel(tmp_path / "b.xlsx", lang="en"))
    assert "By year and tier" in wb.sheetnames and "Government total range" not in wb.sheetnames
    assert [c.value for c in wb["By year and tier"][1]][:2] == ["Year", "Central"]


def test_cli_budget(sample_path, tmp_path: Path, capsys) -> None:
    xlsx = tmp_path / "x.xlsx"
    assert main(["budget", str(sample_path), "--draws", "30", "--xlsx", str(xlsx)]) == 0
    out = capsys.readouterr().out
    assert "财政负担测算" in out and "县级财政" in out and "政府合计区间" in out and xlsx.exists()
    assert main(["budget", str(sample_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Government total" in out and "exact" in out and "2027" in out


def test_cli_errors(sample_path, tmp_path: Path, capsys) -> None:
    assert main(["budget", str(sample_path), "--draws", "-1"]) == 2  # checked while parsing (vetsim.cliargs)
    assert "应为 0 到 100,000 之间的整数" in capsys.readouterr().err
    assert main(["budget", str(tmp_path / "nowhere"), "--lang", "en"]) == 2
    assert "scenario folder not found" in capsys.readouterr().err


def test_cli_shows_money_in_wan_yuan(sample_path, capsys) -> None:
    """Issue 11 item 17: the terminal shows 万元 (million yuan in English) with two (three) decimals, and says
    that the files keep yuan to the cent; the numbers are the budget's own, divided."""
    import vetsim
    from vetsim.cli import main

    assert main(["budget", str(sample_path)]) == 0
    out = capsys.readouterr().out
    assert "单位：万元（Excel/CSV 中为精确到分的元）" in out
    total = vetsim.budget(vetsim.load_scenario(sample_path)).totals(("year",)).set_index("year")["value"]
    first = total.index.min()
    assert f"{total.loc[first] / 1e4:,.2f}" in out
    assert main(["budget", str(sample_path), "--lang", "en"]) == 0
    assert f"{total.loc[first] / 1e6:,.3f}" in capsys.readouterr().out
