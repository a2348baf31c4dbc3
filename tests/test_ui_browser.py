"""The meeting dashboard in a real browser: Voilà serves notebooks/03_dashboard.ipynb on a free loopback
port, Debian's Chromium (headless, via Playwright) loads it, changes a staffing value, clicks run, and
sees the KPI change with no error text on the page.

Never runs ``playwright install``: it launches the system Chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from vetsim.ui.voila import CHROMIUM, CHROMIUM_ARGS, start_voila, stop_voila, wait_ready

pytestmark = pytest.mark.browser
sys.path.insert(0, str(Path(__file__).parent))  # for ``glyphs``

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_dashboard.ipynb"
KPI = ".kpi-pressure_township .v"  # township workload pressure card: moves with township staff


def _time_on_top() -> float:
    """% of the time present that stays on top of the township pressure whatever the staff: other township
    work (presence.township.other_duties_share) and each present post's fixed time (meetings, reports)."""
    from vetsim import load_scenario
    from vetsim.work.network import compile_network

    sc = load_scenario(ROOT / "data" / "sample_county")
    net = compile_network(sc)
    t01 = net.site_ids.index("T01")
    return 100.0 * (sc.spec.presence.township.other_duties_share.value + net.fixed_min[t01] / net.open_min[t01])


ERROR_TEXT = ("Traceback", "程序内部错误", "输入有误", "情景数据有", "Internal error", "Error:")


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make system)")
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    env = {"VETSIM_UI_REPLICATIONS": "1", "VETSIM_UI_DRAWS": "20", "VETSIM_UI_LOG": str(log.with_name("ui.log"))}
    proc, url = start_voila(NOTEBOOK, env=env, log=log)
    try:
        wait_ready(url, timeout=90, proc=proc)
        yield url
    except (TimeoutError, RuntimeError) as exc:
        pytest.fail(f"{exc}\n--- voila log ---\n{log.read_text(errors='replace')[-3000:]}")
    finally:
        stop_voila(proc)


def test_dashboard_change_staff_run_and_see_the_kpi_change(voila_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(voila_url, timeout=180_000, wait_until="domcontentloaded")
            kpi = page.locator(KPI)
            kpi.wait_for(timeout=180_000)
            before = kpi.inner_text()
            assert before.endswith("%")
            page.screenshot(path=str(tmp_path / "dashboard_before.png"), full_page=True)
            box = page.locator(".vetsim-level-township-funded_staff input")
            assert box.input_value() == "2"
            box.fill("1")
            box.press("Enter")
            page.locator(".vetsim-run").click()
            deadline = time.monotonic() + 150
            after = before
            while time.monotonic() < deadline:
                after = kpi.inner_text()
                if after != before:
                    break
                page.wait_for_timeout(500)
            page.screenshot(path=str(tmp_path / "dashboard_after.png"), full_page=True)
            assert after != before, f"KPI did not change: {before} -> {after}"
            # 3 -> 2 staff per township, same arrivals and work owed: the pressure of that work rises by about
            # half (the share of present time on other township work and fixed time stays on top)
            on_top = _time_on_top()
            grow = (float(after.rstrip("%")) - on_top) / (float(before.rstrip("%")) - on_top)
            assert grow == pytest.approx(1.5, rel=0.06)
            text = page.inner_text("body")
            for marker in ERROR_TEXT:
                assert marker not in text, f"error text {marker!r} on the page"
            assert page.locator(".vetsim-error").count() == 0
            assert "乡镇站工作负荷压力" in text and "运行模拟" in text
            assert "MeetingDashboard" not in text and "import" not in text  # code cells hidden
        finally:
            browser.close()


@contextmanager
def _dashboard_page(voila_url):
    """A browser page on the dashboard, its overview tab open with the KPI cards (closed afterwards)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(voila_url, timeout=180_000, wait_until="domcontentloaded")
            page.locator(KPI).wait_for(timeout=180_000)  # the overview tab is open first, with its cards
            yield page
        finally:
            browser.close()


def test_dashboard_task_tab_renders_with_every_glyph(voila_url, tmp_path):
    """The second tab, the key-task progress table (重点工作推进表): rows coloured by status, no missing glyphs."""
    from glyphs import missing_glyphs

    with _dashboard_page(voila_url) as page:
        page.get_by_text("重点工作推进表", exact=True).first.click()
        table = page.locator(".vetsim-tasks table.tasks")
        table.wait_for(timeout=60_000)
        assert table.locator("tbody tr").count() == 13  # the sample county's tasks
        assert table.locator("thead th").nth(1).inner_text() == "推进情况"
        page.screenshot(path=str(tmp_path / "dashboard_tasks.png"), full_page=True)
        text = page.inner_text("body")
        for marker in ERROR_TEXT:
            assert marker not in text, f"error text {marker!r} on the page"
        assert missing_glyphs(page, ".vetsim-tasks") == []


def test_dashboard_map_click_shows_the_station_figures(voila_url, tmp_path):
    """The third tab, the township map: a click on a station shows its card of figures; every glyph is drawn."""
    from glyphs import missing_glyphs

    with _dashboard_page(voila_url) as page:
        page.get_by_text("乡镇分布图", exact=True).first.click()
        spot = page.locator('.vetsim-map label.spot[data-site="T03"]')
        spot.wait_for(timeout=60_000)
        assert page.locator(".vetsim-map label.spot").count() == 16  # the county center and 15 stations
        card = page.locator("#vetsim-card-T03")
        assert not card.is_visible()
        spot.click()
        card.wait_for(state="visible", timeout=10_000)
        text = card.inner_text()
        assert "龙泉镇" in text and "最多跑一次比例" in text and "WISN" in text and "%" in text
        assert not page.locator("#vetsim-card-T04").is_visible()  # one station at a time
        page.screenshot(path=str(tmp_path / "dashboard_map.png"), full_page=True)
        body = page.inner_text("body")
        for marker in ERROR_TEXT:
            assert marker not in body, f"error text {marker!r} on the page"
        assert missing_glyphs(page, ".vetsim-map-cards #vetsim-card-T03") == []
        assert missing_glyphs(page, ".vetsim-map-tab") == []
