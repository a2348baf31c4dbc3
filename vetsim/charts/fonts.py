"""Chinese fonts for charts: find one on the machine, or say clearly what to install.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so every chart would show empty
boxes. We look for a CJK font among the fonts matplotlib knows, check that it really covers the
characters our labels use, and configure matplotlib (>= 3.6) with a *list* of families: it then
falls back glyph by glyph, so Latin symbols missing from the CJK font (e.g. "✗") come from
DejaVu Sans, and Chinese characters from the CJK font.

Override with the environment variable ``VETSIM_CJK_FONT``: a font family name or a font file path;
from a font collection (``.ttc``, e.g. Noto Sans CJK with its JP/KR/SC/TC/HK faces) the
Simplified Chinese face is chosen.

Matplotlib lists the machine's fonts once and caches the list (``fontlist-*.json`` in its cache
folder). If that cache was built before the Chinese fonts were installed, matplotlib never sees
them; so when no Chinese font is in the list we rescan the system fonts once, add what is new and
save the refreshed cache, instead of telling the user to install fonts that are installed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import VetsimError
from ..wording import tr

__all__ = [
    "CJK_CANDIDATES",
    "COVERAGE_SAMPLE",
    "FontMissingError",
    "CjkFont",
    "find_cjk_font",
    "cjk_font",
    "font_family",
    "rescan_system_fonts",
]

# Preferred Chinese (simplified) sans-serif families, best first: Linux, Windows, macOS.
CJK_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
# Words that may turn up in family names of other Chinese-capable fonts (second pass).
_HINTS: tuple[str, ...] = ("cjk", "han sans", "hei", "song", "kai", "ming", "wenquanyi", "yahei", "fang")
# Characters our labels use; a font must have all of them to be chosen.
COVERAGE_SAMPLE = "县退役军人服务中心乡镇村站等待分钟最多跑一次比例积案经费万元预算年"
_LATIN_FALLBACK = "DejaVu Sans"  # ships with matplotlib, so always present


class FontMissingError(VetsimError, RuntimeError):
    """No font with Chinese glyphs is available: charts cannot be drawn legibly."""

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(self.user_message("zh"), self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        text = tr("charts.error.no_cjk_font", lang)
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class CjkFont:
    """The chosen Chinese font: its family name (as matplotlib knows it) and file."""

    family: str
    path: str


def _covers(path: str, index: int, sample: str) -> bool:
    """True if the font face at ``path`` (face ``index`` of a collection) has every glyph of ``sample``."""
    from matplotlib.ft2font import FT2Font  # lazy: matplotlib loads only when a chart is drawn

    try:
        face = FT2Font(path, face_index=index) if index else FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(face.get_char_index(ord(ch)) for ch in sample)


def _register(path: str) -> None:
    """Make a font file known to matplotlib (every face of a collection), once."""
    from matplotlib import font_manager  # lazy: matplotlib loads only when a chart is drawn

    real = os.path.realpath(path)
    if not any(os.path.realpath(f.fname) == real for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


_SC_WORDS = frozenset({"sc", "cn", "gb", "hans"})  # Simplified Chinese faces: "Noto Sans CJK SC"
_OTHER_WORDS = frozenset({"jp", "kr", "tc", "hk", "hant"})  # the same glyph shapes for other regions


def _sc_rank(name: str) -> tuple[int, bool]:
    """Sort key of a family name: Simplified Chinese first, other regions' faces last, monospace after."""
    words = set(re.split(r"[\s_-]+", name.lower()))
    region = 0 if words & _SC_WORDS else 2 if words & _OTHER_WORDS else 1
    return region, "mono" in words


def _face_of_file(path: str, sample: str) -> CjkFont | None:
    """The best face of a font file (Simplified Chinese first, for a ``.ttc``) covering ``sample``."""
    from matplotlib.ft2font import FT2Font  # lazy: matplotlib loads only when a chart is drawn

    try:
        first = FT2Font(path)
        faces = [(0, str(first.family_name))]
        for i in range(1, int(getattr(first, "num_faces", 1))):
            faces.append((i, str(FT2Font(path, face_index=i).family_name)))
    except (OSError, RuntimeError, ValueError):
        return None
    for index, name in sorted(faces, key=lambda f: _sc_rank(f[1])):
        if _covers(path, index, sample):
            return CjkFont(name, path)
    return None


_rescanned = False


def rescan_system_fonts() -> int:
    """Add the system fonts missing from matplotlib's font list, save the refreshed cache; once per process.

    Needed when matplotlib's cache predates the installation of the Chinese fonts. Returns the
    number of font files added (0 on later calls).
    """
    global _rescanned
    if _rescanned:
        return 0
    _rescanned = True
    import matplotlib  # lazy: matplotlib loads only when a chart is drawn
    from matplotlib import font_manager  # lazy: matplotlib loads only when a chart is drawn

    known = {os.path.realpath(f.fname) for f in font_manager.fontManager.ttflist}
    added = 0
    for path in font_manager.findSystemFonts(fontext="ttf"):
        if os.path.realpath(path) in known:
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
        added += 1
    if added:  # the next process reads the refreshed list instead of rescanning
        cache = Path(matplotlib.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")
        try:
            font_manager.json_dump(font_manager.fontManager, cache)
        except OSError:
            pass
    return added


def find_cjk_font(
    entries: Iterable[object] | None = None,
    *,
    override: str | None = None,
    sample: str = COVERAGE_SAMPLE,
) -> CjkFont:
    """Choose a Chinese font among matplotlib's font entries (``fontManager.ttflist`` by default).

    With an ``override`` (family name or file path, default ``$VETSIM_CJK_FONT``) only that font
    is accepted; otherwise :data:`CJK_CANDIDATES` in order, then any other family whose name hints
    at CJK (Simplified Chinese faces first). Only fonts covering every character of ``sample`` are
    accepted. If matplotlib's list has none (its cache predates the fonts), the system fonts are
    rescanned once (:func:`rescan_system_fonts`). Raises :class:`FontMissingError`.
    """
    from matplotlib import font_manager  # lazy: matplotlib loads only when a chart is drawn

    if override is None:
        override = os.environ.get("VETSIM_CJK_FONT") or None
    if override and Path(override).is_file():
        found = _face_of_file(override, sample)
        if found is None:
            raise FontMissingError(f"VETSIM_CJK_FONT={override}: lacks Chinese glyphs")
        _register(override)
        return found
    found = _choose(list(font_manager.fontManager.ttflist if entries is None else entries), override, sample)
    if found is None and entries is None and rescan_system_fonts():
        found = _choose(list(font_manager.fontManager.ttflist), override, sample)
    if found is not None:
        return found
    if override:
        raise FontMissingError(f"VETSIM_CJK_FONT={override}: not found or without Chinese glyphs")
    raise FontMissingError()


def _choose(fonts: list[object], override: str | None, sample: str) -> CjkFont | None:
    """The first acceptable font among ``fonts`` (see :func:`find_cjk_font`), or ``None``."""
    regular = [f for f in fonts if getattr(f, "style", "normal") == "normal"]
    by_name: dict[str, list[object]] = {}
    for f in sorted(regular, key=lambda f: abs(_weight(getattr(f, "weight", 400)) - 400)):
        by_name.setdefault(f.name, []).append(f)  # type: ignore[attr-defined]
    if override:  # asked for by name: that font or a clear error, never a silent substitute
        wanted = [override]
    else:
        wanted = list(CJK_CANDIDATES)
        hinted = [n for n in by_name if n not in wanted and any(h in n.lower() for h in _HINTS)]
        wanted += sorted(hinted, key=lambda n: (_sc_rank(n), n))
    for name in wanted:
        for f in by_name.get(name, []):
            if _covers(f.fname, getattr(f, "index", 0) or 0, sample):  # type: ignore[attr-defined]
                return CjkFont(name, f.fname)  # type: ignore[attr-defined]
    return None


def _weight(w: object) -> int:
    """Numeric font weight (matplotlib stores either a number or a name)."""
    if isinstance(w, int):
        return w
    names = {"light": 300, "normal": 400, "regular": 400, "medium": 500, "semibold": 600, "bold": 700}
    return names.get(str(w).lower(), 400)


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """The Chinese font for this process (looked up once)."""
    return find_cjk_font()


def font_family(lang: str = "zh") -> list[str]:
    """The ``font.family`` list for ``lang``: per-glyph fallback between the CJK font and DejaVu Sans.

    Chinese text puts the CJK font first (its Latin digits match its Chinese glyphs); English text
    puts DejaVu Sans first and keeps the CJK font as fallback for Chinese names. Both need a CJK
    font, because site and scenario names may be Chinese in either language.
    """
    cjk = cjk_font().family
    return [cjk, _LATIN_FALLBACK] if lang == "zh" else [_LATIN_FALLBACK, cjk]
