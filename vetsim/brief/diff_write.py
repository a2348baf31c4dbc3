"""Write a :class:`~vetsim.brief.diff.Comparison` as a file: CSV (UTF-8 with a BOM, one table with a section
column), Excel (three sheets), HTML, or the brief's page as PDF/PNG; every text cell formula-safe
(:func:`vetsim.files.excel_safe_frame`), written atomically through :mod:`vetsim.files`."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

from ..files import atomic_write_bytes, check_output_target, excel_safe_frame
from .diff import Comparison
from .diff_page import comparison_page_bytes
from .diff_text import OUT_FORMATS, CompareFormatError, comparison_html, csv_frame, sheets

__all__ = ["write_comparison"]


def write_comparison(c: Comparison, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """Write the comparison as ``.csv`` (UTF-8 with BOM, one table with a section column), ``.xlsx`` (three
    sheets), ``.html``, or the brief's page as ``.pdf`` / ``.png``; text cells formula-safe."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise CompareFormatError.of("compare.bad_format", path=str(path), allowed=", ".join(OUT_FORMATS))
    target = check_output_target(out, "file")
    if suffix == ".csv":
        data = excel_safe_frame(csv_frame(c, lang)).to_csv(index=False).encode("utf-8-sig")
    elif suffix == ".html":
        data = comparison_html(c, lang).encode("utf-8")
    elif suffix in (".pdf", ".png"):
        data = comparison_page_bytes(c, suffix.lstrip("."), lang)
    else:
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            for name, df in sheets(c, lang):
                excel_safe_frame(df).to_excel(xw, sheet_name=name[:31], index=False)
        data = buf.getvalue()
    return atomic_write_bytes(target, data)
