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

from .calendar import CalendarEstimateWarning, WorkCalendar
from .costs import SITE_COST_COLUMNS, site_costs, site_costs_by_level
from .demand import Demand, derive_demand, hour_minutes
from .network import CHANNELS, LEVEL_NAMES, Network, NetworkError, compile_network
from .packages import KIND_CAMPAIGN, KIND_DUTY, Packages, work_packages
from .policy import allocate, policy_arrays

__all__ = ["WorkCalendar", "CalendarEstimateWarning", "Network", "NetworkError", "compile_network", "LEVEL_NAMES",
           "CHANNELS", "Packages", "work_packages", "KIND_DUTY", "KIND_CAMPAIGN", "allocate", "policy_arrays",
           "Demand", "derive_demand", "hour_minutes", "site_costs", "site_costs_by_level", "SITE_COST_COLUMNS"]
