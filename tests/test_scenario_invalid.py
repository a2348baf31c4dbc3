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
}


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == sorted([*EXPECTED, "several_errors"])


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


@pytest.mark.parametrize("name", sorted([*EXPECTED, "several_errors"]))
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
