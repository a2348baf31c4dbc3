"""The record columns the fit reads, taken from the one schema in :mod:`vetsim.ledger.records`.

The import (``vetsim.ledger``) owns the schema of clean, pseudonymised ledger records; the fit names
its parts the way it uses them: *matters* are the rows of the visit, petition and case ledgers
(``EVENT_KINDS`` there), the register lists people per village.
"""

from __future__ import annotations

from ..ledger.records import EVENT_COLUMNS, EVENT_KINDS, KINDS, SEXES
from ..ledger.records import REGISTER_COLUMNS as _REGISTER_DTYPES

__all__ = ["KINDS", "MATTER_KINDS", "MATTER_COLUMNS", "REGISTER_COLUMNS", "SEXES"]

MATTER_KINDS: tuple[str, ...] = EVENT_KINDS
MATTER_COLUMNS: tuple[str, ...] = tuple(EVENT_COLUMNS)
REGISTER_COLUMNS: tuple[str, ...] = tuple(_REGISTER_DTYPES)
