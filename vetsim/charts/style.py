"""House style for charts shown on a projector: large type, colour-blind-safe colours, a source line.

Why a context and not ``matplotlib.rcParams.update`` at import: the workbench runs inside notebooks
and the dashboard next to users' own plots, so we never change global state. Charts are built on
``matplotlib.figure.Figure`` objects (no pyplot), inside :func:`house_style`, and exported inside
it again so that PDF text stays real text (TrueType/CID fonts, ``pdf.fonttype`` 42) and not paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cycler import cycler
from matplotlib import rc_context
from matplotlib.figure import Figure, SubFigure

from .._version import __version__
from ..wording import tr
from .fonts import font_family

__all__ = [
    "OKABE_ITO",
    "BASELINE_COLOUR",
    "PROPOSAL_COLOUR",
    "TARGET_COLOUR",
    "GOOD_FILL",
    "BAD_FILL",
    "TIER_COLOURS",
    "LINE_COLOURS",
    "SCREEN_SIZE",
    "house_rc",
    "house_style",
    "new_figure",
    "SourceInfo",
    "add_source_line",
]

# Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
BASELINE_COLOUR = OKABE_ITO["blue"]
PROPOSAL_COLOUR = OKABE_ITO["orange"]
TARGET_COLOUR = OKABE_ITO["vermillion"]
GOOD_FILL = "#CDE6F5"  # light blue: meets the target (paired with a ✓, never colour alone)
BAD_FILL = "#F9D2B8"  # light vermillion: misses the target (paired with a ✗)
TIER_COLOURS: dict[str, str] = {
    "central": OKABE_ITO["blue"],
    "province": OKABE_ITO["sky_blue"],
    "city": OKABE_ITO["bluish_green"],
    "county": OKABE_ITO["orange"],
    "individual": OKABE_ITO["reddish_purple"],
}
LINE_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], OKABE_ITO["yellow"], OKABE_ITO["black"],
)
SCREEN_SIZE = (12.8, 7.2)  # inches: 16:9, 1920 x 1080 px at 150 dpi


def house_rc(lang: str = "zh", scale: float = 1.0) -> dict[str, Any]:
    """The rcParams of the house style; ``scale`` multiplies every font size (the brief uses < 1)."""

    def pt(x: float) -> float:
        return round(x * scale, 1)

    return {
        "font.family": font_family(lang),
        "font.size": pt(16),
        "axes.titlesize": pt(19),
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": pt(16),
        "xtick.labelsize": pt(14),
        "ytick.labelsize": pt(14),
        "legend.fontsize": pt(14),
        "legend.frameon": False,
        "figure.titlesize": pt(22),
        "figure.titleweight": "bold",
        "axes.prop_cycle": cycler(color=list(LINE_COLOURS)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#D9D9D9",
        "grid.linewidth": 0.8,
        "axes.axisbelow": True,
        "axes.unicode_minus": True,
        "lines.linewidth": 2.8,
        "lines.markersize": 8,
        "errorbar.capsize": 6,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "image.cmap": "cividis",
        "pdf.fonttype": 42,  # embed TrueType/CID fonts: text in the PDF stays searchable text
        "ps.fonttype": 42,
        "svg.fonttype": "none",
    }


@contextmanager
def house_style(lang: str = "zh", scale: float = 1.0) -> Iterator[dict[str, Any]]:
    """Apply the house style for the duration of a ``with`` block (creation *and* saving of figures)."""
    rc = house_rc(lang, scale)
    with rc_context(rc):
        yield rc


def new_figure(size: tuple[float, float] = SCREEN_SIZE, *, footer: float = 0.05) -> Figure:
    """A constrained-layout figure leaving a strip of ``footer`` (figure fraction) for the source line.

    Call inside :func:`house_style`.
    """
    fig = Figure(figsize=size, layout="constrained")
    fig.get_layout_engine().set(rect=(0.0, footer, 1.0, 1.0 - footer))  # type: ignore[union-attr]
    return fig


@dataclass(frozen=True)
class SourceInfo:
    """What the source line of a chart says: where the numbers come from."""

    scenario_name: str
    seed: int | None = None
    vetsim_version: str = ""
    scenario_hash: str = ""
    date: dt.date | None = None
    extra: str = ""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any], *, lang: str = "zh", extra: str = "") -> SourceInfo:
        """Build from a Results/Budget ``meta`` dict (scenario_name, seed, scenario_hash, vetsim_version)."""
        name = meta.get("scenario_name", "")
        if isinstance(name, Mapping):
            name = name.get(lang) or name.get("zh") or ""
        elif isinstance(meta.get(f"scenario_name_{lang}"), str):
            name = meta[f"scenario_name_{lang}"]
        seed = meta.get("seed")
        return cls(
            scenario_name=str(name),
            seed=int(seed) if seed is not None else None,
            vetsim_version=str(meta.get("vetsim_version") or __version__),
            scenario_hash=str(meta.get("scenario_hash", "")),
            extra=extra,
        )

    def text(self, lang: str = "zh") -> str:
        day = (self.date or dt.date.today()).isoformat()
        parts = [
            (tr("charts.source_vetsim_model", lang))
            + (f" {self.vetsim_version}" if self.vetsim_version else ""),
            (tr("charts.scenario", lang)) + self.scenario_name,
        ]
        if self.seed is not None:
            parts.append((tr("charts.seed", lang)) + str(self.seed))
        if self.scenario_hash:
            parts.append((tr("charts.hash", lang)) + self.scenario_hash[:12])
        parts.append((tr("charts.made", lang)) + day)
        if self.extra:
            parts.append(self.extra)
        return (tr("punct.semicolon", lang)).join(parts)


def add_source_line(fig: Figure | SubFigure, source: SourceInfo, lang: str = "zh", *, size: float = 11,
                    at: tuple[float, float] = (0.01, 0.012)) -> None:
    """Write the source line at the bottom-left corner of ``fig`` (in the footer strip; ``at`` in figure fractions)."""
    fig.text(at[0], at[1], source.text(lang), ha="left", va="bottom", fontsize=size, color="#4D4D4D")
