"""A :class:`~vetsim.brief.diff.Comparison` for people: tables in Chinese (English with ``lang="en"``), the
printed page of ``vetsim compare``, the tables of its files and its HTML page (written by
:mod:`vetsim.brief.diff_write`)."""

from __future__ import annotations

import dataclasses
import html
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import formats
from ..errors import VetsimError
from ..files import display_path
from ..kpis import KPIS
from ..scenario.levels import level_label
from ..tables import table_lines
from ..wording import tr
from .diff import Comparison, finite
from .kpis import BRIEF_KPIS

__all__ = ["figures_table", "inputs_table", "method_table", "report_lines", "comparison_html", "sheets", "csv_frame",
           "comparison_fragment", "own_language", "grouped", "where_listed", "OUT_FORMATS", "LIST_FORMATS",
           "CompareFormatError"]

OUT_FORMATS = (".csv", ".xlsx", ".html", ".pdf", ".png")
LIST_FORMATS = (".csv", ".xlsx", ".html")  # the files that hold every figure and input (a page holds what fits)
_SHOWN_INPUTS = 30  # printed; the file has all of them


class CompareFormatError(VetsimError, ValueError):
    """The output file name has a suffix the comparison cannot be written as."""


def _value(x: Any, unit: str, lang: str, signed: bool = False) -> str:
    if not finite(x):
        return formats.MISSING
    if unit == "share":  # a change of a share in percentage points, a value as a percentage
        return tr("ui.percent_points", lang, value=formats.number(100 * x, lang, 1, signed=True)) if signed \
            else formats.share(x, lang, 1)
    return formats.number(x, lang, 1, signed=signed, group=False)


def _case_label(c: Comparison, ct: str, lang: str) -> str:
    if ct == "all":
        return tr("calibration.all_types", lang)
    sc = c.after.scenario or c.before.scenario
    if sc is None:
        return ct
    spec = sc.spec.case_types.get(ct)
    if spec is not None:
        return spec.label(lang)
    for name in ("duties.csv", "campaigns.csv"):
        for r in sc.table(name):
            if ct in (getattr(r, "duty", None), getattr(r, "campaign", None)):
                return str(r.label_zh if lang == "zh" else r.label_en)
    return ct


def headline_first(moved: pd.DataFrame) -> pd.DataFrame:
    """The moved figures with the brief's headline KPIs first, in the brief's order (a page shows the first rows),
    then every other figure in its own order."""
    rank: dict[tuple[str, str], int] = {}
    for i, spec in enumerate(BRIEF_KPIS):
        rank.setdefault((spec.metric, spec.level or "all"), i)
    order = [rank.get((m, str(lv)), len(rank)) for m, lv in zip(moved["metric"], moved["level"], strict=True)]
    return moved.iloc[np.argsort(order, kind="stable")]


def grouped(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` for reading: all case types together first, then each case type in turn (in the order they
    first appear), each group with the brief's headline KPIs first (:func:`headline_first`)."""
    ordered = headline_first(figures)
    rank = {ct: i for i, ct in enumerate(dict.fromkeys(["all", *ordered["case_type"]]))}
    return ordered.iloc[np.argsort([rank[ct] for ct in ordered["case_type"]], kind="stable")]


def where_listed(out: str | os.PathLike[str] | None, lang: str) -> str:
    """Where the figures and inputs a printed page leaves out are: the file ``out`` when it is a table
    (CSV, Excel, HTML), else how to write one."""
    if out is not None and Path(out).suffix.lower() in LIST_FORMATS:
        return tr("compare.where.written", lang, path=display_path(out))
    return tr("compare.where.to_write", lang)


def figures_table(c: Comparison, lang: str = "zh", rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The figures (default: those that moved, then those whose method changed) with names, values and intervals."""
    f = pd.concat([c.moved, c.method_flagged]) if rows is None else rows
    yes, no = tr("compare.yes", lang), tr("compare.no", lang)
    out = []
    for r in f.itertuples(index=False):
        name = KPIS[r.metric].label(lang)
        interval = "" if not finite(r.diff_low) else \
            f"{_value(r.diff_low, r.unit, lang, True)} – {_value(r.diff_high, r.unit, lang, True)}"
        out.append({tr("brief.col.indicator", lang): name, tr("level", lang): level_label(str(r.level), lang),
                    tr("case_type", lang): _case_label(c, str(r.case_type), lang),
                    tr("compare.col.before", lang): _value(r.before, r.unit, lang),
                    tr("compare.col.after", lang): _value(r.after, r.unit, lang),
                    tr("compare.col.diff", lang): _value(r.diff, r.unit, lang, True),
                    tr("compare.col.interval", lang): interval,
                    tr("compare.col.moved", lang): yes if r.moved else no,
                    tr("compare.col.method_changed", lang): yes if r.method_changed else no})
    return pd.DataFrame(out, columns=[tr(k, lang) for k in (
        "brief.col.indicator", "level", "case_type", "compare.col.before", "compare.col.after", "compare.col.diff",
        "compare.col.interval", "compare.col.moved", "compare.col.method_changed")])


def _cell(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and not finite(x)) else str(x)


def inputs_table(c: Comparison, lang: str = "zh") -> pd.DataFrame:
    """The inputs that changed: file, row, field, what happened, before, after."""
    rows = [[r.file, r.row, r.field, tr(f"compare.change.{r.change}", lang), _cell(r.before), _cell(r.after)]
            for r in c.inputs.itertuples(index=False)]
    return pd.DataFrame(rows, columns=[tr(k, lang) for k in ("compare.col.file", "compare.col.row", "compare.col.field",
                                                              "compare.col.change", "compare.col.before", "compare.col.after")])


def method_table(c: Comparison, lang: str = "zh") -> pd.DataFrame:
    """The changes of method: what (version, KPI definition, calibration source), which, before, after."""
    rows = [[tr(f"compare.what.{r.what}", lang), KPIS[r.item].label(lang) if r.item in KPIS else _cell(r.item),
             _cell(r.before), _cell(r.after)] for r in c.method.itertuples(index=False)]
    return pd.DataFrame(rows, columns=[tr(k, lang) for k in ("compare.col.section", "compare.col.what",
                                                              "compare.col.before", "compare.col.after")])


def _block(title: str, df: pd.DataFrame, empty: str, more: str | None = None) -> list[str]:

    if df.empty:
        lines = [title, f"  {empty}"]
    else:
        lines = [title, *table_lines(list(df.columns), [[str(v) for v in row] for row in df.itertuples(index=False)],
                                     max_width=40)]
    return [*lines, more] if more else lines


def _title(c: Comparison, lang: str) -> str:
    def name(run: Any) -> str:
        named = str((run.meta.get("scenario_name") or {}).get(lang, ""))
        return f"{named} ({run.label})" if named and run.label else named or run.label or "?"

    return tr("compare.title", lang, before=name(c.before), after=name(c.after))


def _other_language(field: str, lang: str) -> bool:
    """A text field in the other language (``name.en``, ``label_en`` in a Chinese run): the same change as its
    twin, left out of the printed page (the file keeps it)."""
    other = "en" if lang == "zh" else "zh"
    return field.endswith((f".{other}", f"_{other}"))


def own_language(c: Comparison, lang: str) -> Comparison:
    """``c`` without the other language's text fields among its inputs (for a page in ``lang``)."""
    return dataclasses.replace(c, inputs=c.inputs[[not _other_language(str(f), lang) for f in c.inputs["field"]]])


def _summary(c: Comparison, lang: str) -> list[str]:
    """The summary line, and a warning when a run has one replication (no interval: nothing can move)."""
    out = [tr("compare.summary", lang, moved=len(c.moved), inputs=len(c.inputs), method=len(c.method))]
    if c.extra.get("figures_judged"):
        out.append(tr("compare.list_rule", lang, m=c.extra["figures_judged"],
                      rate=formats.share(c.extra["false_discovery_rate"], lang, digits=0)))
    if c.extra.get("paired"):
        out.append(tr("compare.paired", lang))
    reps = [int(r.results.meta.get("replications") or 0) for r in (c.before, c.after)]
    if min(reps) < 2:
        out.append(tr("compare.one_replication", lang))
    return out


def _nothing_moved(c: Comparison) -> str:
    """The key that says no figure of all case types together moved: none at all, or none but by case type."""
    return "compare.nothing_moved" if c.moved.empty else "compare.nothing_moved_all"


def report_lines(c: Comparison, lang: str = "zh", out: str | os.PathLike[str] | None = None) -> list[str]:
    """The printed page: title, one summary line, method changes first, then the figures that moved (all case
    types together) and the inputs that changed; how many more there are by case type, and where they are
    (:func:`where_listed`: the file ``out`` being written, or how to write one)."""
    moved = c.moved
    shown = headline_first(moved[moved["case_type"] == "all"])
    hidden = len(moved) - len(shown)
    where = where_listed(out, lang)
    inputs = inputs_table(own_language(c, lang), lang)
    lines = [_title(c, lang), *_summary(c, lang)]
    lines += _block(tr("compare.section.method", lang), method_table(c, lang), tr("compare.no_method", lang),
                    tr("compare.flagged", lang, n=len(c.method_flagged)) if not c.method_flagged.empty else None)
    cols = list(figures_table(c, lang, shown).columns[:7])
    lines += _block(tr("compare.section.moved", lang), figures_table(c, lang, shown)[cols],
                    tr(_nothing_moved(c), lang), tr("compare.more_case_types", lang, n=hidden, where=where) if hidden else None)
    left = len(c.inputs) - min(len(inputs), _SHOWN_INPUTS)
    more = tr("compare.more_inputs", lang, n=left, where=where) if left else None
    lines += _block(tr("compare.section.inputs", lang), inputs.head(_SHOWN_INPUTS), tr("compare.no_inputs", lang), more)
    if not c.inputs_known:
        lines.append(tr("compare.inputs_hash_only", lang))
    return lines


def sheets(c: Comparison, lang: str) -> list[tuple[str, pd.DataFrame]]:
    every = figures_table(c, lang, grouped(c.figures[c.figures["moved"] | c.figures["method_changed"]]))
    return [(tr("compare.sheet.figures", lang), every), (tr("compare.sheet.inputs", lang), inputs_table(c, lang)),
            (tr("compare.sheet.method", lang), method_table(c, lang))]


def csv_frame(c: Comparison, lang: str) -> pd.DataFrame:
    """The three tables in one CSV: a section column, then each table's own columns."""
    col = tr("compare.col.section", lang)
    parts = [df.assign(**{col: name}) for name, df in sheets(c, lang)]
    out = pd.concat(parts, ignore_index=True)
    return out[[col, *[x for x in out.columns if x != col]]]


def comparison_fragment(c: Comparison, lang: str = "zh") -> str:
    """The comparison's summary line and its three tables (moved, inputs, method) as an HTML fragment: the
    body of :func:`comparison_html` and of the dashboard's tab."""
    body = [f"<p>{html.escape(line)}</p>" for line in _summary(c, lang)]
    sections = (("compare.section.moved", "compare.nothing_moved"), ("compare.section.inputs", "compare.no_inputs"),
                ("compare.section.method", "compare.no_method"))
    for (key, empty), (_, df) in zip(sections, sheets(c, lang), strict=True):
        body.append(f"<h3>{html.escape(tr(key, lang))}</h3>")
        body.append(df.to_html(index=False, escape=True, border=0) if not df.empty else
                    f"<p>{html.escape(tr(empty, lang))}</p>")
    return "".join(body)


def comparison_html(c: Comparison, lang: str = "zh") -> str:
    """The comparison as one HTML page (the brief's page "what changed since the last meeting")."""
    title = html.escape(_title(c, lang))
    lang_attr = "zh-CN" if lang == "zh" else "en"
    return (f'<!doctype html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{title}'
            "</title><style>body{font-family:sans-serif;margin:1.5em auto;max-width:1300px}table{border-collapse:collapse}"
            f"th,td{{border:1px solid #bbb;padding:.3em .6em}}</style></head><body><h1>{title}</h1>"
            + comparison_fragment(c, lang) + "</body></html>")
