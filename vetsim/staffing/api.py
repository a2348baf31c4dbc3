"""``optimize``: the cheapest staffing that meets the targets, from the estimate alone.

The plan confirmed by simulation (``confirm=True``) needs the simulation model, so it lives one
layer up, in ``vetsim.plans`` (``vetsim.optimize_staffing``): a model package imports no other.
"""

from __future__ import annotations

from ..scenario import Scenario
from .plan import Plan, build_plan
from .solver import optimal_staff

__all__ = ["optimize"]


def optimize(scenario: Scenario, budget_yuan: float | None = None, headcount: int | None = None,
             may_cut_funded: bool | None = None) -> Plan:
    """Staffing plan for ``scenario``: least yearly cost meeting the targets, or best KPIs within a limit.

    ``budget_yuan``: total yearly site cost (staff + overhead, as ``vetsim.work.site_costs``);
    ``headcount``: total posts. Same inputs give the same plan. ``may_cut_funded``: allow fewer
    funded posts than today (None: the scenario's ``staffing.may_cut_funded_posts``, default no);
    ``plan.assumptions()`` says which was assumed. To confirm the plan by simulation use
    ``vetsim.plans.optimize(..., confirm=True)``.
    """
    return build_plan(scenario, optimal_staff(scenario, budget_yuan, headcount, may_cut_funded=may_cut_funded))
