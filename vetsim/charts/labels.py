"""Chart and brief wording, Chinese first: axis titles with units, short level names, tiers, budget lines.

Labels that come with the data (case types, partners, site names, metric labels in
``Results.summary``) are taken from there; this module holds only the wording of the charts.
"""

from __future__ import annotations

import re
import textwrap

from ..fiscal.labels import LINE_LABELS, TIER_LABELS, flabel
from ..i18n import MONEY_DIVISOR, check_lang, money_unit  # re-exported: the money unit of charts
from ..scenario.levels import level_label

_NO_LINE_START = "，。、；：！？）》」』%"  # punctuation that must not begin a line (禁则)
# one token each: a short bracketed phrase ("（8月1日起）"), a CJK character, a run of other letters, spaces
_TOKENS = re.compile(r"[（(][^（）()]{1,12}[）)]|[\u2e80-\U0002ffff]|[^\u2e80-\U0002ffff\s]+|\s+")


def wrap_text(text: str, width_em: float, lang: str) -> list[str]:
    """Break ``text`` into lines at most ``width_em`` wide (CJK characters 1 em, others about 0.55 em).

    Chinese breaks between any two characters, but never inside a number, date, Latin word or a short
    bracketed phrase ("（8月1日起）" stays whole); English breaks between words only.
    """
    if lang == "en":
        return textwrap.wrap(text, width=max(int(width_em / 0.6), 4), break_long_words=False, break_on_hyphens=False)
    lines, cur, used = [], "", 0.0
    for tok in _TOKENS.findall(text):
        w = sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in tok)
        if used + w > width_em and cur.strip() and tok[0] not in _NO_LINE_START:
            lines.append(cur.rstrip())
            cur, used = "", 0.0
            if tok.isspace():
                continue
        cur += tok
        used += w
    return [*lines, cur.rstrip()] if cur.strip() else lines

__all__ = ["level_short", "tier_label", "line_label", "money_unit", "MONEY_DIVISOR", "wrap_text"]

def level_short(level: str, lang: str = "zh") -> str:
    """Short name of a level for axes and headlines (乡镇站, 县中心, ...), from the level registry;
    unknown levels pass through."""
    return level_label(level, check_lang(lang), short=True)


def tier_label(tier: str, lang: str = "zh") -> str:
    """Label of a level of government (the fiscal model's wording, as in its Excel workbook)."""
    return flabel(TIER_LABELS, tier, lang)


def line_label(line: str, lang: str = "zh") -> str:
    """Label of a budget line (the fiscal model's wording, as in its Excel workbook)."""
    return flabel(LINE_LABELS, line, lang)


