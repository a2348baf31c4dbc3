"""Synthetic scenarios built in code: theory checks (M/M/c, Jackson networks) and the stress benchmark.

They carry no fiscal section (the simulation does not read it) and are checked with the same
cross-file checks as loaded scenarios. Numbers here are test inputs, not planning defaults.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from typing import Any

from ..errors import ScenarioError
from ..scenario import BacklogRow, CaseloadRow, Scenario, SiteRow
from ..scenario.checks import cross_check
from ..scenario.rows import MONTHS
from ..scenario.spec import CaseType, Costs, Names, Partner, ScenarioSpec, Simulation, Targets
from ..wording import both

__all__ = ["synthetic_scenario", "star_network", "flat_seasonality"]

_SYNTHETIC_LABELS = dict(zip(("label_zh", "label_en"), both("sim.synthetic_label"), strict=True))


def _q(value: float, unit: str = "n/a") -> dict[str, Any]:
    return {"value": value, "unit": unit, **_SYNTHETIC_LABELS, "source": "synthetic test input"}


def flat_seasonality(year: int) -> dict[str, float]:
    """Monthly shares proportional to month length: a constant daily rate through ``year``."""
    lengths = [_calendar.monthrange(year, m)[1] for m in range(1, 13)]
    total = sum(lengths)
    return {name: n / total for name, n in zip(MONTHS, lengths)}


def synthetic_scenario(sites: list[dict[str, Any]], caseload: list[dict[str, Any]], *,
                       case_types: dict[str, dict[str, Any]] | None = None,
                       backlog: list[dict[str, Any]] | None = None, simulation: dict[str, Any] | None = None,
                       partners: dict[str, dict[str, Any]] | None = None, seed: int = 1,
                       wait_target: float = 30.0, name: str = "synthetic") -> Scenario:
    """A validated ``Scenario`` from plain rows. Missing row fields get neutral defaults
    (flat seasonality, Mon-Fri 08:30-17:30, no online share, no missing documents, ...)."""
    sim = {"start_date": dt.date(2027, 1, 1), "days": 365, "replications": 5, "service_time_cv": _q(1.0),
           "patience_minutes": _q(60, "minute"), "return_delay_days": _q(1, "working day"),
           "hour_profile": {h: 1.0 for h in range(24)}, **(simulation or {})}
    year = sim["start_date"].year
    site_rows = tuple(SiteRow.model_validate({
        "name_zh": s["site_id"], "name_en": s["site_id"], "parent_id": None, "parttime_staff": 0,
        "open_days": "Mon-Fri", "open_hours": "08:30-17:30", "online_share": 0.0, "veterans": 1, **s})
        for s in sites)
    load_rows = tuple(CaseloadRow.model_validate({
        "counter_minutes": 10.0, "backoffice_hours": 0.0, "resolved_here_share": 1.0, "referral_delay_days": 0,
        "deadline_working_days": 10, "source": "synthetic", **flat_seasonality(year), **r}) for r in caseload)
    cts = case_types or {r.case_type: {} for r in load_rows}
    ct_models = {k: CaseType.model_validate({"label_zh": k, "label_en": k, "hotline_share": 0.0,
                                             "missing_document_rate": 0.0, "source": "synthetic", **v})
                 for k, v in cts.items()}
    partner_models = {k: Partner.model_validate({"label_zh": k, "label_en": k, "processing_days": 0,
                                                 "source": "synthetic", **v}) for k, v in (partners or {}).items()}
    lv = {"county_center": _q(0), "township": _q(0), "village": _q(0)}
    spec = ScenarioSpec.model_construct(
        name=Names(zh=name, en=name), description=None, base_year=year, horizon_years=1, seed=seed,
        targets=Targets.model_validate({
            "wait_minutes": _q(wait_target, "minute"), "service_level": _q(0.8), "max_utilisation": _q(0.85),
            "one_trip_rate": _q(0.9), "on_time_share": _q(0.95),
            "petition_backlog_zero_by": {"date": dt.date(year, 6, 30), **_SYNTHETIC_LABELS,
                                         "source": "synthetic"}}),
        partners=partner_models, case_types=ct_models, simulation=Simulation.model_validate(sim),
        costs=Costs.model_validate({"funded_post": lv, "parttime_post": lv, "site_overhead": lv}), fiscal=None)
    back = tuple(BacklogRow.model_validate({"source": "synthetic", **b}) for b in (backlog or []))
    problems = cross_check(spec, site_rows, load_rows, back,
                           lambda table, i, col: (table, *both("scenario.row_n", n=i + 1)))
    if problems:
        raise ScenarioError(problems)
    return Scenario(spec, site_rows, load_rows, back)


def star_network(n_townships: int, villages_per_township: int, *, staff: tuple[int, int, int] = (1, 1, 4),
                 volume_per_village: float = 500.0, counter_minutes: tuple[float, float, float] = (10.0, 12.0, 15.0),
                 resolved: tuple[float, float] = (0.7, 0.8), simulation: dict[str, Any] | None = None,
                 seed: int = 1) -> Scenario:
    """villages -> townships -> 1 county center; walk-in only, exponential times, no abandonment,
    no calendar: the stress network of the benchmark (a Jackson network)."""
    sites: list[dict[str, Any]] = [{"site_id": "C", "level": "county_center", "funded_staff": staff[2]}]
    for t in range(n_townships):
        tid = f"T{t:03d}"
        sites.append({"site_id": tid, "level": "township", "parent_id": "C", "funded_staff": staff[1]})
        sites += [{"site_id": f"{tid}V{v:03d}", "level": "village", "parent_id": tid, "funded_staff": staff[0]}
                  for v in range(villages_per_township)]
    n_vil = n_townships * villages_per_township
    caseload = [
        {"case_type": "c", "level": "village", "yearly_volume": volume_per_village * n_vil,
         "counter_minutes": counter_minutes[0], "resolved_here_share": resolved[0]},
        {"case_type": "c", "level": "township", "yearly_volume": 0, "counter_minutes": counter_minutes[1],
         "resolved_here_share": resolved[1]},
        {"case_type": "c", "level": "county_center", "yearly_volume": 0, "counter_minutes": counter_minutes[2]},
    ]
    sim = {"calendar": "continuous", "service_time_distribution": "exponential", "abandonment": False,
           **(simulation or {})}
    return synthetic_scenario(sites, caseload, simulation=sim, seed=seed, name="stress")
