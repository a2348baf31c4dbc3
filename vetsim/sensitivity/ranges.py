"""The assumptions of a scenario and their ranges (P10, middle, P90), read from the scenario itself.

Two sources, both data the planner edits: every ``Uncertain`` input with a distribution (the fiscal
model's Monte Carlo inputs; P10 and P90 are the distribution's quantiles, the middle is the value an
exact run uses) and the rows of the optional ``sensitivity.csv`` (ranges for numbers without a
distribution; a row there wins over a distribution of the same number). Each assumption belongs to
the model it feeds: ``fiscal`` (``fiscal.*`` and unit ``costs.*``) or ``service`` (everything else:
presence, patience, partners ...), so a tornado runs only the model an assumption can move.

Variants are made through the overlay mechanism (:func:`vetsim.scenario.apply_overlay`):
one overlay document per arm, validated like an overlay folder. A row of ``sensitivity.csv`` that names
a table column (``caseload.csv:yearly_volume``) has multipliers for its range (middle 1); its arms are
made with :func:`vetsim.scenario.scale_rows`. A table column belongs to the model of its table (a fiscal
table's to ``fiscal``, the caseload's to ``service``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from .. import formats
from ..scenario import apply_overlay, scale_rows
from ..scenario.fiscal_spec import FISCAL_TABLES, Dist, Uncertain
from ..scenario.sensitivity_spec import number_at, overlay_at, table_key
from ..wording import LabelColumns, has, tr

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["Assumption", "assumptions", "assumptions_frame", "quantile", "variant", "range_text", "FISCAL_PREFIXES"]

Model = Literal["fiscal", "service"]
FISCAL_PREFIXES: tuple[str, ...] = ("fiscal.", "costs.")
P_LOW, P_HIGH = 0.1, 0.9


@dataclass(frozen=True)
class Assumption(LabelColumns):
    """One questioned number: where it is (``key``), its P10 / middle / P90, unit, labels, source, model."""

    key: str
    low: float
    mid: float
    high: float
    unit: str
    label_zh: str
    label_en: str
    source: str
    origin: str  # "distribution (triangular)" or "sensitivity.csv", in English; shown translated
    model: Model



def _digits(*values: float) -> int:
    """The fewest decimals (0 to 3) that write every value to within 0.5% of itself."""
    for d in range(4):
        if all(abs(round(v, d) - v) <= 0.005 * max(abs(v), 1e-12) for v in values):
            return d
    return 3


_COUNTED = ("person", "people", "case", "person-time", "cohort", "household")  # whole things


def _unit_word(token: str, lang: str, per: bool = False) -> str:
    """A unit's word: "人" / "people"; after "/" in English the unit as typed, in the singular ("yuan/year")."""
    key = f"sens.uw.{token.strip().replace(' ', '_').replace('-', '_')}"
    if (per and lang == "en") or not has(key):
        return token.strip()
    return tr(key, lang)


def _unit_text(unit: str, lang: str) -> str:
    """"yuan/year" -> "元/年" / "yuan/year"; "person" -> "人" / "people"; "ratio" -> "" (a plain multiple)."""
    head, _, tail = unit.partition("/")
    text = _unit_word(head, lang) + (f"/{_unit_word(tail, lang, per=True)}" if tail else "")
    return "" if head.strip() == "ratio" and not tail else text


def range_text(low: float, high: float, lang: str = "zh", unit: str = "") -> str:
    """"P10 ～ P90" of an assumption as people read it, with its unit: shares in percent ("4.0%～6.8%"),
    counts of people or cases whole ("250～389 人"), money grouped ("80,000～110,000 元/年"), others
    with the fewest decimals that keep them ("0.85～1.2")."""
    if unit.startswith("share"):
        d = min(_digits(low * 100, high * 100), 1)
        return tr("sens.range", lang, low=formats.share(low, lang, d), high=formats.share(high, lang, d))
    head = unit.partition("/")[0].strip()
    d = 0 if head in _COUNTED or head == "yuan" else _digits(low, high)
    text = tr("sens.range", lang, low=formats.number(low, lang, d), high=formats.number(high, lang, d))
    word = _unit_text(unit, lang) if unit else ""
    return f"{text} {word}" if word else text


def quantile(d: Dist, p: float) -> float:
    """The ``p`` quantile of a triangular or uniform distribution (inverse of its CDF)."""
    a, b = d.low, d.high
    if b == a:
        return float(a)
    if d.kind == "uniform":
        return a + p * (b - a)
    c = float(d.mode)  # type: ignore[arg-type]
    if p <= (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def _model(key: str) -> Model:
    tkey = table_key(key)
    if tkey is not None:
        return "fiscal" if tkey.table in FISCAL_TABLES else "service"
    return "fiscal" if key.startswith(FISCAL_PREFIXES) else "service"


def _uncertain(node: Any, path: str) -> list[tuple[str, Uncertain]]:
    """Every ``Uncertain`` with a distribution under ``node`` (a settings model, mapping or value), with its path."""
    if isinstance(node, Uncertain):
        return [(path, node)] if node.dist is not None and node.dist.low < node.dist.high else []
    out: list[tuple[str, Uncertain]] = []
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            out += _uncertain(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, Mapping):
        for k, v in node.items():
            out += _uncertain(v, f"{path}.{k}" if path else str(k))
    return out


def assumptions(scenario: Scenario, model: Model | None = None) -> list[Assumption]:
    """The scenario's assumptions with ranges (distributions first, then sensitivity.csv), optionally of one model."""
    found: dict[str, Assumption] = {}
    for key, u in _uncertain(scenario.spec, ""):
        d = u.dist
        assert d is not None
        found[key] = Assumption(key, quantile(d, P_LOW), float(u.value), quantile(d, P_HIGH), u.unit, u.label_zh,
                                u.label_en, u.source, f"distribution ({d.kind})", _model(key))
    for r in scenario.table("sensitivity.csv"):
        mid = 1.0 if table_key(r.key) is not None else number_at(scenario.spec, r.key)  # a table column: multipliers
        found[r.key] = Assumption(r.key, r.low, mid, r.high, r.unit, r.label_zh,
                                  r.label_en, r.source, "sensitivity.csv", _model(r.key))
    return [a for a in found.values() if model is None or a.model == model]


def assumptions_frame(items: list[Assumption], lang: str = "zh") -> pd.DataFrame:
    """The assumptions as a table with translated headers (for the Excel/CSV output and the notebook)."""
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    df = pd.DataFrame([asdict(a) for a in items])
    if df.empty:
        return df
    df["assumption"] = [a.label(lang) for a in items]
    df["origin"] = [tr("sens.origin.table", lang) if a.origin == "sensitivity.csv"
                    else tr("sens.origin.distribution", lang, kind=a.origin.split("(")[-1].rstrip(")")) for a in items]
    cols = {"assumption": "sens.col.assumption", "key": "sens.col.key", "unit": "sens.col.unit", "low": "sens.col.low",
            "mid": "sens.col.mid", "high": "sens.col.high", "source": "sens.col.source"}
    return df[list(cols)].rename(columns={c: tr(k, lang) for c, k in cols.items()})


def variant(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """``scenario`` with the numbers at the given keys set to the given values (one overlay document for the
    keys of scenario.yaml; a table column's value is the multiplier of its rows)."""
    plain = {k: v for k, v in values.items() if table_key(k) is None}
    out = apply_overlay(scenario, overlay_at(scenario.spec, plain)) if plain else scenario
    for k, v in values.items():
        tkey = table_key(k)
        if tkey is not None:
            out = scale_rows(out, tkey, v)
    return out
