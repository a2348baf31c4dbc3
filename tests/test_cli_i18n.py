"""The command line speaks Chinese by default (issue 11, item 15): ``--help`` of vetsim and of every
subcommand, and argparse's own errors; English with ``--lang en`` or an English locale. Every option
says what it is in both languages, and errors exit with the documented code 2."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from vetsim.cli import build_parser, main
from vetsim.cliparser import Bilingual, detect_lang

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ARGPARSE = ("usage:", "show this help message", "positional arguments", "options:", "error:",
                    "the following arguments are required", "invalid choice", "invalid int value")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))  # argparse's exits (help, refused arguments) come back as return codes
    out = capsys.readouterr()
    return int(code or 0), out.out + out.err


def test_every_help_text_is_given_in_both_languages() -> None:
    """Guards item 15: help strings were English only, so `vetsim staff -h` was English for everyone."""
    missing = []
    for name, sub in {"vetsim": build_parser("zh"), **_subparsers(build_parser("zh"))}.items():
        if not isinstance(sub.description, Bilingual) and name != "vetsim":
            missing.append(f"{name}: description")
        for action in sub._actions:
            if action.help is not argparse.SUPPRESS and not isinstance(action.help, Bilingual):
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, f"help without a Chinese and an English text (use vetsim.cliparser.bi): {missing}"


@pytest.mark.parametrize("command", ["", "validate", "show", "simulate", "staff", "budget", "report"])
def test_help_is_chinese_by_default(capsys, command) -> None:
    code, text = _run(capsys, *([command] if command else []), "--help")
    assert code == 0 and "用法：" in text and "显示此帮助信息并退出" in text
    for word in ENGLISH_ARGPARSE:
        assert word not in text, f"{word!r} in the Chinese help of {command or 'vetsim'}"
    if command in ("validate", "show"):
        assert "情景文件夹" in text and "scenario.yaml" in text  # the argument is described


@pytest.mark.parametrize("command", ["", "staff", "report"])
def test_help_in_english_on_request(capsys, command) -> None:
    code, text = _run(capsys, *([command] if command else []), "--help", "--lang", "en")
    assert code == 0 and "usage:" in text and "show this help message" in text
    assert not CJK.search(text.replace("data/sample_county", "")), text


@pytest.mark.parametrize(("argv", "zh"), [
    (["validate"], "缺少必需的参数：情景"),
    (["bogus"], "无效的选择：'bogus'"),
    (["staff", "data/sample_county", "--headcount", "abc"], "参数 --headcount：编制总数应为 1 到 1,000,000 之间的整数，实际为 'abc'"),
    (["staff", "data/sample_county", "--budget", "1", "--headcount", "2"], "不能与参数 --budget 同时使用"),
    (["show", "data/sample_county", "--colour"], "无法识别的参数：--colour"),
    (["show", "data/sample_county", "--lang", "fr"], "无效的选择：'fr'"),
])
def test_argparse_errors_in_chinese_exit_2(capsys, argv, zh) -> None:
    code, text = _run(capsys, *argv)
    assert code == 2
    assert zh in text and "错误" in text and "用法：" in text
    assert "error:" not in text and "usage:" not in text


def test_errors_in_english_with_lang_en(capsys) -> None:
    code, text = _run(capsys, "validate", "--lang", "en")
    assert code == 2 and "error: the following arguments are required: SCENARIO" in text


def test_language_from_the_locale() -> None:
    assert detect_lang([], {}) == "zh"
    assert detect_lang([], {"LANG": "en_US.UTF-8"}) == "en"
    assert detect_lang([], {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert detect_lang([], {"LANG": "C.UTF-8"}) == "zh"
    assert detect_lang([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert detect_lang(["--lang", "zh"], {"LANG": "en_US.UTF-8"}) == "zh"
    assert detect_lang(["show", "--lang=en"], {}) == "en"


def test_english_locale_end_to_end(tmp_path) -> None:
    env = {"LANG": "en_US.UTF-8", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "vetsim.cli", "show"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 2 and "the following arguments are required" in proc.stderr


def test_refused_numbers_in_one_language(capsys) -> None:
    """Issue 11 item 15: a number refused while parsing was shown in Chinese and English at once."""
    code, text = _run(capsys, "staff", "data/sample_county", "--headcount", "abc")
    assert code == 2 and "编制总数应为" in text and "the headcount" not in text
    code, text = _run(capsys, "staff", "data/sample_county", "--headcount", "abc", "--lang", "en")
    assert code == 2 and "the headcount must be a whole number" in text and "编制" not in text
