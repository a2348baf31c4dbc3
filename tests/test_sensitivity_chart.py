"""The tornado chart, the brief's sensitivity page, the dashboard's section and the ``vetsim sensitivity`` command:
rendered in Chinese and English with no missing glyph (a "Glyph ... missing" warning is an error here)."""

from __future__ import annotations

import io
import re

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from vetsim.charts import tornado_chart
from vetsim.cli import main
from vetsim.sensitivity import Tornado, tornado
from vetsim.sensitivity.tornado import TORNADO_COLUMNS

pytestmark = pytest.mark.filterwarnings("error")

KEYS = ["fiscal.pensions.rise_after_last", "costs.parttime_post.village", "fiscal.si_continuation.payment.years"]


@pytest.fixture(scope="module")
def small(sample) -> Tornado:
    return tornado(sample, service=False, keys=KEYS)


def _with_service(t: Tornado) -> Tornado:
    """The fiscal tornado plus made-up service rows (the chart code only reads the table)."""
    rows = [{"output": "township_wait", "key": "presence.township.away_share", "label_zh": "乡镇站人员离站时间占比",
             "label_en": "Township staff time away", "unit": "share", "low": 0.1, "mid": 0.2, "high": 0.35,
             "base": 12.0, "at_low": 9.5, "at_high": 18.25, "swing": 8.75, "rank": 1},
            {"output": "township_wait", "key": "simulation.patience_minutes", "label_zh": "平均耐心等待时间",
             "label_en": "Mean patience", "unit": "minute", "low": 30, "mid": 60, "high": 90,
             "base": 12.0, "at_low": 11.0, "at_high": 12.5, "swing": 1.5, "rank": 2}]
    table = pd.concat([t.table, pd.DataFrame(rows, columns=list(TORNADO_COLUMNS))], ignore_index=True)
    return Tornado(table, {**t.meta, "days": 60, "replications": 1})


def _texts(fig: Figure) -> list[str]:
    fig.savefig(io.BytesIO(), format="png", dpi=30)  # drawing is where glyph warnings arise
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tornado_chart_renders_without_missing_glyphs(small, lang) -> None:
    texts = _texts(tornado_chart(small, "budget_total", lang=lang))
    title = "哪个假设最重要" if lang == "zh" else "Which assumption matters most"
    assert any(title in t for t in texts)
    label = "抚恤补助标准年增幅" if lang == "zh" else "Yearly rise of pension"
    assert any(label in t for t in texts)
    assert sum(t.startswith("数据来源" if lang == "zh" else "Source") for t in texts) == 1
    unit = "万元/年" if lang == "zh" else "million yuan/year"
    assert any(unit in t for t in texts)


def test_tornado_bars_are_ordered_by_swing_and_show_the_numbers(small) -> None:
    fig = tornado_chart(small, "budget_total", lang="en")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    order = small.of("budget_total")
    # "1. " + the label (wrapped), then its range with its unit
    names = [re.sub(r"^\d+\. ", "", " ".join(lab.split("\n")[:-1])) for lab in labels]
    assert names == order[order["swing"] > 0]["label_en"].tolist()
    assert [lab.split(".")[0] for lab in labels] == [str(i) for i in range(1, len(labels) + 1)]
    top = order.iloc[0]
    shown = {t.get_text() for t in ax.texts}
    assert f"{top['at_high'] / 1e6:,.2f}" in shown and f"{top['at_low'] / 1e6:,.2f}" in shown  # million yuan, 2 decimals


def test_tornado_labels_carry_units_and_bars_within_noise_are_grey_and_unranked(small) -> None:
    rows = [{"output": "township_wait", "key": "presence.township.away_share", "label_zh": "乡镇站人员离站时间占比",
             "label_en": "Township staff time away", "unit": "share of working days", "low": 0.04, "mid": 0.05,
             "high": 0.06775, "base": 12.0, "at_low": 9.5, "at_high": 18.25, "noise": 1.0, "swing": 8.75, "rank": 1},
            {"output": "township_wait", "key": "x.count", "label_zh": "抚恤补助标准年增幅（8月1日起）",
             "label_en": "People not yet screened", "unit": "person", "low": 250, "mid": 300, "high": 388.8,
             "base": 12.0, "at_low": 12.1, "at_high": 12.42, "noise": 0.71, "swing": 0.32, "rank": pd.NA}]
    t = Tornado(pd.DataFrame(rows, columns=list(TORNADO_COLUMNS)).astype({"rank": "Int64"}),
                {**small.meta, "days": 60, "replications": 2})
    for lang, first, second in (("zh", "4.0%～6.8%", "250～389 人"), ("en", "4.0% to 6.8%", "250 to 389 people")):
        ax = tornado_chart(t, "township_wait", lang=lang).axes[0]
        labels = [x.get_text() for x in ax.get_yticklabels()]
        assert first in labels[0] and labels[0].startswith("1. ")
        assert second in labels[1] and not re.match(r"^\d", labels[1])  # within noise: no rank
        assert ("不排名" if lang == "zh" else "not ranked") in labels[1]
        if lang == "zh":
            assert "（8月1日起）" in labels[1]  # a bracketed phrase is never broken across lines
        colours = [tuple(p.get_facecolor()[:3]) for p in ax.patches if p.get_height() > 0]
        grey = matplotlib.colors.to_rgb("#BBBBBB")
        assert colours.count(grey) == 2 and len(colours) == 4  # both halves of the noisy bar, none of the other
        caps = [c for c in ax.containers if "95%" in str(c.get_label())]
        assert caps  # the noise band is drawn


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brief_sensitivity_page_with_two_panels(small, lang) -> None:
    from vetsim.brief import sensitivity_page
    from vetsim.brief.sensitivity import page_outputs

    both = _with_service(small)
    assert page_outputs(both) == ["budget_total", "township_wait"] and page_outputs(small) == ["budget_total"]
    texts = _texts(sensitivity_page(both, lang))
    assert any(("乡镇站平均等待时间" if lang == "zh" else "Township mean wait") in t for t in texts)
    assert any(("敏感性" if lang == "zh" else "Sensitivity") in t for t in texts)


def test_chart_of_an_output_nothing_moves(small) -> None:
    flat = small.table.assign(swing=0.0, at_low=small.table["base"], at_high=small.table["base"])
    texts = _texts(tornado_chart(Tornado(flat, small.meta), "budget_total", lang="zh"))
    assert "没有假设改变此指标" in texts


def test_dashboard_section_runs_on_request(sample, monkeypatch) -> None:
    import vetsim.brief.sensitivity as page
    from vetsim.ui.sensitivity_view import SensitivityPanel

    monkeypatch.setattr(page, "tornado", lambda s, **kw: tornado(s, keys=KEYS, **kw))
    panel = SensitivityPanel("zh", lambda: sample, lambda f: f)
    assert panel.image.layout.display == "none"  # nothing runs before the button
    panel.button.click()
    assert panel.tornado is not None and panel.image.value[:4] == b"\x89PNG" and panel.image.layout.display is None


def test_cli_refuses_an_unknown_output_file_before_any_work(capsys, sample_path) -> None:
    code = main(["sensitivity", str(sample_path), "--out", "result.docx", "--lang", "en"])
    out = capsys.readouterr()
    assert code == 2 and "use .png, .pdf, .svg (chart) or .xlsx, .csv (table)" in out.err + out.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_help(capsys, lang) -> None:
    code = main(["sensitivity", "--help", "--lang", lang])
    text = capsys.readouterr().out
    assert code == 0 and ("龙卷风" in text if lang == "zh" else "tornado" in text and "morris" in text)


def test_tables_and_summary_in_both_languages(small, sample, tmp_path) -> None:
    import pandas as pd

    from vetsim.sensitivity import GlobalRanking
    from vetsim.sensitivity.report import Analysis, save_tables, summary_lines, top_agree

    g = small.table[["output", "key", "label_zh", "label_en", "swing", "rank"]].rename(columns={"swing": "index"})
    ranking = GlobalRanking(g.assign(conf=0.0)[["output", "key", "label_zh", "label_en", "index", "conf", "rank"]],
                            {"method": "morris", "samples": 4})
    a = Analysis(small, ranking, sample)
    assert top_agree(a, "budget_total") and top_agree(a, "budget_county")
    zh = "\n".join(summary_lines(a, "zh"))
    assert "前 3 位假设与龙卷风图一致：是" in zh and "抚恤补助标准年增幅" in zh and "万元/年" in zh
    assert "Top 3 agree with the tornado: yes" in "\n".join(summary_lines(a, "en"))
    csv = pd.read_csv(save_tables(a, tmp_path / "t.csv", "en"), encoding="utf-8-sig")
    assert {"Output", "Output unit", "Assumption", "P10", "P90", "Swing", "Global index"} <= set(csv.columns)
    assert set(csv["Output unit"]) == {"yuan/year"}
    book = pd.read_excel(save_tables(a, tmp_path / "t.xlsx", "zh"), sheet_name=None, engine="openpyxl")
    assert set(book) == {"tornado", "assumptions"} and "摆幅" in book["tornado"].columns
    from vetsim.sensitivity import assumptions

    assert len(book["assumptions"]) == len(assumptions(sample)) and "来源" in book["assumptions"].columns
