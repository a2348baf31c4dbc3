"""The per-site figures the township map can be coloured by (:data:`SITE_KPIS`), apart from the map's drawing.

Why a module of its own: the dashboard lists these figures in its map tab's chooser when the page opens,
before anything is simulated or drawn; here they load without matplotlib (:mod:`vetsim.charts.sitemap`
draws the map and re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SITE_KPIS", "SiteKpi"]


@dataclass(frozen=True)
class SiteKpi:
    """A per-site figure the map can show: its label key, how it is written, and which way is better."""

    key: str
    label_key: str
    kind: str  # "ratio" (2 decimals), "share" (percent), "count" (1 decimal)
    higher_is_better: bool
    needs_results: bool


SITE_KPIS: dict[str, SiteKpi] = {k.key: k for k in (
    SiteKpi("wisn_ratio", "staffing.wisn_columns.wisn_ratio", "ratio", True, False),
    SiteKpi("pressure", "staffing.wisn_columns.pressure", "share", False, False),
    SiteKpi("wasted_trip_share", "kpi.wasted_trip_share", "share", False, True),
    SiteKpi("overdue_open", "kpi.overdue_open", "count", False, True),
    SiteKpi("one_trip_rate", "kpi.one_trip_rate", "share", True, True),
)}
