"""Every broken fixture in tests/data/invalid/ fails with a message naming file and row or key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vetsim
from vetsim.cli import main

INVALID = Path(__file__).parent / "data" / "invalid"

# fixture -> (file named, place named (zh), words in the Chinese message, words in the English message)
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "unknown_key": ("unknown_key/scenario.yaml", "targets.wait_minutes.colour", "未知字段", "allowed keys: label_zh"),
    "wrong_type": ("wrong_type/scenario.yaml", "horizon_years", "应为整数", "whole number"),
    "share_out_of_range": ("share_out_of_range/scenario.yaml", "case_types.consultation.hotline_share",
                           "应不大于 1", "<= 1"),
    "negative_count": ("negative_count/sites.csv", "第2行 funded_staff 列", "应不小于 0", ">= 0"),
    "shares_not_one": ("shares_not_one/caseload.csv", "第2行", "之和应为 1", "must sum to 1"),
    "missing_parent": ("missing_parent/sites.csv", "第2行 parent_id 列", "'T99' 不存在", "does not exist"),
    "cycle": ("cycle/sites.csv", "parent_id", "循环", "cycle"),
    "duplicate_ids": ("duplicate_ids/sites.csv", "第3行", "重复", "duplicate site_id=T16"),
    "empty_file": ("empty_file/sites.csv", "", "文件为空", "empty"),
    "header_only": ("header_only/sites.csv", "", "没有数据行", "no data rows"),
    "missing_base": ("missing_base/scenario.yaml", "base", "基础情景不存在", "base scenario does not exist"),
    "yaml_syntax": ("yaml_syntax/scenario.yaml", "第 3 行", "YAML 格式错误", "YAML syntax error"),
    "unsafe_yaml": ("unsafe_yaml/scenario.yaml", "第 2 行", "不允许使用 YAML 标签", "tags are not allowed"),
    "bad_hours": ("bad_hours/sites.csv", "第2行 open_hours 列", "开放时间", "opening hours"),
    "unknown_case_type": ("unknown_case_type/caseload.csv", "第2行 case_type 列", "未知业务类型 'visa'",
                          "allowed: consultation"),
    "missing_file": ("missing_file/sites.csv", "", "找不到必需的文件", "required file not found"),
    "bad_overlay_update": ("bad_overlay_update/scenario.yaml", "site_updates[0]", "未知或不可修改的字段",
                           "allowed: away_share, funded_staff"),
    # issue 11, item 6: gaps that used to pass validation or crash later
    "negative_cost": ("negative_cost/scenario.yaml", "costs", "年成本应在 0 到", "between 0 and"),
    "huge_cost": ("huge_cost/scenario.yaml", "costs", "年成本应在 0 到", "got 1e+308"),
    "wait_target_negative": ("wait_target_negative/scenario.yaml", "targets", "等待时间目标", "wait_minutes must be > 0"),
    "service_level_seven": ("service_level_seven/scenario.yaml", "targets", "service_level=7", "between 0 and 1"),
    "deadline_overflow": ("deadline_overflow/caseload.csv", "第2行 deadline_working_days 列", "应不大于 3660",
                          "<= 3660"),
    "duplicate_yaml_key": ("duplicate_yaml_key/scenario.yaml", "第 4 行", "'horizon_years' 在同一映射中重复出现",
                           "appears twice"),
    "invisible_name": ("invisible_name/scenario.yaml", "name.zh", "不可见字符", "invisible characters"),
    "start_date_far": ("start_date_far/scenario.yaml", "simulation.start_date", "应不大于 2100-12-31",
                       "got 9999-12-01"),
    "base_cycle": ("inner/scenario.yaml", "base", "base 链形成循环", "the base chain loops"),
    "semicolon_csv": ("semicolon_csv/sites.csv", "第1行", "分号", "semicolons"),
    "alias_bomb": ("alias_bomb/scenario.yaml", "", "YAML 别名", "aliases"),
}
# fixtures that load but draw a warning (issue 11, item 6): fixture -> words of the Chinese warning
WARNED: dict[str, str] = {
    "never_arrives": "案件永远不会到达",
    "one_minute_a_day": "窗口负荷估计超过 100%",
}
OTHER = ["several_errors", "cross_row_errors", "type_error_flood"]


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == sorted([*EXPECTED, *WARNED, *OTHER])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_is_rejected_with_its_message(name):
    file, where, zh, en = EXPECTED[name]
    with pytest.raises(vetsim.ScenarioError) as info:
        vetsim.load_scenario(INVALID / name)
    problems = info.value.problems
    assert any(p.file == file and where in p.where_zh and zh in p.message_zh and en in p.message_en
               for p in problems), [p.text("zh") for p in problems]
    text_zh, text_en = info.value.user_message("zh"), info.value.user_message("en")
    assert file in text_zh and zh in text_zh and en in text_en
    assert "Traceback" not in text_zh


def test_all_errors_of_a_scenario_are_reported_at_once():
    with pytest.raises(vetsim.ScenarioError) as info:
        vetsim.load_scenario(INVALID / "several_errors")
    places = {(p.file, p.where_en) for p in info.value.problems}
    assert places == {("several_errors/scenario.yaml", "seed"),
                      ("several_errors/sites.csv", "row 2, column funded_staff"),
                      ("several_errors/sites.csv", "row 2, column online_share")}


@pytest.mark.parametrize("name", sorted([*EXPECTED, *OTHER]))
def test_cli_validate_reports_without_traceback(name, capsys):
    assert main(["validate", str(INVALID / name)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "情景数据有" in err


def test_console_script_exit_codes(sample_path):
    ok = subprocess.run([sys.executable, "-m", "vetsim.cli", "validate", str(sample_path)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "vetsim.cli", "validate", str(INVALID / "cycle"), "--lang", "en"],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert "cycle/sites.csv" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "vetsim.cli", "validate", "no/such/folder"],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "找不到情景文件夹" in missing.stderr


def test_cross_row_checks_run_despite_type_errors_in_other_rows():
    """Guards issue 11 item 6: an unknown parent was hidden until a type error elsewhere was fixed."""
    with pytest.raises(vetsim.ScenarioError) as info:
        vetsim.load_scenario(INVALID / "cross_row_errors")
    places = {(p.file, p.where_en) for p in info.value.problems}
    assert places == {("cross_row_errors/sites.csv", "row 2, column funded_staff"),
                      ("cross_row_errors/sites.csv", "row 3, column parent_id")}, places


def test_same_error_on_many_rows_is_one_message():
    """Guards issue 11 item 6: one message per column problem, not one per row (a flood)."""
    with pytest.raises(vetsim.ScenarioError) as info:
        vetsim.load_scenario(INVALID / "type_error_flood")
    (p,) = info.value.problems
    assert "15" in p.where_zh and "funded_staff" in p.where_zh and "应为整数" in p.message_zh


@pytest.mark.parametrize("name", sorted(WARNED))
def test_impossible_scenarios_load_with_a_warning(name, capsys):
    """Guards issue 11 item 6: no case can arrive / utilisation of 500%: loaded, but the user is warned."""
    from vetsim.work.advice import scenario_warnings

    warnings = scenario_warnings(vetsim.load_scenario(INVALID / name))
    assert any(WARNED[name] in w.message_zh for w in warnings), warnings
    assert main(["validate", str(INVALID / name)]) == 0
    assert WARNED[name] in capsys.readouterr().err


def test_sample_scenario_draws_no_warning(sample):
    from vetsim.work.advice import scenario_warnings

    assert scenario_warnings(sample) == []
