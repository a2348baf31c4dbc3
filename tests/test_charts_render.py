"""Every chart renders in Chinese and English with no missing glyph, in the house style, from model outputs.

Matplotlib's "Glyph ... missing from font(s)" warning is an error here (``filterwarnings``), so a
chart that would show empty boxes for Chinese text fails.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from PIL import Image

from vetsim import charts
from vetsim.work import site_costs

sys.path.insert(0, str(Path(__file__).parent))
from charts_fakes import fake_budget, fake_pair  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")  # every warning, "Glyph ... missing" included


@pytest.fixture(scope="module")
def pair(sample, proposal):
    return fake_pair(sample, proposal)


def _all_charts(sample, proposal, pair, lang):
    base, prop = pair
    return {
        "waits": charts.waits_by_level(base, prop, scenario=sample, lang=lang),
        "one_trip": charts.one_trip_by_level(base, prop, scenario=sample, lang=lang),
        "resolution": charts.resolution_vs_deadline(base, prop, scenario=sample, lang=lang),
        "utilisation": charts.utilisation_heatmap(base, scenario=sample, lang=lang),
        "backlog": charts.backlog_burndown(base, prop, scenario=sample, lang=lang),
        "open_cases": charts.backlog_burndown(base, prop, scenario=sample, lang=lang, what="all"),
        "staff_cost": charts.staff_and_cost(site_costs(sample), site_costs(proposal), lang=lang, scenario=sample),
        "budget_tier": charts.budget_by_tier(fake_budget(proposal), lang=lang),
        "budget_line": charts.budget_by_line(fake_budget(proposal), lang=lang),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_renders_without_missing_glyphs(sample, proposal, pair, lang) -> None:
    before = dict(matplotlib.rcParams)
    figs = _all_charts(sample, proposal, pair, lang)
    for name, fig in figs.items():
        assert isinstance(fig, Figure), name
        fig.savefig(io.BytesIO(), format="png", dpi=30)  # drawing is where glyph warnings arise
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        source = [t for t in texts if t.startswith("数据来源" if lang == "zh" else "Source")]
        assert len(source) == 1, name  # one source line ...
        assert str(sample.spec.seed) in source[0] and "0.1.0" in source[0]  # ... with seed and version
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            label = ax.get_ylabel() or ax.get_xlabel()
            assert label, f"{name}: an axis without a title"
            if ax.get_ylabel() and name != "utilisation":
                assert ("（" in ax.get_ylabel()) if lang == "zh" else ("(" in ax.get_ylabel()), \
                    f"{name}: no unit on {ax.get_ylabel()!r}"
    assert dict(matplotlib.rcParams) == before  # charts never touch global matplotlib state
    assert not matplotlib.pyplot.get_fignums() if "matplotlib.pyplot" in sys.modules else True


def test_chinese_labels_come_from_the_scenario(sample, proposal, pair) -> None:
    fig = charts.resolution_vs_deadline(*pair, scenario=sample, lang="zh")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[:2] == ["政策咨询", "退役安置"]
    fig = charts.utilisation_heatmap(pair[0], scenario=sample, lang="zh")
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert rows[0] == "县中心" and rows[1] == "城东街道" and rows[-1] == "村（社区）站平均"
    assert len(rows) == 1 + 15 + 1


def test_bars_show_the_results_numbers(sample, pair) -> None:
    fig = charts.waits_by_level(*pair, scenario=sample, lang="zh")
    ax = fig.axes[0]
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == sorted([8.0, 42.0, 25.0, 8.0, 12.0, 24.0])
    labels = {t.get_text() for t in ax.texts}
    assert {"42.0", "12.0", "25.0", "24.0", "8.0"} <= labels
    assert "目标 30 分钟" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig = charts.one_trip_by_level(*pair, scenario=sample, lang="en")
    heights = sorted(round(p.get_height(), 6) for p in fig.axes[0].patches)
    assert heights == sorted([92.0, 78.0, 81.0, 84.0, 92.0, 88.0, 82.0, 90.0])


def test_overloaded_cells_are_framed(sample, pair) -> None:
    # the fake county center runs at 80% x (1 + 0.15 sin): above the 85% limit in some months only
    fig = charts.utilisation_heatmap(pair[0], scenario=sample, lang="zh")
    frames = [p for p in fig.axes[0].patches if not p.get_fill()]
    assert 0 < len(frames) < 12
    assert all(p.get_y() == -0.5 for p in frames)  # all on the county-center row


def test_save_figure_png_is_projector_size_and_atomic(tmp_path, sample, pair) -> None:
    fig = charts.waits_by_level(*pair, scenario=sample, lang="zh")
    out = charts.save_figure(fig, tmp_path / "waits.png")
    with Image.open(out) as im:
        assert im.size[0] >= 1920
    assert [p.name for p in tmp_path.iterdir()] == ["waits.png"]  # no temp file left behind
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not the private mode of a temp file
