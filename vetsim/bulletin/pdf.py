"""The bulletin as PDF: A4 landscape pages drawn with matplotlib in the house style (its Chinese font,
:mod:`vetsim.charts.fonts`), tables split over pages with their header repeated."""

from __future__ import annotations

from typing import IO, Any

from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..charts.labels import wrap_text
from ..charts.style import house_style
from ..wording import tr
from .build import Bulletin
from .document import Block, blocks, footer
from .townmap import draw_map

__all__ = ["write_pdf"]

PAGE = (11.69, 8.27)  # A4 landscape, inches
_LEFT, _RIGHT, _TOP, _BOTTOM = 0.05, 0.95, 0.94, 0.07
_SIZE = {"title": 15.0, "subtitle": 8.5, "heading": 12.0, "para": 9.5, "bullet": 9.5, "table": 7.0}
_EM = 1.0 / 72.0  # inches per point


class _Pages:
    """A cursor over pages: text lines and table rows placed top-down, a new page when one is full."""

    def __init__(self, pdf: Any, lang: str, foot: str):
        self.pdf, self.lang, self.foot, self.n = pdf, lang, foot, 0
        self.fig: Figure | None = None
        self.y = _TOP

    def _line_h(self, size: float) -> float:
        return size * 1.55 * _EM / PAGE[1]

    def new_page(self) -> None:
        self.close_page()
        self.n += 1
        self.fig = Figure(figsize=PAGE)
        self.y = _TOP

    def close_page(self) -> None:
        if self.fig is not None:
            self.fig.text(_LEFT, 0.03, self.foot, fontsize=7, color="#4D4D4D")
            self.fig.text(_RIGHT, 0.03, tr("bulletin.page", self.lang, n=self.n), fontsize=7, ha="right", color="#4D4D4D")
            self.pdf.savefig(self.fig)
            self.fig = None

    def room(self, h: float) -> None:
        if self.fig is None or self.y - h < _BOTTOM:
            self.new_page()

    def text(self, block: Block) -> None:
        size = _SIZE[block.kind]
        width_em = (_RIGHT - _LEFT) * PAGE[0] / (size * _EM) - (2 if block.kind == "bullet" else 0)
        lines = wrap_text(block.text, width_em, self.lang) or [""]
        h = self._line_h(size)
        if block.kind == "heading":
            self.room(h * 3)
            self.y -= h * 0.4
        for i, line in enumerate(lines):
            self.room(h)
            prefix = ("• " if i == 0 else "   ") if block.kind == "bullet" else ""
            self.fig.text(0.5 if block.kind == "title" else _LEFT, self.y, prefix + line, fontsize=size, va="top",
                          ha="center" if block.kind == "title" else "left",
                          color="#000000" if block.kind in ("title", "heading") else "#1A1A1A")
            self.y -= h
        if block.kind == "title":
            self.y -= h * 0.3

    def table(self, block: Block) -> None:
        """A table, split over pages with its header repeated; per page one text per column (a text
        artist per cell made a 230-row table take 20 s to save), grid lines and the flag fills."""
        df = block.table
        total = sum(block.widths) or 1.0
        xs = [_LEFT]
        for w in block.widths:
            xs.append(xs[-1] + (_RIGHT - _LEFT) * w / total)
        em_per_x = PAGE[0] / (_SIZE["table"] * _EM)

        def wrap(values: Any) -> list[list[str]]:
            return [wrap_text(str(v), (xs[i + 1] - xs[i]) * em_per_x - 0.6, self.lang) or [""] for i, v in enumerate(values)]

        head = wrap(df.columns)
        rows = [wrap(r) for r in df.itertuples(index=False)]
        fills = [list(block.fills.iloc[j]) for j in range(len(df))] if block.fills is not None else [[] for _ in rows]
        line_h = self._line_h(_SIZE["table"])
        height = [max(len(c) for c in cells) for cells in rows]
        head_h = max(len(c) for c in head)
        self.room((head_h + 2) * line_h * 1.1)
        j = 0
        while j < len(rows):
            room = int((self.y - _BOTTOM) / line_h) - head_h
            k = j
            while k < len(rows) and sum(height[j:k + 1]) <= room:
                k += 1
            if k == j:
                self.new_page()
                continue
            self._chunk(xs, head, rows[j:k], fills[j:k], line_h)
            j = k
            if j < len(rows):
                self.new_page()
        self.y -= line_h * 0.6

    def _chunk(self, xs: list[float], head: list[list[str]], rows: list[list[list[str]]], fills: list[list[str]],
               line_h: float) -> None:
        """Header and ``rows`` from the cursor down: fills, grid, then one multi-line text per column."""
        heights = [max(len(c) for c in head)] + [max(len(c) for c in cells) for cells in rows]
        tops = [self.y]
        for h in heights:
            tops.append(tops[-1] - h * line_h)
        fig = self.fig
        fig.add_artist(Rectangle((xs[0], tops[1]), xs[-1] - xs[0], tops[0] - tops[1], transform=fig.transFigure,
                                 facecolor="#E8E8E8", edgecolor="none"))
        for r, row_fills in enumerate(fills, start=1):
            for i, fill in enumerate(row_fills):
                if fill:
                    fig.add_artist(Rectangle((xs[i], tops[r + 1]), xs[i + 1] - xs[i], tops[r] - tops[r + 1],
                                             transform=fig.transFigure, facecolor=fill, edgecolor="none"))
        grid = [[(xs[0], t), (xs[-1], t)] for t in tops] + [[(x, tops[0]), (x, tops[-1])] for x in xs]
        fig.add_artist(LineCollection(grid, colors="#999999", linewidths=0.4, transform=fig.transFigure))
        for i in range(len(xs) - 1):
            for bold, cells, hs in ((True, [head[i]], heights[:1]), (False, [r[i] for r in rows], heights[1:])):
                text = "\n".join("\n".join(c + [""] * (h - len(c))) for c, h in zip(cells, hs, strict=True))
                y = tops[0] if bold else tops[1]
                fig.text(xs[i] + 0.003, y - line_h * 0.12, text, fontsize=_SIZE["table"], va="top", linespacing=1.55,
                         color="#000000")
        self.y = tops[-1]


    def map(self, b: Bulletin, block: Block) -> None:
        """The township map on a page of its own, its caption above it."""
        self.new_page()
        self.text(Block("para", block.text))
        grid = self.fig.add_gridspec(1, 1, left=_LEFT, right=_RIGHT, top=self.y - 0.01, bottom=_BOTTOM)
        draw_map(b, self.fig.add_subfigure(grid[0]), self.lang)
        self.y = _BOTTOM


def write_pdf(b: Bulletin, fh: IO[bytes], lang: str) -> None:
    """Write the bulletin's PDF into ``fh``."""
    from matplotlib.backends.backend_pdf import PdfPages  # heavy: matplotlib's PDF backend, loaded only when a PDF is written

    with house_style(lang), PdfPages(fh, metadata={"Creator": "vetsim", "Producer": "vetsim"}) as pdf:
        pages = _Pages(pdf, lang, footer(b, lang))
        pages.new_page()
        for block in blocks(b, lang):
            if block.kind == "table":
                pages.table(block)
            elif block.kind == "map":
                pages.map(b, block)
            else:
                pages.text(block)
        pages.close_page()
