"""The bureau's own ledgers (台账): import them as clean, pseudonymised records; render synthetic ones.

Main calls: ``import_ledger(path, scenario, kind=None, mapping=None)`` -> :class:`ImportResult`
(records per kind, problems, summary), ``write_import(result, out_dir)``, and
``render_ledger(records, scenario, kind, seed, path)`` for messy synthetic test ledgers. The record
schema (columns, dtypes, ``validate_records``) lives in :mod:`vetsim.ledger.records`.

Layer: imports only ``scenario``, ``files``, ``errors`` and ``wording`` (and leaf modules); the
calibration and back-test read the records this package writes.
"""

from __future__ import annotations

from .._lazy import lazy_attributes
from .records import (
    CHANNELS,
    CHANNELS_BY_KIND,
    EVENT_COLUMNS,
    EVENT_KINDS,
    KINDS,
    REGISTER_COLUMNS,
    RecordSchemaError,
    columns,
    empty_records,
    validate_records,
)

_LAZY: dict[str, tuple[str, str]] = {
    "import_ledger": ("vetsim.ledger.importer", "import_ledger"),
    "write_import": ("vetsim.ledger.importer", "write_import"),
    "ImportResult": ("vetsim.ledger.importer", "ImportResult"),
    "LedgerImportError": ("vetsim.ledger.importer", "LedgerImportError"),
    "LedgerProblem": ("vetsim.ledger.rows", "LedgerProblem"),
    "load_mapping": ("vetsim.ledger.mapping", "load_mapping"),
    "MappingError": ("vetsim.ledger.mapping", "MappingError"),
    "render_ledger": ("vetsim.ledger.synthetic", "render_ledger"),
    "synthetic_records": ("vetsim.ledger.synthetic", "synthetic_records"),
    "RenderedLedger": ("vetsim.ledger.synthetic", "RenderedLedger"),
}

__all__ = ["KINDS", "EVENT_KINDS", "CHANNELS", "CHANNELS_BY_KIND", "EVENT_COLUMNS", "REGISTER_COLUMNS",
           "RecordSchemaError", "columns", "empty_records", "validate_records", *_LAZY]

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
