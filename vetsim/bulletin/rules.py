"""The ranking's composite and the flags' targets, read from data (``data/bulletin_score.csv``).

Why data: the weights of the bulletin ranking (通报排名) and the yellow band of each flag are policy
choices of the bureau, not facts; each row carries its unit, Chinese label and source ("assumption").
A target named by a KPI of :mod:`vetsim.kpis` (column ``kpi``) is the scenario's own target for that
KPI where the scenario has one, so the bulletin judges a figure by the same target as the brief.

Columns: ``measure`` (one of :data:`MEASURES`), ``weight`` (>= 0; the score divides by the sum of the
weights of the measures a station has figures for), ``better`` (``higher`` / ``lower``), ``kpi``
(optional KPI id), ``target`` (share), ``yellow_band`` (share: a miss by up to this is yellow, more
is red), ``unit``, ``label_zh``, ``label_en``, ``source``.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import VetsimError
from ..files import PROJECT_DATA, display_path
from ..kpis import KPIS, target_value

__all__ = ["Rule", "MEASURES", "DEFAULT_RULES", "read_rules", "RulesError"]

MEASURES: tuple[str, ...] = ("one_trip_rate", "resolved_here_share", "overdue_share", "found_nobody_share")
DEFAULT_RULES = PROJECT_DATA / "bulletin_score.csv"
_COLUMNS = ("measure", "weight", "better", "kpi", "target", "yellow_band", "unit", "label_zh", "label_en", "source")
_MAX_BYTES = 100_000


class RulesError(VetsimError, ValueError):
    """The ranking's rules file is missing or has a bad row (file, row and field named)."""


@dataclass(frozen=True)
class Rule:
    """One measure of the composite: its weight, better direction, target (resolved) and yellow band."""

    measure: str
    weight: float
    better: str
    target: float
    yellow_band: float
    label_zh: str
    label_en: str
    source: str
    target_from: str  # "scenario" (the scenario's KPI target) or "file"

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def component(self, value: float) -> float:
        """The measure's part of the score, 0..1: the share itself, or 1 - share when lower is better."""
        if value is None or math.isnan(value):
            return math.nan
        v = min(max(float(value), 0.0), 1.0)
        return v if self.better == "higher" else 1.0 - v

    def flag(self, value: float) -> str:
        """``green`` when the target is met, ``yellow`` for a miss within the band, ``red`` beyond; ``none`` without a figure."""
        if value is None or math.isnan(value):
            return "none"
        miss = (self.target - value) if self.better == "higher" else (value - self.target)
        if miss <= 1e-12:
            return "green"
        return "yellow" if miss <= self.yellow_band + 1e-12 else "red"


def _number(text: str, where: dict[str, Any], field: str, low: float = 0.0, high: float = math.inf) -> float:
    try:
        v = float(text)
    except (TypeError, ValueError):
        v = math.nan
    if math.isnan(v) or not low <= v <= high:
        raise RulesError.of("bulletin.err.rules_value", field=field, value=str(text)[:30], low=low,
                            high="∞" if math.isinf(high) else high, **where)
    return v


def _row(raw: dict[str, str], where: dict[str, Any], targets: Any) -> Rule:
    measure = (raw.get("measure") or "").strip()
    if measure not in MEASURES:
        raise RulesError.of("bulletin.err.rules_measure", value=measure[:30], allowed=", ".join(MEASURES), **where)
    better = (raw.get("better") or "").strip()
    if better not in ("higher", "lower"):
        raise RulesError.of("bulletin.err.rules_value", field="better", value=better[:30], low="higher", high="lower", **where)
    kpi = (raw.get("kpi") or "").strip()
    if kpi and kpi not in KPIS:
        raise RulesError.of("bulletin.err.rules_kpi", value=kpi[:30], **where)
    own = target_value(kpi, targets) if kpi else None
    target = float(own) if isinstance(own, (int, float)) else _number(raw.get("target", ""), where, "target", 0.0, 1.0)
    for field in ("label_zh", "label_en", "source"):
        if not (raw.get(field) or "").strip():
            raise RulesError.of("bulletin.err.rules_empty", field=field, **where)
    return Rule(measure, _number(raw.get("weight", ""), where, "weight"), better, target,
                _number(raw.get("yellow_band", ""), where, "yellow_band", 0.0, 1.0), raw["label_zh"].strip(),
                raw["label_en"].strip(), raw["source"].strip(), "scenario" if isinstance(own, (int, float)) else "file")


def read_rules(path: str | os.PathLike[str] | None = None, targets: Any = None) -> tuple[Rule, ...]:
    """The rules of ``path`` (default :data:`DEFAULT_RULES`), every measure once, targets resolved against
    the scenario's ``targets``; a bad file: :class:`RulesError` naming the file, row and field."""
    p = Path(path) if path is not None else DEFAULT_RULES
    shown = display_path(p)
    if not p.is_file():
        raise RulesError.of("bulletin.err.rules_missing", file=shown)
    if p.stat().st_size > _MAX_BYTES:
        raise RulesError.of("bulletin.err.rules_too_big", file=shown, most=_MAX_BYTES)
    text = p.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RulesError.of("bulletin.err.rules_columns", file=shown, columns=", ".join(missing))
    rules: list[Rule] = []
    for i, raw in enumerate(reader, start=2):
        rule = _row(raw, {"file": shown, "row": i}, targets)
        if any(r.measure == rule.measure for r in rules):
            raise RulesError.of("bulletin.err.rules_twice", file=shown, row=i, value=rule.measure)
        rules.append(rule)
    absent = [m for m in MEASURES if all(r.measure != m for r in rules)]
    if absent or sum(r.weight for r in rules) <= 0:
        raise RulesError.of("bulletin.err.rules_incomplete", file=shown, measures=", ".join(absent) or "—")
    return tuple(rules)
