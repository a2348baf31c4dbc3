"""``optimize``: the cheapest staffing that meets the targets, optionally confirmed by simulation.

Why here and not in ``vetsim.staffing``: the confirmation runs the caseload simulation, and a model
package (staffing) does not import another (sim); ``vetsim.plans`` sits one layer above both.
"""

from __future__ import annotations

from typing import Any

from ..scenario import Scenario
from ..staffing.api import optimize as optimize_estimate
from ..staffing.plan import Plan
from .simcheck import optimize_confirmed

__all__ = ["optimize"]


def optimize(scenario: Scenario, budget_yuan: float | None = None, headcount: int | None = None,
             confirm: bool = False, replications: int | None = None, seed: int | None = None,
             workers: int = 1, max_rounds: int = 4, executor: Any = None,
             may_cut_funded: bool | None = None) -> Plan:
    """Staffing plan for ``scenario``: least yearly cost meeting the targets, or best KPIs within a limit.

    ``budget_yuan``: total yearly site cost (staff + overhead, as ``vetsim.work.site_costs``);
    ``headcount``: total posts. With ``confirm=True`` the plan is simulated and sites that miss a
    target at 95% confidence get another post, up to ``max_rounds`` simulations; the per-site
    confirmation table is in ``plan.meta["confirmation"]``. Same inputs give the same plan.
    ``may_cut_funded``: allow fewer funded posts than today (None: the scenario's
    ``staffing.may_cut_funded_posts``, default no); ``plan.assumptions()`` says which was assumed.
    """
    if not confirm:
        return optimize_estimate(scenario, budget_yuan, headcount, may_cut_funded=may_cut_funded)
    plan, conf = optimize_confirmed(scenario, budget_yuan, headcount, replications, seed, workers, max_rounds, executor,
                                    may_cut_funded)
    plan.meta["confirmation"] = conf.table
    return plan
