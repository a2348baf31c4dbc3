"""A ``Flow``: yearly amounts of one budget line, either split over the four government tiers by a
funding key (tier_shares.csv) and region tier, or borne wholly by one tier (e.g. a central subsidy,
or the individual's own contributions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Flow", "LINES"]

LINES: tuple[str, ...] = ("si_continuation", "pension", "hardship", "temporary_relief", "site_costs")


@dataclass(frozen=True)
class Flow:
    line: str
    amounts: np.ndarray              # (draws, years), yuan, unrounded
    funding: str | None = None       # split by this tier-share key ...
    region_tier: str | None = None   # ... for this region tier
    tier: str | None = None          # or borne wholly by this tier

    def __post_init__(self) -> None:
        if (self.funding is None) == (self.tier is None):
            raise ValueError("a flow has either a funding key or a single tier")
        if self.line not in LINES:
            raise ValueError(f"unknown budget line {self.line!r}")
