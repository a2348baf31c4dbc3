"""Helpers for the UI tests: a scratch data folder, walking a widget tree, checking what users see."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
TRACE = ("Traceback", 'File "', "line ", "Error:", "Exception")

BROKEN_OVERLAY = """base: ../sample_county
name: {zh: 错误方案, en: Broken proposal}
site_updates:
  - where: {level: township}
    set: {funded_staff: -1}
"""


def make_data_dir(root: Path) -> Path:
    """A data folder with copies of the bundled scenarios and one invalid overlay (``broken_overlay``)."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("sample_county", "proposal_more_staff"):
        shutil.copytree(ROOT / "data" / name, data / name)
    (data / "broken_overlay").mkdir()
    (data / "broken_overlay" / "scenario.yaml").write_text(BROKEN_OVERLAY, encoding="utf-8")
    return data


def walk(w: widgets.Widget) -> Iterator[widgets.Widget]:
    """Every widget in the tree under ``w``."""
    yield w
    for child in getattr(w, "children", ()) or ():
        yield from walk(child)


def visible_text(w: widgets.Widget) -> str:
    """All text a user could see in the app: HTML/labels, descriptions, and any Output widget content."""
    parts: list[str] = []
    for x in walk(w):
        for attr in ("value", "description", "placeholder"):
            v = getattr(x, attr, None)
            if isinstance(v, str):
                parts.append(v)
        if isinstance(x, widgets.Output):
            parts.extend(str(o) for o in x.outputs)
    return "\n".join(parts)


def assert_no_traceback(app) -> None:
    text = visible_text(app.widget)
    for marker in ("Traceback", 'File "/', "site-packages"):
        assert marker not in text, f"traceback text {marker!r} visible in the app"


def assert_chinese_error(app) -> None:
    """The app shows an error message, in Chinese, and no traceback."""
    assert app.error, "expected an error message in the app"
    assert CJK.search(app.error), f"error message is not Chinese: {app.error!r}"
    assert "vetsim-error" in app.runner.status.value
    assert_no_traceback(app)
