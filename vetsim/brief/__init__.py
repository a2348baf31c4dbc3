"""One-page meeting briefs (会议简报): baseline vs proposal, KPI table against targets, headlines, charts.

``report(baseline, compare=None, out="brief.pdf")`` runs everything (also as ``vetsim.report``);
``build_brief(baseline, results, proposal, proposal_results)`` builds it from results computed
elsewhere (the dashboard), with the same costs and budget as ``report``. CLI: ``vetsim report``. Names are imported on first use, so that registering the
``vetsim report`` command does not load matplotlib.
"""

from .._lazy import lazy_attributes

_EXPORTS: dict[str, tuple[str, str]] = {
    **{name: ("vetsim.brief.brief", name) for name in ("FORMATS", "Brief", "BriefFormatError", "make_brief")},
    "headlines": ("vetsim.brief.sentences", "headlines"),
    **{name: ("vetsim.brief.kpis", name) for name in ("BRIEF_KPIS", "KpiSpec", "fmt_value", "kpi_table", "kpi_value")},
    **{name: ("vetsim.brief.page", name) for name in ("BriefInputs", "chart_figures")},
    **{name: ("vetsim.brief.run", name) for name in ("report", "build_brief")},
    **{name: ("vetsim.brief.sensitivity", name) for name in ("sensitivity_page", "sensitivity_section")},
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(globals(), _EXPORTS)
