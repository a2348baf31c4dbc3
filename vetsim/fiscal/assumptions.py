"""Every number the fiscal model uses, with unit, Chinese/English label and source: the assumptions sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..scenario.fiscal_spec import Uncertain
from ..wording import both, tr

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["assumptions_frame", "ASSUMPTION_COLUMNS"]

ASSUMPTION_COLUMNS = ("section", "key", "label_zh", "label_en", "value", "unit", "source", "is_assumption")


def _num(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


def _value_text(q: Any) -> str:
    if hasattr(q, "values") and isinstance(q.values, dict):
        return "; ".join(f"{d.isoformat()}: {_num(v)}" for d, v in q.values.items())
    text = _num(q.value)
    if isinstance(q, Uncertain) and q.dist is not None:
        d = q.dist
        inner = f"{_num(d.low)}, {_num(d.mode)}, {_num(d.high)}" if d.kind == "triangular" else f"{_num(d.low)}, {_num(d.high)}"
        text += f" ({d.kind} {inner})"
    return text


def _row(section: str, key: str, q: Any) -> dict[str, Any]:
    return {"section": section, "key": key, "label_zh": q.label_zh, "label_en": q.label_en,
            "value": _value_text(q), "unit": q.unit, "source": q.source,
            "is_assumption": q.source.strip().lower().startswith("assumption")}


def assumptions_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per input number: dated parameters, uncertain inputs, unit costs, tier shares, pension groups."""
    spec = scenario.spec
    f = spec.fiscal
    rows: list[dict[str, Any]] = []
    for key, p in f.parameters.items():
        rows.append(_row("parameters", key, p))
    si = f.si_continuation
    for key in ("pending_pass_rate", "wage_growth"):
        rows.append(_row("si_continuation", key, getattr(si, key)))
    if si.payment.yearly_cap is not None:
        rows.append(_row("si_continuation", "payment.yearly_cap", si.payment.yearly_cap))
    else:
        rows.append({"section": "si_continuation", "key": "payment.years",
                     **dict(zip(("label_zh", "label_en"), both("fiscal.payment_years"))), "value": str(si.payment.years),
                     "unit": "year", "source": si.payment.source,
                     "is_assumption": si.payment.source.strip().lower().startswith("assumption")})
    for key, lab in si.eligible_placements.items():
        rows.append({"section": "si_continuation", "key": f"eligible_placements.{key}", "label_zh": lab.label_zh,
                     "label_en": lab.label_en, "value": " / ".join(both("fiscal.assumption.placement_eligible")), "unit": "", "source": "policy",
                     "is_assumption": False})
    for key, lab in si.ineligible_placements.items():
        rows.append({"section": "si_continuation", "key": f"ineligible_placements.{key}", "label_zh": lab.label_zh,
                     "label_en": lab.label_en, "value": " / ".join(both("fiscal.assumption.placement_ineligible")), "unit": "", "source": "policy",
                     "is_assumption": False})
    if si.cohort is not None:
        c = si.cohort
        for key in ("count", "years_in_arrears"):
            rows.append(_row("si_continuation.cohort", key, getattr(c, key)))
        rows.append({"section": "si_continuation.cohort", "key": "interrupted_to", "label_zh": c.label_zh,
                     "label_en": c.label_en, "value": f"{c.interrupted_to}, registered {c.registered_year}",
                     "unit": "month", "source": c.source, "is_assumption": c.source.lower().startswith("assumption")})
    rows.append(_row("pensions", "rise_after_last", f.pensions.rise_after_last))
    for name, line in f.aid.items():
        rows.append(_row(f"aid.{name}", "cases_per_year", line.cases_per_year))
        rows.append(_row(f"aid.{name}", "amount_per_case", line.amount_per_case))
    rows.append(_row("site_costs", "growth", f.site_costs.growth))
    for kind in ("funded_post", "parttime_post", "site_overhead"):
        for level, q in getattr(spec.costs, kind).items():
            rows.append(_row("costs", f"{kind}.{level}", q))
    for r in scenario.table("tier_shares.csv"):
        rows.append({"section": "tier_shares", "key": f"{r.funding}/{r.region_tier}/{r.from_year}",
                     "label_zh": r.label_zh, "label_en": r.label_en,
                     "value": tr("fiscal.assumption.tier_shares", "zh", central=f"{r.central:g}", province=f"{r.province:g}",
                                 city=f"{r.city:g}", county=f"{r.county:g}"),
                     "unit": "share", "source": r.source,
                     "is_assumption": r.source.strip().lower().startswith("assumption")})
    for g in scenario.table("pension_groups.csv"):
        rows.append({"section": "pension_groups", "key": g.group_id, "label_zh": g.label_zh, "label_en": g.label_en,
                     "value": f"count {g.count:g}; exit {g.exit_rate:g}/yr; entry {g.entry_rate:g}/yr; "
                              f"standard {g.standard}; subsidy {g.central_subsidy or '-'}; funding {g.funding}",
                     "unit": "person; share/year", "source": g.source,
                     "is_assumption": g.source.strip().lower().startswith("assumption")})
    return pd.DataFrame(rows, columns=list(ASSUMPTION_COLUMNS))
