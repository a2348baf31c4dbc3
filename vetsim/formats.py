"""The one set of number and date formatters users see (Babel), in Chinese and English.

Why one module: the CLI, the charts, the brief and the dashboard write the same kinds of numbers
(shares, money, counts, minutes, dates, months); written by four hand-made helpers they drifted (one
or two decimals, a space before % or not). Here each kind is written once, through Babel's locale
data (``zh_Hans_CN`` and ``en``: grouping separators, percent signs, month names), so a change of
style is one change. Money is shown in 万元 (Chinese) or million yuan (English):
:data:`vetsim.i18n.MONEY_DIVISOR`; files keep yuan to the cent.

Missing values (``None``, NaN) are written as an em dash (:data:`MISSING`) unless ``missing`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from .i18n import MONEY_DIVISOR, money_unit
from .wording import check_lang

__all__ = ["LOCALES", "MISSING", "number", "count", "share", "money", "money_value", "date", "month",
           "is_missing"]

LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
MISSING = "—"
_MONEY_DIGITS = {"zh": 1, "en": 2}  # 0.1 万元 = 1,000 yuan; 0.01 million yuan = 10,000 yuan


def is_missing(value: Any) -> bool:
    """``None`` or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pattern(digits: int, group: bool = True) -> str:
    return ("#,##0" if group else "0") + ("." + "0" * digits if digits > 0 else "")


def number(value: Any, lang: str = "zh", digits: int = 1, *, signed: bool = False, group: bool = True,
           missing: str = MISSING) -> str:
    """``value`` with ``digits`` decimals and grouping separators: ``1,234.5``; ``signed`` adds ``+`` to
    a positive value; ``group=False`` leaves out the separators (KPI cells of the brief)."""
    if is_missing(value):
        return missing
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = format_decimal(value, _pattern(digits, group), locale=LOCALES[check_lang(lang)])
    return ("+" if signed and value > 0 else "") + text


def count(value: Any, lang: str = "zh", *, signed: bool = False, missing: str = MISSING) -> str:
    """A whole count with separators: ``12,345``."""
    return number(value, lang, 0, signed=signed, missing=missing)


def share(value: Any, lang: str = "zh", digits: int = 1, *, signed: bool = False, missing: str = MISSING) -> str:
    """A share (0.123) as a percentage: ``12.3%``; ``signed`` adds ``+`` (a change in percent points
    is written with :func:`number` of ``value * 100``)."""
    if is_missing(value):
        return missing
    return number(value * 100, lang, digits, signed=signed) + "%"


def money_value(yuan: float, lang: str = "zh") -> float:
    """``yuan`` in the display unit of ``lang``: 万元 or million yuan."""
    return yuan / MONEY_DIVISOR[check_lang(lang)]


def money(yuan: Any, lang: str = "zh", *, digits: int | None = None, unit: bool = True, per_year: bool = False,
          missing: str = MISSING) -> str:
    """Money given in yuan, shown in 万元 (1 decimal) or million yuan (2 decimals), with the unit:
    ``105.1 万元`` / ``1.05 million yuan``; ``unit=False`` leaves the unit to a header."""
    if is_missing(yuan):
        return missing
    text = number(money_value(yuan, lang), lang, _MONEY_DIGITS[lang] if digits is None else digits)
    return f"{text} {money_unit(lang, per_year)}" if unit else text


def date(day: dt.date | None, lang: str = "zh", style: str = "iso", missing: str = MISSING) -> str:
    """A date: ``iso`` (2027-09-30, tables and files) or ``long`` (2027年9月30日 / September 30, 2027)."""
    if day is None:
        return missing
    if style == "iso":
        return day.isoformat()
    return format_date(day, "long", locale=LOCALES[check_lang(lang)])


def month(day: dt.date, lang: str = "zh", with_year: bool = False, sep: str = " ") -> str:
    """A month as an axis tick: ``9月`` / ``Sep``; ``with_year``: ``2027年{sep}1月`` / ``Jan{sep}2027``
    (the year first in Chinese, last in English: the locales' own order)."""
    loc = LOCALES[check_lang(lang)]
    name = format_date(day, "MMM", locale=loc)
    if not with_year:
        return name
    year = format_skeleton("y", day, locale=loc)  # 2027年 / 2027
    return sep.join((year, name) if lang == "zh" else (name, year))
