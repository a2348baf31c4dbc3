"""Chinese font discovery: the right font is found, per-glyph fallback works, and a missing font is a clear error."""

from __future__ import annotations

import io
import warnings
from types import SimpleNamespace

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from vetsim.charts import FontMissingError, find_cjk_font, font_family, house_style
from vetsim.charts.fonts import CJK_CANDIDATES
from vetsim.errors import VetsimError

DEJAVU = font_manager.findfont("DejaVu Sans", fallback_to_default=False)


def _draw(text: str, family: list[str]) -> list[str]:
    """Render ``text`` and return the glyph warnings matplotlib emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with matplotlib.rc_context({"font.family": family}):
            fig = Figure(figsize=(4, 1))
            fig.text(0.1, 0.4, text)
            fig.savefig(io.BytesIO(), format="png", dpi=40)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_finds_a_font_that_covers_chinese() -> None:
    font = find_cjk_font()
    assert font.family in CJK_CANDIDATES
    noto = [f for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"]
    if noto:  # the Makefile installs fonts-noto-cjk: its simplified-Chinese face is the first choice
        assert font.family == "Noto Sans CJK SC"


def test_without_a_cjk_font_matplotlib_warns_about_missing_glyphs() -> None:
    # the check the chart tests rely on can fail: DejaVu Sans alone has no Chinese glyphs
    assert _draw("乡镇站", ["DejaVu Sans"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_house_style_falls_back_glyph_by_glyph(lang: str) -> None:
    # Chinese from the CJK font, "✗" (absent from Noto Sans CJK) from DejaVu Sans: no warning at all
    assert _draw("乡镇站平均等待 42.0 分钟 ✓ ✗ ≤ 30 −5", font_family(lang)) == []


def test_font_family_order() -> None:
    cjk = find_cjk_font().family
    assert font_family("zh") == [cjk, "DejaVu Sans"]
    assert font_family("en") == ["DejaVu Sans", cjk]


def test_no_cjk_font_is_a_bilingual_error_naming_what_to_install() -> None:
    latin_only = [SimpleNamespace(name="DejaVu Sans", fname=DEJAVU, style="normal", weight=400, index=0),
                  SimpleNamespace(name="WenQuanYi Zen Hei", fname=DEJAVU, style="normal", weight=400, index=0)]
    with pytest.raises(FontMissingError) as err:
        find_cjk_font(latin_only, override="")  # a font named like a CJK font but without the glyphs
    assert isinstance(err.value, VetsimError)
    zh, en = err.value.user_message("zh"), err.value.user_message("en")
    assert "fonts-noto-cjk" in zh and "中文字体" in zh
    assert "fonts-noto-cjk" in en and "Chinese" in en
    with pytest.raises(FontMissingError):
        find_cjk_font([], override="")


def test_override_by_name_and_by_file(tmp_path) -> None:
    noto = find_cjk_font()
    assert find_cjk_font(override="Noto Sans CJK SC").family == "Noto Sans CJK SC"
    with pytest.raises(FontMissingError) as err:
        find_cjk_font(override="No Such Font 12345")
    assert "No Such Font 12345" in err.value.user_message("en")
    with pytest.raises(FontMissingError):
        find_cjk_font(override=DEJAVU)  # a real file, but without Chinese glyphs
    assert noto.path


def test_house_style_changes_no_global_state() -> None:
    before = dict(matplotlib.rcParams)
    with house_style("zh") as rc:
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert rc["font.family"][0] == find_cjk_font().family
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


# ---- a matplotlib font cache built before the Chinese fonts were installed (issue 11, item 13) ----------

_STALE_RUN = r"""
import io, json, warnings
from matplotlib import font_manager
stale = not any("CJK" in f.name for f in font_manager.fontManager.ttflist)
from matplotlib.figure import Figure
from vetsim.charts import find_cjk_font, house_style
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with house_style("zh"):
        fig = Figure(figsize=(4, 1))
        fig.text(0.05, 0.4, "乡镇站平均等待 42.0 分钟，最多跑一次比例 91%")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
print(json.dumps({"stale": stale, "family": find_cjk_font().family,
                  "glyph_warnings": [str(w.message) for w in caught if "Glyph" in str(w.message)]}))
"""


def _is_cjk_entry(entry: dict) -> bool:
    name = str(entry.get("name", "")).lower()
    return any(h in name for h in ("cjk", "han sans", "hei", "song", "wenquanyi", "fallback", "unicode", " sc"))


def test_a_font_cache_older_than_the_fonts_is_rescanned(tmp_path) -> None:
    """Guards issue 11 item 13: with matplotlib's font list cached before fonts-noto-cjk was installed,
    charts said "install fonts-noto-cjk" (installed) and drew empty boxes. The stale cache is built in a
    temporary MPLCONFIGDIR; a fresh process must still find Noto Sans CJK SC and draw without glyph warnings."""
    import json
    import os
    import subprocess
    import sys

    cache = tmp_path / f"fontlist-v{font_manager.FontManager.__version__}.json"
    font_manager.json_dump(font_manager.fontManager, cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["ttflist"] = [e for e in data["ttflist"] if not _is_cjk_entry(e)]
    cache.write_text(json.dumps(data), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VETSIM_CJK_FONT"}
    env["MPLCONFIGDIR"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _STALE_RUN], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["stale"], "the test cache was not stale: matplotlib ignored it"
    assert out["glyph_warnings"] == []
    assert out["family"] == "Noto Sans CJK SC"
    refreshed = json.loads(cache.read_text(encoding="utf-8"))
    assert any(e["name"] == "Noto Sans CJK SC" for e in refreshed["ttflist"]), "the refreshed list was not saved"


def _noto_collection() -> str:
    for f in font_manager.fontManager.ttflist:
        if f.name == "Noto Sans CJK SC" and f.fname.lower().endswith(".ttc"):
            return f.fname
    pytest.fail("Noto Sans CJK (fonts-noto-cjk, a .ttc) is not installed: run `make system`")


def test_override_with_a_font_collection_chooses_the_simplified_chinese_face() -> None:
    """Guards issue 11 item 13: VETSIM_CJK_FONT=NotoSansCJK-Regular.ttc chose its first face, the Japanese one."""
    assert find_cjk_font(override=_noto_collection()).family == "Noto Sans CJK SC"


def test_simplified_chinese_faces_rank_first() -> None:
    from vetsim.charts.fonts import _sc_rank

    names = ["Noto Sans CJK JP", "Noto Sans Mono CJK SC", "Some Hei", "Noto Sans CJK SC", "Source Han Sans TC"]
    assert sorted(names, key=_sc_rank) == ["Noto Sans CJK SC", "Noto Sans Mono CJK SC", "Some Hei",
                                           "Noto Sans CJK JP", "Source Han Sans TC"]
