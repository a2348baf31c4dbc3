"""The brief's pages are laid out so that no text overruns or overlaps, checked by matplotlib's own renderer.

Pages 1 (KPI table, headlines, charts) and 2 (the key-task progress table) of the sample pair, drawn at 16:9
and A4, in Chinese and English, from a short simulation (2 runs, shared through the results cache). For every
visible text: its box (``Text.get_window_extent(renderer)``) lies inside the page; a table cell's text lies
inside its cell; and no two texts overlap (legend entries, labels, titles, tick labels, cells alike).
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.table import Table
from matplotlib.text import Text

from vetsim.brief import run as brief_run  # not vetsim.brief.build_brief: that would cache it in the package
from vetsim.sim import simulate

SLACK = 1.0  # pixels: boxes that only touch are not overlapping


@pytest.fixture(scope="module")
def runs(sample, proposal):
    seed = sample.spec.seed  # simulated here, not read from the results cache (other tests count the runs)
    return simulate(sample, replications=2, seed=seed), simulate(proposal, replications=2, seed=seed)


def _undrawn_tick_labels(fig: Figure) -> set[int]:
    """Tick labels outside their axis' view limits: matplotlib keeps them but does not draw them."""
    hidden = set()
    for ax in fig.findobj(lambda a: hasattr(a, "xaxis") and hasattr(a, "yaxis")):
        for axis in (ax.xaxis, ax.yaxis):
            shown = ax.axison and axis.get_visible()
            drawn = {id(t) for tick in axis._update_ticks() for t in (tick.label1, tick.label2)} if shown else set()
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                hidden |= {id(t) for t in (tick.label1, tick.label2) if id(t) not in drawn}
    return hidden


def _texts(fig: Figure, renderer) -> list[tuple[Text, np.ndarray]]:
    out = []
    hidden = _undrawn_tick_labels(fig)
    for t in fig.findobj(Text):
        if id(t) in hidden:
            continue
        if not t.get_visible() or not t.get_text().strip() or (t.get_alpha() is not None and t.get_alpha() == 0):
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        bb = t.get_window_extent(renderer)
        if bb.width <= 0 or bb.height <= 0:
            continue
        out.append((t, np.array([bb.x0, bb.y0, bb.x1, bb.y1])))
    return out


def layout_problems(fig: Figure) -> list[str]:
    """Texts outside the page, outside their table cell, or overlapping another text ("" when none)."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    texts = _texts(fig, renderer)
    problems = []
    for t, (x0, y0, x1, y1) in texts:
        if x0 < page.x0 - SLACK or y0 < page.y0 - SLACK or x1 > page.x1 + SLACK or y1 > page.y1 + SLACK:
            problems.append(f"off the page: {t.get_text()!r}")
    others = [b for t, b in texts if t.axes is None or not t.axes.findobj(Table)]  # texts not of a table
    for tab in fig.findobj(Table):
        area = tab.axes.get_window_extent(renderer)
        cells = tab.get_celld()
        tops: dict[int, float] = {}
        bottoms: dict[int, float] = {}
        for (i, j), cell in cells.items():
            c = cell.get_window_extent(renderer)
            tops[i], bottoms[i] = max(tops.get(i, c.y1), c.y1), min(bottoms.get(i, c.y0), c.y0)
            if c.x0 < area.x0 - SLACK or c.x1 > area.x1 + SLACK or c.y0 < area.y0 - SLACK or c.y1 > area.y1 + SLACK:
                problems.append(f"cell ({i}, {j}) outside its table's area")
            for x0, y0, x1, y1 in others:  # a text of the page (e.g. the source line) printed over a cell
                if min(x1, c.x1) - max(x0, c.x0) > SLACK and min(y1, c.y1) - max(y0, c.y0) > SLACK:
                    problems.append(f"a text over cell ({i}, {j})")
        rows = sorted(tops)
        for a, b in zip(rows, rows[1:]):  # each row starts where the one above ends: no blank row
            if abs(bottoms[a] - tops[b]) > SLACK:
                problems.append(f"gap of {bottoms[a] - tops[b]:.0f} px between rows {a} and {b}")
    for tab in fig.findobj(Table):
        for (i, j), cell in tab.get_celld().items():
            c = cell.get_window_extent(renderer)
            b = cell.get_text().get_window_extent(renderer)
            if cell.get_text().get_text().strip() and (b.x0 < c.x0 - SLACK or b.x1 > c.x1 + SLACK
                                                       or b.y0 < c.y0 - SLACK or b.y1 > c.y1 + SLACK):
                problems.append(f"out of its cell ({i}, {j}): {cell.get_text().get_text()!r}")
    boxes = np.array([b for _t, b in texts]).reshape(-1, 4)
    lo, hi = boxes[:, :2] + SLACK, boxes[:, 2:] - SLACK
    for a in range(len(texts)):
        over = np.all(np.minimum(hi[a], hi[a + 1:]) > np.maximum(lo[a], lo[a + 1:]), axis=1)
        for b in np.flatnonzero(over) + a + 1:
            problems.append(f"overlap: {texts[a][0].get_text()!r} / {texts[b][0].get_text()!r}")
    return problems


@pytest.mark.parametrize(("lang", "paper"), list(product(("zh", "en"), ("16:9", "a4"))))
def test_pages_have_no_text_overrun_or_overlap(sample, proposal, runs, lang, paper):
    brief = brief_run.build_brief(sample, runs[0], proposal, runs[1], lang=lang, draws=0, paper=paper, tasks=True)
    for name, fig in (("page 1", brief.figure), ("page 2", brief.task_figure)):
        problems = layout_problems(fig)
        assert not problems, f"{name} ({lang}, {paper}): {len(problems)} problems, e.g. " + "; ".join(problems[:8])


def test_the_checker_sees_an_overlap_and_an_overrun():
    import matplotlib  # the project's CJK font for this bare figure (else the test log fills with missing glyphs)

    from vetsim.charts.fonts import font_family

    with matplotlib.rc_context({"font.family": font_family("zh")}):
        fig = Figure(figsize=(4, 3))
        fig.text(0.1, 0.5, "第一行文字")
        fig.text(0.12, 0.5, "second text")
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.3))
        ax.set_axis_off()
        tab = ax.table(cellText=[["一段很长很长很长很长很长很长的文字", "x"]], colWidths=[0.2, 0.2], loc="center")
        tab.auto_set_font_size(False)
        tab.set_fontsize(10)
        problems = layout_problems(fig)
    assert any(p.startswith("overlap") for p in problems)
    assert any(p.startswith("out of its cell") for p in problems)
