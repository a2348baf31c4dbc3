"""The dashboard's KPI cards before the simulation: the instant estimate at once, then runs as they arrive.

Why: the first opening of a scenario pair simulated for tens of seconds before any card showed. The
staffing estimate (``vetsim.staffing.estimate``: Erlang formulas over the scenario's demand, well under
a second once the demand is derived) gives the township wait and workload pressure, and the site cost
is exact; they are shown at once, marked as an estimate, with the cards the formulas cannot give
marked as still being simulated. As batches of replications finish (``vetsim.replicate``) the cards
show the runs so far, marked as provisional; the last batch gives the dashboard's ordinary cards.

Card classes: ``estimate-kpi-KEY`` and ``partial-kpi-KEY``, never ``kpi-KEY`` (the simulated card that
tests and readers wait for), so nothing mistakes a provisional figure for the result.
"""

from __future__ import annotations

import html
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from ..brief.kpis import BRIEF_KPIS, kpi_table
from ..scenario import Scenario
from ..staffing import estimate
from ..wording import tr
from ..work import site_costs
from .common import kpi_card

__all__ = ["estimate_results", "estimate_cards_html", "partial_cards_html", "cards_html"]

# what the queueing formulas give, by brief KPI: (metric, level) of the simulation's summary
_FROM_ESTIMATE = (("wait_mean_min", "township"), ("workload_pressure", "township"))


def estimate_results(scenario: Scenario, lang: str = "zh") -> Any:
    """The instant estimate in the shape the brief's KPI table reads (a ``summary`` only): the visit-weighted
    mean wait and the staff-weighted workload of the township stations, from the Erlang formulas."""

    est = estimate(scenario, lang=lang)
    town = est[est["level"] == "township"]
    rows = []
    if not town.empty:
        visits, staff = town["visits"].to_numpy(float), town["staff"].to_numpy(float)
        wait = float(np.average(town["mean_wait_min"], weights=visits)) if visits.sum() > 0 else np.nan
        load = float(np.average(town["utilisation"], weights=staff)) if staff.sum() > 0 else np.nan
        if staff.sum() == 0 and visits.sum() > 0:  # no one at any station: unstaffed, as the simulated cards say
            wait = load = np.inf  # (Erlang A would cap the wait at the visitors' patience and hide it)
        for (metric, level), value in zip(_FROM_ESTIMATE, (wait, load), strict=True):
            rows.append({"metric": metric, "level": level, "case_type": "all", "mean": value,
                         "ci_low": np.nan, "ci_high": np.nan, "replications": 0, "runs": 0})
    return SimpleNamespace(summary=pd.DataFrame(rows, columns=["metric", "level", "case_type", "mean", "ci_low",
                                                               "ci_high", "replications", "runs"]),
                           meta={}, per_replication=None)


def _table(baseline: Scenario, base_res: Any, proposal: Scenario, prop_res: Any, keys: tuple[str, ...],
           lang: str) -> pd.DataFrame:

    specs = tuple(s for s in BRIEF_KPIS if s.key in keys)
    return kpi_table(base_res, baseline.spec.targets, lang=lang, proposal=prop_res,
                     baseline_cost=site_costs(baseline), proposal_cost=site_costs(proposal), specs=specs)


def cards_html(table: pd.DataFrame, keys: tuple[str, ...], lang: str, kind: str = "", judged: bool = True) -> str:
    """The KPI cards of ``table`` in the order of ``keys``; a key without a row is a card still being
    simulated. ``kind``: "" (simulated), "estimate" or "partial" (the card's class and its note)."""

    rows = {r["key"]: r for r in table.to_dict("records")}
    labels = {s.key: s.label(lang) for s in BRIEF_KPIS}
    prefix = f"{kind}-" if kind else ""
    cards = []
    for key in keys:
        r = rows.get(key)
        if r is None or r["proposal_text"] in ("", "—"):
            if kind:
                cards.append(kpi_card(labels.get(key, key), tr("ui.estimate.pending", lang), None, None,
                                      cls=f"{prefix}kpi-{key} vetsim-pending"))
            continue
        base = tr("ui.baseline_target", lang, baseline_text=r["baseline_text"], target_text=r["target_text"])
        ok = r["proposal_ok"] if judged else None
        cards.append(kpi_card(r["label"], r["proposal_text"], base, ok, cls=f"{prefix}kpi-{key}"))
    return f'<div class="vetsim-cards">{"".join(cards)}</div>'


def _note(key: str, lang: str, **fields: Any) -> str:
    return f"<p class='vetsim-estimate-note'><b>{html.escape(tr(key, lang, **fields))}</b></p>"


def estimate_cards_html(baseline: Scenario, proposal: Scenario, keys: tuple[str, ...], lang: str = "zh") -> str:
    """The cards from the instant estimate, at once: marked as an estimate, not judged against targets."""
    table = _table(baseline, estimate_results(baseline, lang), proposal, estimate_results(proposal, lang), keys, lang)
    return _note("ui.estimate.cards_note", lang) + cards_html(table, keys, lang, "estimate", judged=False)


def partial_cards_html(baseline: Scenario, base_res: Any, proposal: Scenario, prop_res: Any, keys: tuple[str, ...],
                       lang: str = "zh") -> str:
    """The cards from the runs so far, marked as provisional with their count."""
    table = _table(baseline, base_res, proposal, prop_res, keys, lang)
    runs = int(base_res.meta.get("replications") or 0)
    return _note("ui.estimate.partial_note", lang, runs=runs) + cards_html(table, keys, lang, "partial")
