"""The staffing plan: per-site post changes with cost and KPIs before and after, savable as a scenario overlay.

Why an overlay: a plan must be simulated, compared and shared like any other scenario, so it is
saved as a folder with ``scenario.yaml`` (``base:`` the original folder) and a ``sites.csv``
patch holding only the changed staff columns; ``vetsim.load_scenario`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__, formats
from ..files import excel_safe_frame
from ..scenario import Scenario
from ..scenario.overlay import Overlay, OverlayWriteError
from ..wording import both, has, tr
from ..work.costs import site_costs
from ..work.demand import derive_demand
from .kpis import evaluate_arrays
from .solver import BINDING_TEXT, Allocation, StaffTargets, staff_targets
from .wisn import wisn_estimate

__all__ = ["Plan", "build_plan", "PlanSaveError", "plan_csv"]


class PlanSaveError(OverlayWriteError):
    """The plan cannot be written where asked."""


@dataclass(frozen=True)
class Plan:
    """A staffing plan on top of ``base``.

    ``table``: one row per site -- site_id, level, funded/parttime before and after, change,
    cost before/after (yuan/year, from :func:`vetsim.work.site_costs`), service level, mean wait
    and utilisation before/after (analytic estimate), meets_targets before/after, required_posts
    (WISN, after), wisn_ratio before/after (posts in post / required), binding (which constraint sets
    the requirement: counter / workload / floor / ceiling / none, see ``BINDING_TEXT``).
    ``totals``: cost and headcount before/after. ``meta``: mode, limits, seed, hashes, version, rounds,
    ``may_cut_funded`` (the policy assumed on approved posts; :meth:`assumptions` says it in words).
    """

    base: Scenario
    changes: dict[str, dict[str, int]]
    table: pd.DataFrame
    totals: dict[str, float]
    targets: StaffTargets
    meta: dict[str, Any] = field(default_factory=dict)

    def scenario(self) -> Scenario:
        """The base scenario with the plan's staff counts (validated)."""
        return self.base.with_site_changes(self.changes) if self.changes else self.base

    def changed(self) -> pd.DataFrame:
        """Only the sites whose staff changes."""
        return self.table[self.table["change"] != 0].reset_index(drop=True)

    def assumptions(self, lang: str = "zh") -> list[str]:
        """What the plan assumed, in words: the policy on approved (funded) posts."""
        return [tr("staffing.assume_may_cut" if self.meta.get("may_cut_funded") else "staffing.assume_funded_policy", lang)]

    def binding_counts(self, lang: str = "zh") -> pd.DataFrame:
        """Sites per level and binding constraint (rows: level names in ``lang``; columns: constraint names)."""
        col = 0 if lang == "zh" else 1
        t = pd.crosstab(self.table["level"], self.table["binding"])
        t = t.rename(index=lambda lv: self.base.levels.label(lv, lang),
                     columns=lambda b: BINDING_TEXT.get(b, (b, b))[col])
        t.index.name, t.columns.name = None, None
        return t

    def summary(self, lang: str = "zh") -> str:
        """A few lines for the CLI and the notebook."""
        t = self.totals
        n_ok = int(self.table["meets_after"].sum())
        n = len(self.table)
        mode = str(self.meta.get("mode", ""))
        return tr("staffing.summary", lang, mode=tr(f"staffing.mode.{mode}", lang) if has(f"staffing.mode.{mode}") else mode,
                  **{k: formats.number(t[k], lang, 0, group=False) for k in ("funded_before", "funded_after",
                                                                              "parttime_before", "parttime_after")},
                  cost_before=formats.count(t["cost_before"], lang), cost_after=formats.count(t["cost_after"], lang),
                  n_ok=n_ok, n=n, changed=len(self.changed()))

    def save(self, folder: str | Path, lang: str = "zh", force: bool = False) -> Path:
        """Write the plan as an overlay folder (scenario.yaml + sites.csv patch + plan.csv) as a whole.

        Written by the one overlay writer, :meth:`Overlay.write`: loaded back and checked (same scenario as
        :meth:`scenario`) before it is moved into place; a scenario folder (the base or any other) is never
        overwritten, a non-empty folder vetsim did not write only with ``force``.
        """
        name = self.base.spec.name
        patch = tuple({"site_id": sid, "funded_staff": self.changes[sid]["funded_staff"],
                       "parttime_staff": self.changes[sid]["parttime_staff"]} for sid in sorted(self.changes))
        header = ("# " + " / ".join(both("staffing.plan_file_header")) + "\n"
                  f"# vetsim {__version__}; base scenario hash {self.base.hash()[:12]}\n")
        change = Overlay(patches={"sites.csv": patch} if patch else {})
        return change.write(folder, self.base, kind="plan", force=force, header=header, error=PlanSaveError,
                            words={"no_base_folder": "staffing.error.base_without_folder",
                                   "target_is_base": "staffing.error.save_into_base"},
                            name={"zh": tr("staffing.plan_name", "zh", name=name.zh), "en": tr("staffing.plan_name", "en", name=name.en)},
                            description={"zh": " ".join([self.summary("zh"), *self.assumptions("zh")]),
                                         "en": " ".join([self.summary("en"), *self.assumptions("en")])},
                            attachments={"plan.csv": plan_csv(self.table)})


# plan.csv columns rounded for people: yuan to the cent, shares and utilisation to 4 decimals, minutes to 2
_CSV_DECIMALS = {"cost_before_yuan": 2, "cost_after_yuan": 2, "service_level_before": 4, "service_level_after": 4,
                 "utilisation_before": 4, "utilisation_after": 4, "mean_wait_before_min": 2, "mean_wait_after_min": 2}


def plan_csv(table: pd.DataFrame) -> str:
    """``plan.csv`` text: rounded (no ``1.17e-09``), never in scientific notation, formula-safe text."""
    df = excel_safe_frame(table.round(_CSV_DECIMALS))
    return df.to_csv(index=False, lineterminator="\n", float_format=_short)


def _short(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".") if "." in f"{x:.4f}" else f"{x:.4f}"
    return "0" if text == "-0" else text




def build_plan(base: Scenario, alloc: Allocation, meta: dict[str, Any] | None = None) -> Plan:
    """Table, totals and overlay changes of ``alloc`` against ``base`` (costs from vetsim.work.site_costs)."""
    d = derive_demand(base)
    targets = staff_targets(base)
    before_f = np.array([base.site(s).funded_staff for s in alloc.site_ids])
    before_p = np.array([base.site(s).parttime_staff for s in alloc.site_ids])
    changes = {s: {"funded_staff": int(f), "parttime_staff": int(p)}
               for s, f, p, bf, bp in zip(alloc.site_ids, alloc.funded, alloc.parttime, before_f, before_p)
               if f != bf or p != bp}
    after_sc = base.with_site_changes(changes) if changes else base
    # both columns from the one model of work: shared cover (the visiting worker at a covered village,
    # the cover hours at the worker site), presence, duties and campaigns
    cov = d.covered.astype(np.int64)
    staff_b, staff_a = before_f + before_p + cov, alloc.funded + alloc.parttime + cov
    kb = evaluate_arrays(d, staff_b, targets.wait_minutes)
    ka = evaluate_arrays(d, staff_a, targets.wait_minutes)
    wb = wisn_estimate(d, staff_b, targets.max_utilisation)
    wa = wisn_estimate(d, staff_a, targets.max_utilisation)
    cb = site_costs(base).set_index("site_id").loc[list(alloc.site_ids)]
    ca = site_costs(after_sc).set_index("site_id").loc[list(alloc.site_ids)]

    def meets(k: Any) -> np.ndarray:
        return (k.service_level >= targets.service_level - 1e-12) & (k.utilisation <= targets.max_utilisation + 1e-12)

    table = pd.DataFrame({
        "site_id": list(alloc.site_ids), "level": list(d.levels),
        "funded_before": before_f, "funded_after": alloc.funded,
        "parttime_before": before_p, "parttime_after": alloc.parttime,
        "change": (alloc.funded + alloc.parttime) - (before_f + before_p),
        "cost_before_yuan": cb["total_yuan"].to_numpy(), "cost_after_yuan": ca["total_yuan"].to_numpy(),
        "service_level_before": kb.service_level, "service_level_after": ka.service_level,
        "mean_wait_before_min": kb.mean_wait, "mean_wait_after_min": ka.mean_wait,
        "utilisation_before": kb.utilisation, "utilisation_after": ka.utilisation,
        "meets_before": meets(kb), "meets_after": meets(ka),
        "required_posts": wa["required_posts"].to_numpy(),
        "wisn_ratio_before": wb["wisn_ratio"].to_numpy(), "wisn_ratio_after": wa["wisn_ratio"].to_numpy(),
        "binding": list(alloc.binding) if alloc.binding else ["none"] * len(alloc.site_ids),
    })
    totals = {
        "funded_before": float(before_f.sum()), "funded_after": float(alloc.funded.sum()),
        "parttime_before": float(before_p.sum()), "parttime_after": float(alloc.parttime.sum()),
        "cost_before": float(cb["total_yuan"].sum()), "cost_after": float(ca["total_yuan"].sum()),
        "staff_cost_before": float(cb["staff_cost_yuan"].sum()), "staff_cost_after": float(ca["staff_cost_yuan"].sum()),
    }
    info = {"mode": alloc.mode, "scenario_hash": base.hash(), "vetsim_version": __version__,
            "may_cut_funded": alloc.may_cut_funded, **(meta or {})}
    return Plan(base, changes, table, totals, targets, info)
