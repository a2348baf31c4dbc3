"""PDF font subsets are made once and kept (vetsim.charts.fontcache): a second brief makes none, and its
PDF is the very PDF a fresh subset gives, every character of the page drawn by an embedded font."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from vetsim.charts import fontcache

TEXT = "等待时间 乡镇站 最多跑一次 Waiting 30 分钟 ≥ 95%"


def _pdf(text: str) -> bytes:
    from vetsim.charts.frame import figure_bytes
    from vetsim.charts.style import house_style, new_figure

    with house_style("zh"):
        fig = new_figure((6, 2))
        fig.text(0.05, 0.5, text, fontsize=18)
        return figure_bytes(fig, "pdf", lang="zh")


def _fonts(pdf: bytes) -> list[bytes]:
    """The embedded font programs of a PDF (FontFile2 streams), in order."""
    import re

    return re.findall(rb"/FontFile2 (\d+ 0) R", pdf)


def test_the_second_pdf_subsets_nothing_and_is_the_same_pdf(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))
    assert fontcache.install()
    fontcache.SUBSETS_MADE.clear()
    first = _pdf(TEXT)
    made = list(fontcache.SUBSETS_MADE)
    assert made, "the first PDF made its subset"
    assert sorted(p.name for p in (tmp_path / "cache" / "fonts").iterdir()) == sorted(
        f"{k}.{ext}" for k in made for ext in ("json", "ttf"))
    fontcache.SUBSETS_MADE.clear()
    second = _pdf(TEXT)
    assert fontcache.SUBSETS_MADE == []  # read back, not made again
    assert _fonts(second) == _fonts(first)  # the same subsets embedded
    other = _pdf(TEXT + " 信访")  # another glyph set is another subset
    assert len(fontcache.SUBSETS_MADE) >= 1 and other != first


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None, reason="poppler-utils")
def test_a_pdf_from_the_kept_subset_has_every_glyph(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))
    fontcache.install()
    _pdf(TEXT)
    fontcache.SUBSETS_MADE.clear()
    path = tmp_path / "kept.pdf"
    path.write_bytes(_pdf(TEXT))
    assert fontcache.SUBSETS_MADE == []
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts  # every font embedded
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "".join(TEXT.split()) in "".join(text.split())  # each character maps back: no glyph missing
    from fontTools.ttLib import TTFont

    for kept in (tmp_path / "cache" / "fonts").glob("*.ttf"):
        cmap = TTFont(kept).getBestCmap() or {}
        assert cmap, kept
    cjk = {ch for ch in TEXT if ord(ch) > 0x2E80}
    cmaps = [set((TTFont(k).getBestCmap() or {}).keys()) for k in (tmp_path / "cache" / "fonts").glob("*.ttf")]
    assert any({ord(c) for c in cjk} <= c for c in cmaps)
