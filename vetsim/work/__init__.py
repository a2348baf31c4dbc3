"""Where staff time goes (docs/DOMAIN.md §4): one model of work under the simulation and the estimate.

From a ``Scenario`` this layer derives, per site and day, the staff time at the station (posts x
opening time, less time away) and every kind of work with its priority and due date: counter
visits and casework (arrival rates by site, case type and day), recurring duties and campaigns
(work packages owed with a due day), and shared village cover. ``vetsim.sim`` runs its event model
on :func:`compile_network`; ``vetsim.staffing`` sizes staff from :func:`derive_demand`, which reads
the same compiled network. Neither re-derives a rule; this layer imports only ``vetsim.scenario``.

Modules: ``calendar`` (working days, holidays), ``network`` (the compiled scenario), ``packages``
(duties and campaigns owed), ``policy`` (the daily allocation of staff time), ``demand`` (expected
workload per site, month and hour for the analytic estimate), ``costs`` (yearly running cost of
every site, read by the staffing optimizer and the budget alike).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {
    "CalendarEstimateWarning": ("vetsim.work.calendar", "CalendarEstimateWarning"),
    "WorkCalendar": ("vetsim.work.calendar", "WorkCalendar"),
    "SITE_COST_COLUMNS": ("vetsim.work.costs", "SITE_COST_COLUMNS"),
    "site_costs": ("vetsim.work.costs", "site_costs"),
    "site_costs_by_level": ("vetsim.work.costs", "site_costs_by_level"),
    "Demand": ("vetsim.work.demand", "Demand"),
    "derive_demand": ("vetsim.work.demand", "derive_demand"),
    "hour_minutes": ("vetsim.work.demand", "hour_minutes"),
    "CHANNELS": ("vetsim.work.network", "CHANNELS"),
    "LEVEL_NAMES": ("vetsim.work.network", "LEVEL_NAMES"),
    "Network": ("vetsim.work.network", "Network"),
    "NetworkError": ("vetsim.work.network", "NetworkError"),
    "compile_network": ("vetsim.work.network", "compile_network"),
    "KIND_CAMPAIGN": ("vetsim.work.packages", "KIND_CAMPAIGN"),
    "KIND_DUTY": ("vetsim.work.packages", "KIND_DUTY"),
    "Packages": ("vetsim.work.packages", "Packages"),
    "work_packages": ("vetsim.work.packages", "work_packages"),
    "allocate": ("vetsim.work.policy", "allocate"),
    "policy_arrays": ("vetsim.work.policy", "policy_arrays"),
}

__all__ = ["WorkCalendar", "CalendarEstimateWarning", "Network", "NetworkError", "compile_network", "LEVEL_NAMES",
           "CHANNELS", "Packages", "work_packages", "KIND_DUTY", "KIND_CAMPAIGN", "allocate", "policy_arrays",
           "Demand", "derive_demand", "hour_minutes", "site_costs", "site_costs_by_level", "SITE_COST_COLUMNS"]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
