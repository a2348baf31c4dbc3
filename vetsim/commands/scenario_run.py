"""``vetsim validate`` (a scenario checked, with its warnings) and ``vetsim show`` (a plain-text summary:
sites by level, staff, yearly volumes)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .. import formats
from ..cliparser import outcome
from ..scenario import Scenario, load_scenario
from ..tables import frame
from ..wording import tr
from ..work.advice import format_warnings, scenario_warnings

__all__ = ["validate", "show", "summary_tables", "format_summary"]


def validate(args: argparse.Namespace) -> int:
    """``vetsim validate SCENARIO``: valid or not (the problems are raised), and what looks impossible."""
    sc = load_scenario(args.path)
    print(f"{tr('valid', args.lang)}: {sc.name(args.lang)} ({args.path}) [{sc.hash()[:12]}]")
    warned = scenario_warnings(sc)
    if warned:
        print(format_warnings(warned, args.lang), file=sys.stderr)
        return outcome(0, "cli.closing.valid_warned", args.lang, n=len(warned))
    return outcome(0, "cli.closing.valid", args.lang)


def show(args: argparse.Namespace) -> int:
    """``vetsim show SCENARIO``: the summary tables."""
    print(format_summary(load_scenario(args.path), args.lang))
    return 0


def summary_tables(scenario: Scenario, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The summary as DataFrames with labelled columns: network by level, and yearly volume by case type."""
    levels = scenario.levels
    sites = scenario.sites_frame()
    net = (
        sites.groupby("level", observed=False)
        .agg(sites=("site_id", "size"), funded_staff=("funded_staff", "sum"),
             parttime_staff=("parttime_staff", "sum"), staff=("staff", "sum"))
        .reindex(list(levels.top_down()))
    )
    net.loc["total"] = net.sum()
    net.index = [levels.label(i, lang) if i != "total" else tr("total", lang) for i in net.index]
    net.columns = [tr(c, lang) for c in net.columns]
    vol = scenario.caseload_frame().pivot_table(index="case_type", columns="level", values="yearly_volume",
                                                aggfunc="sum", fill_value=0)
    vol = vol.reindex(columns=[lvl for lvl in levels.top_down() if lvl in vol.columns])
    vol[tr("total", lang)] = vol.sum(axis=1)
    vol = vol.reindex(list(scenario.spec.case_types))
    vol.index = [scenario.spec.case_types[c].label(lang) for c in vol.index]
    vol.columns = [levels.label(c, lang) for c in vol.columns]
    vol.loc[tr("total", lang)] = vol.sum()
    return {"network": net.astype(int), "caseload": vol.round(0).astype(int)}


def format_summary(scenario: Scenario, lang: str = "zh") -> str:
    """Human-readable summary for the terminal (tables with a header, aligned by display width)."""
    return _format(scenario, summary_tables(scenario, lang), lang)


def _format(scenario: Scenario, tables: dict[str, pd.DataFrame], lang: str) -> str:
    spec = scenario.spec
    backlog = sum(r.open_cases for r in scenario.backlog)
    lines = [
        f"{tr('scenario', lang)}: {scenario.name(lang)}",
        f"{tr('base_year', lang)}: {spec.base_year}    {tr('horizon', lang)}: {spec.horizon_years}"
        f"    {tr('seed', lang)}: {spec.seed}",
        f"{tr('hash', lang)}: {scenario.hash()[:12]}",
        "",
        f"== {tr('network', lang)} ==",
        frame(tables["network"], index_header=tr("level", lang), fmt=lambda v: formats.count(v, lang)),
        "",
        f"== {tr('caseload', lang)}: {tr('yearly_volume', lang)} ==",
        frame(tables["caseload"], index_header=tr("case_type", lang), fmt=lambda v: formats.count(v, lang)),
        "",
        f"{tr('open_cases', lang)}: {backlog}",
    ]
    return "\n".join(lines)
