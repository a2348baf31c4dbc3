"""Chinese and English labels of the fiscal model (lines, tiers, columns, sheet names)."""

from __future__ import annotations

from ..wording import LANGS, both, check_lang

__all__ = ["LINE_LABELS", "TIER_LABELS", "COLUMN_LABELS", "SHEET_LABELS", "STATUS_LABELS", "REGION_LABELS",
           "SECTION_LABELS", "flabel"]

LINE_LABELS: dict[str, tuple[str, str]] = {
    "si_continuation": both("fiscal.line_labels.si_continuation"),
    "pension": both("fiscal.line_labels.pension"),
    "hardship": both("fiscal.line_labels.hardship"),
    "temporary_relief": both("fiscal.line_labels.temporary_relief"),
    "site_costs": both("fiscal.line_labels.site_costs"),
    "total": both("total"),
}
TIER_LABELS: dict[str, tuple[str, str]] = {
    "central": both("fiscal.tier_labels.central"),
    "province": both("fiscal.tier_labels.province"),
    "city": both("fiscal.tier_labels.city"),
    "county": both("fiscal.tier_labels.county"),
    "individual": both("fiscal.tier_labels.individual"),
    "government": both("fiscal.tier_labels.government"),
    "total": both("fiscal.tier_labels.government"),
}
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "year": both("charts.t.year"),
    "line": both("fiscal.column_labels.line"),
    "level": both("level"),
    "tier": both("fiscal.column_labels.tier"),
    "value": both("fiscal.column_labels.value"),
    "p10": both("fiscal.column_labels.p10"),
    "p50": both("fiscal.column_labels.p50"),
    "p90": both("fiscal.column_labels.p90"),
    "section": both("fiscal.column_labels.section"),
    "key": both("fiscal.column_labels.key"),
    "label": both("fiscal.column_labels.label"),
    "unit": both("fiscal.column_labels.unit"),
    "source": both("fiscal.column_labels.source"),
    "is_assumption": both("fiscal.column_labels.is_assumption"),
    "person_id": both("fiscal.column_labels.person_id"),
    "placement": both("fiscal.column_labels.placement"),
    "status": both("fiscal.column_labels.status"),
    "interrupted_from": both("fiscal.column_labels.interrupted_from"),
    "interrupted_to": both("fiscal.column_labels.interrupted_to"),
    "months": both("fiscal.column_labels.months"),
    "registered_year": both("fiscal.column_labels.registered_year"),
    "region_tier": both("fiscal.column_labels.region_tier"),
    "weight": both("fiscal.column_labels.weight"),
    "government_yuan": both("fiscal.column_labels.government_yuan"),
    "individual_yuan": both("fiscal.column_labels.individual_yuan"),
    "item": both("fiscal.column_labels.item"),
    "sites": both("sites"),
    "funded_staff": both("funded_staff"),
    "parttime_staff": both("parttime_staff"),
    "staff_cost_yuan": both("fiscal.column_labels.staff_cost_yuan"),
    "overhead_yuan": both("fiscal.column_labels.overhead_yuan"),
    "total_yuan": both("fiscal.column_labels.total_yuan"),
    "text": both("fiscal.column_labels.text"),
    "step": both("explain.col.step"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "eligible": both("fiscal.status_labels.eligible"),
    "ineligible": both("fiscal.status_labels.ineligible"),
    "pending": both("fiscal.status_labels.pending"),
}
REGION_LABELS: dict[str, tuple[str, str]] = {
    "east": both("fiscal.region_labels.east"), "central": both("fiscal.region_labels.central"), "west": both("fiscal.region_labels.west"),
}
SECTION_LABELS: dict[str, tuple[str, str]] = {
    "parameters": both("fiscal.section_labels.parameters"),
    "si_continuation": both("fiscal.section_labels.si_continuation"),
    "si_continuation.cohort": both("fiscal.section_labels.si_continuation_cohort"),
    "pensions": both("fiscal.section_labels.pensions"),
    "aid.hardship": both("fiscal.line_labels.hardship"),
    "aid.temporary_relief": both("fiscal.line_labels.temporary_relief"),
    "site_costs": both("fiscal.line_labels.site_costs"),
    "costs": both("fiscal.section_labels.costs"),
    "tier_shares": both("fiscal.section_labels.tier_shares"),
    "pension_groups": both("fiscal.section_labels.pension_groups"),
}
SHEET_LABELS: dict[str, tuple[str, str]] = {
    "by_tier": both("fiscal.sheet_labels.by_tier"),
    "trace": both("explain.sheet"),
    "by_line": both("fiscal.sheet_labels.by_line"),
    "range": both("fiscal.government_total_range"),
    "detail": both("fiscal.sheet_labels.detail"),
    "sites": both("fiscal.sheet_labels.sites"),
    "people": both("fiscal.sheet_labels.people"),
    "assumptions": both("fiscal.sheet_labels.assumptions"),
    "notes": both("fiscal.sheet_labels.notes"),
}


def flabel(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """The label of the fiscal model's id ``key`` (a line, tier, column, ...) from ``table``; an id the
    table does not know is shown as it is."""
    return table[key][LANGS.index(check_lang(lang))] if key in table else key
