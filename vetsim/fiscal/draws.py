"""Point values or Monte Carlo draws of ``Uncertain`` inputs, all flowing from one seed.

A ``Draws`` object says how many draws there are (``n``; 1 in exact runs) and gives each budget
line its own generator, spawned in a fixed order from ``numpy.random.SeedSequence(seed)`` so
that adding draws to one line never changes another line's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.fiscal_spec import Uncertain

__all__ = ["Draws", "STREAMS", "RANGE_DRAWS"]

# Monte Carlo draws behind the P10-P90 ranges shown in the brief and the budget explorer
# (the yearly-total quantiles settle well before this; finance can ask for more with --draws)
RANGE_DRAWS = 200

# one random stream per budget line, in this order (never reorder: results would change)
STREAMS: tuple[str, ...] = ("si_continuation", "pension", "hardship", "temporary_relief", "site_costs")


@dataclass(frozen=True)
class Draws:
    """``exact`` (n=1, point values, no randomness) or ``n`` Monte Carlo draws from ``seed``."""

    n: int
    seed: int | None
    exact: bool

    @classmethod
    def make(cls, draws: int, seed: int) -> Draws:
        if draws < 0:
            raise ValueError("draws must be >= 0")
        return cls(1, seed, True) if draws == 0 else cls(draws, seed, False)

    def rng(self, stream: str) -> np.random.Generator | None:
        """The generator of one budget line (None in exact runs)."""
        if self.exact:
            return None
        children = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        return np.random.default_rng(children[STREAMS.index(stream)])

    def of_matrix(self, u: Uncertain, rng: np.random.Generator | None, width: int) -> np.ndarray:
        """Shape (n, width): independent draws per draw and item (e.g. per person); point value if exact."""
        if rng is None or u.dist is None or u.dist.low == u.dist.high:
            return np.full((self.n, width), float(u.value if rng is None or u.dist is None else u.dist.low))
        d = u.dist
        if d.kind == "triangular":
            return rng.triangular(d.low, d.mode, d.high, (self.n, width))
        return rng.uniform(d.low, d.high, (self.n, width))

    def of(self, u: Uncertain, rng: np.random.Generator | None) -> np.ndarray:
        """Shape (n,): the point value (exact runs, or no distribution given) or draws from ``u.dist``."""
        if rng is None or u.dist is None:
            return np.full(self.n, float(u.value))
        d = u.dist
        if d.low == d.high:
            return np.full(self.n, float(d.low))
        if d.kind == "triangular":
            return rng.triangular(d.low, d.mode, d.high, self.n)
        return rng.uniform(d.low, d.high, self.n)
