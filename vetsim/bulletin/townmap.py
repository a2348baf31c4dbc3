"""The bulletin's township map (乡镇分布图): the county's stations coloured by the bulletin's own one-trip
rate of the period, from the ledger records (not simulated), each value written under its station.

Drawn by the map of the brief and the dashboard (:func:`vetsim.charts.sitemap.township_map`, given the
bulletin's figures in place of simulated ones); a township's value is its row of the bulletin's ranking
(its station plus its village stations), the county center's is its own station's row. The numbers
behind it (:func:`map_table`) are the bulletin's ``map.csv``.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure, SubFigure

from ..charts.frame import figure_bytes
from ..charts.numbers import chart_csv
from ..charts.sitemap import map_numbers, township_map
from ..charts.style import house_style
from ..wording import tr
from .build import Bulletin

__all__ = ["MAP_KPI", "MAP_FILE", "map_data", "map_table", "map_csv", "draw_map", "map_png", "caption"]

MAP_KPI = "one_trip_rate"  # the bulletin's figure of the same name (vetsim.bulletin.figures.RATES)
MAP_FILE = "map.csv"
_PNG_SIZE = (10.0, 7.0)  # inches: the Word picture


def map_data(b: Bulletin) -> pd.DataFrame:
    """The map's figures in the form of :func:`vetsim.charts.sitemap.site_kpis` (index site_id: level,
    name_zh, name_en, ``one_trip_rate``), one row per site that is not a village station: a township
    its row of the period's townships, the county center its own station's row (NaN without records)."""
    towns = b.current.townships.set_index("site_id")[MAP_KPI]
    stations = b.current.stations.set_index("site_id")[MAP_KPI]
    shown = [s for s in b.scenario.sites if s.level != "village"]
    values = [float((towns if s.level == "township" else stations).get(s.site_id, math.nan)) for s in shown]
    out = pd.DataFrame({"level": [s.level for s in shown], "name_zh": [s.name_zh for s in shown],
                        "name_en": [s.name_en for s in shown], MAP_KPI: values}, index=[s.site_id for s in shown])
    out.index.name = "site_id"
    return out


def map_table(b: Bulletin, lang: str) -> pd.DataFrame:
    """The numbers the map shows (site id, name, level, position, one-trip rate in %), headers in ``lang``."""
    return map_numbers(b.scenario, None, MAP_KPI, lang, data=map_data(b))


def map_csv(b: Bulletin, lang: str) -> bytes:
    """``map.csv``: :func:`map_table` as UTF-8 CSV with BOM, formula-safe."""
    return chart_csv(map_table(b, lang))


def draw_map(b: Bulletin, fig: Figure | SubFigure, lang: str) -> Figure | SubFigure:
    """Draw the map into ``fig`` (a PDF page's panel or a figure of its own), titled with the period."""
    f = township_map(b.scenario, None, kpi=MAP_KPI, lang=lang, fig=fig, data=map_data(b))
    f.axes[0].set_title(tr("bulletin.map.title", lang, kpi=tr(f"bulletin.col.{MAP_KPI}", lang), period=b.period.label(lang)))
    return f


def map_png(b: Bulletin, lang: str) -> bytes:
    """The map as a PNG picture (the Word document's)."""
    with house_style(lang):
        fig = Figure(figsize=_PNG_SIZE, layout="constrained")
        draw_map(b, fig, lang)
    return figure_bytes(fig, "png", lang=lang, dpi=150)


def caption(lang: str) -> str:
    """The line under the map's heading: what the colour and the values are."""
    return tr("bulletin.map.caption", lang, kpi=tr(f"bulletin.col.{MAP_KPI}", lang))

