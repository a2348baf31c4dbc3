"""The period of a bulletin: a month (``2027-04``) or a quarter (``2027Q2``), and the one before it.

Why one home: the command line, the notes file and the tests name periods the same way, and the
previous period (the change ↑ ↓ →) follows from the period alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import VetsimError
from ..wording import tr

__all__ = ["Period", "parse_period", "PeriodError"]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]([1-4])\s*$")


class PeriodError(VetsimError, ValueError):
    """A period that is neither a month (2027-04) nor a quarter (2027Q2)."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``months == 1``) or quarter (``months == 3``) starting in ``year``/``month``."""

    year: int
    month: int
    months: int = 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        y, m = divmod(self.month - 1 + self.months, 12)
        return dt.date(self.year + y, m + 1, 1) - dt.timedelta(days=1)

    @property
    def kind(self) -> str:
        return "quarter" if self.months == 3 else "month"

    def previous(self) -> Period:
        y, m = divmod(self.month - 1 - self.months, 12)
        return Period(self.year + y, m + 1, self.months)

    def code(self) -> str:
        """``2027-04`` or ``2027Q2`` (the notation the command line and the notes file use)."""
        return f"{self.year}Q{(self.month - 1) // 3 + 1}" if self.months == 3 else f"{self.year}-{self.month:02d}"

    def label(self, lang: str = "zh") -> str:
        """``2027年4月`` / ``April 2027``, ``2027年第2季度`` / ``Q2 2027``."""
        if self.months == 3:
            return tr("bulletin.period.quarter", lang, year=self.year, q=(self.month - 1) // 3 + 1)
        from babel.dates import format_date  # lazy: the parser's start-up stays light

        return tr("bulletin.period.month", lang, year=self.year, month=self.month,
                  name=format_date(self.start, "MMMM", locale="en"))


def parse_period(text: str) -> Period:
    """``2027-04`` -> April 2027, ``2027Q2`` -> the second quarter; anything else: :class:`PeriodError`."""
    m = _MONTH.match(str(text))
    if m and 1 <= int(m.group(2)) <= 12:
        return Period(int(m.group(1)), int(m.group(2)), 1)
    q = _QUARTER.match(str(text))
    if q:
        return Period(int(q.group(1)), 3 * int(q.group(2)) - 2, 3)
    raise PeriodError.of("bulletin.err.period", text=str(text)[:40])
