"""Labels users see, Chinese first with English available: ``label(key, lang)``."""

from __future__ import annotations

from .wording import LANGS, check_lang, tr

__all__ = ["LANGS", "label", "check_lang", "LEVEL_LABELS", "MONEY_DIVISOR", "money_unit"]

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "county_center": ("县级服务中心", "County service center"),
    "township": ("乡镇（街道）服务站", "Township stations"),
    "village": ("村（社区）服务站", "Village stations"),
    "partner": ("合作部门", "Partner departments"),
}


def label(key: str, lang: str = "zh") -> str:
    """The user-facing label for ``key`` in ``lang`` (read from the wording catalogue, :mod:`vetsim.wording`)."""
    return tr(key, lang)


# money shown to people: 万元 in Chinese, million yuan in English (files keep yuan to the cent)
MONEY_DIVISOR: dict[str, float] = {"zh": 1e4, "en": 1e6}


def money_unit(lang: str = "zh", per_year: bool = False) -> str:
    """The money unit of charts, the brief and the CLI: 万元 / million yuan (optionally per year)."""
    if check_lang(lang) == "zh":
        return "万元/年" if per_year else "万元"
    return "million yuan/year" if per_year else "million yuan"
