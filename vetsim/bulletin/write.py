"""Write a bulletin's files (PDF, Word, Excel annex, the map's numbers ``map.csv``) into one output folder, as a whole.

The folder is written through :func:`vetsim.files.atomic_folder` (a manifest, never into a scenario or
data folder or an input); the command line checks the place before any work
(:func:`vetsim.files.check_write_location` with the records, the notes and the scenario as inputs).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..files import atomic_folder, atomic_write, atomic_write_bytes
from .build import Bulletin
from .excel import write_xlsx
from .pdf import write_pdf
from .townmap import MAP_FILE, map_csv
from .word import write_docx

__all__ = ["write_bulletin", "file_names"]


def file_names(b: Bulletin) -> dict[str, str]:
    """The files of a bulletin by format: ``bulletin_2027-04.pdf`` / ``.docx``, ``bulletin_2027-04_annex.xlsx``
    and the numbers behind its township map, ``map.csv``."""
    stem = f"bulletin_{b.period.code()}"
    return {"pdf": f"{stem}.pdf", "docx": f"{stem}.docx", "xlsx": f"{stem}_annex.xlsx", "map": MAP_FILE}


def write_bulletin(b: Bulletin, folder: str | os.PathLike[str], lang: str = "zh", *, force: bool | str = False) -> Path:
    """Write the PDF, the Word document, the Excel annex and the map's numbers of ``b`` in ``lang`` into ``folder``."""
    names = file_names(b)
    meta = {"period": b.period.code(), "lang": lang, "scenario_hash": b.scenario.hash()[:12]}  # no folder names: staff name them
    with atomic_folder(folder, "bulletin", force=force, meta=meta) as tmp:
        atomic_write(tmp / names["pdf"], lambda fh: write_pdf(b, fh, lang))
        atomic_write(tmp / names["docx"], lambda fh: write_docx(b, fh, lang))
        atomic_write(tmp / names["xlsx"], lambda fh: write_xlsx(b, fh, lang))
        atomic_write_bytes(tmp / names["map"], map_csv(b, lang))
    return Path(folder)
