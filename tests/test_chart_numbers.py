"""The numbers behind every chart of the brief (图表数据 CSV): one CSV per chart, UTF-8 with BOM,
formula-safe, its headers in the brief's language and one row per bar, line point or heat-map cell that
the chart draws (counted on the drawn figure, not on the table's own code)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vetsim.brief import BriefInputs, make_brief
from vetsim.files import csv_bytes
from vetsim.work import site_costs

sys.path.insert(0, str(Path(__file__).parent))
from charts_fakes import fake_budget, fake_pair  # noqa: E402

BOM = b"\xef\xbb\xbf"
HEADERS_ZH = {
    "waits": ["情景", "层级", "平均等待时间（分钟）", "95% 置信区间下限", "95% 置信区间上限"],
    "one_trip": ["情景", "层级", "最多跑一次比例（%）", "95% 置信区间下限", "95% 置信区间上限"],
    "backlog": ["情景", "日期", "信访积案（件）", "95% 置信区间下限", "95% 置信区间上限"],
    "utilisation": ["站点编号", "站点", "层级", "月份", "人员利用率（%）"],
    "staff_cost": ["情景", "层级", "在编人员", "兼职/编外人员", "年度站点经费（万元/年）"],
    "budget": ["年度", "财政层级", "金额（万元）", "P10（万元）", "P90（万元）"],
    "map": ["站点编号", "站点", "层级", "地图横坐标", "地图纵坐标", "最多跑一次比例（%）"],
}


@pytest.fixture(scope="module")
def briefs(sample, proposal):
    base, prop = fake_pair(sample, proposal)
    inputs = BriefInputs(sample, base, site_costs(sample), fake_budget(proposal), proposal, prop, site_costs(proposal))
    return {lang: make_brief(inputs, lang) for lang in ("zh", "en")}


def _read(data: bytes) -> pd.DataFrame:
    assert data.startswith(BOM)  # Excel opens it as UTF-8 (Chinese headers readable)
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def test_every_chart_has_its_csv_with_chinese_headers(briefs, tmp_path) -> None:
    brief = briefs["zh"]
    folder = brief.save_chart_data(tmp_path / "chart-data")
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    from vetsim.brief.page import chart_figures

    figures = chart_figures(brief.inputs, "zh")
    assert names == sorted(f"{n}.csv" for n in figures)  # every chart of the page, nothing else
    for name in figures:
        table = _read((folder / f"{name}.csv").read_bytes())
        assert list(table.columns) == HEADERS_ZH[name], name


def test_rows_are_what_each_chart_draws(briefs) -> None:
    from vetsim.brief.page import chart_figures

    brief = briefs["zh"]
    figs = chart_figures(brief.inputs, "zh")
    csv = {k.removesuffix(".csv"): _read(v) for k, v in brief.chart_csvs().items()}
    for name in ("waits", "one_trip"):  # one bar per row, of the same height
        ax = figs[name].axes[0]
        heights = [p.get_height() for p in ax.patches]
        assert len(csv[name]) == len(heights)
        assert np.allclose(sorted(heights), sorted(csv[name].iloc[:, 2]))
    ax = figs["backlog"].axes[0]
    drawn = [ln for ln in ax.get_lines() if ln.get_label() in ("基线", "方案")]
    assert len(csv["backlog"]) == sum(len(ln.get_ydata()) for ln in drawn)
    assert np.allclose(np.concatenate([ln.get_ydata() for ln in drawn]), csv["backlog"].iloc[:, 2])
    grid = figs["utilisation"].axes[0].images[0].get_array()
    assert len(csv["utilisation"]) == grid.size  # one row per heat-map cell
    assert np.allclose(np.sort(np.asarray(grid.filled(np.nan), float).ravel()), np.sort(csv["utilisation"].iloc[:, 4]),
                       equal_nan=True)
    cost_ax = figs["staff_cost"].axes[1]
    assert len(csv["staff_cost"]) == len(cost_ax.patches)
    assert np.allclose(sorted(p.get_height() for p in cost_ax.patches), sorted(csv["staff_cost"].iloc[:, 4]))
    parts = csv["budget"][csv["budget"]["财政层级"] != "合计"]
    stacks = figs["budget"].axes[0].patches
    assert len(parts) == len(stacks)
    assert np.allclose(sorted(p.get_height() for p in stacks), sorted(parts["金额（万元）"]))
    total = csv["budget"][csv["budget"]["财政层级"] == "合计"]
    assert len(total) == parts["年度"].nunique() and total["P10（万元）"].notna().all()
    assert np.allclose(total["金额（万元）"].to_numpy(), parts.groupby("年度")["金额（万元）"].sum().to_numpy())


def test_english_headers_and_the_resolution_chart(sample) -> None:
    base, _ = fake_pair(sample, sample)
    brief = make_brief(BriefInputs(sample, base, site_costs(sample)), "en")  # no budget: resolution instead
    csvs = {k: _read(v) for k, v in brief.chart_csvs().items()}
    assert "resolution.csv" in csvs and "budget.csv" not in csvs
    res = csvs["resolution.csv"]
    assert list(res.columns) == ["Scenario", "Case type", "Time to resolution (working days)", "95% interval, low",
                                 "95% interval, high", "Mean deadline (working days)"]
    from vetsim.brief.page import chart_figures

    ax = chart_figures(brief.inputs, "en")["resolution"].axes[0]
    assert len(res) == len(ax.patches) and set(res["Scenario"]) == {"Baseline"}
    assert list(csvs["waits.csv"].columns)[:3] == ["Scenario", "Level", "Mean wait (minutes)"]


def test_html_brief_links_each_csv(briefs) -> None:
    text = briefs["en"].to_html()
    links = re.findall(r'<a class="chart-data" download="([^"]+)" href="data:text/csv;charset=utf-8;base64,', text)
    assert links == [f"{n}.csv" for n in ("waits", "one_trip", "backlog", "utilisation", "staff_cost", "budget", "map")]


def test_csv_text_is_formula_safe() -> None:
    data = csv_bytes(pd.DataFrame({"=站点": ["=HYPERLINK(\"x\")", "+1", "乡镇站"], "值": [-1.5, 2.0, 3.0]}))
    back = _read(data)
    assert list(back.columns) == ["'=站点", "值"]
    assert list(back.iloc[:, 0]) == ["'=HYPERLINK(\"x\")", "'+1", "乡镇站"] and list(back["值"]) == [-1.5, 2.0, 3.0]


def test_report_writes_the_chart_data_folder(sample_path, tmp_path, capsys) -> None:
    from vetsim.cli import main

    folder = tmp_path / "data"
    code = main(["report", str(sample_path), "--out", str(tmp_path / "brief.html"), "--chart-data", str(folder),
                 "--replications", "1", "--draws", "20", "--quiet"])
    assert code == 0 and "图表数据已写入" in capsys.readouterr().out
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert names == sorted(f"{n}.csv" for n in ("waits", "one_trip", "backlog", "utilisation", "staff_cost", "budget", "map"))
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert html.count('class="chart-data"') == 7


def test_report_refuses_a_foreign_chart_data_folder_before_simulating(sample_path, tmp_path, monkeypatch, capsys) -> None:
    import vetsim.sim
    from vetsim.cli import main

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(vetsim.sim, "simulate", lambda *a, **k: pytest.fail("simulated before checking the folder"))
    assert main(["report", str(sample_path), "--out", str(tmp_path / "b.pdf"), "--chart-data", str(folder)]) == 2
    assert "不是 vetsim 生成的输出" in capsys.readouterr().err
