"""Work policies side by side (``vetsim policies SCENARIO``): each named policy on the same random numbers.

Why: which KPI turns red must be the county's verdict, not the allocation rule's. Every policy of the
scenario's ``work_policies:`` is run with the scenario's seed (common random numbers: the same
arrivals, absences and service times), and the duties on time, campaigns on time, must-do work on
time, casework on time and overtime are printed per policy with their 95% intervals.
"""

from __future__ import annotations

import pandas as pd

from .. import formats
from ..scenario.levels import level_label
from ..wording import in_lang, tr
from .runner import simulate

__all__ = ["compare_policies", "format_policies", "POLICY_ROWS"]

# (metric, level, case type or None for every must-do item): the rows of the comparison
POLICY_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("duty_coverage", "all", "all"),
    ("duty_coverage", "township", "all"),
    ("duty_coverage", "*", None),
    ("campaign_on_time", "all", "all"),
    ("on_time_share", "all", "all"),
    ("finish_rate", "all", "all"),
    ("overtime_h_per_post_month", "*", "all"),
    ("overtime_weeks_over_cap", "*", "all"),
)


def _must_items(scenario) -> list[tuple[str, str]]:
    """(level, item) of every must-do duty or campaign."""
    rows = [*scenario.table("duties.csv"), *scenario.table("campaigns.csv")]
    return [(r.level, getattr(r, "duty", None) or r.campaign) for r in rows if r.must]


def compare_policies(scenario, replications: int | None = None, seed: int | None = None,
                     workers: int = 1) -> pd.DataFrame:
    """Summary rows (policy, metric, level, case_type, mean, ci_low, ci_high, unit) of every named policy.

    Every policy runs with the same seed (common random numbers). A scenario without named policies
    compares its one policy with itself (one column).
    """
    from ..scenario.loader import apply_overlay  # lazy: loader pulls the whole scenario package

    names = list(scenario.spec.work_policies) or [scenario.spec.work_policy.name or "work_policy"]
    must = _must_items(scenario)
    parts = []
    for name in names:
        sc = apply_overlay(scenario, {"work_policy": name}) if scenario.spec.work_policies else scenario
        s = simulate(sc, replications=replications, seed=seed, workers=workers, tables=False).summary
        keep = pd.Series(False, index=s.index)
        for metric, level, ct in POLICY_ROWS:
            m = s["metric"] == metric
            m &= (s["level"] != "all") if level == "*" else (s["level"] == level)
            if ct is None:
                m &= pd.Series(list(zip(s["level"], s["case_type"])), index=s.index).isin(must)
            else:
                m &= s["case_type"] == ct
            keep |= m
        part = s[keep][["metric", "level", "case_type", "mean", "ci_low", "ci_high", "unit", "label_zh", "label_en"]].copy()
        part.insert(0, "policy", name)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _value(r, lang: str) -> str:
    f = (lambda v: formats.share(v, lang)) if r.unit == "share" else (lambda v: formats.number(v, lang, 1))
    if pd.isna(r.mean):
        return formats.MISSING
    ci = "" if pd.isna(r.ci_low) else f" ({f(r.ci_low)}–{f(r.ci_high)})"
    return f(r.mean) + ci


def format_policies(table: pd.DataFrame, scenario, lang: str = "zh") -> str:
    """The comparison as text: one line per KPI, each policy's mean (95% CI) side by side."""
    pols = list(dict.fromkeys(table["policy"]))
    named = scenario.spec.work_policies
    heads = [in_lang(named[p], "label", lang) or p if p in named else p for p in pols]
    lines = [tr("sim.policies.head", lang, seed=scenario.spec.seed), "  | ".join(["", *heads])]
    labels = {}
    for r in [*scenario.table("duties.csv"), *scenario.table("campaigns.csv")]:
        labels.setdefault(getattr(r, "duty", None) or r.campaign, r.label(lang))
    for (_metric, level, ct), g in table.groupby(["metric", "level", "case_type"], sort=False):
        first = g.iloc[0]
        name = in_lang(first, "label", lang)
        where = level_label(str(level), lang) + ("" if ct == "all" else " · " + labels.get(ct, ct))
        by = {r.policy: _value(r, lang) for r in g.itertuples()}
        lines.append(f"{name} · {where}: " + "  | ".join(by.get(p, formats.MISSING) for p in pols))
    return "\n".join(lines)
