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
