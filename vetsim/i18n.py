"""Labels users see, Chinese first with English available: ``label(key, lang)``."""

from __future__ import annotations

__all__ = ["LANGS", "label", "check_lang", "LEVEL_LABELS", "MONEY_DIVISOR", "money_unit"]

LANGS = ("zh", "en")

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "county_center": ("县级服务中心", "County service center"),
    "township": ("乡镇（街道）服务站", "Township stations"),
    "village": ("村（社区）服务站", "Village stations"),
    "partner": ("合作部门", "Partner departments"),
}

_LABELS: dict[str, tuple[str, str]] = {
    **{f"level.{k}": v for k, v in LEVEL_LABELS.items()},
    "sites": ("站点数", "Sites"),
    "funded_staff": ("在编人员", "Funded staff"),
    "parttime_staff": ("兼职/编外人员", "Part-time staff"),
    "staff": ("人员合计", "Staff total"),
    "veterans": ("服务退役军人数", "Veterans served"),
    "yearly_volume": ("年新增业务量（件）", "New cases per year"),
    "case_type": ("业务类型", "Case type"),
    "level": ("层级", "Level"),
    "total": ("合计", "Total"),
    "scenario": ("情景", "Scenario"),
    "hash": ("情景指纹", "Scenario hash"),
    "base_year": ("基准年", "Base year"),
    "horizon": ("规划期（年）", "Horizon (years)"),
    "seed": ("随机种子", "Seed"),
    "valid": ("情景数据校验通过", "Scenario is valid"),
    "network": ("服务网络", "Service network"),
    "caseload": ("业务量", "Caseload"),
    "open_cases": ("期初在办案件", "Open cases at start"),
    "error.internal": ("程序内部错误，请将此信息反馈给维护人员", "Internal error; please report this to the maintainers"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


def label(key: str, lang: str = "zh") -> str:
    """The user-facing label for ``key`` in ``lang`` ('zh' or 'en')."""
    zh, en = _LABELS[key]
    return zh if check_lang(lang) == "zh" else en


# money shown to people: 万元 in Chinese, million yuan in English (files keep yuan to the cent)
MONEY_DIVISOR: dict[str, float] = {"zh": 1e4, "en": 1e6}


def money_unit(lang: str = "zh", per_year: bool = False) -> str:
    """The money unit of charts, the brief and the CLI: 万元 / million yuan (optionally per year)."""
    if check_lang(lang) == "zh":
        return "万元/年" if per_year else "万元"
    return "million yuan/year" if per_year else "million yuan"
