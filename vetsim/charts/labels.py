"""Chart and brief wording, Chinese first: axis titles with units, short level names, tiers, budget lines.

Labels that come with the data (case types, partners, site names, metric labels in
``Results.summary``) are taken from there; this module holds only the wording of the charts.
"""

from __future__ import annotations

from ..i18n import MONEY_DIVISOR, check_lang, money_unit  # re-exported: the money unit of charts
from ..fiscal.labels import LINE_LABELS, TIER_LABELS
from ..scenario.levels import level_label

__all__ = ["t", "level_short", "tier_label", "line_label", "money_unit", "MONEY_DIVISOR"]

_T: dict[str, tuple[str, str]] = {
    # series
    "baseline": ("基线", "Baseline"),
    "proposal": ("方案", "Proposal"),
    "target": ("目标", "Target"),
    "deadline": ("办结时限", "Deadline"),
    "ci95": ("95% 置信区间", "95% confidence interval"),
    "p10_p90": ("P10–P90 区间", "P10–P90 range"),
    "total": ("合计", "Total"),
    "month": ("月份", "Month"),
    "date": ("日期", "Date"),
    "year": ("年度", "Year"),
    # axes (always with units)
    "wait_mean_min": ("平均等待时间（分钟）", "Mean wait (minutes)"),
    "wait_p90_min": ("90% 分位等待时间（分钟）", "90th-percentile wait (minutes)"),
    "one_trip_rate": ("最多跑一次比例（%）", "One-trip rate (%)"),
    "utilisation": ("人员利用率（%）", "Staff utilisation (%)"),
    "open_cases": ("在办案件（件）", "Open cases (cases)"),
    "petition_backlog": ("信访积案（件）", "Petition backlog (cases)"),
    "working_days": ("办结用时（工作日）", "Time to resolution (working days)"),
    "staff": ("人员（人）", "Staff (people)"),
    "funded_staff": ("在编人员", "Funded staff"),
    "parttime_staff": ("兼职/编外人员", "Part-time staff"),
    "site_cost": ("年度站点经费", "Yearly site cost"),
    # chart titles
    "title.waits": ("各层级平均等待时间", "Mean counter wait by level"),
    "title.one_trip": ("最多跑一次比例", "One-trip rate by level"),
    "title.utilisation": ("人员利用率（按站点、月份）", "Staff utilisation by site and month"),
    "title.petition_backlog": ("信访积案化解进度", "Petition backlog burn-down"),
    "title.open_cases": ("全县在办案件", "Open cases, whole county"),
    "title.resolution": ("办结用时与时限", "Time to resolution against the deadline"),
    "title.staff": ("各层级人员", "Staff by level"),
    "title.cost": ("各层级年度经费", "Yearly cost by level"),
    "title.budget_tier": ("各级财政负担（按年度）", "Budget by year and level of government"),
    "title.budget_line": ("各项经费（按年度）", "Budget by year and line"),
    "zero_by": ("清零目标", "Target: cleared by"),
    "overloaded": ("超过上限", "over the limit"),
    "villages_mean": ("村（社区）站平均", "Village stations (mean)"),
    "on_time": ("按时办结", "on time"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if check_lang(lang) == "zh" else pair[1]


def t(key: str, lang: str = "zh") -> str:
    """Chart wording for ``key``."""
    return _pick(_T[key], lang)


def level_short(level: str, lang: str = "zh") -> str:
    """Short name of a level for axes and headlines (乡镇站, 县中心, ...), from the level registry;
    unknown levels pass through."""
    return level_label(level, check_lang(lang), short=True)


def tier_label(tier: str, lang: str = "zh") -> str:
    """Label of a level of government (the fiscal model's wording, as in its Excel workbook)."""
    return _pick(TIER_LABELS[tier], lang) if tier in TIER_LABELS else tier


def line_label(line: str, lang: str = "zh") -> str:
    """Label of a budget line (the fiscal model's wording, as in its Excel workbook)."""
    return _pick(LINE_LABELS[line], lang) if line in LINE_LABELS else line


