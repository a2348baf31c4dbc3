"""The dashboard's cards before the simulation: the instant estimate at once (marked as an estimate), runs
so far after each batch (marked as provisional), then the simulated cards (vetsim.ui.estimate_cards)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from vetsim.ui import MeetingDashboard
from vetsim.ui.dashboard import CARD_KEYS
from vetsim.ui.estimate_cards import estimate_cards_html, estimate_results

from .ui_support import make_data_dir


def test_the_estimate_is_the_queueing_formulas_of_the_township_stations(sample) -> None:
    from vetsim.staffing import estimate

    est = estimate(sample)
    town = est[est["level"] == "township"]
    want = float(np.average(town["mean_wait_min"], weights=town["visits"]))
    s = estimate_results(sample).summary
    got = float(s.loc[s["metric"] == "wait_mean_min", "mean"].iloc[0])
    assert got == pytest.approx(want)
    load = float(s.loc[s["metric"] == "workload_pressure", "mean"].iloc[0])
    assert load == pytest.approx(float(np.average(town["utilisation"], weights=town["staff"])))


def test_estimate_cards_are_marked_and_never_taken_for_simulated_ones(sample, proposal) -> None:
    page = estimate_cards_html(sample, proposal, CARD_KEYS, "zh")
    assert "估算值" in page and "未经模拟" in page
    assert not re.search(r'class="vetsim-card kpi-', page)  # no simulated card's class
    assert "estimate-kpi-wait_township" in page and "estimate-kpi-site_cost" in page
    assert "模拟中" in page  # the cards the formulas cannot give wait for the runs
    assert " good" not in page and " bad" not in page  # an estimate is not judged against the target
    en = estimate_cards_html(sample, proposal, CARD_KEYS, "en")
    assert "Estimate" in en and not re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", en))


def test_a_first_run_shows_the_estimate_first_and_the_simulated_cards_last(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))  # a first opening: nothing cached
    dash = MeetingDashboard(make_data_dir(tmp_path), baseline="sample_county", proposal="proposal_more_staff",
                            replications=6, budget_draws=20, auto_run=False, workers=1)
    shown: list[str] = []
    dash.cards.observe(lambda ch: shown.append(ch["new"]), names="value")
    dash.run()
    assert dash.error == ""
    assert "estimate-kpi-" in shown[0]  # at once, before any run
    assert 'class="vetsim-card kpi-' in shown[-1] and "estimate-kpi-" not in shown[-1]
    for between in shown[1:-1]:  # after a batch: provisional, with its count
        assert "partial-kpi-" in between and "已模拟 5 次" in between
    stop = dash.results.meta["stop"]
    assert stop["cap"] == 6 and dash.results.meta["replications"] == stop["replications"] in (5, 6)


def test_a_later_run_keeps_the_simulated_cards_until_the_new_ones(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))
    dash = MeetingDashboard(make_data_dir(tmp_path), baseline="sample_county", proposal="proposal_more_staff",
                            replications=1, budget_draws=20, workers=1)
    assert 'class="vetsim-card kpi-' in dash.cards.value
    shown: list[str] = []
    dash.cards.observe(lambda ch: shown.append(ch["new"]), names="value")
    dash.inputs["replications"].value = 2
    dash.run()
    assert shown and all('class="vetsim-card kpi-' in v for v in shown)  # never an estimate in between


def test_unstaffed_townships_read_unstaffed_not_a_capped_wait(sample) -> None:
    """A bad day: every township station emptied. Erlang A caps a wait at the visitors' patience (60 min) and
    a pressure without staff is undefined, so the estimate read "60.0" and "模拟中…"; the simulated cards say
    unstaffed, and now the estimate does too, for the wait and the workload pressure."""
    from vetsim.wording import tr

    empty = {s.site_id: {"funded_staff": 0, "parttime_staff": 0} for s in sample.table("sites.csv")
             if s.level == "township"}
    proposal = sample.with_site_changes(empty)
    summary = estimate_results(proposal).summary
    assert np.isinf(summary["mean"]).all() and len(summary) == 2
    text = re.sub(r"<[^>]+>", " ", estimate_cards_html(sample, proposal, CARD_KEYS))
    assert text.count(tr("kpi.no_staff", "zh")) == 2 and "60.0" not in text
