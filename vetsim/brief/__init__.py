"""One-page meeting briefs (会议简报): baseline vs proposal, KPI table against targets, headlines, charts.

``report(baseline, compare=None, out="brief.pdf")`` runs everything (also as ``vetsim.report``);
``make_brief(BriefInputs(...))`` builds a brief from results computed elsewhere (e.g. the
dashboard). CLI: ``vetsim report``.
"""

from .brief import FORMATS, Brief, BriefFormatError, make_brief
from .headlines import headlines
from .kpis import BRIEF_KPIS, KpiSpec, fmt_value, kpi_table, kpi_value
from .page import BriefInputs, chart_figures
from .run import report

__all__ = [
    "report",
    "make_brief",
    "Brief",
    "BriefInputs",
    "BriefFormatError",
    "FORMATS",
    "kpi_table",
    "kpi_value",
    "fmt_value",
    "headlines",
    "KpiSpec",
    "BRIEF_KPIS",
    "chart_figures",
]
