"""Every input field of every app, given invalid values: a Chinese message in the app, never a traceback.

Number boxes are unbounded on purpose (so out-of-range numbers reach the app's checks rather than
being clamped silently); dropdowns only accept their options (the widget itself refuses others),
and a scenario dropdown's invalid input is a broken scenario folder.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import pytest
import traitlets

from vetsim.ui import BudgetExplorer, MeetingDashboard, StaffingExplorer

from .ui_support import assert_chinese_error, assert_no_traceback, make_data_dir

BAD_INTS = (-1, 2**40)
BAD_FLOATS = (-1e9, 1e12, math.nan, math.inf)
BAD_TEXTS = ("", "../x", "a b", "x" * 100, "a/b")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_data_dir(tmp_path_factory.mktemp("ui_invalid"))


def _bad_values(w: widgets.Widget) -> tuple:
    if isinstance(w, widgets.IntText):
        return BAD_INTS
    if isinstance(w, widgets.FloatText):
        return BAD_FLOATS
    if isinstance(w, widgets.Text):
        return BAD_TEXTS
    raise AssertionError(f"no invalid values defined for {type(w).__name__}")


def _check_fields(app, action_for) -> int:
    """Set every invalid value in every input, trigger what reads it, check the message; returns count."""
    checked = 0
    for name, w in app.input_widgets().items():
        if isinstance(w, widgets.Dropdown):
            before = w.value
            with pytest.raises(traitlets.TraitError):
                w.value = "not-an-option"
            assert w.value == before and not app.error
            checked += 1
            continue
        good = w.value
        for bad in _bad_values(w):
            w.value = bad
            action = action_for(name)
            if action is not None:
                action()
            assert_chinese_error(app)
            checked += 1
            w.value = good
            if action is None:
                assert not app.error, f"{name}: a valid value should clear the message, got {app.error!r}"
    assert_no_traceback(app)
    return checked


def test_staffing_explorer_fields(data_dir):
    app = StaffingExplorer(data_dir, "sample_county", replications=1)
    app.editor.site_level.value = "village"  # every table row shows a site
    n_inputs = len(app.input_widgets())
    actions = {"replications": app.run_button.click, "seed": app.run_button.click, "folder": app.save_button.click}
    checked = _check_fields(app, actions.get)
    assert checked >= n_inputs
    assert app.results is None and app.saved is None  # nothing ran on invalid input


def test_budget_explorer_fields(data_dir):
    app = BudgetExplorer(data_dir, "sample_county", draws=0, compute=False)
    checked = _check_fields(app, lambda _name: app.button.click)
    assert checked >= len(app.input_widgets()) and app.budget is None


def test_dashboard_fields(data_dir):
    app = MeetingDashboard(data_dir, "sample_county", "proposal_more_staff", replications=1, auto_run=False)
    app.editor.site_level.value = "village"
    checked = _check_fields(app, {"replications": app.run_button.click}.get)
    assert checked >= len(app.input_widgets()) and app.results is None


@pytest.mark.parametrize("make", ["staffing", "budget", "dashboard"])
def test_scenario_dropdowns_with_a_broken_scenario(data_dir, make):
    if make == "staffing":
        app, pickers = StaffingExplorer(data_dir, "sample_county", replications=1), None
    elif make == "budget":
        app = BudgetExplorer(data_dir, "sample_county", draws=0, compute=False)
    else:
        app = MeetingDashboard(data_dir, "sample_county", "proposal_more_staff", replications=1, auto_run=False)
    pickers = [w for n, w in app.input_widgets().items() if n in ("scenario", "baseline", "proposal")]
    assert pickers
    for w in pickers:
        good = w.value
        w.value = str(data_dir / "broken_overlay")
        assert_chinese_error(app)
        assert "情景数据有" in app.error
        w.value = good


def test_apps_that_cannot_start_show_a_message(tmp_path, monkeypatch):
    monkeypatch.delenv("VETSIM_UI_STRICT", raising=False)
    empty = tmp_path / "nodata"
    empty.mkdir()
    for cls in (StaffingExplorer, BudgetExplorer, MeetingDashboard):
        panel = cls.create(data_dir=empty)
        assert panel.error and "Traceback" not in panel.error
        assert "vetsim-error" in panel.runner.status.value
    monkeypatch.setenv("VETSIM_DATA", str(tmp_path / "missing"))
    panel = StaffingExplorer.create()
    assert "data" in panel.error or "找不到" in panel.error


@pytest.mark.parametrize("make", ["staffing", "dashboard"])
@pytest.mark.parametrize("where", ["level", "row"])
def test_running_with_an_invalid_staff_box_refuses_and_keeps_the_message(data_dir, make, where):
    """Guards issue 11 item 16: with −1 in a staff box the message was shown, but clicking run cleared it
    and simulated with the previous value while the box still showed −1."""
    if make == "staffing":
        app = StaffingExplorer(data_dir, "sample_county", replications=1)
        run, save = app.run_button.click, app.save_button.click
    else:
        app = MeetingDashboard(data_dir, "sample_county", "proposal_more_staff", replications=1, auto_run=False)
        run, save = app.run_button.click, None
    app.editor.site_level.value = "township"
    box = (app.editor.level_inputs[("township", "funded_staff")] if where == "level"
           else app.editor.row_inputs[0]["funded_staff"])
    good = box.value
    box.value = -1
    assert_chinese_error(app)
    first = app.error
    run()
    assert app.results is None, "ran although a staff box holds an invalid value"
    assert app.error and "在编人员" in app.error and "-1" in app.error, (first, app.error)
    assert box.value == -1
    if save is not None:
        app.save_input.value = "never_saved"
        save()
        assert app.saved is None and "在编人员" in app.error
        assert not (data_dir / "never_saved").exists()
    box.value = good
    assert not app.error
    app.editor.scenario()  # valid again: no error
