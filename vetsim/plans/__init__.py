"""Staffing plans checked by simulation: the layer above the models that combines two of them.

``vetsim.staffing`` finds the cheapest staffing from the estimate (Erlang, WISN); ``vetsim.sim``
simulates a scenario. Confirming a plan needs both, and a model package imports no other model
package (the import-linter contract in pyproject.toml), so the confirmation lives here:
- ``confirm(plan)`` -> ``Confirmation`` (per-site targets at 95% confidence from the simulation);
- ``optimize(scenario, ..., confirm=False)`` -> ``Plan`` (``vetsim.optimize_staffing``);
- ``optimize_confirmed``, ``site_targets_from_results`` (the ``vetsim staff`` command is ``vetsim.commands.staff``).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "optimize": ("vetsim.plans.api", "optimize"),
    "Confirmation": ("vetsim.plans.simcheck", "Confirmation"),
    "confirm": ("vetsim.plans.simcheck", "confirm"),
    "optimize_confirmed": ("vetsim.plans.simcheck", "optimize_confirmed"),
    "site_targets_from_results": ("vetsim.plans.simcheck", "site_targets_from_results"),
}

__all__ = ["optimize", "confirm", "Confirmation", "optimize_confirmed", "site_targets_from_results"]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
