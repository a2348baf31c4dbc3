"""Money shown to people, and the languages: ``money_unit(lang)``, ``MONEY_DIVISOR``, ``check_lang``.

Text itself comes from the wording catalogue (:mod:`vetsim.wording`: ``tr(key, lang)``, ``both(key)``),
level labels from the level registry (``scenario.levels.label(id, lang)``).
"""

from __future__ import annotations

from .wording import LANGS, check_lang, tr

__all__ = ["LANGS", "check_lang", "MONEY_DIVISOR", "money_unit"]

# money shown to people: 万元 in Chinese, million yuan in English (files keep yuan to the cent)
MONEY_DIVISOR: dict[str, float] = {"zh": 1e4, "en": 1e6}


def money_unit(lang: str = "zh", per_year: bool = False) -> str:
    """The money unit of charts, the brief and the CLI: 万元 / million yuan (optionally per year)."""
    return tr("money.unit_per_year" if per_year else "money.unit", lang)
