"""The calculation trace of a budget line in words (Chinese first, English with ``lang="en"``): the lines
``vetsim budget --explain`` prints and the workbook's trace sheet holds (:func:`trace_lines`,
:func:`trace_frame`). Amounts are in yuan to the cent, as finance books them; inputs as written in
the scenario, each with its source."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import formats
from ..scenario.fiscal_spec import GOV_TIERS
from ..wording import tr
from .explain import Explanation, MonthValue, Part
from .labels import LINE_LABELS, REGION_LABELS, TIER_LABELS, flabel

__all__ = ["trace_lines", "trace_frame"]


def _yuan(x: float, lang: str) -> str:
    return formats.number(x, lang, 2)


def _tiers(amounts: dict[str, float], lang: str, digits: int = 2) -> str:
    sep = tr("list.sep", lang)
    return sep.join(tr("explain.tier_amount", lang, tier=flabel(TIER_LABELS, t, lang),
                       amount=formats.number(amounts[t], lang, digits)) for t in GOV_TIERS)


def _runs(months: tuple[MonthValue, ...], lang: str) -> str:
    """Months with the same value in force (same date, same rises) as one run: 1–7 月 ..., 8–12 月 ..."""
    groups: list[list[MonthValue]] = []
    for m in months:
        if groups and (groups[-1][-1].in_force_from, groups[-1][-1].rises) == (m.in_force_from, m.rises):
            groups[-1].append(m)
        else:
            groups.append([m])
    return tr("punct.semicolon", lang).join(_run(g, lang) for g in groups)


def _run(g: list[MonthValue], lang: str) -> str:
    m = g[0]
    rise = tr("explain.month_rise", lang, rate=formats.share(m.rise, lang, 2), k=m.rises) if m.rises else ""
    return tr("explain.month_run", lang, first=g[0].month, last=g[-1].month, yuan=_yuan(m.yuan, lang), param=m.param,
              value=formats.number(m.value, lang, 2), unit=tr(f"explain.unit.{m.unit}", lang),
              since=m.in_force_from.isoformat(), rise=rise)


def _shares(p: Part, lang: str) -> list[str]:
    if p.tier is not None:
        return [tr("explain.one_tier", lang, tier=flabel(TIER_LABELS, p.tier, lang))]
    r = p.share_row
    sep = tr("list.sep", lang)
    shares = sep.join(f"{flabel(TIER_LABELS, t, lang)} {formats.share(p.shares[t], lang, 2)}" for t in GOV_TIERS)  # type: ignore[index]
    return [tr("explain.shares", lang, funding=r.funding, region=flabel(REGION_LABELS, r.region_tier, lang),
               from_year=r.from_year, shares=shares)]


def _pension(p: Part, lang: str) -> list[str]:
    i = p.inputs
    steps = int(i["years"].value)
    heads = i["count"].value * (1 - i["exit_rate"].value + i["entry_rate"].value) ** steps
    out = [tr("explain.heads", lang, count=formats.number(i["count"].value, lang, 0),
              exit=formats.share(i["exit_rate"].value, lang, 2), entry=formats.share(i["entry_rate"].value, lang, 2),
              years=steps, heads=formats.number(heads, lang, 4), source=i["count"].source)]
    out.append(tr("explain.per_person", lang, total=_yuan(sum(m.yuan for m in p.months), lang), runs=_runs(p.months, lang)))
    if p.subsidy:
        out.append(tr("explain.subsidy_months", lang, total=_yuan(sum(min(s.yuan, m.yuan) for s, m in zip(p.subsidy, p.months, strict=False)), lang),
                      runs=_runs(p.subsidy, lang)))
    per = p.amount / heads if heads else 0.0
    out.append(tr("explain.amount_heads", lang, heads=formats.number(heads, lang, 4), per=_yuan(per, lang),
                  amount=_yuan(p.amount, lang)))
    return out


def _aid(p: Part, lang: str) -> list[str]:
    c, a = p.inputs["cases"], p.inputs["amount_per_case"]
    source = c.source
    if source.startswith("simulation:"):  # cases a year from the simulated caseload: say which run
        _, run, seed = source.split(":", 2)
        source = tr("explain.simulated_source", lang, run=run, seed=seed)
    return [tr("explain.aid", lang, cases=formats.number(c.value, lang, 4), per=_yuan(a.value, lang),
               amount=_yuan(p.amount, lang), cases_source=source, per_source=a.source)]


def _sites(p: Part, lang: str) -> list[str]:
    out = []
    base = 0.0
    for g in p.groups:
        total = (g["funded_staff"].value * g["funded_post"].value + g["parttime_staff"].value * g["parttime_post"].value
                 + g["sites"].value * g["site_overhead"].value)
        base += total
        out.append(tr("explain.site_level", lang, level=g["sites"].label[0 if lang == "zh" else 1],
                      sites=formats.number(g["sites"].value, lang, 0), funded=formats.number(g["funded_staff"].value, lang, 0),
                      fp=_yuan(g["funded_post"].value, lang), part=formats.number(g["parttime_staff"].value, lang, 0),
                      pp=_yuan(g["parttime_post"].value, lang), over=_yuan(g["site_overhead"].value, lang),
                      total=_yuan(total, lang)))
    gr = p.inputs["growth"]
    out.append(tr("explain.site_growth", lang, base=_yuan(base, lang), growth=formats.share(gr.value, lang, 2),
                  years=int(p.inputs["years"].value), amount=_yuan(p.amount, lang), source=gr.source))
    return out


_BODY = {"pension_standard": _pension, "pension_subsidy": _pension, "aid": _aid, "site_costs": _sites}


def _part_lines(n: int, p: Part, lang: str) -> list[str]:
    label = p.label[0 if lang == "zh" else 1]
    head = tr("explain.part", lang, n=n, label=label, kind=tr(f"explain.kind.{p.kind}", lang), amount=_yuan(p.amount, lang))
    tiers = {t: p.tier_amount(t) for t in GOV_TIERS}
    body = [*_BODY[p.kind](p, lang), *_shares(p, lang), tr("explain.part_tiers", lang, tiers=_tiers(tiers, lang, 4))]
    return [head, *("    " + b for b in body)]


def trace_lines(e: Explanation, lang: str = "zh") -> list[str]:
    """The trace as printed lines: title, the published total by tier, the unrounded sums, then each part
    (indented) with its inputs, rule and tier split."""
    out = [tr("explain.title", lang, line=flabel(LINE_LABELS, e.line, lang), year=e.year, hash=str(e.meta.get("scenario_hash", ""))[:12]),
           "  " + tr("explain.total", lang, total=_yuan(e.total, lang), tiers=_tiers(e.published, lang)),
           "  " + tr("explain.unrounded", lang, tiers=_tiers(e.unrounded, lang, 4))]
    for n, p in enumerate(e.parts, start=1):
        out += ["  " + s for s in _part_lines(n, p, lang)]
    return out


def trace_frame(explanations: list[Explanation], lang: str = "zh") -> pd.DataFrame:
    """Every trace as rows of a sheet: line, year, government total (yuan) and one step of the trace a row."""
    rows: list[dict[str, Any]] = []
    for e in explanations:
        for text in trace_lines(e, lang):
            rows.append({"line": flabel(LINE_LABELS, e.line, lang), "year": e.year, "value": e.total,
                         "step": text})
    return pd.DataFrame(rows, columns=["line", "year", "value", "step"])
