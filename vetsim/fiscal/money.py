"""Rounding rule for money (documented in every workbook's notes sheet).

All computations run in float64 yuan without intermediate rounding. Only the published figures
are rounded, half up to the cent (0.005 -> 0.01), and so that the four government tiers of a
(year, line) add up exactly to that line's government total rounded to the cent: each tier is
first rounded down to the cent, and the cents still missing go to the tiers with the largest
remainders (ties: central, province, city, county). Quantiles (P10/P50/P90) are rounded half up.
"""

from __future__ import annotations

import numpy as np

from ..wording import LANGS, tr

__all__ = ["to_cents", "allocate_cents", "ROUNDING_RULE"]

ROUNDING_RULE = {lang: tr("fiscal.rounding_rule", lang) for lang in LANGS}


def _cents_down(x: np.ndarray) -> np.ndarray:
    # round to 1e-6 cent first so that 1234.565 stored as 1234.56499999 counts as .565
    return np.floor(np.round(np.asarray(x, dtype=float) * 100.0, 6))


def to_cents(x: np.ndarray | float) -> np.ndarray:
    """Half-up rounding to the cent, as yuan (floats with at most two decimals)."""
    c = np.floor(np.round(np.asarray(x, dtype=float) * 100.0, 6) + 0.5)
    return c / 100.0


def allocate_cents(parts: np.ndarray) -> np.ndarray:
    """Round ``parts`` (..., k) to cents so that each row sums exactly to its rounded total."""
    parts = np.asarray(parts, dtype=float)
    total = np.floor(np.round(parts.sum(axis=-1) * 100.0, 6) + 0.5)
    down = _cents_down(parts)
    rest = np.round(parts * 100.0, 6) - down
    missing = (total - down.sum(axis=-1)).astype(np.int64)
    order = np.argsort(-rest, axis=-1, kind="stable")
    rank = np.argsort(order, axis=-1, kind="stable")
    extra = (rank < missing[..., None]).astype(float)
    return (down + extra) / 100.0
