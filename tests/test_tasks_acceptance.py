"""Acceptance: the petition-backlog task (信访积案, sample county) is 正常推进 when a proposal adds staff and 有风险 or
滞后 when a proposal removes them, with the share of simulation runs meeting the target shown.

``data/proposal_more_staff`` adds a funded post at every township station; ``tests/data/proposal_fewer_staff``
cuts the county service center, where the backlog is worked, from 10 funded staff to 1. Both are simulated
with the baseline's seed through ``vetsim tasks --compare`` (few runs; the cache shares them with other tests).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vetsim.cli import main
from vetsim.tasks import progress_boards

FEWER = Path(__file__).parent / "data" / "proposal_fewer_staff"
RUNS = 3
AS_OF = dt.date(2027, 6, 30)


def _petition(board):
    return next(r for r in board.rows if r.task.task == "petition_backlog")


@pytest.mark.parametrize(("proposal", "allowed"), [("more", {"on_track"}), ("fewer", {"at_risk", "late"})])
def test_petition_task_follows_the_staff(sample_path, proposal_path, tmp_path, proposal, allowed):
    other = proposal_path if proposal == "more" else FEWER
    run = progress_boards(sample_path, other, as_of=AS_OF, replications=RUNS, history=tmp_path)
    base, prop = _petition(run.baseline), _petition(run.proposal)
    assert base.status == "on_track" and base.projection.met_share >= 0.8
    assert prop.status in allowed
    assert prop.projection.runs == RUNS
    if proposal == "fewer":
        assert prop.projection.met_share < 0.5  # with one person the hard cases are not worked down in time
        assert prop.projection.value > base.projection.value  # more cases left at the deadline


def test_cli_shows_the_share_of_runs_under_the_proposal(sample_path, tmp_path, capsys):
    rc = main(["tasks", str(sample_path), "--compare", str(FEWER), "--as-of", "2027-06-30",
               "--replications", str(RUNS), "--history", str(tmp_path), "--quiet"])
    assert rc == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "信访积案" in x and "权益维护科" in x)
    assert re.search(r"正常推进 .*100%（模拟 3 次）", line)  # the baseline, then the share of runs
    assert re.search(r"(滞后|有风险) \d+%（模拟 3 次）\s*$", line)  # under the proposal
    assert "方案下，信访积案" in out  # a headline says the change
