"""The regular bulletin (定期通报) from the bureau's imported ledger records: ``vetsim bulletin``.

One month or quarter per bulletin: per township and station the visits, matters resolved, one-trip
rate, share resolved at the level, overdue open matters and visits that found nobody; the townships'
ranking on a stated composite (weights are data: ``data/bulletin_score.csv``), red and yellow flags
against the targets, the change since the previous period, the key tasks' statuses and the notes kept
beside the records; written as PDF, Word (editable) and an Excel annex that traces every score.

``build_bulletin(records, scenario, period)`` computes it (``bulletin_from_records`` from records in
memory), ``write_bulletin(bulletin, folder, lang)`` writes the three files. At the layer of the brief:
it reads ledger records (``vetsim.ledgerfit``), the scenario and the key tasks (``vetsim.tasks``).
Names are imported on first use, so registering the command loads nothing heavy.
"""

from .._lazy import lazy_attributes

_EXPORTS: dict[str, tuple[str, str]] = {
    **{name: ("vetsim.bulletin.period", name) for name in ("Period", "parse_period", "PeriodError")},
    **{name: ("vetsim.bulletin.rules", name) for name in ("Rule", "MEASURES", "DEFAULT_RULES", "read_rules", "RulesError")},
    **{name: ("vetsim.bulletin.figures", name) for name in ("Figures", "period_figures", "station_counts")},
    **{name: ("vetsim.bulletin.notes", name) for name in ("Note", "read_notes", "NotesError")},
    **{name: ("vetsim.bulletin.build", name) for name in ("Bulletin", "build_bulletin", "bulletin_from_records",
                                                            "BulletinError", "arrow")},
    **{name: ("vetsim.bulletin.write", name) for name in ("write_bulletin", "file_names")},
    **{name: ("vetsim.bulletin.compare", name) for name in ("compare_periods", "PeriodComparison")},
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(globals(), _EXPORTS)
