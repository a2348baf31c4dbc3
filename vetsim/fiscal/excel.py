"""Excel workbook of a ``Budget`` (openpyxl): one sheet per view, Chinese headers, number formats,
the assumptions with their sources, and notes (seed, draws, scenario hash, rounding rule).

Written atomically (:func:`vetsim.files.atomic_write`); text that Excel would run as a formula (a
scenario name or label starting with ``=``, ``+``, ``-``, ``@``) is stored as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..files import atomic_write, atomic_write_bytes, check_output_target, excel_safe_cell, excel_safe_frame, written_bytes
from ..i18n import check_lang
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import tr
from .flows import LINES
from .labels import COLUMN_LABELS, LINE_LABELS, REGION_LABELS, SECTION_LABELS, SHEET_LABELS, STATUS_LABELS, TIER_LABELS, flabel
from .money import ROUNDING_RULE, to_cents

if TYPE_CHECKING:
    from .budget import Budget

__all__ = ["write_budget", "budget_xlsx_bytes", "write_budget_csv", "budget_csv_bytes", "budget_csv_frame",
           "MONEY_FORMAT"]

MONEY_FORMAT = "#,##0.00"
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_MONEY_COLS = {"value", "p10", "p50", "p90", "government_yuan", "individual_yuan"}


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, money: set[str], headers: list[str]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill, c.alignment = _HEAD, _FILL, Alignment(wrap_text=True, vertical="center")
        excel_safe_cell(c)
    for row in df.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
        for c in ws[ws.max_row]:
            excel_safe_cell(c)
    for j, col in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        if col in money:
            for cell in ws[letter][1:]:
                cell.number_format = MONEY_FORMAT
        width = max([len(str(headers[j - 1])) * 2] + [len(str(v)) for v in df[col].head(200)]) + 2
        ws.column_dimensions[letter].width = min(max(width, 10), 60)
    ws.freeze_panes = "B2"


def _views(b: Budget, lang: str) -> list[tuple[str, pd.DataFrame, set[str], list[str]]]:
    col = lambda k: flabel(COLUMN_LABELS, k, lang)  # noqa: E731
    wide = b.wide(lang).reset_index()
    by_tier = (wide, set(wide.columns[1:]), list(wide.columns))
    t = b.totals(("year", "line"))
    lw = t.pivot(index="year", columns="line", values="value").reindex(columns=list(LINES)).fillna(0.0)
    lw["total"] = to_cents(lw.sum(axis=1).to_numpy())
    lw = lw.reset_index()
    line_heads = [col("year")] + [flabel(LINE_LABELS, c, lang) for c in LINES] + [flabel(TIER_LABELS, "government", lang)]
    views = [("by_tier", *by_tier), ("by_line", lw, set(lw.columns[1:]), line_heads)]
    if b.meta["draws"] > 0:
        r = b.totals(("year",))
        views.append(("range", r, {"value", "p10", "p50", "p90"}, [col(c) for c in r.columns]))
    if b.site_levels is not None:
        s = b.site_levels.copy()
        s["level"] = [DEFAULT_LEVELS.label(str(x), lang) for x in s["level"]]
        views.append(("sites", s, {"staff_cost_yuan", "overhead_yuan", "total_yuan"}, [col(c) for c in s.columns]))
    d = b.table.copy()
    d["line"] = [flabel(LINE_LABELS, x, lang) for x in d["line"]]
    d["tier"] = [flabel(TIER_LABELS, x, lang) for x in d["tier"]]
    views.append(("detail", d, _MONEY_COLS, [col(c) for c in d.columns]))
    ppl = b.si_people.copy()
    ppl["placement"] = [flabel(b.placement_labels, x, lang) for x in ppl["placement"]]
    ppl["status"] = [flabel(STATUS_LABELS, x, lang) for x in ppl["status"]]
    ppl["region_tier"] = [flabel(REGION_LABELS, x, lang) for x in ppl["region_tier"]]
    for c in ("government_yuan", "individual_yuan"):
        ppl[c] = to_cents(ppl[c].to_numpy(dtype=float))
    views.append(("people", ppl, _MONEY_COLS, [col(c) for c in ppl.columns]))
    a = b.assumptions()
    a = a.drop(columns=["label_en"] if lang == "zh" else ["label_zh"]).rename(columns={"label_zh": "label", "label_en": "label"})
    a["section"] = [flabel(SECTION_LABELS, x, lang) for x in a["section"]]
    yes, no = tr("yes", lang), tr("no", lang)
    a["is_assumption"] = [yes if x else no for x in a["is_assumption"]]
    views.append(("assumptions", a, set(), [col("text" if c == "value" else c) for c in a.columns]))
    return views


def _notes(b: Budget, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    m = b.meta
    items = [
        (tr("scenario", lang), m["scenario_name"] if zh else m["scenario_name_en"]),
        (tr("hash", lang), m["scenario_hash"]),
        (tr("fiscal.vetsim_version", lang), m["vetsim_version"]),
        (tr("seed", lang), m["seed"]),
        (tr("fiscal.draws_0_exact", lang), m["draws"]),
        (tr("fiscal.amounts", lang), tr("fiscal.exact" if m["draws"] == 0 else "fiscal.monte_carlo_mean_with_bands", lang)),
        (tr("fiscal.tiers", lang), tr("fiscal.tiers_note", lang)),
        (tr("fiscal.rounding", lang), ROUNDING_RULE[lang]),
        (tr("fiscal.si_unpaid_after_horizon", lang),
         float(to_cents(b.facts["si_unpaid_after_horizon"]))),
    ]
    return pd.DataFrame(items, columns=["item", "value"])


def write_budget(b: Budget, path: Any, lang: str = "zh", traces: pd.DataFrame | None = None) -> Path:
    """Write the workbook of ``b`` to ``path`` atomically; sheet names and headers in ``lang``; with
    ``traces`` (:func:`vetsim.fiscal.explain_text.trace_frame` of the lines) a sheet with the calculation trace."""
    check_lang(lang)
    path = check_output_target(path, "file")
    atomic_write(path, _workbook(b, lang, traces).save)
    return path


def budget_xlsx_bytes(b: Budget, lang: str = "zh", traces: pd.DataFrame | None = None) -> bytes:
    """The workbook of :func:`write_budget` as bytes (the apps' download link)."""
    return written_bytes(_workbook(b, check_lang(lang), traces).save)


def _workbook(b: Budget, lang: str, traces: pd.DataFrame | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for key, df, money, headers in _views(b, lang):
        _sheet(wb, flabel(SHEET_LABELS, key, lang), df, money, headers)
    if traces is not None and len(traces):
        _sheet(wb, flabel(SHEET_LABELS, "trace", lang), traces, {"value"},
               [flabel(COLUMN_LABELS, c, lang) for c in traces.columns])
    n = _notes(b, lang)
    _sheet(wb, flabel(SHEET_LABELS, "notes", lang), n, set(),
           [flabel(COLUMN_LABELS, "item", lang), flabel(COLUMN_LABELS, "text", lang)])
    return wb


def budget_csv_frame(b: Budget, lang: str = "zh") -> pd.DataFrame:
    """The tidy budget table with labels in ``lang``, formula-safe: what every budget CSV holds."""
    df = b.table.copy()
    df["line"] = [flabel(LINE_LABELS, v, lang) for v in df["line"]]
    df["tier"] = [flabel(TIER_LABELS, v, lang) for v in df["tier"]]
    return excel_safe_frame(df.rename(columns={c: flabel(COLUMN_LABELS, c, lang) for c in df.columns}))


def write_budget_csv(b: Budget, path: Any, lang: str = "zh") -> Path:
    """Write :func:`budget_csv_frame` to ``path`` atomically (UTF-8 with BOM, so Excel reads the Chinese)."""
    check_lang(lang)
    path = check_output_target(path, "file")
    atomic_write_bytes(path, budget_csv_bytes(b, lang))
    return path


def budget_csv_bytes(b: Budget, lang: str = "zh") -> bytes:
    """:func:`budget_csv_frame` as CSV bytes, UTF-8 with BOM (so Excel reads the Chinese)."""
    return budget_csv_frame(b, check_lang(lang)).to_csv(index=False).encode("utf-8-sig")
