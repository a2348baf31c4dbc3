"""Charts for meetings, in Chinese first: fonts, house style, and the charts of results and budgets.

Every chart takes model outputs (``Results``, ``Budget``, site-cost frames) and never recomputes
the model. Without ``fig`` a chart returns a new ``matplotlib.figure.Figure`` with a source line;
save it with :func:`save_figure` (atomic, PNG >= 1920 px wide, PDF with real text). The numbers behind
each chart, as labelled tables and CSV: :mod:`vetsim.charts.numbers`; the township map: :mod:`vetsim.charts.sitemap`.
"""

from .._lazy import lazy_attributes

_MODULES: dict[str, tuple[str, ...]] = {
    "budget": ("budget_by_line", "budget_by_tier"),
    "fonts": ("FontMissingError", "cjk_font", "find_cjk_font", "font_family"),
    "frame": ("save_figure",),
    "network": ("backlog_burndown", "staff_and_cost", "utilisation_heatmap"),
    "service": ("one_trip_by_level", "resolution_vs_deadline", "waits_by_level"),
    "sitemap": ("site_kpis", "site_positions", "township_map"),
    "style": ("OKABE_ITO", "SourceInfo", "add_source_line", "house_style", "new_figure"),
    "tornado": ("tornado_chart",),
}
# public name -> (module, attribute), imported on first access (PEP 562): importing one light module of the
# package (``vetsim.charts.data``, the KPI values the dashboard's first cards read) loads no matplotlib
_LAZY: dict[str, tuple[str, str]] = {name: (f"vetsim.charts.{module}", name)
                                     for module, names in _MODULES.items() for name in names}

__all__ = [
    "waits_by_level",
    "one_trip_by_level",
    "resolution_vs_deadline",
    "utilisation_heatmap",
    "backlog_burndown",
    "staff_and_cost",
    "budget_by_tier",
    "budget_by_line",
    "tornado_chart",
    "township_map",
    "site_kpis",
    "site_positions",
    "save_figure",
    "house_style",
    "new_figure",
    "add_source_line",
    "SourceInfo",
    "OKABE_ITO",
    "FontMissingError",
    "find_cjk_font",
    "cjk_font",
    "font_family",
]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
