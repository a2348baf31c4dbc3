"""Cell values of real ledgers: dates in every form a county writes them, masks for messages.

Why: the same date reaches the import as ``2025-03-05``, ``2025/3/5``, ``2025年3月5日``,
``2025.3.5``, ``20250305``, an Excel serial number (``45721``, as a number or as text), a cell Excel
already typed as a date, or with full-width digits (``２０２５年３月５日``); all must give the same
day, and anything else (``2025-02-30``, ``明天``) must be named, not guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .mapping import norm

__all__ = ["parse_date", "is_blank", "mask", "EXCEL_EPOCH", "to_excel_serial"]

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes serials count from here)
_YMD = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:T?\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d+)?)?秒?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")
_MAX_SERIAL = 2_958_465  # 9999-12-31


def is_blank(value: Any) -> bool:
    """An empty cell: None, or text of white space only (full-width spaces included)."""
    if value is None or value == "":
        return True
    return type(value) is str and not value.strip()  # str.strip() also removes full-width spaces (U+3000)


def _serial(days: float) -> dt.date | None:
    if not 1 <= days <= _MAX_SERIAL:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(days))


def to_excel_serial(day: dt.date) -> int:
    """The Excel serial number of ``day`` (inverse of what :func:`parse_date` reads)."""
    return (day - EXCEL_EPOCH).days


def parse_date(value: Any) -> dt.date | None:
    """The day written in ``value`` (any form listed in the module docstring), or None when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _serial(float(value))
    if not isinstance(value, str):
        return None
    s = norm(value)
    m = _YMD.fullmatch(s) or _COMPACT.fullmatch(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if _SERIAL.fullmatch(s):
        return _serial(float(s))
    return None


def mask(value: Any) -> str:
    """A cell value as messages may show it: its first character and a star per further character
    (at most 8), so that no name, ID number or phone number is ever printed."""
    s = str(value).strip()
    if not s:
        return ""
    return s[0] + "*" * min(len(s) - 1, 8)
