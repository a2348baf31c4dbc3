"""Shared drawing helpers: a chart's figure (new, or a panel of the brief), grouped bars with CI whiskers,
target lines, month axes, and atomic saving inside the house style."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import FuncFormatter

from .. import formats
from ..files import atomic_write, check_output_target, written_bytes
from .style import SCREEN_SIZE, TARGET_COLOUR, SourceInfo, add_source_line, house_style, new_figure

__all__ = [
    "Series",
    "chart_frame",
    "grouped_bars",
    "target_hline",
    "month_axis",
    "percent_axis",
    "save_figure",
    "figure_bytes",
]


@dataclass(frozen=True)
class Series:
    """One scenario's values on a chart: legend label, colour, and the numbers."""

    label: str
    colour: str
    values: Any  # DataFrame or mapping, depending on the chart


@contextmanager
def chart_frame(fig: Figure | SubFigure | None, lang: str, meta: Mapping[str, Any] | None,
                size: tuple[float, float] = SCREEN_SIZE, *, scenario: Any | None = None
                ) -> Iterator[Figure | SubFigure]:
    """The figure to draw into: ``fig`` itself (a panel of a larger page, styled by the caller) or a
    new stand-alone house-style figure that gets a source line from ``meta`` when drawing is done
    (naming the scenario in ``lang`` when the ``scenario`` is given)."""
    if fig is not None:
        yield fig
        return
    with house_style(lang):
        new = new_figure(size)
        yield new
        if meta is not None:
            if scenario is not None:
                meta = {**meta, "scenario_name": scenario.name(lang)}
            add_source_line(new, SourceInfo.from_meta(meta, lang=lang), lang)


def grouped_bars(ax: Axes, categories: Sequence[str], series: Sequence[Series], *, scale: float = 1.0,
                 fmt: str = "{:.0f}", annotate: bool = True, horizontal: bool = False) -> None:
    """Bars per category, one per series, with 95% CI whiskers; ``series.values`` is a frame indexed by
    category with columns mean, ci_low, ci_high (missing categories are left out). ``horizontal``
    draws the bars sideways (categories on the y axis, top to bottom in the order given)."""
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(categories))
    for i, s in enumerate(series):
        df = s.values.reindex(list(categories))
        mean = df["mean"].to_numpy(dtype=float) * scale
        lo = df["ci_low"].to_numpy(dtype=float) * scale
        hi = df["ci_high"].to_numpy(dtype=float) * scale
        pos = x - 0.4 + width * (i + 0.5)
        ok = ~np.isnan(mean)
        err_ok = ok & ~np.isnan(lo) & ~np.isnan(hi)
        err = np.vstack([np.maximum(mean - lo, 0), np.maximum(hi - mean, 0)])[:, err_ok]
        end = np.where(np.isnan(hi), mean, np.fmax(hi, mean))
        if horizontal:
            ax.barh(pos[ok], mean[ok], width * 0.92, color=s.colour, label=s.label)
            if err_ok.any():
                ax.errorbar(mean[err_ok], pos[err_ok], xerr=err, fmt="none", ecolor="#333333", elinewidth=1.8)
        else:
            ax.bar(pos[ok], mean[ok], width * 0.92, color=s.colour, label=s.label)
            if err_ok.any():
                ax.errorbar(pos[err_ok], mean[err_ok], yerr=err, fmt="none", ecolor="#333333", elinewidth=1.8)
        if annotate:
            for p, m, e in zip(pos[ok], mean[ok], end[ok]):
                if horizontal:
                    ax.annotate(fmt.format(m), (e, p), xytext=(6, 0), textcoords="offset points",
                                va="center", fontsize="small")
                else:
                    ax.annotate(fmt.format(m), (p, e), xytext=(0, 3), textcoords="offset points",
                                ha="center", va="bottom", fontsize="small")
    if horizontal:
        ax.set_yticks(x, list(categories))
        ax.invert_yaxis()
        ax.margins(x=0.15)
    else:
        ax.set_xticks(x, list(categories))
        ax.margins(y=0.15)


def target_hline(ax: Axes, value: float, text: str) -> None:
    """A dashed horizontal target line, named in the legend (so it never covers a bar label)."""
    ax.axhline(value, color=TARGET_COLOUR, linestyle="--", linewidth=2.2, zorder=3, label=text)


def percent_axis(ax: Axes, top: float = 100.0) -> None:
    """Y axis in percent from 0 to ``top`` (values already multiplied by 100)."""
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))


def month_axis(ax: Axes, lang: str) -> None:
    """Date x axis with one tick per month: 1月 2月 ... / Jan Feb ... (the year on January ticks)."""
    ax.xaxis.set_major_locator(mdates.MonthLocator())

    def fmt(v: float, _pos: int) -> str:
        d = mdates.num2date(v)
        return formats.month(d, lang, with_year=d.month == 1, sep="\n")

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def save_figure(fig: Figure, path: str | os.PathLike[str], *, lang: str = "zh", dpi: float | None = None) -> Path:
    """Save ``fig`` atomically (:func:`vetsim.files.atomic_write`) in the house style.

    The format follows the suffix (.png, .pdf, .svg). By default PNGs are at least 1920 px wide;
    PDFs embed fonts as TrueType/CID (text stays text).
    """
    out = check_output_target(path, "file")
    return atomic_write(out, _writer(fig, out.suffix.lower().lstrip(".") or "png", lang, dpi))


def figure_bytes(fig: Figure, fmt: str = "png", *, lang: str = "zh", dpi: float | None = None) -> bytes:
    """What :func:`save_figure` would write for a ``.fmt`` file, as bytes (downloads, embedded images)."""
    return written_bytes(_writer(fig, fmt, lang, dpi))


def _writer(fig: Figure, fmt: str, lang: str, dpi: float | None) -> Callable[[IO[bytes]], None]:
    if dpi is None:
        dpi = max(150.0, 1920.0 / fig.get_figwidth()) if fmt == "png" else 150.0
    style = house_style(lang) if lang else nullcontext()
    if fmt == "pdf":
        from .fontcache import install  # the CJK subset made once and kept: ~2 s of every PDF

        install()

    def write(fh: IO[bytes]) -> None:
        with style:
            fig.savefig(fh, format=fmt, dpi=dpi, metadata=_metadata(fmt))

    return write


def _metadata(fmt: str) -> dict[str, Any] | None:
    """Fixed metadata so that repeated exports of the same figure are byte-identical where possible."""
    if fmt == "pdf":
        return {"Creator": "vetsim", "Producer": "vetsim", "CreationDate": None, "ModDate": None}
    if fmt == "png":
        return {"Software": "vetsim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "vetsim"}
    return None
