"""``vetsim budget``: the yearly fiscal burden by tier as a table, and the Excel/CSV files."""

from __future__ import annotations

import argparse
from typing import Any

from .. import formats
from ..files import check_output_target, display_path
from ..fiscal.budget import budget
from ..fiscal.errors import FiscalError
from ..fiscal.explain import check_traceable, explain, explain_all
from ..fiscal.explain_text import trace_frame, trace_lines
from ..fiscal.labels import COLUMN_LABELS, flabel
from ..i18n import MONEY_DIVISOR, money_unit
from ..scenario import load_scenario
from ..tables import frame
from ..wording import both, tr

__all__ = ["run", "format_budget"]


def format_budget(b: Any, lang: str = "zh") -> str:
    """Header lines and the year x tier table in 万元 (million yuan in English); the Excel and CSV files keep
    yuan to the cent."""
    zh = lang == "zh"
    div, unit = MONEY_DIVISOR[lang], money_unit(lang)
    m = b.meta
    name = m["scenario_name"] if zh else m["scenario_name_en"]
    kind = tr("fiscal.exact_computation", lang) if m["draws"] == 0 else \
        tr("fiscal.monte_carlo_mean", lang, draws=m["draws"], seed=m["seed"])
    head = [tr("fiscal.fiscal_burden", lang, name=name),
            tr("fiscal.units_note", lang, unit=unit, kind=kind, m_scenario_hash_12=m["scenario_hash"][:12])]
    digits = 2 if zh else 3  # 0.01 万元 = 100 yuan; 0.001 million yuan = 1,000 yuan

    def fmt(x: float) -> str:
        return formats.number(x, lang, digits, missing="NaN")
    lines = head + [frame(b.wide(lang) / div, fmt=fmt)]
    if m["draws"] > 0:
        r = b.totals(("year",)).set_index("year")[["p10", "p50", "p90"]] / div
        r.columns = ["P10", "P50", "P90"]  # in the table's unit (万元 / million yuan), said in the header
        r.index.name = flabel(COLUMN_LABELS, "year", lang)
        lines += ["", tr("fiscal.government_total_range", lang), frame(r, fmt=fmt)]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """``vetsim budget SCENARIO``: the table, and the workbook and CSV when asked for."""
    targets = [(t, w) for t, w in ((args.xlsx, "to_excel"), (args.csv, "to_csv")) if t]
    for target, _ in targets:
        check_output_target(target, "file")  # before the draws, not after
    asked = [_explain_spec(x, args.lang) for x in args.explain or ()]  # before the work, like the targets
    sc = load_scenario(args.path)
    if asked:
        asked = [(line, check_traceable(sc, line, year)) for line, year in asked]
    b = budget(sc, draws=args.draws, seed=args.seed)
    print(format_budget(b, args.lang))
    traces = _explain(sc, b, asked, args.lang, with_all=bool(args.xlsx))
    for target, writer in targets:
        extra = {"traces": traces} if writer == "to_excel" else {}
        try:
            path = getattr(b, writer)(target, lang=args.lang, **extra)
        except OSError as exc:
            raise FiscalError(*both("fiscal.error.cannot_write", display_path_target=display_path(target), exc_strerror_or_exc=exc.strerror or exc)) from exc
        print((tr("fiscal.written", args.lang)) + display_path(path))
    return 0


def _explain_spec(text: str, lang: str) -> tuple[str, int | None]:
    """``LINE[:YEAR]`` of ``--explain`` as (line, year or None)."""
    line, _, year = text.partition(":")
    if not line or (year and not year.isdigit()):
        raise FiscalError(*both("explain.bad_spec", text=text))
    return line, int(year) if year else None


def _explain(sc: Any, b: Any, asked: list[tuple[str, int | None]], lang: str, with_all: bool) -> Any:
    """Print the trace of each line asked for; return every line's trace as the workbook's sheet rows
    (``with_all``, else None). Traces explain the exact budget: with draws, its mean can differ."""
    if not asked and not with_all:
        return None
    exact = b if b.meta["draws"] == 0 else budget(sc, draws=0)
    for line, year in asked:
        print()
        print("\n".join(trace_lines(explain(sc, line, year, budget=exact), lang)))
    return trace_frame(explain_all(sc, budget=exact), lang) if with_all else None
