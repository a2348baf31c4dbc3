"""The brief's task page (重点工作推进表) in a real browser: Debian's Chromium (headless, Playwright) opens the
HTML brief written by ``vetsim report --tasks``; the task table is there, late tasks first, coloured by
status, and every character of it is drawn (no missing glyphs). The dashboard's task tab is checked in
``tests/test_ui_browser.py`` (it shares that module's Voilà server).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vetsim.cli import main
from vetsim.tasks.text import STATUS_FILL
from vetsim.ui.voila import CHROMIUM, CHROMIUM_ARGS

sys.path.insert(0, str(Path(__file__).parent))
from glyphs import missing_glyphs  # noqa: E402

pytestmark = pytest.mark.browser


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return f"rgb({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)})"


def test_brief_task_page_renders_in_chromium(sample_path, proposal_path, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make system)")
    out = tmp_path / "brief.html"
    rc = main(["report", str(sample_path), "--compare", str(proposal_path), "--tasks", "--as-of", "2027-06-30",
               "--history", str(tmp_path), "--out", str(out), "--replications", "2", "--draws", "20", "--quiet"])
    assert rc == 0
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(out.as_uri())
            section = page.locator("#tasks")
            assert "重点工作推进表（截至 2027-06-30）" in section.locator("h1").inner_text()
            rows = page.locator("table.tasks tbody tr")
            assert rows.count() == 13  # the sample county's tasks
            cells = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
            # a status may carry the flag of reported progress disagreeing with the model (issue 23): "正常推进 ⚠"
            assert any("⚠" in c for c in cells)
            statuses = [c.replace("⚠", "").strip() for c in cells]
            order = ["滞后", "有风险", "正常推进", "已完成"]
            assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)  # worst first
            first = rows.nth(0).locator("td").nth(1)
            colour = first.evaluate("e => getComputedStyle(e).backgroundColor")
            assert colour == _rgb(STATUS_FILL[{"滞后": "late", "有风险": "at_risk"}[statuses[0]]])
            assert page.locator("#tasks li").count() >= 1  # a headline per task at risk
            page.screenshot(path=str(tmp_path / "brief_tasks.png"), full_page=True)
            assert missing_glyphs(page, "#tasks") == []
        finally:
            browser.close()
