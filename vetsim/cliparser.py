"""The command line's parser, in the user's language: the pieces every command module uses.

Everything the command line prints is in the user's language: Chinese by default, English with
``--lang en`` (anywhere on the line) or when the locale is English (``LC_ALL``/``LC_MESSAGES``/``LANG``
starting with ``en``). That includes argparse's own words (usage, section titles, ``-h``) and its error
messages, which :class:`VetsimArgumentParser` translates (:data:`_WORDS`, :data:`_ERRORS`: the one place
with Chinese text outside the wording catalogue); a command only supplies its texts in both languages
with :func:`bi`. A handler returns an exit code, or an :class:`Outcome` that says what it means for the
run (:func:`outcome`); :func:`closing_line` is the last line of every run.

A base module (it imports only ``errors``, ``i18n``, ``wording``): the command modules in
``vetsim.commands`` and the dashboard's launcher (``vetsim.ui.voila``) import it, and the dispatcher
``vetsim.cli`` builds the parser from them.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from functools import partial
from typing import Any, NoReturn

from .i18n import LANGS
from .wording import both, tr

__all__ = ["bi", "Bilingual", "VetsimArgumentParser", "detect_lang", "parser_lang", "add_scenario_arg",
           "translate_error", "Outcome", "outcome", "closing_line", "LANG_SEP",
           "EXIT_OK", "EXIT_FALLS_SHORT", "EXIT_REFUSED", "EXIT_INTERNAL", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_FALLS_SHORT, EXIT_REFUSED, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
LANG_SEP = " ‖ "  # between the Chinese and the English text of a refusal; the parser shows one of them

# the closing line's text for an exit code, unless the command says more (see :class:`Outcome`)
_CLOSING = {EXIT_OK: "cli.closing.ok", EXIT_FALLS_SHORT: "cli.closing.falls_short", EXIT_REFUSED: "cli.closing.refused",
            EXIT_INTERNAL: "cli.closing.internal", EXIT_INTERRUPTED: "cli.closing.interrupted"}


class Outcome(int):
    """A command's exit code with what it means for this run, for the closing line
    (``结果：2 项指标超出容差（退出码 1）``); a handler may return one instead of a plain int."""

    text: str

    def __new__(cls, code: int, text: str) -> Outcome:
        obj = super().__new__(cls, code)
        obj.text = text
        return obj


def outcome(code: int, key: str, lang: str, **fields: Any) -> Outcome:
    """:class:`Outcome` with the catalogue text ``key`` in ``lang``."""
    return Outcome(code, tr(key, lang, **fields))


def closing_line(code: int, lang: str, text: str | None = None) -> str:
    """The last line of every command: what its exit code means (``text``, else the code's general meaning)."""
    return tr("cli.closing", lang, text=text or tr(_CLOSING.get(code, "cli.closing.internal"), lang), code=code)



class Bilingual(str):
    """A text in Chinese and English (a ``str``: the Chinese); the parser shows the one of its language."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Bilingual:
        obj = super().__new__(cls, zh)
        obj.zh, obj.en = zh, en
        return obj

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def bi(zh: str, en: str) -> Bilingual:
    """A help text or description in both languages, for ``add_argument(help=...)`` and ``add_parser``."""
    return Bilingual(zh, en)


def _pick(text: Any, lang: str) -> Any:
    return text.pick(lang) if isinstance(text, Bilingual) else text


def detect_lang(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> str:
    """The language of this command line: ``--lang X`` / ``--lang=X`` if given, else English when the
    locale is English, else Chinese."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, a in enumerate(args):
        value = a.split("=", 1)[1] if a.startswith("--lang=") else args[i + 1] if a == "--lang" and i + 1 < len(args) \
            else None
        if value in LANGS:
            return value
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return "en" if env[var].lower().startswith("en") else "zh"
    return "zh"


# argparse's own messages (Python 3.9-3.13 wording) and their Chinese
_WORDS = {"usage: ": "用法：", "positional arguments": "位置参数", "options": "选项", "optional arguments": "选项"}
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", "无效的选择：{0}（可选：{1}）"),
    (r"invalid int value: (.*)", "应为整数，实际为 {0}"),
    (r"invalid float value: (.*)", "应为数字，实际为 {0}"),
    (r"invalid \S+ value: (.*)", "无效的值：{0}"),
    (r"expected one argument", "需要给出一个值"),
    (r"expected at most one argument", "最多只能给出一个值"),
    (r"expected at least one argument", "至少需要给出一个值"),
    (r"expected (\d+) arguments?", "需要给出 {0} 个值"),
    (r"not allowed with argument (.*)", "不能与参数 {0} 同时使用"),
    (r"ignored explicit argument (.*)", "此参数不接受值：{0}"),
    (r"one of the arguments (.*) is required", "必须给出以下参数之一：{0}"),
    (r"ambiguous option: (.*) could match (.*)", "选项有歧义：{0} 可能是 {1}"),
)


def translate_error(message: str, lang: str) -> str:
    """argparse's error ``message`` in ``lang`` (Chinese translated; nested "argument X: ..." too)."""
    if LANG_SEP in message:  # a vetsim refusal in both languages: keep the one asked for
        head, _, tail = message.partition(LANG_SEP)
        prefix, sep, zh = head.rpartition(": ")
        message = head if lang == "zh" else f"{prefix}{sep}{tail}"
    if lang != "zh":
        return message
    m = re.fullmatch(r"argument (.+?): (.*)", message, flags=re.S)
    if m:
        return f"参数 {m.group(1)}：{translate_error(m.group(2), lang)}"
    for pattern, zh in _ERRORS:
        m = re.fullmatch(pattern, message, flags=re.S)
        if m:
            return zh.format(*m.groups())
    return message


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with texts picked in the parser's language."""

    lang = "zh"

    def _get_help_string(self, action: argparse.Action) -> str:
        return _pick(action.help, self.lang) or ""

    def _format_text(self, text: str) -> str:
        return super()._format_text(_pick(text, self.lang))

    def start_section(self, heading: str | None) -> None:
        heading = _pick(heading, self.lang)
        super().start_section(_WORDS.get(heading, heading) if self.lang == "zh" and heading else heading)

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        if prefix is None and self.lang == "zh":
            prefix = _WORDS["usage: "]
        super().add_usage(usage, actions, groups, prefix)


class VetsimArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` speaking ``lang``: translated help, section titles and error messages.

    Errors print the usage line and ``vetsim: 错误：…`` (or ``error: …``) and exit with code 2.
    """

    def __init__(self, *args: Any, lang: str = "zh", **kwargs: Any):
        self.lang = lang
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", type("Formatter", (_Formatter,), {"lang": lang}))
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=bi(*both("cli.arg.help")))

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", partial(VetsimArgumentParser, lang=self.lang))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = translate_error(message, self.lang)
        hint = tr("cli.help_hint", self.lang, prog=self.prog)
        sep = tr("cli.error", self.lang)
        self.exit(EXIT_REFUSED, f"{self.prog}{sep}{text}{hint}\n{closing_line(EXIT_REFUSED, self.lang)}\n")


def parser_lang(parser: argparse.ArgumentParser) -> str:
    """The language a (sub)parser speaks ('zh' unless it is an English :class:`VetsimArgumentParser`)."""
    return getattr(parser, "lang", "zh")


def add_scenario_arg(parser: argparse.ArgumentParser) -> None:
    """The scenario folder argument every scenario command takes (``path``), described in both languages."""
    parser.add_argument("path", metavar=bi(*both("cli.scenario")).pick(parser_lang(parser)),
                        help=bi(*both("cli.arg.scenario")))


