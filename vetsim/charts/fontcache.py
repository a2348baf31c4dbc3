"""PDF font subsets made once and kept: the CJK font is cut to the glyphs a page uses only the first time.

Why: matplotlib embeds each TrueType font of a PDF as a subset (``pdf.fonttype`` 42), and making the
subset of a Noto CJK collection (tens of MB) costs about 2 s of every warm ``vetsim report``, although
the same page uses the same glyphs again. Here the subset is kept in the cache folder (``fonts/`` under
:func:`vetsim.cache.cache_dir`: ``$VETSIM_CACHE`` or the user's cache root), keyed by the font file (path,
face, size, modification time), the glyph set and the versions of matplotlib and fontTools, and read back
the next time: the PDF is byte for byte the one a fresh subset gives.

:func:`install` wraps ``matplotlib.backends._backend_pdf_ps.get_glyphs_subset`` (matplotlib >= 3.10, whose
result is a ``SubsetResults``); with another matplotlib it changes nothing. A cache that cannot be read or
written costs only the time of the subset.
"""

from __future__ import annotations

import hashlib
import json
import os
from io import BytesIO
from pathlib import Path
from typing import Any

from ..cache import cache_dir
from ..files import atomic_write_bytes

__all__ = ["install", "subset_folder", "SUBSETS_MADE"]

SUBSETS_MADE: list[str] = []  # cache keys of the subsets made (not read back) in this process: tests, benchmarks
_ORIGINAL: dict[str, Any] = {}


def subset_folder() -> Path:
    """Where the subsets are kept: ``fonts/`` in the results cache folder."""

    return cache_dir() / "fonts"


def _key(fontfile: Any, glyphs: list[int]) -> str:
    import fontTools  # heavy: fontTools, loaded only when a PDF's fonts are subset
    import matplotlib  # only its version, read when a PDF's fonts are subset

    path = os.fspath(fontfile)
    st = os.stat(path)
    parts = [os.path.realpath(path), int(getattr(fontfile, "face_index", 0) or 0), st.st_size, st.st_mtime_ns,
             glyphs, matplotlib.__version__, fontTools.version]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


def _cached_subset(fontfile: Any, glyphs: Any) -> Any:
    """``get_glyphs_subset`` with the subset read from, or written to, the font cache."""
    from fontTools.ttLib import TTFont  # heavy: fontTools, loaded only when a PDF's fonts are subset
    from matplotlib.backends import (
        _backend_pdf_ps as pdfps,  # matplotlib's private module: absent in some versions, then nothing is cached
    )

    gids = sorted(int(g) for g in glyphs)
    try:
        key = _key(fontfile, gids)
    except (OSError, TypeError, ValueError):
        return _ORIGINAL["get_glyphs_subset"](fontfile, glyphs)
    folder = subset_folder()
    font_path, map_path = folder / f"{key}.ttf", folder / f"{key}.json"
    try:
        data = font_path.read_bytes()
        index = {int(k): int(v) for k, v in json.loads(map_path.read_text(encoding="utf-8")).items()}
        return pdfps.SubsetResults(TTFont(BytesIO(data)), index)._as_cm()
    except (OSError, ValueError, AttributeError):
        pass
    with _ORIGINAL["get_glyphs_subset"](fontfile, gids) as made:
        data = pdfps.font_as_file(made.font).getvalue()
        index = dict(made.glyph_index_map)
    SUBSETS_MADE.append(key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(map_path, json.dumps({str(k): int(v) for k, v in index.items()}).encode())
        atomic_write_bytes(font_path, data)  # last: a font without its map is not read
    except OSError:
        pass
    return pdfps.SubsetResults(TTFont(BytesIO(data)), index)._as_cm()


def install() -> bool:
    """Make matplotlib's PDF backend use the kept subsets (once per process); False where this
    matplotlib has no ``SubsetResults`` (nothing changed)."""
    try:
        from matplotlib.backends import (
            _backend_pdf_ps as pdfps,  # matplotlib's private module: absent in some versions, then nothing is cached
        )
    except ImportError:
        return False
    if not hasattr(pdfps, "SubsetResults") or not hasattr(pdfps, "get_glyphs_subset"):
        return False
    if "get_glyphs_subset" not in _ORIGINAL:
        _ORIGINAL["get_glyphs_subset"] = pdfps.get_glyphs_subset
        pdfps.get_glyphs_subset = _cached_subset
    return True
