"""Rounding rule: half up to the cent; tiers add up exactly to the rounded total."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vetsim.fiscal.money import allocate_cents, to_cents


def test_half_up() -> None:
    assert to_cents(1234.565) == 1234.57
    assert to_cents(2.675) == 2.68          # 2.675 is 2.67499999... as a float
    assert to_cents(0.004999) == 0.0
    assert to_cents(809.25) == 809.25


def test_tie_goes_to_higher_level() -> None:
    got = allocate_cents(np.array([14400.0, 155051.25, 77525.625, 77525.625]))
    assert got.tolist() == [14400.0, 155051.25, 77525.63, 77525.62]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=4, max_size=4),
       st.lists(st.floats(0, 1, allow_nan=False), min_size=4, max_size=4))
def test_tiers_sum_to_rounded_total(amounts, shares) -> None:
    total = sum(amounts)
    parts = np.array(amounts) if sum(shares) == 0 else total * np.array(shares) / sum(shares)
    got = allocate_cents(parts[None])[0]
    cents = np.round(got * 100)
    assert np.allclose(got * 100, cents, atol=1e-4)                       # whole cents
    assert cents.sum() == np.floor(np.round(parts.sum() * 100, 6) + 0.5)   # exact total
    assert np.all(np.abs(got - parts) < 0.01 + 1e-9)                       # each within a cent
