"""Results: summary statistics, KPI lookup, Parquet output, CLI, user-facing errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vetsim
from vetsim.cli import main
from vetsim.errors import VetsimError
from vetsim.sim import Results, SimulationError, simulate, star_network
from vetsim.sim.results import summarise
from vetsim.stats import t_quantile

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("df, q", [(1, 12.7062), (2, 4.302653), (4, 2.776445), (9, 2.262157), (19, 2.093024),
                                   (30, 2.042272)])
def test_t_quantile_matches_tables(df: int, q: float):
    assert t_quantile(0.975, df) == pytest.approx(q, abs=2e-5)
    assert t_quantile(0.025, df) == pytest.approx(-q, abs=2e-5)


def test_summary_ci_by_hand():
    vals = [1.0, 2.0, 4.0, 5.0]
    per = pd.DataFrame({"replication": range(4), "metric": "wait_mean_min", "level": "all", "case_type": "all",
                        "value": vals})
    row = summarise(per).iloc[0]
    half = 3.182446 * np.std(vals, ddof=1) / 2  # t(0.975, 3) * s / sqrt(4)
    assert row["mean"] == 3.0 and row["replications"] == 4
    assert row["ci_low"] == pytest.approx(3 - half, abs=1e-5) and row["ci_high"] == pytest.approx(3 + half, abs=1e-5)
    assert row["unit"] == "minute" and row["label_zh"] == "有人接待时平均等待时间"


def test_summary_ci_is_cut_to_the_metric_range():
    """Counts cannot go below 0 and shares not above 1, even when mean -/+ t*s/sqrt(n) would."""
    per = pd.concat([
        pd.DataFrame({"replication": range(4), "metric": "backlog_end", "level": "village", "case_type": "all",
                      "value": [0.0, 0.0, 0.0, 4.0]}),
        pd.DataFrame({"replication": range(4), "metric": "one_trip_rate", "level": "all", "case_type": "all",
                      "value": [1.0, 1.0, 1.0, 0.9]}),
    ])
    s = summarise(per).set_index("metric")
    half = 3.182446 * np.std([0, 0, 0, 4.0], ddof=1) / 2
    assert s.loc["backlog_end", "ci_low"] == 0.0 and s.loc["backlog_end", "ci_high"] == pytest.approx(1 + half, abs=1e-5)
    assert s.loc["one_trip_rate", "ci_high"] == 1.0 and s.loc["one_trip_rate", "ci_low"] < 0.975


@pytest.fixture(scope="module")
def res():
    sc = star_network(2, 2, volume_per_village=200, simulation={"days": 30})
    return simulate(sc, replications=2, seed=4)


def test_contract_columns_and_meta(res):
    assert {"replication", "case_id", "case_type", "origin_site", "origin_level", "final_site", "final_level", "path",
            "channel", "from_backlog", "arrival_day", "finish_day", "trips", "visits", "abandoned_visits",
            "counter_wait_min", "working_days", "deadline_working_days", "on_time", "open_at_end"} <= set(res.cases)
    assert {"replication", "site_id", "level", "case_type", "day", "wait_min", "served"} <= set(res.visits)
    assert {"replication", "site_id", "level", "date", "arrivals", "served", "abandoned", "wait_mean_min", "queue_max",
            "backlog_open", "busy_counter_min", "busy_backoffice_min", "available_min",
            "utilisation"} <= set(res.site_days)
    assert list(res.summary.columns) == ["metric", "level", "case_type", "mean", "ci_low", "ci_high", "replications",
                                         "runs", "unit", "label_zh", "label_en"]
    assert res.meta["seed"] == 4 and res.meta["replications"] == 2
    assert res.meta["vetsim_version"] == vetsim.__version__ and len(res.meta["scenario_hash"]) == 64
    assert res.cases["path"].str.match(r"^T\d+V\d+(>T\d+(>C)?)?$").all()


def test_kpi_lookup(res):
    assert res.kpi("cases_arrived") == res.cases.groupby("replication")["from_backlog"].apply(lambda b: (~b).sum()).mean()
    with pytest.raises(KeyError):
        res.kpi("no_such_metric")


def test_parquet_round_trip(res, tmp_path):
    out = res.to_parquet(tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == [".vetsim-output.json", "cases.parquet", "meta.json",
                                                     "per_replication.parquet", "site_days.parquet",
                                                     "summary.parquet", "visits.parquet", "work.parquet"]  # no temp files
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # nor a temp folder beside it
    back = Results.from_parquet(out)
    pd.testing.assert_frame_equal(back.summary, res.summary)
    assert len(back.cases) == len(res.cases)
    assert json.loads((out / "meta.json").read_text(encoding="utf-8"))["seed"] == 4


def test_bad_arguments_are_user_errors():
    sc = star_network(1, 1, simulation={"days": 5})
    with pytest.raises(SimulationError) as err:
        simulate(sc, replications=0)
    assert isinstance(err.value, VetsimError)
    assert "重复次数" in err.value.user_message("zh") and "replications" in err.value.user_message("en")


def test_cli_simulate(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["simulate", str(DATA / "sample_county"), "--replications", "2", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "平均等待时间" in text and "最多跑一次比例" in text and "95% 置信区间" in text
    assert (out / "summary.parquet").exists()
    code = main(["simulate", str(DATA / "sample_county"), "--replications", "1", "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 0 and "Mean wait when someone was there" in text and "One-trip rate" in text


def test_cli_user_error(capsys):
    code = main(["simulate", str(DATA / "sample_county"), "--replications", "0"])
    assert code == 2
    assert "重复次数" in capsys.readouterr().err


def test_chance_over_runs_gets_wilson_interval_by_hand():
    """3 of 4 runs: the Wilson score interval (z = 1.959964), not a t-interval "0%-100%"."""
    per = pd.DataFrame({"replication": range(4), "metric": "petition_target_met", "level": "all", "case_type": "all",
                        "value": [1.0, 1.0, 0.0, 1.0]})
    row = summarise(per).iloc[0]
    z, n, p = 1.959964, 4, 0.75
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert row["mean"] == 0.75 and row["runs"] == 4
    assert row["ci_low"] == pytest.approx(mid - half, abs=1e-6) and row["ci_high"] == pytest.approx(mid + half, abs=1e-6)
    assert 0.30 < row["ci_low"] < 0.31 and 0.95 < row["ci_high"] < 0.96
    # 4 of 4: the interval still says how little 4 runs show
    row = summarise(per.assign(value=1.0)).iloc[0]
    assert row["ci_high"] == pytest.approx(1.0) and row["ci_low"] == pytest.approx(0.5101, abs=1e-4)


def test_a_figure_over_fewer_runs_says_n_of_n():
    from vetsim.commands.simulate_run import runs_note

    per = pd.DataFrame({"replication": range(20), "metric": "petition_backlog_zero_day", "level": "all",
                        "case_type": "all", "value": [300.0] + [np.nan] * 19})
    row = summarise(per).iloc[0]
    assert row["replications"] == 1 and row["runs"] == 20
    assert "19 of 20" in runs_note(row, "en") and "20 次模拟中 19 次未达到" in runs_note(row, "zh")
    assert runs_note(summarise(per.fillna(200.0)).iloc[0], "en") == ""
