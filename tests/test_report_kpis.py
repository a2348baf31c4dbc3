"""The brief's KPI table and headline sentences: the Results' numbers, judged against the scenario's targets."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from vetsim.brief import fmt_value, headlines, kpi_table
from vetsim.work import site_costs

sys.path.insert(0, str(Path(__file__).parent))
from charts_fakes import fake_pair  # noqa: E402


@pytest.fixture(scope="module")
def pair(sample, proposal):
    return fake_pair(sample, proposal)


@pytest.fixture(scope="module")
def table(sample, proposal, pair):
    base, prop = pair
    return kpi_table(base, sample.spec.targets, lang="zh", proposal=prop,
                     baseline_cost=site_costs(sample), proposal_cost=site_costs(proposal)).set_index("key")


def test_values_are_the_results_numbers(table) -> None:
    assert table.loc["wait_township", ["baseline", "proposal"]].tolist() == [42.0, 12.0]
    assert table.loc["wait_township", "label"] == "乡镇站平均等待（分钟）"
    assert table.loc["one_trip", ["baseline_text", "proposal_text"]].tolist() == ["84.0%", "90.0%"]
    # petition backlog cleared on day 150 / 120 after 2027-01-01
    assert table.loc["petition_zero", "baseline"] == dt.date(2027, 5, 31)
    assert table.loc["petition_zero", "proposal"] == dt.date(2027, 5, 1)


def test_site_cost_by_hand(table) -> None:
    # baseline: center 10 x 120,000 + 200,000; 15 townships x (90,000 + 36,000 + 20,000);
    # 200 villages x (7,200 + 3,000)  ->  1,400,000 + 2,190,000 + 2,040,000 = 5,630,000 yuan
    # proposal: townships get a second funded post: 15 x (2 x 90,000 + 36,000 + 20,000) = 3,540,000
    assert table.loc["site_cost", "baseline"] == 5_630_000
    assert table.loc["site_cost", "proposal"] == 6_980_000
    assert table.loc["site_cost", "baseline_text"] == "563.0 万元/年"


def test_targets_decide_the_colours(table) -> None:
    assert table.loc["wait_township", ["baseline_ok", "proposal_ok"]].tolist() == [False, True]  # 42 > 30, 12 <= 30
    assert table.loc["one_trip", ["baseline_ok", "proposal_ok"]].tolist() == [False, True]  # 90% meets ">= 90%"
    assert table.loc["util_county", ["baseline_ok", "proposal_ok"]].tolist() == [True, True]  # 80%, 48% <= 85%
    assert table.loc["petition_zero", "target_text"] == "不晚于 2027-09-30"
    assert table.loc["petition_zero", "baseline_ok"] is True
    assert table.loc["site_cost", "baseline_ok"] is None  # no target, no colour


def test_headlines_in_chinese_and_english(sample, proposal, pair, table) -> None:
    lines = headlines(table.reset_index(), "zh")
    assert lines[0] == "乡镇站平均等待从 42.0 分钟降至 12.0 分钟，达到目标（≤ 30）。"
    assert lines[-1] == "站点年度经费从 563.0 万元/年增加至 698.0 万元/年（+24.0%）。"  # the cost is always said
    # reaching its target ranks the small one-trip gain above the larger utilisation drop
    assert lines[1] == "最多跑一次比例从 84.0% 升至 90.0%，达到目标（≥ 90%）。"
    assert "信访积案清零日期从 2027-05-31 提前到 2027-05-01，达到目标（不晚于 2027-09-30）。" in lines
    assert len(lines) == 4 and not any("利用率" in line for line in lines)
    en = kpi_table(pair[0], sample.spec.targets, lang="en", proposal=pair[1],
                   baseline_cost=site_costs(sample), proposal_cost=site_costs(proposal))
    lines = headlines(en, "en")
    assert lines[0] == "Township mean wait falls from 42.0 minutes to 12.0 minutes, meeting the target (≤ 30)."
    assert lines[-1].startswith("Yearly site cost rises from 5.63 million yuan/year to 6.98 million yuan/year")


def test_single_scenario_sentences_judge_against_targets(sample, pair) -> None:
    table = kpi_table(pair[0], sample.spec.targets, lang="zh")
    lines = headlines(table, "zh")
    assert "乡镇站平均等待为 42.0 分钟，未达到目标（≤ 30）。" in lines
    assert "信访积案预计 2027-05-31 清零，比目标（2027-09-30）早 122 天。" in lines
    assert table["proposal_text"].eq("").all()


def test_backlog_not_cleared_in_every_run_is_said(sample, pair) -> None:
    base = pair[0]
    summary = base.summary.copy()
    row = summary["metric"] == "petition_backlog_zero_day"
    summary.loc[row, "replications"] = 1  # only 1 of the 2 replications cleared it
    partial = type(base)(summary, base.site_days, base.cases, base.meta)
    t = kpi_table(partial, sample.spec.targets, lang="zh").set_index("key")
    assert t.loc["petition_zero", "baseline_text"] == "2027-05-31（1/2 次清零）"
    assert t.loc["petition_zero", "baseline_ok"] is False  # the date alone would have met the target
    never = summary[~row].copy()
    never.loc[never["metric"] == "petition_backlog_end", ["mean", "ci_low", "ci_high"]] = 3.0
    t = kpi_table(type(base)(never, base.site_days, base.cases, base.meta), sample.spec.targets).set_index("key")
    assert t.loc["petition_zero", ["baseline_text", "baseline_ok"]].tolist() == ["年内未清零", False]


def _with_runs(base, days: list[float]):
    """``base`` whose backlog was cleared on ``days`` (NaN: never) in its runs, per run and in the summary."""
    import math

    import pandas as pd

    summary = base.summary.copy()
    row = summary["metric"] == "petition_backlog_zero_day"
    cleared = [d for d in days if not math.isnan(d)]
    summary.loc[row, ["mean", "replications"]] = [sum(cleared) / len(cleared), len(cleared)]
    res = type(base)(summary, base.site_days, base.cases, {**base.meta, "replications": len(days)})
    res.per_replication = pd.DataFrame({"replication": range(len(days)), "metric": "petition_backlog_zero_day",
                                        "level": "all", "case_type": "all", "value": days})
    return res


def test_a_date_target_is_met_by_an_earlier_date_counting_every_run(sample, pair) -> None:
    # 2 of 3 runs cleared, on days 100 and 200: more than half the runs cleared by day 200 (2027-07-20),
    # earlier than the target 2027-09-30 -> met (the mean of the clearing runs alone would say day 150)
    t = kpi_table(_with_runs(pair[0], [100.0, 200.0, float("nan")]), sample.spec.targets).set_index("key")
    assert t.loc["petition_zero", "baseline"] == dt.date(2027, 7, 20)
    assert t.loc["petition_zero", "baseline_text"] == "2027-07-20（2/3 次清零）"
    assert t.loc["petition_zero", "baseline_ok"] is True
    # ... by day 300 (2027-10-28), later than the target -> missed
    t = kpi_table(_with_runs(pair[0], [100.0, 300.0, float("nan")]), sample.spec.targets).set_index("key")
    assert t.loc["petition_zero", ["baseline", "baseline_ok"]].tolist() == [dt.date(2027, 10, 28), False]
    # only 1 of 3 runs cleared: not cleared in most runs, whatever that one run's date
    t = kpi_table(_with_runs(pair[0], [10.0, float("nan"), float("nan")]), sample.spec.targets).set_index("key")
    assert t.loc["petition_zero", ["baseline_text", "baseline_ok"]].tolist() == ["年内未清零（1/3 次清零）", False]


def test_targets_are_written_as_users_write_them(sample, pair) -> None:
    from vetsim.brief.kpis import BRIEF_KPIS, _target_text

    spec = {s.key: s for s in BRIEF_KPIS}
    assert _target_text(spec["campaign"], 1.0, "zh") == "100%"  # not "≥ 100%": nothing lies above it
    assert _target_text(spec["duty_township"], 0.95, "zh") == "≥ 95%"
    assert _target_text(spec["wasted_trip"], 0.0, "en") == "0%"  # a ceiling of nothing: nobody turned away
    assert _target_text(spec["wasted_trip"], 0.05, "en") == "≤ 5%"
    assert _target_text(spec["wait_township"], 30, "zh") == "≤ 30"
    assert _target_text(spec["petition_zero"], dt.date(2027, 9, 30), "en") == "by 2027-09-30"


@pytest.mark.parametrize(("value", "kind", "lang", "text"), [
    (42.04, "minutes", "zh", "42.0"), (0.8449, "share", "zh", "84.5%"), (5_630_000, "money", "zh", "563.0 万元/年"),
    (5_630_000, "money", "en", "5.63 million yuan/year"), (dt.date(2027, 5, 1), "date", "en", "2027-05-01"),
    (None, "minutes", "zh", "—"),
])
def test_number_formats(value, kind, lang, text) -> None:
    assert fmt_value(value, kind, lang) == text


def test_headlines_wrap_without_splitting_numbers_or_starting_with_punctuation() -> None:
    from vetsim.brief.page import _wrap

    text = "信访积案清零日期从 2027-05-31 提前到 2027-05-01，达到目标（不晚于 2027-09-30）。"
    for width in (12, 16, 20, 27, 33, 40):
        lines = _wrap(text, width, "zh")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert line[0] not in "，。）"
        for date in ("2027-05-31", "2027-05-01", "2027-09-30"):
            assert any(date in line for line in lines), (width, lines)  # never split across lines


def test_unchanged_cost_is_said_as_unchanged(sample, pair) -> None:
    costs = site_costs(sample)
    for lang, expected in (("zh", "站点年度经费不变（563.0 万元/年）。"),
                           ("en", "Yearly site cost is unchanged (5.63 million yuan/year).")):
        table = kpi_table(pair[0], sample.spec.targets, lang=lang, proposal=pair[1],
                          baseline_cost=costs, proposal_cost=costs)
        assert headlines(table, lang)[-1] == expected


def _row(**kw):
    base = {"key": "x", "label": "年末在办案件（件）", "target": None, "target_text": "—", "direction": None,
            "kind": "count", "baseline": 80.8, "baseline_text": "80.8", "baseline_ok": None, "proposal": 75.0,
            "proposal_text": "75.0", "proposal_ok": None, "baseline_ci": None, "proposal_ci": None}
    return {**base, **kw}


def test_headlines_speak_of_whole_cases_and_say_when_a_change_is_within_the_ci() -> None:
    """Issue 11 item 17: no fractional cases in a sentence; a change inside the 95% intervals is said to be."""
    import pandas as pd

    from vetsim.brief.kpis import KPI_COLUMNS
    from vetsim.brief.sentences import headlines

    apart = pd.DataFrame([_row(baseline_ci=(79.0, 82.0), proposal_ci=(74.0, 76.0))], columns=KPI_COLUMNS)
    assert headlines(apart) == ["年末在办案件从 81 件降至 75 件。"]
    close = pd.DataFrame([_row(baseline_ci=(70.0, 90.0), proposal_ci=(66.0, 84.0))], columns=KPI_COLUMNS)
    assert headlines(close) == ["年末在办案件从 81 件降至 75 件（变化在 95% 置信区间内）。"]
    en = pd.DataFrame([_row(label="Open cases at the end (cases)", baseline_ci=(70.0, 90.0), proposal_ci=(66.0, 84.0))],
                      columns=KPI_COLUMNS)
    assert headlines(en, "en") == ["Open cases at the end falls from 81 cases to 75 cases (within the 95% confidence interval)."]


def test_the_first_headline_names_what_the_proposal_changes(sample, proposal, table) -> None:
    from vetsim.brief.changes import proposal_changes

    # the proposal's sites.csv differs from the baseline's: every township station 1 -> 2 funded posts
    change = proposal_changes(sample, proposal, "zh")
    assert change == "每个乡镇站在编人员由 1 人增至 2 人"
    assert proposal_changes(sample, proposal, "en") == "funded staff at each township site up from 1 to 2"
    lines = headlines(table.reset_index(), "zh", 4, change)
    assert lines[0] == "方案：每个乡镇站在编人员由 1 人增至 2 人，站点年度经费从 563.0 万元/年增加至 698.0 万元/年（+24.0%）。"
    assert len(lines) == 4 and sum("站点年度经费" in s for s in lines) == 1
    # a change of some sites only is said as the level's total
    fewer = proposal.with_site_changes({proposal.sites_at("township")[0].site_id: {"funded_staff": 1}})
    assert proposal_changes(sample, fewer, "zh") == "乡镇站在编人员合计由 15 人增至 29 人（14 个站点）"
    assert proposal_changes(sample, sample, "zh") is not None  # no site differs: the proposal's description
