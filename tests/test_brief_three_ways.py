"""One brief builder: `vetsim report`, `vetsim.report` and the dashboard's export give the same numbers.

Before, the dashboard costed the proposal without its simulated caseload, so its hardship aid
(975,500 yuan) differed from the CLI's (1,050,539 yuan) for the same meeting. Here the three doors
are opened on the same inputs (1 replication, 20 draws) and their KPI tables and budgets compared.
"""

from __future__ import annotations

import pandas as pd
import pytest

import vetsim
import vetsim.brief.run as brief_run
from tests.patch_support import patch_everywhere
from vetsim.cli import main
from vetsim.ui import MeetingDashboard

from .ui_support import make_data_dir

REPS, DRAWS = 1, 20


def _numbers(brief) -> tuple[pd.DataFrame, pd.DataFrame]:
    kpis = brief.kpis.drop(columns=[c for c in ("label",) if c in brief.kpis]).reset_index(drop=True)
    return kpis, brief.inputs.budget.table.reset_index(drop=True)


def test_cli_api_and_dashboard_give_identical_numbers(sample_path, proposal_path, tmp_path, monkeypatch) -> None:
    built = []
    real = brief_run.build_brief

    def spy(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    patch_everywhere(monkeypatch, "vetsim.brief.run", "build_brief", spy)  # the dashboard bound it too
    out = tmp_path / "cli.html"
    assert main(["report", str(sample_path), "--compare", str(proposal_path), "--out", str(out),
                 "--replications", str(REPS), "--draws", str(DRAWS), "--quiet"]) == 0
    assert out.is_file() and len(built) == 1
    cli = built[0]

    api = vetsim.report(sample_path, proposal_path, replications=REPS, draws=DRAWS)
    dash = MeetingDashboard(make_data_dir(tmp_path), baseline="sample_county", proposal="proposal_more_staff",
                            replications=REPS, budget_draws=DRAWS)
    assert dash.error == ""
    dash.export("png", tmp_path / "dash.png")
    assert len(built) == 3  # the dashboard, too, went through the one builder

    for other in (api, dash.brief):
        for got, want in zip(_numbers(other), _numbers(cli)):
            pd.testing.assert_frame_equal(got, want)
        assert other.headlines == cli.headlines
    # the budget is of the proposal with its simulated caseload (the dashboard's old export was not)
    table = cli.inputs.budget.table
    with_caseload = vetsim.budget(vetsim.load_scenario(proposal_path), draws=DRAWS, seed=cli.inputs.baseline_results.meta["seed"],
                                  caseload=cli.inputs.proposal_results).table
    pd.testing.assert_frame_equal(table, with_caseload)
    assert dash.budget is dash.brief.inputs.budget


def test_builder_refuses_a_proposal_without_results(sample) -> None:
    with pytest.raises(ValueError):
        brief_run.build_brief(sample, object(), sample, None)
