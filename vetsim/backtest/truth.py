"""A "true" county: a scenario with known shifts, the truth a calibration on its ledgers must recover.

Why here: simulation-based calibration (tests/test_calibration_recovery.py and
benchmarks/bench_calibration_recovery.py) draws ledgers from a county whose numbers are known and
checks that the fit finds them. :func:`shifted` makes such a county from a base scenario through the
scenario's own overlay rules (validated like a loaded scenario); :func:`random_shifts` draws the
shifts from stated ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario import Overlay, RowUpdate, Scenario

__all__ = ["Shifts", "shifted", "random_shifts", "RANGES"]

# the ranges the recovery draws from (multipliers of the base value, or shares added in points)
RANGES = {
    "volume_factor": (0.7, 1.4),      # yearly volume of each caseload row with a volume (x)
    "resolved_delta": (-0.12, 0.08),  # resolved-here share of rows strictly between 0 and 1 (+)
    "hotline_delta": (-0.08, 0.12),   # hotline share of each case type with one (+)
    "away.township": (0.10, 0.35),    # township away share (value; the sample county's sensitivity range)
    "away.village": (0.05, 0.20),     # village away share (value; idem)
    "effort_factor": (0.7, 1.5),      # casework hours per matter of every row (x)
}


@dataclass(frozen=True)
class Shifts:
    """Known changes: (case_type, level) -> volume / share; case_type -> hotline share; level -> away share."""

    volumes: dict[tuple[str, str], float] = field(default_factory=dict)
    resolved: dict[tuple[str, str], float] = field(default_factory=dict)
    hotline: dict[str, float] = field(default_factory=dict)
    away: dict[str, float] = field(default_factory=dict)
    effort_factor: float = 1.0


def shifted(base: Scenario, s: Shifts) -> Scenario:
    """``base`` with the shifts applied (caseload rows, case types' hotline shares, levels' away shares)."""
    doc: dict = {}
    if s.hotline:
        doc["case_types"] = {ct: {"hotline_share": float(v)} for ct, v in s.hotline.items()}
    if s.away:
        doc["presence"] = {lv: {"away_share": {"value": float(v)}} for lv, v in s.away.items()}
    rows = [RowUpdate("caseload.csv", {}, factor={"backoffice_hours": s.effort_factor})] if s.effort_factor != 1 else []
    for key in sorted(set(s.volumes) | set(s.resolved)):
        upd = {"yearly_volume": float(s.volumes[key])} if key in s.volumes else {}
        if key in s.resolved:
            upd["resolved_here_share"] = float(s.resolved[key])
        rows.append(RowUpdate("caseload.csv", {"case_type": key[0], "level": key[1]}, upd))
    return Overlay(doc, tuple(rows), label="shifts").apply(base)


def random_shifts(base: Scenario, rng: np.random.Generator) -> Shifts:
    """Shifts drawn from ``RANGES`` for every site-level caseload row and case type of ``base``."""
    u = lambda k: float(rng.uniform(*RANGES[k]))  # noqa: E731
    vol, res = {}, {}
    for r in base.caseload:
        if r.level == base.levels.partner:
            continue
        if r.yearly_volume > 0:
            vol[(r.case_type, r.level)] = round(r.yearly_volume * u("volume_factor"), 1)
        if 0.05 < r.resolved_here_share < 0.95:
            res[(r.case_type, r.level)] = round(min(max(r.resolved_here_share + u("resolved_delta"), 0.02), 0.98), 3)
    hot = {ct: round(min(max((c.hotline_share or 0.0) + u("hotline_delta"), 0.01), 0.9), 3)
           for ct, c in base.spec.case_types.items() if (c.hotline_share or 0.0) > 0}
    away = {lv: round(u(f"away.{lv}"), 3) for lv in base.levels.site_ids
            if f"away.{lv}" in RANGES and base.spec.presence is not None and base.spec.presence.level(lv) is not None}
    return Shifts(vol, res, hot, away, round(u("effort_factor"), 3))
