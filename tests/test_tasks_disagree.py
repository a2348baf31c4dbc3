"""The progress table flags disagreement between reported progress and the model (issue 23).

Reported 97% of the yearly verification done while the runs say 0.2% must not pass as 已完成 without a
word: the row carries both figures, a reason, a marker in the table and a headline on the brief's task page.
The threshold is data (``task_status.csv`` ``disagree_share``); without that row nothing is flagged.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

import vetsim
from vetsim.brief.taskpage import task_page_html
from vetsim.tasks import task_board
from vetsim.tasks.projection import project
from vetsim.tasks.text import all_headlines, board_frame

from .test_tasks import _backlog_results, _task, _with_tasks

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


@pytest.fixture(scope="module")
def sample():
    return vetsim.load_scenario(SAMPLE)


@pytest.fixture(scope="module")
def res(sample):
    return vetsim.simulate(sample, replications=2, seed=5)


def _gap(sample) -> float:
    return next(float(r.value) for r in sample.table("task_status.csv") if r.key == "disagree_share")


def _without_gap(sc):
    extra = tuple((n, tuple(r for r in rows if getattr(r, "key", None) != "disagree_share") if n == "task_status.csv"
                   else rows) for n, rows in sc.extra_tables)
    return vetsim.Scenario(sc.spec, sc.sites, sc.caseload, sc.backlog, extra, sc.path)


def test_backlog_report_against_runs_by_hand(sample) -> None:
    # 12 backlog petitions; by day 180 (2027-06-30) run 0 closed 10, run 1 all 12: 1 left on average,
    # i.e. (12 - 1) / (12 - 1) = 100% of the way to "at most 1 left"; the report says 5 left: (12 - 5) / 11 = 64%
    runs = _backlog_results([[50.0] * 10 + [math.nan] * 2, [60.0] * 12])
    t = _task(sample, "petition_backlog", current=5, current_date=dt.date(2027, 6, 30))
    row = next(r for r in task_board(_with_tasks(sample, [t]), runs, dt.date(2027, 6, 30)).rows)
    assert row.disagree == (5.0, pytest.approx(1.0))
    assert any(k == "tasks.why.disagree" for k, _ in row.why)
    # a report the runs agree with (1 left) is not flagged
    t1 = _task(sample, "petition_backlog", current=1, current_date=dt.date(2027, 6, 30))
    assert next(iter(task_board(_with_tasks(sample, [t1]), runs, dt.date(2027, 6, 30)).rows)).disagree is None
    # without the threshold row nothing is flagged (a policy choice, in data)
    assert next(iter(task_board(_without_gap(_with_tasks(sample, [t])), runs, dt.date(2027, 6, 30)).rows)).disagree is None


def test_duty_reported_done_but_not_simulated_is_flagged_in_row_table_and_brief(sample, res) -> None:
    base = _task(sample, "verification")
    proj = project(base, res, sample.spec.simulation.start_date)
    model = proj.value  # share of the verification hours done by the due day, mean over runs
    # a report far from the model (97% vs the model, or the model's own figure shifted by more than the gap)
    far = 0.97 if abs(0.97 / base.target - min(model / base.target, 1)) > _gap(sample) else max(model - 0.5, 0.0)
    t = _task(sample, "verification", current=far, current_date=dt.date(2027, 4, 10))
    board = task_board(_with_tasks(sample, [t]), res, dt.date(2027, 4, 10))
    row = board.rows[0]
    assert row.disagree == (pytest.approx(far), pytest.approx(model))
    for lang in ("zh", "en"):
        frame = board_frame(board, lang)
        assert frame.iloc[0, 1].endswith("⚠")  # the status cell carries the marker
        said = all_headlines(board, None, lang)
        assert said[0].startswith("⚠") and t.label(lang) in said[0]
    inputs = type("I", (), {"tasks": board, "proposal_tasks": None})()
    html = task_page_html(inputs, "zh")
    assert "⚠" in html and "模型预测" in html
    # the report equal to the model's figure: no flag, no marker
    same = _task(sample, "verification", current=round(model, 4), current_date=dt.date(2027, 4, 10))
    b2 = task_board(_with_tasks(sample, [same]), res, dt.date(2027, 4, 10))
    assert b2.rows[0].disagree is None and not board_frame(b2, "zh").iloc[0, 1].endswith("⚠")
