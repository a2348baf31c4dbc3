"""Staffing explorer driven without a browser: edit staff, instant estimate, simulation, save as overlay."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import vetsim
from vetsim.staffing import evaluate
from vetsim.ui import StaffingExplorer, save_overlay
from vetsim.ui.overlay import OverlayError, overlay_updates
from vetsim.work import derive_demand

from .ui_support import assert_chinese_error, assert_no_traceback, make_data_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_data_dir(tmp_path_factory.mktemp("ui_staffing"))


@pytest.fixture(scope="module")
def shared_app(data_dir):
    return StaffingExplorer(data_dir, "sample_county", replications=1)


@pytest.fixture()
def app(shared_app, data_dir):
    """One explorer for the module, back on the sample county with its own staffing before each test."""
    shared_app.choose(data_dir / "sample_county")
    shared_app.editor.reset(shared_app.base)
    shared_app.refresh_estimate()
    shared_app.save_input.value = ""
    shared_app.runner.clear()
    return shared_app


def test_starts_on_the_chosen_scenario_with_its_staffing(app):
    assert app.error == ""
    assert app.base.name("zh") == "示例县（基线）"
    totals = app.editor.level_totals()
    frame = app.base.sites_frame()
    for level in ("county_center", "township", "village"):
        part = frame[frame["level"] == level]
        assert totals[level]["funded_staff"] == part["funded_staff"].sum()
    assert app.editor.changes() == {}
    assert app.estimate is not None and len(app.estimate) == len(app.base.sites)


def test_level_edit_changes_every_site_and_refreshes_the_estimate(app):
    before = app.estimate.copy()
    app.editor.level_inputs[("township", "funded_staff")].value = 3  # as a user typing into the box
    changes = app.editor.changes()
    townships = [s.site_id for s in app.base.sites_at("township")]
    assert set(changes) == set(townships)
    assert all(c == {"funded_staff": 3} for c in changes.values())
    # the estimate shown is exactly the staffing model's answer for the edited staff
    d = derive_demand(app.base)
    staff = np.array([app.editor.values[s]["funded_staff"] + app.editor.values[s]["parttime_staff"]
                      for s in d.site_ids])
    want = evaluate(d, staff, app.base.spec.targets.wait_minutes.value)
    assert np.allclose(app.estimate["utilisation"], want["utilisation"])
    t_mask = app.estimate["level"] == "township"
    # 2 -> 4 staff at every township: utilisation halves (same work, twice the hours); only the few
    # visitors who give up waiting with 2 staff (Erlang A abandonment) make it slightly less than 2
    ratio = before.loc[t_mask, "utilisation"].to_numpy() / app.estimate.loc[t_mask, "utilisation"].to_numpy()
    assert np.allclose(ratio, 2.0, rtol=1e-3) and np.all(ratio <= 2.0)
    assert "即时估算" in app.estimate_html.value


def test_per_site_table_pages_and_edits_one_site(app):
    ed = app.editor
    ed.site_level.value = "village"
    assert "200" in ed.page_info.value
    ed.page.value = 2
    sid = ed._row_sites[0]
    villages = [s.site_id for s in app.base.sites_at("village")]
    assert sid == villages[ed.page_size]
    ed.row_inputs[0]["parttime_staff"].value = 2
    assert app.editor.changes() == {sid: {"parttime_staff": 2}}
    assert app.scenario.site(sid).parttime_staff == 2
    # the level box shows the most common value, unchanged by one site
    assert ed.level_inputs[("village", "parttime_staff")].value == app.base.sites_at("village")[1].parttime_staff


def test_overlay_updates_reproduce_the_edit(sample):
    changes = {s.site_id: {"funded_staff": 2} for s in sample.sites_at("township")}
    changes["V001" if "V001" in sample.site_index else sample.sites_at("village")[0].site_id] = {"parttime_staff": 3}
    ups = overlay_updates(sample, changes)
    assert ups[0] == {"where": {"level": "township"}, "set": {"funded_staff": 2}}
    assert len(ups) == 2


def test_save_as_overlay_round_trips(app, data_dir):
    app.editor.set_level("township", "funded_staff", 2)
    app.editor.set_site(app.base.sites_at("village")[0].site_id, "parttime_staff", 3)
    path = app.save("plan_a")
    assert app.error == "" and path == data_dir / "plan_a"
    doc = yaml.safe_load((path / "scenario.yaml").read_text(encoding="utf-8"))
    assert doc["base"] == "../sample_county"
    loaded = vetsim.load_scenario(path)
    assert loaded.sites == app.scenario.sites
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".")]  # no temp folders left
    assert str(path) in [v for _n, v in app.picker.widget.options]
    # the same name again is refused with a message, and the folder is unchanged
    app.editor.set_level("township", "funded_staff", 5)
    app.save_button.click()
    assert_chinese_error(app)
    assert vetsim.load_scenario(path).sites == loaded.sites


def test_nothing_to_save_is_a_message(app):
    app.save_input.value = "plan_empty"
    app.save_button.click()
    assert "没有需要保存" in app.error
    assert not (app.data_dir / "plan_empty").exists()


@pytest.mark.parametrize("bad", ["../escape", "a b", "", "x" * 65, "a/b", "名字?"])
def test_save_refuses_bad_folder_names(app, bad):
    app.editor.set_level("township", "funded_staff", 3)
    before = sorted(p.name for p in app.data_dir.iterdir())
    app.save_input.value = bad
    app.save_button.click()
    assert_chinese_error(app)
    assert "方案文件夹名" in app.error
    assert sorted(p.name for p in app.data_dir.iterdir()) == before
    assert not (app.data_dir.parent / "escape").exists()


def test_save_overlay_refuses_an_invalid_folder_name(sample, tmp_path):
    with pytest.raises(OverlayError) as err:
        save_overlay(sample, {"T01": {"funded_staff": 3}}, tmp_path / "a b")
    assert "无效" in err.value.user_message("zh")


def test_run_compares_with_the_baseline_on_common_random_numbers(app):
    app.editor.set_level("township", "funded_staff", 3)  # townships: 1 + 1 -> 3 + 1 staff
    app.run_button.click()
    assert app.error == "", app.error
    assert app.results.meta["seed"] == app.baseline_results.meta["seed"] == app.base.spec.seed
    assert app.results.meta["scenario_hash"] == app.scenario.hash()
    assert app.baseline_results.meta["scenario_hash"] == app.base.hash()
    cmp = app.comparison
    load = cmp[(cmp["metric"] == "workload_pressure") & (cmp["level"] == "乡镇（街道）服务站")].iloc[0]
    # same arrivals and work owed (common random numbers), twice the staff present: the pressure of that
    # work halves (the share of present time on other township work, 0.3 in the sample, and the fixed
    # time of each present post -- meetings, reports, training, 3.5 h a week -- stay on top)
    from vetsim.work.network import compile_network

    net = compile_network(app.base)
    t01 = net.site_ids.index("T01")
    other = app.base.spec.presence.township.other_duties_share.value + net.fixed_min[t01] / net.open_min[t01]
    assert (load["baseline"] - other) / (load["proposal"] - other) == pytest.approx(2.0, rel=0.05)
    village = cmp[(cmp["metric"] == "utilisation") & (cmp["level"] == "村（社区）服务站")].iloc[0]
    assert village["proposal"] == pytest.approx(village["baseline"])
    assert "基线" in app.results_html.value and len(app.results_image.value) > 1000
    # where duties fall behind, by site: the worst pair named with the site's and the duty's Chinese names
    worst = app.results.work_by_site("duty").iloc[0]
    names = {s.site_id: s.name_zh for s in app.base.sites}
    duty = {r.duty: r.label_zh for r in app.base.table("duties.csv")}
    assert "常态工作落后最多的站点" in app.results_html.value
    assert names[str(worst["site_id"])] in app.results_html.value and duty[str(worst["item"])] in app.results_html.value
    assert app.sim.progress.value == app.sim.progress.max == 1
    assert_no_traceback(app)


def test_choosing_a_broken_scenario_shows_its_problems(app, data_dir):
    app.picker.widget.value = str(data_dir / "broken_overlay")
    assert_chinese_error(app)
    assert "funded_staff" in app.error
    assert app.base.name("zh") == "示例县（基线）"  # still working on the last good scenario
    app.picker.widget.value = str(data_dir / "proposal_more_staff")
    assert app.error == "" and app.editor.values["T01"]["funded_staff"] == 2
