"""The dashboard's cards before the simulation: the instant estimate at once (marked as an estimate), runs
so far after each batch (marked as provisional), then the simulated cards (vetsim.ui.estimate_cards)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from vetsim.ui import MeetingDashboard
from vetsim.ui.dashboard import CARD_KEYS
from vetsim.ui.estimate_cards import estimate_cards_html, estimate_results

from .conftest import ROOT
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


def test_an_opening_in_a_kernel_writes_the_estimate_into_the_page_before_the_runs(tmp_path, monkeypatch) -> None:
    """Issue 25: in a kernel (Voilà), the estimate's cards are there when the dashboard is built, before the
    opening run's thread starts, so the notebook's preview writes them into the page as HTML (shown before
    the page's scripts draw the widgets); the thread then takes them as shown (the estimate is computed once)
    and ends with the simulated cards. The run's computing marker is there from before the estimate, so the
    preheated kernel of the next page waits for this run instead of simulating the pair too; it is gone after."""
    import vetsim.ui.dashboard as dashboard
    from vetsim.replicate import computing_marker

    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))  # a first opening: nothing cached
    monkeypatch.delenv("VETSIM_UI_STRICT", raising=False)
    monkeypatch.setattr(dashboard, "_in_kernel", lambda: True)
    estimates: list[str] = []
    marked: list[bool] = []

    def counted(*args, **kwargs):
        marked.append(computing_marker(args[:2], args[0].spec.seed, 2).is_file())
        estimates.append(estimate_cards_html(*args, **kwargs))
        return estimates[-1]

    monkeypatch.setattr(dashboard, "estimate_cards_html", counted)
    shown: list[str] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    dash = MeetingDashboard(make_data_dir(tmp_path), baseline="sample_county", proposal="proposal_more_staff",
                            replications=2, budget_draws=20, workers=1)
    dash.preview()  # what the notebook's cell does next
    dash._loader.join(timeout=600)
    assert not dash._loader.is_alive() and dash.error == ""
    assert len(estimates) == 1, "the opening run computed the estimate again"
    assert marked == [True], "the next page's kernel could not see that this pair is being simulated"
    assert not computing_marker([dash.baseline, dash.proposal], dash.baseline.spec.seed, 2).exists()
    assert len(shown) == 1 and "vetsim-static" in shown[0] and "#loading{display:none!important}" in shown[0]
    assert estimates[0] in shown[0] and "estimate-kpi-site_cost" in shown[0] and "估算值" in shown[0]
    assert not re.search(r'class="vetsim-card (static-)?kpi-', shown[0])  # never a simulated card's class
    assert 'class="vetsim-card kpi-site_cost' in dash.cards.value and "estimate-kpi-" not in dash.cards.value


# what the dashboard's first cards must not load: read from a fresh interpreter's sys.modules
HEAVY = ("matplotlib", "openpyxl", "numba", "simpy", "vetsim.sim.engine", "vetsim.ledger", "scipy.stats")
_PROBE = """
import json, sys
from vetsim.ui import MeetingDashboard
from vetsim.ui.dashboard import CARD_KEYS
from vetsim.ui.estimate_cards import estimate_cards_html
app = MeetingDashboard(baseline="sample_county", proposal="proposal_more_staff", auto_run=False)
html = estimate_cards_html(app.baseline, app.proposal, CARD_KEYS, app.lang)
for extra in sys.argv[1:]:
    __import__(extra)
heavy = sorted({n for n in sys.modules for h in %r if n == h or n.startswith(h + ".")})
print("\\nPROBE " + json.dumps({"cards": "estimate-kpi-site_cost" in html, "heavy": heavy}))
""" % (HEAVY,)  # noqa: UP031 - a code template: its own braces stay as they are


def _probe(*extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, *extra], capture_output=True, text=True, cwd=ROOT / "notebooks",
                         timeout=300, check=False)
    line = next((l for l in out.stdout.splitlines() if l.startswith("PROBE ")), None)
    assert line is not None, out.stdout[-2000:] + out.stderr[-2000:]
    return json.loads(line.removeprefix("PROBE "))


def test_the_first_cards_load_no_charts_engine_or_excel() -> None:
    """Issue 25: the dashboard and its estimate cards load neither matplotlib, the simulation engine (SimPy,
    numba), openpyxl nor the ledger importer; those come with the runs, after the first cards."""
    got = _probe()
    assert got["cards"]
    assert got["heavy"] == [], f"the dashboard's first cards imported {got['heavy'][:8]}"


def test_the_probe_sees_the_charts_and_the_engine() -> None:
    """The probe can fail: the brief's page (charts) and the runner load matplotlib and the engine."""
    got = _probe("vetsim.brief.page", "vetsim.sim.runner")
    assert "matplotlib" in got["heavy"] and "vetsim.sim.engine" in got["heavy"]
