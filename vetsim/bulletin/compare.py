"""Two ledger periods compared (issue 26, item 2): what changed in each township between any two months or
quarters (not only the one before, as in the bulletin), and whether the ranking's method changed.

Ledger figures count every record of the period, so they carry no simulation noise: a figure *moved* when
its change is at least the precision the bulletin shows (:data:`vetsim.bulletin.build.STILL`: 0.1
percentage point, 0.1 score point, one place). When the two periods are scored by different rules (weights,
targets, yellow bands), the score, the rank and the flags changed method: they are flagged and never listed
as moved; the measures themselves (counted from the records the same way) are still compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..scenario import Scenario
from ..tables import table_lines
from ..wording import tr
from .build import STILL, _with_changes
from .figures import period_figures
from .period import Period
from .rules import MEASURES, Rule, read_rules
from .text import fmt_change

__all__ = ["PeriodComparison", "compare_periods", "period_lines", "PERIOD_COLUMNS"]

PERIOD_COLUMNS = ["site_id", "measure", "before", "after", "diff", "moved", "method_changed"]
_RULE_FIELDS = ("weight", "better", "target", "yellow_band")


@dataclass(frozen=True)
class PeriodComparison:
    """Per township and measure (``figures``, :data:`PERIOD_COLUMNS`) and the rules that differ (``method``)."""

    before: Period
    after: Period
    figures: pd.DataFrame
    method: pd.DataFrame

    @property
    def moved(self) -> pd.DataFrame:
        return self.figures[self.figures["moved"]].reset_index(drop=True)


def _rule_changes(a: tuple[Rule, ...], b: tuple[Rule, ...]) -> pd.DataFrame:
    ra, rb = {r.measure: r for r in a}, {r.measure: r for r in b}
    rows = [{"what": "rules", "item": f"{m}.{f}", "before": getattr(ra.get(m), f, None), "after": getattr(rb.get(m), f, None)}
            for m in dict.fromkeys([*ra, *rb]) for f in _RULE_FIELDS
            if getattr(ra.get(m), f, None) != getattr(rb.get(m), f, None)]
    return pd.DataFrame(rows, columns=["what", "item", "before", "after"])


def compare_periods(records: Mapping[str, pd.DataFrame], scenario: Scenario, before: Period, after: Period, *,
                    rules: tuple[Rule, ...] | None = None, rules_after: tuple[Rule, ...] | None = None) -> PeriodComparison:
    """The townships' measures, scores and ranks of ``after`` against ``before`` from the same records
    (``rules``: of both periods, default ``data/bulletin_score.csv``; ``rules_after``: when the later period
    was scored by other rules)."""
    ra = rules if rules is not None else read_rules(None, scenario.spec.targets)
    rb = rules_after if rules_after is not None else ra
    fa, fb = period_figures(records, scenario, before, ra), period_figures(records, scenario, after, rb)
    both = _with_changes(fb.townships, fa.townships)  # the bulletin's own change rule (rank: up is positive)
    method = _rule_changes(ra, rb)
    scored = ("score", "rank")
    rows = []
    for r in both.to_dict("records"):
        for m in (*MEASURES, *scored):
            changed_method = not method.empty and m in scored
            diff = r[f"d_{m}"]
            kind = m if m in scored else "share"
            moved = bool(pd.notna(diff) and abs(diff) >= STILL[kind]) and not changed_method
            rows.append({"site_id": r["site_id"], "measure": m, "before": r[f"prev_{m}"], "after": r[m], "diff": diff,
                         "moved": moved, "method_changed": changed_method})
    return PeriodComparison(before, after, pd.DataFrame(rows, columns=PERIOD_COLUMNS), method)


def period_lines(c: PeriodComparison, scenario: Scenario, rules: tuple[Rule, ...], lang: str = "zh") -> list[str]:
    """The printed comparison: per township, each figure that moved (↑ ↓ with its size, as in the bulletin)."""

    names = {r.measure: (r.label_zh if lang == "zh" else r.label_en) for r in rules}
    names.update(score=tr("bulletin.col.score", lang), rank=tr("bulletin.col.rank", lang))
    head = tr("compare.periods.title", lang, before=c.before.label(lang), after=c.after.label(lang))
    moved = c.moved
    if moved.empty:
        return [head, f"  {tr('compare.nothing_moved', lang)}"]
    rows = []
    for r in moved.itertuples(index=False):
        site = scenario.site(r.site_id)
        kind = r.measure if r.measure in ("score", "rank") else "share"
        rows.append([site.name_zh if lang == "zh" else site.name_en, names.get(r.measure, r.measure),
                     fmt_change(r.diff, kind, lang)])
    cols = [tr("bulletin.col.township", lang), tr("compare.col.what", lang), tr("compare.col.diff", lang)]
    return [head, *table_lines(cols, rows, max_width=40)]
