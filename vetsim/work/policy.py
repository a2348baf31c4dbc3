"""The daily allocation of staff time (人员时间分配): one rule for the simulation and the estimate.

A site-day: staff present x opening minutes is the time at the station. The counter is served
first whenever someone waits; shared village cover (a worker opening covered villages) and
non-veteran township work (一人多岗, ``other_duties_share`` of the time present) come next. What is
left is shared between campaigns, duties and casework by the scenario's ``work_policy``: each kind
first gets up to its minimum share of that time (if it has work owed), then the rest goes to the
kinds in priority order. Time no kind can use is idle.

:func:`allocate` is vectorised over sites: the engine calls it once per day for all sites.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..scenario.work_spec import WORK_KINDS, WorkPolicy

__all__ = ["allocate", "policy_arrays", "WORK_KINDS"]


def policy_arrays(policy: WorkPolicy) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """(minimum share per kind in ``WORK_KINDS`` order, priority order as kind indices)."""
    shares = np.array([policy.share(k) for k in WORK_KINDS], dtype=float)
    return shares, tuple(WORK_KINDS.index(k) for k in policy.order)


def allocate(free: NDArray[np.float64], demand: NDArray[np.float64], min_share: NDArray[np.float64],
             order: tuple[int, ...]) -> NDArray[np.float64]:
    """Minutes per kind and site, ``[kind, site]``, from ``free`` minutes ``[site]`` and ``demand`` ``[kind, site]``.

    Never gives a kind more than it owes, never gives out more than ``free``.
    """
    free = np.maximum(free, 0.0)
    out = np.minimum(min_share[:, None] * free[None, :], demand)
    rest = free - out.sum(axis=0)
    for k in order:
        extra = np.minimum(rest, demand[k] - out[k])
        out[k] += extra
        rest = rest - extra
    return out
