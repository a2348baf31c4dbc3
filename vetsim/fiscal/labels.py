"""Chinese and English labels of the fiscal model (lines, tiers, columns, sheet names)."""

from __future__ import annotations

__all__ = ["LINE_LABELS", "TIER_LABELS", "COLUMN_LABELS", "SHEET_LABELS", "STATUS_LABELS", "REGION_LABELS",
           "SECTION_LABELS", "flabel"]

LINE_LABELS: dict[str, tuple[str, str]] = {
    "si_continuation": ("社会保险接续补缴", "Social-insurance continuation"),
    "pension": ("抚恤补助", "Pensions and subsidies"),
    "hardship": ("特殊困难帮扶", "Hardship assistance"),
    "temporary_relief": ("临时救助", "Temporary relief"),
    "site_costs": ("站点运行经费", "Site running costs"),
    "total": ("合计", "Total"),
}
TIER_LABELS: dict[str, tuple[str, str]] = {
    "central": ("中央财政", "Central"),
    "province": ("省级财政", "Province"),
    "city": ("市级财政", "City"),
    "county": ("县级财政", "County"),
    "individual": ("个人缴费", "Individual"),
    "government": ("政府合计", "Government total"),
    "total": ("政府合计", "Government total"),
}
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年度", "Year"),
    "line": ("项目", "Line"),
    "level": ("层级", "Level"),
    "tier": ("承担主体", "Tier"),
    "value": ("金额（元）", "Amount (yuan)"),
    "p10": ("P10（元）", "P10 (yuan)"),
    "p50": ("P50（元）", "P50 (yuan)"),
    "p90": ("P90（元）", "P90 (yuan)"),
    "section": ("类别", "Section"),
    "key": ("参数", "Parameter"),
    "label": ("名称", "Label"),
    "unit": ("单位", "Unit"),
    "source": ("来源", "Source"),
    "is_assumption": ("是否为假设", "Assumption?"),
    "person_id": ("人员编号", "Person id"),
    "placement": ("安置方式", "Placement"),
    "status": ("核实状态", "Status"),
    "interrupted_from": ("中断起始月", "Interrupted from"),
    "interrupted_to": ("中断截止月", "Interrupted to"),
    "months": ("中断月数", "Months"),
    "registered_year": ("登记年度", "Registered"),
    "region_tier": ("地区类别", "Region tier"),
    "weight": ("计入比例", "Weight"),
    "government_yuan": ("政府承担（元）", "Government (yuan)"),
    "individual_yuan": ("个人缴纳（元）", "Individual (yuan)"),
    "item": ("项目", "Item"),
    "sites": ("站点数", "Sites"),
    "funded_staff": ("在编人员", "Funded staff"),
    "parttime_staff": ("兼职/编外人员", "Part-time staff"),
    "staff_cost_yuan": ("人员经费（元/年）", "Staff cost (yuan/year)"),
    "overhead_yuan": ("运行经费（元/年）", "Overhead (yuan/year)"),
    "total_yuan": ("合计（元/年）", "Total (yuan/year)"),
    "text": ("取值/内容", "Value"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "eligible": ("已核实符合条件", "Verified eligible"),
    "ineligible": ("不符合条件", "Ineligible"),
    "pending": ("待核实", "Pending verification"),
}
REGION_LABELS: dict[str, tuple[str, str]] = {
    "east": ("东部", "East"), "central": ("中部", "Central"), "west": ("西部", "West"),
}
SECTION_LABELS: dict[str, tuple[str, str]] = {
    "parameters": ("政策参数（按日期）", "Dated parameters"),
    "si_continuation": ("社保接续", "SI continuation"),
    "si_continuation.cohort": ("社保接续：未排查人员", "SI continuation: unscreened cohort"),
    "pensions": ("抚恤补助", "Pensions"),
    "aid.hardship": ("特殊困难帮扶", "Hardship assistance"),
    "aid.temporary_relief": ("临时救助", "Temporary relief"),
    "site_costs": ("站点运行经费", "Site running costs"),
    "costs": ("站点单位成本", "Site unit costs"),
    "tier_shares": ("各级财政分担比例", "Tier shares"),
    "pension_groups": ("优抚对象群体", "Entitled groups"),
}
SHEET_LABELS: dict[str, tuple[str, str]] = {
    "by_tier": ("按年度和层级", "By year and tier"),
    "by_line": ("按年度和项目", "By year and line"),
    "range": ("政府合计区间", "Government total range"),
    "detail": ("明细", "Detail"),
    "sites": ("站点经费（基准年）", "Site costs (base year)"),
    "people": ("社保接续人员", "SI applicants"),
    "assumptions": ("假设与来源", "Assumptions"),
    "notes": ("说明", "Notes"),
}


def flabel(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en
