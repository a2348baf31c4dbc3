"""One-page meeting briefs (会议简报): baseline vs proposal, KPI table against targets, headlines, charts.

``report(baseline, compare=None, out="brief.pdf")`` runs everything; ``make_brief(BriefInputs(...))``
builds a brief from results computed elsewhere (e.g. the dashboard). CLI: ``vetsim report``.

This package is also callable: ``vetsim.report(...)`` is :func:`report`. A plain function of that
name in ``vetsim/__init__.py`` would shadow the package, and ``import vetsim.report.brief`` or
``vetsim.report.make_brief`` would then fail; a callable module keeps both working.
"""

import sys as _sys
import types as _types

from .brief import FORMATS, Brief, BriefFormatError, make_brief
from .headlines import headlines
from .kpis import BRIEF_KPIS, KpiSpec, fmt_value, kpi_table, kpi_value
from .page import BriefInputs
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
]


class _CallableModule(_types.ModuleType):
    """The ``vetsim.report`` package, callable as :func:`report` (same signature and docstring)."""

    __call__ = staticmethod(report)


_sys.modules[__name__].__class__ = _CallableModule
