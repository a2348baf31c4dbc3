"""Replications that stop when the answer is sure (vetsim.replicate): the precision at the stopping count,
the cap, the same count and numbers on one worker and two, and the stop kept for the next command."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from vetsim.errors import PolicyFileError
from vetsim.replicate import (
    RULE_FILE,
    Precision,
    Rule,
    Stop,
    half_widths,
    is_precise,
    load_rule,
    schedule,
    simulate_until_sure,
)
from vetsim.sim import simulate

ONE_TRIP = Precision("one_trip_rate", "all", 0.015, "share", "最多跑一次比例", "One-trip rate", "test")
WAIT = Precision("wait_mean_min", "township", 0.25, "minute", "乡镇站平均等待时间", "Mean township wait", "test")


def _short(scenario, days: int = 60):
    """The scenario over its first ``days`` days: the same model, a fraction of the time per run."""
    sim = scenario.spec.simulation.model_copy(update={"days": days})
    return dataclasses.replace(scenario, spec=scenario.spec.model_copy(update={"simulation": sim}))


@pytest.fixture(scope="module")
def county(sample):
    return _short(sample)


@pytest.fixture(scope="module")
def more_staff(proposal):
    return _short(proposal)


def test_the_rule_is_data_with_units_labels_and_sources() -> None:
    rule = load_rule()
    assert rule.min_replications >= 2 and rule.batch >= 1
    assert {p.metric for p in rule.kpis} >= {"wait_mean_min", "one_trip_rate", "on_time_share"}
    for p in rule.kpis:
        assert p.precision > 0 and p.unit and p.label_zh and p.label_en and p.source


def test_the_rule_lives_in_data_beside_the_other_policy_files() -> None:
    assert RULE_FILE.parent.name == "data" and RULE_FILE.is_file()
    assert load_rule() == load_rule(RULE_FILE)


GOOD_KPI = ("  - {metric: one_trip_rate, level: all, precision: 0.01, unit: share, label_zh: 最多跑一次比例,\n"
            "     label_en: One-trip rate, source: test}\n")
HEAD = ("min_replications: {value: 5, unit: run, label_zh: a, label_en: a, source: a}\n"
        "batch: {value: 5, unit: run, label_zh: b, label_en: b, source: b}\n")


@pytest.mark.parametrize(("text", "said_zh", "said_en"), [
    (HEAD + "kpis:\n" + GOOD_KPI.replace("one_trip_rate", "one_trip_rat"), "指标 one_trip_rat 不存在", "unknown metric"),
    (HEAD + "kpis:\n" + GOOD_KPI.replace("0.01", "0"), "precision", "above 0"),
    (HEAD + "kpis:\n" + GOOD_KPI.replace("0.01", "'1%'"), "precision", "got 1%"),
    (HEAD + "kpis:\n" + GOOD_KPI.replace("source: test", "source: ''"), "字段 source 不能为空", "source"),
    (HEAD.replace("value: 5, unit: run, label_zh: a", "value: 1, unit: run, label_zh: a") + "kpis:\n" + GOOD_KPI,
     "键 min_replications.value", "at least 2"),
    (HEAD.replace("value: 5, unit: run, label_zh: b", "value: 2.5, unit: run, label_zh: b") + "kpis:\n" + GOOD_KPI,
     "键 batch.value", "whole number"),
    (HEAD + "kpis: []\n", "键 kpis", "at least one KPI"),
    (HEAD + "kpis:\n  - just a text\n", "kpis 第 1 项", "mapping"),
    ("kpis: [a, b\n", "", ""),  # a syntax error: the scenario files' YAML message, with the line
    ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
     'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n', "", ""),
])
def test_a_bad_rule_file_is_refused_naming_the_file_and_the_key(tmp_path, text, said_zh, said_en) -> None:
    path = tmp_path / "replicate.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError) as err:
        load_rule(path)
    zh, en = err.value.user_message("zh"), err.value.user_message("en")
    assert zh.startswith("规则文件有") and "replicate.yaml" in zh and "replicate.yaml" in en
    assert said_zh in zh and said_en in en
    assert "Traceback" not in zh


def test_a_missing_rule_file_is_refused(tmp_path) -> None:
    with pytest.raises(PolicyFileError) as err:
        load_rule(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in err.value.user_message("zh") and "找不到文件" in err.value.user_message("zh")


def test_schedule_judges_whole_batches_and_ends_at_the_cap() -> None:
    rule = Rule(5, 5, ())
    assert schedule(20, rule) == [5, 10, 15, 20]
    assert schedule(12, rule) == [5, 10, 12]
    assert schedule(3, rule) == [3]
    assert schedule(5, rule) == [5]


def _interval_half(results, p: Precision) -> float:
    s = results.summary
    row = s[(s["metric"] == p.metric) & (s["level"].astype(str) == p.level) & s["case_type"].astype(str).isin(["all", ""])]
    return float((row["ci_high"] - row["ci_low"]).iloc[0] / 2)


def test_stops_at_the_first_batch_whose_interval_meets_the_precision(county) -> None:
    rule = Rule(3, 2, (ONE_TRIP,))
    [res], stop = simulate_until_sure([county], cap=15, seed=7, workers=1, rule=rule, use_cache=False)
    assert stop.reason == "precision" and 3 <= stop.replications < 15
    assert res.meta["replications"] == stop.replications and res.meta["stop"]["reason"] == "precision"
    assert _interval_half(res, ONE_TRIP) <= ONE_TRIP.precision  # the interval on the page meets it
    if stop.replications > 3:  # and one batch earlier it did not: the rule did not run on for nothing
        before = simulate(county, replications=stop.replications - 2, seed=7, tables=False)
        assert not is_precise(before, rule)
        assert half_widths(before, rule)["one_trip_rate", "all"] > ONE_TRIP.precision


def test_a_precision_never_reached_stops_at_the_cap(county) -> None:
    rule = Rule(2, 2, (Precision("one_trip_rate", "all", 1e-9, "share", "x", "x", "test"),))
    seen: list[tuple[int, Stop | None]] = []
    [res], stop = simulate_until_sure([county], cap=5, seed=3, workers=1, rule=rule, use_cache=False,
                                      on_batch=lambda rs, st: seen.append((rs[0].meta["replications"], st)))
    assert stop == Stop(5, 5, "cap") and res.meta["replications"] == 5
    assert [n for n, _ in seen] == [2, 4, 5] and seen[-1][1] == stop and all(st is None for _, st in seen[:-1])


def test_serial_and_parallel_stop_at_the_same_count_with_the_same_numbers(county, more_staff) -> None:
    rule = Rule(2, 2, (WAIT, ONE_TRIP))
    serial, s_stop = simulate_until_sure([county, more_staff], cap=4, seed=11, workers=1, rule=rule, use_cache=False)
    para, p_stop = simulate_until_sure([county, more_staff], cap=4, seed=11, workers=2, rule=rule, use_cache=False)
    assert s_stop == p_stop
    for a, b in zip(serial, para, strict=True):
        pd.testing.assert_frame_equal(a.per_replication, b.per_replication)
        pd.testing.assert_frame_equal(a.summary, b.summary)
        pd.testing.assert_frame_equal(a.cases, b.cases)
    # and the same runs as a plain simulation of that count: the batches change no number
    plain = simulate(more_staff, replications=s_stop.replications, seed=11)
    pd.testing.assert_frame_equal(plain.per_replication, serial[1].per_replication)


def test_the_next_command_reads_the_stop_and_the_runs_from_the_cache(county, monkeypatch) -> None:
    rule = Rule(2, 2, (ONE_TRIP,))
    [first], stop = simulate_until_sure([county], cap=4, seed=5, workers=1, rule=rule)

    def no_simulation(*_a, **_k):
        raise AssertionError("simulated again")

    monkeypatch.setattr("vetsim.sim.simulate", no_simulation)
    monkeypatch.setattr("vetsim.sim.runner.simulate", no_simulation)
    [again], stop2 = simulate_until_sure([county], cap=4, seed=5, workers=1, rule=rule)
    assert stop2 == stop and again.meta["stop"] == first.meta["stop"]
    pd.testing.assert_frame_equal(again.summary, first.summary)


def test_replications_already_run_are_not_run_again_in_a_session(county) -> None:
    from vetsim.replicate import new_memo

    runs = []
    memo = new_memo(1, tick=lambda: runs.append(1))
    rule = Rule(2, 2, (Precision("one_trip_rate", "all", 1e-9, "share", "x", "x", "test"),))
    simulate_until_sure([county], cap=3, seed=2, workers=1, rule=rule, use_cache=False, memo=memo)
    assert len(runs) == 3
    simulate_until_sure([county], cap=4, seed=2, workers=1, rule=rule, use_cache=False, memo=memo)
    assert len(runs) == 4  # only the fourth was new


@pytest.mark.parametrize("cap", [1, 2])
def test_a_cap_below_the_first_judgement_runs_the_cap(county, cap) -> None:
    [res], stop = simulate_until_sure([county], cap=cap, seed=1, workers=1, use_cache=False)
    assert stop.replications == cap and res.meta["replications"] == cap


def test_a_run_another_live_process_is_simulating_is_waited_for(county, more_staff) -> None:
    """A preheated dashboard kernel waits for the pair another page simulates, not simulating it twice."""
    import json
    import os
    import socket
    import time

    from vetsim.replicate import computing_marker, wait_for_recorded

    marker = computing_marker([county, more_staff], 9, 3)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
    try:
        t0 = time.monotonic()
        assert wait_for_recorded([county, more_staff], 3, 9, timeout=0.3, poll=0.05) is False
        assert time.monotonic() - t0 >= 0.25  # waited while the run was live
    finally:
        marker.unlink(missing_ok=True)  # a marker older than the wait is removed by the waiter
    t0 = time.monotonic()
    assert wait_for_recorded([county, more_staff], 3, 9, timeout=30) is False  # no marker: at once
    assert time.monotonic() - t0 < 5


def test_a_baseline_in_the_cache_is_not_simulated_again_for_another_proposal(county, more_staff) -> None:
    """The baseline simulated once per scenario hash: a pair run after the baseline alone simulates only the
    proposal's replications, and the baseline's numbers are those of its own run."""
    from vetsim.replicate import new_memo

    rule = Rule(2, 2, (Precision("one_trip_rate", "all", 1e-9, "share", "x", "x", "test"),))
    [alone], _ = simulate_until_sure([county], cap=3, seed=13, workers=1, rule=rule)
    runs = []
    memo = new_memo(1, tick=lambda: runs.append(1))
    (base, prop), stop = simulate_until_sure([county, more_staff], cap=3, seed=13, workers=1, rule=rule, memo=memo)
    assert stop.replications == 3 and len(runs) == 3  # the proposal's three, none of the baseline's
    pd.testing.assert_frame_equal(base.per_replication, alone.per_replication)
    pd.testing.assert_frame_equal(base.summary, alone.summary)
    fresh = simulate(more_staff, replications=3, seed=13)
    pd.testing.assert_frame_equal(prop.per_replication, fresh.per_replication)
