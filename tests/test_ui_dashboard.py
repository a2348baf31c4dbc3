"""Meeting dashboard driven without a browser: KPI cards, the brief's charts, proposal staffing, export."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from vetsim.brief import kpi_table
from vetsim.ui import MeetingDashboard
from vetsim.ui.dashboard import HIDE_PREVIEW

from .ui_support import assert_no_traceback, make_data_dir


@pytest.fixture(scope="module")
def dash(tmp_path_factory):
    data = make_data_dir(tmp_path_factory.mktemp("ui_dash"))
    return MeetingDashboard(data, baseline="sample_county", proposal="proposal_more_staff", replications=1,
                            budget_draws=20)


def _card(dash, key: str) -> str:
    m = re.search(rf'kpi-{key}"><div class="t">([^<]*)</div><div class="v[^"]*">([^<]*)</div>', dash.cards.value)
    assert m, f"no card {key}"
    return m.group(2)


def test_opens_with_baseline_vs_proposal(dash):
    assert dash.error == ""
    assert dash.baseline.name("zh") == "示例县（基线）"
    assert dash.proposal.name("zh").startswith("示例县（方案")
    assert dash.results.meta["seed"] == dash.baseline_results.meta["seed"]
    assert "示例县（基线）" in dash.title.value
    assert_no_traceback(dash)


def test_the_page_speaks_one_language_and_its_intro_matches_the_cards(dash, tmp_path_factory, monkeypatch):
    # Chinese only: no English words in the heading, the title or the cards
    heading = re.sub(r"<[^>]+>", " ", dash.heading.value)
    assert heading.strip().startswith("会议仪表板") and not re.search(r"[a-z]{3,}", heading)  # PNG/PDF are names
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>|class=\"[^\"]*\"", " ", dash.cards.value))
    # the intro says what the cards show: the proposal large, the baseline and the target below it
    assert "括号内为基线" not in heading and "下方小字为基线值和目标" in heading
    assert '<div class="b">基线 ' in dash.cards.value
    # English when chosen (argument or $VETSIM_LANG), with no Chinese in the heading
    monkeypatch.setenv("VETSIM_LANG", "en")
    data = make_data_dir(tmp_path_factory.mktemp("ui_dash_en"))
    en = MeetingDashboard(data, baseline="sample_county", proposal="proposal_more_staff", replications=1,
                          budget_draws=0, auto_run=False)
    assert en.lang == "en" and "Meeting dashboard" in en.heading.value
    assert not re.search(r"[\u4e00-\u9fff]", en.heading.value)


def test_cards_show_the_report_kpis(dash):
    want = kpi_table(dash.baseline_results, dash.baseline.spec.targets, lang="zh", proposal=dash.results,
                     baseline_cost=dash.brief_inputs.baseline_cost, proposal_cost=dash.brief_inputs.proposal_cost)
    rows = {r["key"]: r for r in want.to_dict("records")}
    assert _card(dash, "pressure_township") == rows["pressure_township"]["proposal_text"]
    assert _card(dash, "duty_township") == rows["duty_township"]["proposal_text"]
    assert _card(dash, "site_cost") == rows["site_cost"]["proposal_text"]
    assert f"基线 {rows['site_cost']['baseline_text']}" in dash.cards.value
    assert "乡镇站工作负荷压力" in dash.cards.value and "来访无人接待比例" in dash.cards.value


def test_the_brief_charts_are_shown_large(dash):
    assert set(dash.figures) >= {"waits", "one_trip", "backlog", "utilisation", "staff_cost", "budget"}
    for name, img in dash.images.items():
        assert img.value[:8] == b"\x89PNG\r\n\x1a\n", name


def test_changing_proposal_staff_and_running_changes_the_kpis(dash):
    # the share of present time on other township work and the fixed time of each present post
    # (meetings, reports, training) stay on top of the pressure whatever the staff
    from vetsim.work.network import compile_network

    net = compile_network(dash.baseline)
    t01 = net.site_ids.index("T01")
    other = dash.baseline.spec.presence.township.other_duties_share.value + net.fixed_min[t01] / net.open_min[t01]
    load_before = dash.results.kpi("workload_pressure", "township") - other
    cost_before = dash.kpis.set_index("key").loc["site_cost", "proposal"]
    dash.editor.level_inputs[("township", "funded_staff")].value = 1  # proposal: 2 -> 1 funded (+1 part-time)
    dash.run_button.click()
    assert dash.error == ""
    # same arrivals and work owed (common random numbers): 3 -> 2 staff present per township raises the
    # pressure of that work by 3/2 (the other-township-work share of present time stays on top)
    load_after = dash.results.kpi("workload_pressure", "township") - other
    assert load_after / load_before == pytest.approx(1.5, rel=0.05)
    assert _card(dash, "pressure_township") == f"{(load_after + other) * 100:.1f}%"
    n_town = len(dash.baseline.sites_at("township"))
    funded = dash.baseline.spec.costs.funded_post["township"].value
    assert cost_before - dash.kpis.set_index("key").loc["site_cost", "proposal"] == pytest.approx(n_town * funded)
    dash.editor.level_inputs[("township", "funded_staff")].value = 2


def test_export_png_and_pdf(dash, tmp_path):
    png = dash.export("png", tmp_path / "brief.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width >= 1920
    assert (tmp_path / "brief.png").read_bytes() == png
    pdf = dash.export("pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "乡镇站工作负荷压力" in text
    assert 'download="brief.png"' in dash.export_links.value and 'download="brief.pdf"' in dash.export_links.value


def test_export_format_is_checked(dash):
    dash.runner.run(dash.export, "docx")
    assert "导出格式" in dash.error and "PNG" in dash.error
    assert_no_traceback(dash)


def test_reopening_reads_cached_results_and_a_first_run_reports_progress_in_chinese(dash, monkeypatch, tmp_path):
    """Guards issue 11 item 14: every dashboard load simulated both scenarios again (18-26 s to the KPI
    cards), and a first run showed only "Executing 1 of 2". A new dashboard (a new page view) of the same
    scenarios must not simulate; a run that does simulate says what it is doing in Chinese."""
    import vetsim.sim

    def open_dashboard() -> MeetingDashboard:
        return MeetingDashboard(dash.data_dir, baseline="sample_county", proposal="proposal_more_staff",
                                replications=1, budget_draws=20)

    first = open_dashboard()  # as it opens (the module's `dash` may have been edited by other tests)

    def no_simulation(*_a, **_k):
        raise AssertionError("simulated again although the same run is cached")

    monkeypatch.setattr(vetsim.sim, "simulate", no_simulation)
    again = open_dashboard()
    assert again.error == "" and again.cards.value == first.cards.value
    monkeypatch.undo()
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "fresh"))  # a first run, whatever other tests cached
    seen: list[str] = []
    again.sim.progress_text.observe(lambda ch: seen.append(ch["new"]), names="value")
    again.inputs["replications"].value = 2
    again.run_button.click()
    assert again.error == ""
    assert any("正在模拟" in t and "1/2" in t for t in seen), seen
    assert "模拟完成" in again.sim.progress_text.value


def test_preview_shows_the_cards_as_static_html(dash, monkeypatch):
    """Issue 11 item 14: a repeated page view shows the KPI cards before the page's scripts have drawn the
    widgets: the same cards as plain HTML (revealed at once), hidden again by the live dashboard's style."""
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    dash.preview()
    assert len(shown) == 1
    page = shown[0]
    assert "#rendered_cells{display:block!important}#loading{display:none!important}" in page and "vetsim-static" in page
    assert 'static-kpi-pressure_township' in page and 'class="vetsim-card kpi-' not in page  # no twin of a live card
    for key in ("wasted_trip", "one_trip", "site_cost"):
        assert f"static-kpi-{key}" in page
    assert HIDE_PREVIEW in dash.widget.children[0].value  # the live dashboard hides the preview when drawn


def test_each_chart_offers_its_numbers_as_csv(dash):
    import base64

    links = re.findall(r'<a download="([^"]+)" href="data:text/csv;base64,([^"]+)"', dash.chart_data_links.value)
    names = [n for n, _ in links]
    assert names == [f"{n}.csv" for n in ("waits", "one_trip", "backlog", "utilisation", "staff_cost", "budget", "map")]
    assert all(n.removesuffix(".csv") in dash.figures for n in names if n != "map.csv")  # one per chart shown
    assert "乡镇分布图：数据（CSV）" in dash.chart_data_links.value  # the map's, drawn on its own tab
    waits = base64.b64decode(dict(links)["waits.csv"])
    assert waits.startswith(b"\xef\xbb\xbf") and "平均等待时间（分钟）" in waits.decode("utf-8-sig")
    assert waits == dash.brief.chart_csvs()["waits.csv"]


def test_map_tab_shows_each_station_and_its_figures(dash):
    from vetsim.charts.sitemap import site_kpis

    view = dash.map_view
    page = view.html.value
    spots = re.findall(r'<label class="spot" for="vetsim-site-(\w+)"', page)
    towns = [s.site_id for s in view.scenario.sites if s.level != "village"]
    assert sorted(spots) == sorted(towns)  # the county center and every township station can be clicked
    assert all(f"#vetsim-site-{s}:checked ~ .vetsim-map-cards #vetsim-card-{s}" in page for s in towns)
    want = site_kpis(view.scenario, view.results)  # the proposal as it was run (staff edits since do not count)
    t01 = dict(view.cards["T01"])
    assert t01["最多跑一次比例"] == f"{want.at['T01', 'one_trip_rate'] * 100:.0f}%"
    assert t01["WISN比值(在岗/需要)"] == f"{want.at['T01', 'wisn_ratio']:.2f}"
    view.choice.value = "pressure"  # recoloured, same stations
    assert "工作量压力" in view.html.value and 'download="map.csv"' in view.link.value
