"""Replace a function of vetsim for a test everywhere it is bound, not only in its own module.

The command handlers (``vetsim.commands.*_run``) and a few modules import their functions at the top,
so ``monkeypatch.setattr(vetsim.sim.runner, "simulate", boom)`` alone would miss the name
``run_simulation`` that ``vetsim.commands.simulate_run`` bound when it was imported, and a module
imported for the first time while the patch is active would keep the replacement for good. So:
import those modules first (they bind the real functions), then replace every binding of the original
object in every loaded vetsim module (monkeypatch restores them all).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from typing import Any

import pytest

# modules that bind work functions (simulate, budget, optimal_staff, load_scenario, ...) at import time
BINDERS = ("vetsim.brief.run", "vetsim.sim.policies", "vetsim.tasks.run", "vetsim.plans.simcheck", "vetsim.staffing.api",
           "vetsim.plans.api", "vetsim.sensitivity.report", "vetsim.ledger.importer", "vetsim.backtest.run")


def _load_binders() -> None:
    import vetsim.commands

    for info in pkgutil.iter_modules(vetsim.commands.__path__, "vetsim.commands."):
        importlib.import_module(info.name)
    for name in BINDERS:
        importlib.import_module(name)


def patch_everywhere(monkeypatch: pytest.MonkeyPatch, module: str, name: str, replacement: Callable[..., Any]) -> None:
    """``module.name`` replaced by ``replacement`` in ``module`` and wherever a loaded vetsim module bound it."""
    _load_binders()
    original = getattr(importlib.import_module(module), name)
    monkeypatch.setattr(importlib.import_module(module), name, replacement)
    for mod_name, mod in list(sys.modules.items()):
        if mod is None or not (mod_name == "vetsim" or mod_name.startswith("vetsim.")):
            continue
        for attr, value in list(vars(mod).items()):
            if value is original:
                monkeypatch.setattr(mod, attr, replacement)
