"""Global sensitivity with SALib: Morris screening or Sobol indices, for the ranking of the assumptions.

Why both kinds: the tornado moves one assumption at a time from the middle; a global method moves
all of them together over their whole P10-P90 box, so interactions and non-linear effects count.
Where the two rankings agree on the top assumptions, the answer "which assumption matters most" does
not depend on the method. The inputs vary uniformly over [P10, P90] (the box the tornado spans).

:func:`sobol_indices` and :func:`morris_indices` wrap SALib for any vectorised function (checked
against known indices in the tests); :func:`global_ranking` applies them to the fiscal model, one
exact budget per sample, each sample a scenario variant made through the overlay mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import VetsimError
from ..wording import both
from .outputs import FISCAL_OUTPUTS, fiscal_outputs
from .ranges import assumptions, variant

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["sobol_indices", "morris_indices", "global_ranking", "GlobalRanking", "SensitivityError",
           "METHODS", "DEFAULT_SAMPLES", "MAX_SAMPLES", "MAX_MODEL_SAMPLES", "GLOBAL_COLUMNS"]

Method = Literal["morris", "sobol"]
METHODS: tuple[str, ...] = ("morris", "sobol")
DEFAULT_SAMPLES = {"morris": 10, "sobol": 32}  # Morris trajectories, Sobol base N (a power of 2)
MAX_SAMPLES = 2**16      # base size a wrapper accepts (a vectorised function is cheap)
MAX_MODEL_SAMPLES = 256  # on the fiscal model: each sample is a scenario variant and an exact budget (~0.1-0.4 s)
GLOBAL_COLUMNS = ("output", "key", "label_zh", "label_en", "index", "conf", "rank")
Func = Callable[[np.ndarray], np.ndarray]


class SensitivityError(VetsimError):
    """A sensitivity analysis that cannot run as asked (no ranges, a bad size or output)."""


def _problem(names: Sequence[str], bounds: Sequence[tuple[float, float]]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[float(a), float(b)] for a, b in bounds]}


def _check_size(n: int, what: str) -> None:
    if not 2 <= n <= MAX_SAMPLES:
        raise SensitivityError(*both("sens.error.too_many", what=what, n=n, limit=MAX_SAMPLES))


def _columns(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    return y[:, None] if y.ndim == 1 else y


def sobol_indices(func: Func, names: Sequence[str], bounds: Sequence[tuple[float, float]], n: int = 1024,
                  seed: int = 0) -> list[pd.DataFrame]:
    """First-order (S1) and total (ST) Sobol indices of each output of ``func`` (inputs uniform in ``bounds``).

    ``func`` maps an (m, d) array of inputs to (m,) or (m, k) outputs; ``n`` is the base sample size
    (Saltelli scheme, ``n * (d + 2)`` evaluations). Returns one frame per output: name, S1, S1_conf, ST, ST_conf.
    """
    import pandas as pd  # lazy: see the TYPE_CHECKING import
    from SALib.analyze import sobol as analyze  # heavy: SALib, loaded only for a Sobol run
    from SALib.sample import sobol as sample  # heavy: SALib, as above

    _check_size(n, "N")
    problem = _problem(names, bounds)
    x = sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = _columns(func(x))
    out = []
    for j in range(y.shape[1]):
        r = analyze.analyze(problem, y[:, j], calc_second_order=False, seed=seed, print_to_console=False)
        out.append(pd.DataFrame({"name": list(names), "S1": r["S1"], "S1_conf": r["S1_conf"],
                                 "ST": r["ST"], "ST_conf": r["ST_conf"]}))
    return out


def morris_indices(func: Func, names: Sequence[str], bounds: Sequence[tuple[float, float]], trajectories: int = 20,
                   seed: int = 0, levels: int = 4) -> list[pd.DataFrame]:
    """Morris elementary effects of each output of ``func``: mu* (mean absolute effect), its confidence, sigma.

    An effect is the change of the output when one input moves by a step on the [0, 1]-scaled grid of
    ``levels`` levels, divided by that step: for a linear function ``sum a_i x_i`` exactly
    ``a_i * (high_i - low_i)``. ``trajectories * (d + 1)`` evaluations.
    """
    import pandas as pd  # lazy: see the TYPE_CHECKING import
    from SALib.analyze import morris as analyze  # heavy: SALib, loaded only for a Morris run
    from SALib.sample import morris as sample  # heavy: SALib, as above

    _check_size(trajectories, "trajectories")
    problem = _problem(names, bounds)
    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    y = _columns(func(x))
    out = []
    for j in range(y.shape[1]):
        r = analyze.analyze(problem, x, y[:, j], num_levels=levels, seed=seed, print_to_console=False)
        out.append(pd.DataFrame({"name": list(names), "mu_star": np.asarray(r["mu_star"], float),
                                 "mu_star_conf": np.asarray(r["mu_star_conf"], float),
                                 "sigma": np.asarray(r["sigma"], float)}))
    return out


@dataclass(frozen=True)
class GlobalRanking:
    """Per fiscal output and assumption: the global index (Morris mu* or Sobol ST), its 95% half-width and rank."""

    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def ranking(self, output: str) -> list[str]:
        t = self.table[self.table["output"] == output]
        return t.sort_values("rank")["key"].tolist()


def global_ranking(scenario: Scenario, method: Method = "morris", samples: int | None = None,
                   seed: int | None = None) -> GlobalRanking:
    """Rank the scenario's fiscal assumptions by ``method`` on the budget outputs (exact budget per sample)."""
    import pandas as pd  # lazy: see the TYPE_CHECKING import

    if method not in METHODS:
        raise SensitivityError(*both("sens.error.unknown_method", name=method, allowed=", ".join(METHODS)))
    items = assumptions(scenario, "fiscal")
    if not items:
        raise SensitivityError(*both("sens.error.no_assumptions"))
    n = int(DEFAULT_SAMPLES[method] if samples is None else samples)
    if n > MAX_MODEL_SAMPLES:
        raise SensitivityError(*both("sens.error.too_many", what=method, n=n, limit=MAX_MODEL_SAMPLES))
    seed = int(scenario.spec.seed if seed is None else seed) % (2**32)
    keys = [a.key for a in items]

    def func(x: np.ndarray) -> np.ndarray:
        rows = [fiscal_outputs(variant(scenario, dict(zip(keys, map(float, xi))))) for xi in x]
        return np.array([[r[o] for o in FISCAL_OUTPUTS] for r in rows])

    bounds = [(a.low, a.high) for a in items]
    if method == "sobol":
        frames = sobol_indices(func, keys, bounds, n, seed)
        idx, conf = "ST", "ST_conf"
    else:
        frames = morris_indices(func, keys, bounds, n, seed)
        idx, conf = "mu_star", "mu_star_conf"
    parts = []
    for o, f in zip(FISCAL_OUTPUTS, frames):
        part = pd.DataFrame({"output": o, "key": keys, "label_zh": [a.label_zh for a in items],
                             "label_en": [a.label_en for a in items], "index": f[idx].to_numpy(float),
                             "conf": f[conf].to_numpy(float)})
        part["rank"] = part["index"].rank(ascending=False, method="first").astype(int)
        parts.append(part.sort_values("rank"))
    meta = {"method": method, "samples": n, "seed": seed, "scenario_hash": scenario.hash(),
            "evaluations": n * (len(keys) + (2 if method == "sobol" else 1))}
    return GlobalRanking(pd.concat(parts, ignore_index=True)[list(GLOBAL_COLUMNS)], meta)
