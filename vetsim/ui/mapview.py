"""The dashboard's map tab: the township map (:func:`vetsim.charts.sitemap.township_map`) of the proposal's
run, coloured by a figure chosen from a list, and a click on a station showing all of its figures.

The picture is the chart the brief draws; over each station lies a clickable spot (a ``<label>`` of a
hidden radio button), and the station's card is shown by CSS alone (``:checked``), so a click answers at
once, without a round trip to the kernel. The map's numbers download as CSV.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..charts.sitekpis import SITE_KPIS
from ..files import csv_bytes
from ..wording import tr
from .common import download_link, figure_png

__all__ = ["MapView", "MAP_CSS"]

MAP_CSS = """<style>
.vetsim-map {position:relative; max-width:1100px}
.vetsim-map img {width:100%; height:auto; display:block}
.vetsim-map label.spot {position:absolute; width:30px; height:30px; margin:-15px 0 0 -15px; border-radius:50%;
  cursor:pointer; display:block}
.vetsim-map label.spot:hover {outline:3px solid #d55e00}
.vetsim-map-cards .site-card {display:none; border:1px solid #bbb; border-radius:6px; padding:6px 12px;
  max-width:560px; font-size:15px}
.vetsim-map-cards .site-card table {border-collapse:collapse}
.vetsim-map-cards .site-card td {padding:2px 10px 2px 0}
</style>"""


class MapView:
    """The map tab: ``show(scenario, results)`` fills it; ``kpi`` picks the colour; ``cards`` keeps each station's
    figures (site_id -> [(label, text)]), the same the page shows on a click."""

    def __init__(self, lang: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]):

        self.lang = lang
        self.choice = widgets.Dropdown(options=[(tr(k.label_key, lang), key) for key, k in SITE_KPIS.items()],
                                       value="one_trip_rate", description=tr("sitemap.ui.colour_by", lang),
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
        self.choice.observe(wrap(lambda _ch: self.draw()), names="value")
        self.html = widgets.HTML(f"<p>{html.escape(tr('sitemap.ui.wait', lang))}</p>")
        self.html.add_class("vetsim-map-tab")
        self.link = widgets.HTML()
        self.scenario: Any = None
        self.results: Any = None
        self.data: Any = None
        self.cards: dict[str, list[tuple[str, str]]] = {}
        self.widget = widgets.VBox([widgets.HTML(MAP_CSS), self.choice, self.html, self.link])

    def show(self, scenario: Any, results: Any) -> None:
        """The map of ``scenario`` with the figures of its ``results``."""
        from ..charts.sitemap import site_kpis  # lazy: matplotlib, not needed before the runs are there


        self.scenario, self.results = scenario, results
        self.data = site_kpis(scenario, results)
        self.draw()

    def draw(self) -> None:
        """Redraw the map coloured by the chosen figure."""
        from ..charts.sitemap import map_numbers, site_anchors, township_map  # lazy, as in show
        from ..charts.style import house_style  # lazy: the dashboard's first cards load none of this (issue 25)


        if self.data is None:
            return
        kpi = self.choice.value
        with house_style(self.lang):
            fig = township_map(self.scenario, self.results, kpi=kpi, lang=self.lang, data=self.data)
            png = base64.b64encode(figure_png(fig, dpi=72)).decode("ascii")
            spots = site_anchors(fig)
        self.cards = self._cards()
        inputs = "".join(f'<input type="radio" name="vetsim-site" id="vetsim-site-{sid}" hidden>' for sid in spots)
        labels = "".join(
            f'<label class="spot" for="vetsim-site-{sid}" data-site="{sid}" title="{html.escape(self._name(sid))}" '
            f'style="left:{x * 100:.2f}%;top:{y * 100:.2f}%"></label>' for sid, (x, y) in spots.items())
        cards = "".join(self._card_html(sid) for sid in spots)
        show = "".join(f"#vetsim-site-{sid}:checked ~ .vetsim-map-cards #vetsim-card-{sid}{{display:block}}" for sid in spots)
        alt = html.escape(tr("sitemap.title", self.lang, kpi=tr(f"{_label_key(kpi)}", self.lang)))
        self.html.value = (f"<style>{show}</style>{inputs}<div class='vetsim-map'><img alt='{alt}' "
                           f"src='data:image/png;base64,{png}'>{labels}</div>"
                           f"<p>{html.escape(tr('sitemap.ui.click', self.lang))}</p><div class='vetsim-map-cards'>{cards}</div>")
        data = csv_bytes(map_numbers(self.scenario, self.results, kpi, self.lang))
        self.link.value = download_link(data, "map.csv", "text/csv", tr("chartdata.download", self.lang))

    def _name(self, sid: str) -> str:
        return str(self.data.at[sid, "name_zh" if self.lang == "zh" else "name_en"])

    def _cards(self) -> dict[str, list[tuple[str, str]]]:
        from ..charts.sitemap import kpi_text  # lazy, as in show

        out = {}
        for sid in self.data.index:
            out[sid] = [(tr(k.label_key, self.lang), kpi_text(float(self.data.at[sid, key]), key, self.lang))
                        for key, k in SITE_KPIS.items() if key in self.data]
        return out

    def _card_html(self, sid: str) -> str:
        rows = "".join(f"<tr><td>{html.escape(a)}</td><td><b>{html.escape(b)}</b></td></tr>" for a, b in self.cards[sid])
        return (f"<div class='site-card' id='vetsim-card-{sid}' data-site='{sid}'><h4>{html.escape(self._name(sid))}</h4>"
                f"<table>{rows}</table></div>")


def _label_key(kpi: str) -> str:

    return SITE_KPIS[kpi].label_key
