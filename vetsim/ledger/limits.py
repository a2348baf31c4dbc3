"""Documented maxima of a ledger import: file size, unpacked size, sheets, rows, columns, cell length.

Why: a ledger comes from outside (a spreadsheet mailed by a station, possibly damaged or hostile:
a zip bomb renamed .xlsx, a sheet claiming a million rows, a cell of 50 MB). Each limit is checked
before the data it bounds is read, so an import ends in a readable message within bounded time and
memory, never in a MemoryError. Same form as :mod:`vetsim.scenario.limits` (``Limit`` values with
their description), kept here because they bound the ledger reader only; the README lists them.
The values are far above a county's ledgers (a busy county receives a few thousand visits a year)
and low enough for an office PC (100,000 rows import in seconds and a few hundred MB).
"""

from __future__ import annotations

from ..scenario.limits import Limit, LimitError, _fmt
from ..wording import tr

__all__ = ["LEDGER_LIMITS", "ledger_limit", "check_ledger_limit", "DATE_YEARS", "LimitError"]

LEDGER_LIMITS: dict[str, Limit] = {
    "file_bytes": Limit(100_000_000, tr("ledger.limit.file_bytes", "zh"), tr("ledger.limit.file_bytes", "en")),
    "unzipped_bytes": Limit(200_000_000, tr("ledger.limit.unzipped_bytes", "zh"),
                            tr("ledger.limit.unzipped_bytes", "en")),
    "sheets": Limit(100, tr("ledger.limit.sheets", "zh"), tr("ledger.limit.sheets", "en")),
    "rows": Limit(1_000_000, tr("ledger.limit.rows", "zh"), tr("ledger.limit.rows", "en")),
    "columns": Limit(200, tr("ledger.limit.columns", "zh"), tr("ledger.limit.columns", "en")),
    "shared_strings_bytes": Limit(50_000_000, tr("ledger.limit.shared_strings_bytes", "zh"),
                                  tr("ledger.limit.shared_strings_bytes", "en")),
    "shared_strings": Limit(1_000_000, tr("ledger.limit.shared_strings", "zh"), tr("ledger.limit.shared_strings", "en")),
    "cell_text_chars": Limit(50_000_000, tr("ledger.limit.cell_text_chars", "zh"), tr("ledger.limit.cell_text_chars", "en")),
    "cell_chars": Limit(2_000, tr("ledger.limit.cell_chars", "zh"), tr("ledger.limit.cell_chars", "en")),
    "mapping_bytes": Limit(256_000, tr("ledger.limit.mapping_bytes", "zh"), tr("ledger.limit.mapping_bytes", "en")),
}

# dates outside these years are impossible in a ledger of the bureau (founded 2018; IDs of people alive)
DATE_YEARS = (1990, 2100)


def ledger_limit(name: str) -> int:
    """The maximum called ``name`` (a key of ``LEDGER_LIMITS``)."""
    return int(LEDGER_LIMITS[name].value)


def check_ledger_limit(name: str, value: float, file: str) -> None:
    """Raise :class:`LimitError` naming ``file`` when ``value`` is above the limit ``name``."""
    lim = LEDGER_LIMITS[name]
    if value > lim.value:
        raise LimitError(tr("ledger.limit", "zh", file=file, what=lim.what_zh, value=_fmt(value), max=_fmt(lim.value)),
                         tr("ledger.limit", "en", file=file, what=lim.what_en, value=_fmt(value), max=_fmt(lim.value)))
