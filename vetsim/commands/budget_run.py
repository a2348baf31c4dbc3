"""``vetsim budget PATH [--draws N] [--seed S] [--xlsx FILE] [--lang en]``: yearly table by tier."""

from __future__ import annotations

import argparse
from typing import Any, Callable


from .. import cliargs, formats
from ..i18n import MONEY_DIVISOR, money_unit
from .errors import FiscalError

from ..cli import add_scenario_arg, bi
from ..tables import frame
from ..wording import both, tr

__all__ = ["register", "format_budget"]


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
            tr("fiscal.yuan_to_the_cent_in", lang, unit=unit, kind=kind, m_scenario_hash_12=m["scenario_hash"][:12])]
    digits = 2 if zh else 3  # 0.01 万元 = 100 yuan; 0.001 million yuan = 1,000 yuan

    def fmt(x: float) -> str:
        return formats.number(x, lang, digits, missing="NaN")
    lines = head + [frame(b.wide(lang) / div, fmt=fmt)]
    if m["draws"] > 0:
        from .labels import COLUMN_LABELS, flabel

        r = b.totals(("year",)).set_index("year")[["p10", "p50", "p90"]] / div
        r.columns = ["P10", "P50", "P90"]  # in the table's unit (万元 / million yuan), said in the header
        r.index.name = flabel(COLUMN_LABELS, "year", lang)
        lines += ["", tr("fiscal.government_total_range", lang), frame(r, fmt=fmt)]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..files import check_output_target, display_path
    from ..scenario import load_scenario
    from .budget import budget

    targets = [(t, w) for t, w in ((args.xlsx, "to_excel"), (args.csv, "to_csv")) if t]
    for target, _ in targets:
        check_output_target(target, "file")  # before the draws, not after
    sc = load_scenario(args.path)
    b = budget(sc, draws=args.draws, seed=args.seed)
    print(format_budget(b, args.lang))
    for target, writer in targets:
        try:
            path = getattr(b, writer)(target, lang=args.lang)
        except OSError as exc:
            raise FiscalError(*both("fiscal.cannot_write_the_file", display_path_target=display_path(target), exc_strerror_or_exc=exc.strerror or exc)) from exc
        print((tr("fiscal.written", args.lang)) + display_path(path))
    return 0


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("budget", help=bi(*both("fiscal.yearly_fiscal_burden_by_level")),
                              description=bi(*both("fiscal.yearly_fiscal_burden_by_level_2")))
    add_scenario_arg(p)
    p.add_argument("--draws", type=cliargs.draws, default=0,
                   help=bi(*both("fiscal.monte_carlo_draws_default_0")))
    p.add_argument("--seed", type=cliargs.seed, default=None,
                   help=bi(*both("sim.random_seed_default_the_scenario")))
    p.add_argument("--xlsx", default=None,
                   help=bi(*both("fiscal.also_write_an_excel_workbook")))
    p.add_argument("--csv", default=None,
                   help=bi(*both("fiscal.also_write_the_tidy_table")))
    add_common(p)
    p.set_defaults(handler=_run)
