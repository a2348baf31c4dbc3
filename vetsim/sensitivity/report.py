"""What a sensitivity analysis hands to people: the text summary, the joined table, the Excel/CSV file.

``analyse`` runs the tornado and the global ranking; ``summary_lines`` is what the CLI prints and the
brief/dashboard can show (top assumptions per output, the global ranking, whether the top 3 agree);
``joined_table`` puts the global index next to each fiscal tornado row; ``save_tables`` writes it
(with the assumptions sheet) through :mod:`vetsim.files`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..files import atomic_write, atomic_write_bytes, excel_safe_frame
from ..wording import check_lang, in_lang, tr
from .globalsa import GlobalRanking, Method, global_ranking
from .outputs import FISCAL_OUTPUTS, OUTPUTS
from .ranges import assumptions, assumptions_frame, range_text
from .tornado import SIM_REPLICATIONS, Tornado, tornado

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["Analysis", "analyse", "summary_lines", "joined_table", "save_tables", "top_agree"]


@dataclass(frozen=True)
class Analysis:
    """A tornado and a global ranking of one scenario."""

    tornado: Tornado
    ranking: GlobalRanking
    scenario: Scenario


def analyse(scenario: Scenario, *, method: Method = "morris", samples: int | None = None, service: bool = True,
            days: int | None = None, replications: int = SIM_REPLICATIONS, seed: int | None = None) -> Analysis:
    """The tornado (budget, and the service KPIs with ``service``) and the global ranking of the fiscal model."""
    t = tornado(scenario, service=service, days=days, replications=replications, seed=seed)
    return Analysis(t, global_ranking(scenario, method, samples, seed), scenario)


def top_agree(a: Analysis, output: str = "budget_total", n: int = 3) -> bool:
    """Whether the tornado and the global ranking name the same ``n`` most important assumptions of ``output``."""
    return set(a.tornado.ranking(output)[:n]) == set(a.ranking.ranking(output)[:n])


def _label(row: Any, lang: str) -> str:
    return in_lang(row, "label", lang)


def _tornado_line(r: Any, o: Any, lang: str) -> str:
    """One tornado row: rank (or "within noise"), assumption and its range with unit, P10 → P90 and the swing,
    every number in the output's one format (and the swing's noise when simulated)."""
    rank = "–" if pd.isna(r.rank) else str(int(r.rank))
    swing = o.fmt(r.swing, lang)
    if np.isfinite(r.noise) and r.noise > 0:
        swing = tr("sens.swing_noise", lang, swing=swing, noise=o.fmt(r.noise, lang))
    line = (f"  {rank}. {_label(r, lang)} [{range_text(r.low, r.high, lang, str(r.unit))}]: "
            f"{o.fmt(r.at_low, lang)} → {o.fmt(r.at_high, lang)}  ({tr('sens.col.swing', lang)} {swing})")
    return line + (f"  {tr('sens.within_noise', lang)}" if pd.isna(r.rank) else "")


def summary_lines(a: Analysis, lang: str = "zh", top: int = 5) -> list[str]:
    """Per output: the top assumptions of the tornado with their swing; then the global ranking and agreement."""
    lines: list[str] = []
    for out in OUTPUTS:
        rows = a.tornado.of(out)
        rows = rows[rows["swing"] > 0].head(top)
        if rows.empty:
            continue
        o = OUTPUTS[out]
        lines.append(tr("sens.heading.tornado", lang, output=tr("sens.axis", lang, output=o.label(lang), unit=o.unit_label(lang))))
        lines.append("  " + tr("sens.base", lang, value=o.fmt(rows["base"].iloc[0], lang)))
        for r in rows.itertuples():
            lines.append(_tornado_line(r, o, lang))
    m = a.ranking.meta
    method = tr(f"sens.method.{m['method']}", lang, n=m["samples"])
    for out in FISCAL_OUTPUTS:
        g = a.ranking.table[a.ranking.table["output"] == out].head(top)
        o = OUTPUTS[out]
        lines.append(tr("sens.heading.global", lang, method=method, output=o.label(lang)))
        for r in g.itertuples():
            value = (f"{o.fmt(r.index, lang)} ± {o.fmt(r.conf, lang)}" if m["method"] == "morris"
                     else f"{r.index:.3f} ± {r.conf:.3f}")  # mu* in the output's unit, Sobol ST a share
            lines.append(f"  {r.rank}. {_label(r, lang)}: {value}")
        lines.append("  " + tr("sens.heading.agree", lang, answer=tr("sens.yes" if top_agree(a, out) else "sens.no", lang)))
    return lines


def joined_table(a: Analysis, lang: str = "zh") -> pd.DataFrame:
    """The tornado rows with, for fiscal outputs, the global index and rank; headers in ``lang``."""
    g = a.ranking.table[["output", "key", "index", "conf", "rank"]].rename(
        columns={"index": "global_index", "conf": "global_conf", "rank": "global_rank"})
    t = a.tornado.table.merge(g, on=["output", "key"], how="left")
    t.insert(1, "assumption", t[f"label_{check_lang(lang)}"])
    t["output_unit"] = [tr(f"sens.table_unit.{OUTPUTS[o].unit}", lang) for o in t["output"]]  # values as the model gives them
    t["output"] = [OUTPUTS[o].label(lang) for o in t["output"]]
    cols = {"output": "sens.col.output", "output_unit": "sens.col.output_unit", "assumption": "sens.col.assumption", "key": "sens.col.key",
            "unit": "sens.col.unit", "low": "sens.col.low", "mid": "sens.col.mid", "high": "sens.col.high",
            "base": "sens.col.base", "at_low": "sens.col.at_low", "at_high": "sens.col.at_high",
            "noise": "sens.col.noise", "swing": "sens.col.swing", "rank": "sens.col.rank", "global_index": "sens.col.index",
            "global_conf": "sens.col.conf"}
    return t[list(cols)].rename(columns={c: tr(k, lang) for c, k in cols.items()})


def save_tables(a: Analysis, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """Write the joined table (and, in Excel, the assumptions sheet) to ``path`` (.xlsx or .csv), atomically."""
    p = Path(path)
    table = excel_safe_frame(joined_table(a, lang))
    if p.suffix.lower() == ".csv":
        return atomic_write_bytes(p, table.to_csv(index=False).encode("utf-8-sig"))
    sheet = excel_safe_frame(assumptions_frame(assumptions(a.scenario), lang))

    def write(fh: IO[bytes]) -> None:
        with pd.ExcelWriter(fh, engine="openpyxl") as xw:
            table.to_excel(xw, sheet_name="tornado", index=False)
            sheet.to_excel(xw, sheet_name="assumptions", index=False)

    return atomic_write(p, write)
