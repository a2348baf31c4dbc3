"""Missing glyphs in a real browser page: each character of an element's text drawn in the element's own font
(canvas, same font fallback as the page) and compared with the drawing of a code point no font has.

A character whose drawing equals that "tofu" (or is empty while the character is not blank) is missing.
``missing_glyphs`` first proves on the same page that the method detects a missing glyph, so the check
can fail.
"""

from __future__ import annotations

__all__ = ["missing_glyphs", "NO_GLYPH"]

NO_GLYPH = "\U0010fffd"  # a private-use code point of plane 16: no installed font draws it

_JS = """([selector, probe]) => {
  const el = document.querySelector(selector);
  if (!el) return {error: 'no element ' + selector};
  const style = getComputedStyle(el);
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    g.clearRect(0, 0, 48, 48);
    g.font = `32px ${style.fontFamily}`;
    g.fillStyle = '#000';
    g.fillText(ch, 4, 36);
    return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join(',');
  };
  const blank = draw(' ');
  const tofu = draw(probe);
  const chars = Array.from(new Set(Array.from(el.innerText).filter(ch => ch.trim() !== '')));
  const missing = chars.filter(ch => { const d = draw(ch); return d === tofu || d === blank; });
  return {font: style.fontFamily, chars: chars.length, missing, probe_missing: draw(probe) === tofu && tofu !== blank};
}"""


def missing_glyphs(page, selector: str) -> list[str]:
    """Characters of ``selector``'s text that the browser cannot draw (empty list: every glyph is there)."""
    out = page.evaluate(_JS, [selector, NO_GLYPH])
    assert "error" not in out, out.get("error")
    assert out["chars"] > 10, f"too little text under {selector}: {out}"
    # the check can fail: the probe draws as tofu, and a text holding it would be reported
    probe = page.evaluate(_JS.replace("el.innerText", "probe + 'A'"), [selector, NO_GLYPH])
    assert probe["missing"] == [NO_GLYPH], f"the glyph check cannot see a missing glyph: {probe}"
    return out["missing"]
