"""Command line: ``vetsim validate|show|simulate|staff|budget|report``, Chinese first, English on request.

Errors reach the user as messages, never tracebacks. Everything the command line prints is in
the user's language: Chinese by default, English with ``--lang en`` (anywhere on the line) or when
the locale is English (``LC_ALL``/``LC_MESSAGES``/``LANG`` starting with ``en``). That includes
argparse's own words (usage, section titles, ``-h``) and its error messages, which
:class:`VetsimArgumentParser` translates; the subcommand modules only supply their texts in both
languages with :func:`bi`.

Exit codes (also in the README): 0 success; 1 the command ran but its result falls short (``staff``:
the plan failed its simulation check); 2 the input was refused (bad arguments, invalid scenario,
file problems, an output that cannot be written: disk full, name too long, no permission), with a message;
3 internal error (a bug: please report it); 130 interrupted (Ctrl-C).
Every run ends with a closing line that says what its code means (``结果：…（退出码 N）``; a handler
returns an :class:`Outcome` to say why), and a method the output names (Erlang, WISN, Morris, ...)
is explained in one plain line the first time (:class:`MethodNotes`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from importlib import import_module
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NoReturn

from . import __version__
from .errors import Note, VetsimError
from .files import os_failure
from .i18n import LANGS
from .wording import both, tr

__all__ = ["main", "build_parser", "bi", "Bilingual", "VetsimArgumentParser", "detect_lang", "parser_lang",
           "add_scenario_arg", "translate_error", "Outcome", "outcome", "closing_line", "MethodNotes",
           "EXIT_OK", "EXIT_FALLS_SHORT", "EXIT_REFUSED", "EXIT_INTERNAL", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_FALLS_SHORT, EXIT_REFUSED, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

Handler = Callable[[argparse.Namespace], int]

# the closing line's text for an exit code, unless the command says more (see :class:`Outcome`)
_CLOSING = {EXIT_OK: "cli.closing.ok", EXIT_FALLS_SHORT: "cli.closing.falls_short", EXIT_REFUSED: "cli.closing.refused",
            EXIT_INTERNAL: "cli.closing.internal", EXIT_INTERRUPTED: "cli.closing.interrupted"}
# methods named in the output, explained in one plain line the first time each appears (catalogue:
# method.<id>.name, method.<id>.explain); a specific one covers the general one
_METHODS = ("erlang_a", "erlang_c", "erlang", "wisn", "morris", "sobol", "monte_carlo")
_COVERS = {"erlang_a": ("erlang",), "erlang_c": ("erlang",)}


class Outcome(int):
    """A command's exit code with what it means for this run, for the closing line
    (``结果：2 项指标超出容差（退出码 1）``); a handler may return one instead of a plain int."""

    text: str

    def __new__(cls, code: int, text: str) -> "Outcome":
        obj = super().__new__(cls, code)
        obj.text = text
        return obj


def outcome(code: int, key: str, lang: str, **fields: Any) -> Outcome:
    """:class:`Outcome` with the catalogue text ``key`` in ``lang``."""
    return Outcome(code, tr(key, lang, **fields))


def closing_line(code: int, lang: str, text: str | None = None) -> str:
    """The last line of every command: what its exit code means (``text``, else the code's general meaning)."""
    return tr("cli.closing", lang, text=text or tr(_CLOSING.get(code, "cli.closing.internal"), lang), code=code)


class MethodNotes:
    """A stand-in for ``sys.stdout`` that writes everything through and, after each printed text that
    names a method (Erlang, WISN, Morris, Sobol, Monte Carlo, ...) for the first time, one plain line
    saying what the method is. Notes follow a whole ``print()`` (a table stays in one piece)."""

    def __init__(self, stream: Any, lang: str):
        self.stream, self.lang, self._text, self.done = stream, lang, "", set()
        self._names = [(m, tr(f"method.{m}.name", lang)) for m in _METHODS]

    def notes(self, text: str) -> list[str]:
        """The note lines for methods first named in ``text`` (each method once)."""
        out = []
        for method, name in self._names:
            if method not in self.done and name in text:
                self.done.update((method, *_COVERS.get(method, ())))
                out.append(tr("cli.method_note", self.lang, name=name, text=tr(f"method.{method}.explain", self.lang)))
        return out

    def write(self, text: str) -> int:
        self.stream.write(text)
        self._text += text
        if self._text.endswith("\n"):
            for line in self.notes(self._text):
                self.stream.write(line + "\n")
            self._text = ""
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class Bilingual(str):
    """A text in Chinese and English (a ``str``: the Chinese); the parser shows the one of its language."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> "Bilingual":
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
    from .cliargs import LANG_SEP  # lazy: start-up of `vetsim --help` and of the other commands

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


def _validate(args: argparse.Namespace) -> int:
    from .scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands

    from .work.advice import format_warnings, scenario_warnings  # lazy: start-up of `vetsim --help` and of the other commands

    sc = load_scenario(args.path)
    print(f"{tr('valid', args.lang)}: {sc.name(args.lang)} ({args.path}) [{sc.hash()[:12]}]")
    warnings = scenario_warnings(sc)
    if warnings:
        print(format_warnings(warnings, args.lang), file=sys.stderr)
        return outcome(0, "cli.closing.valid_warned", args.lang, n=len(warnings))
    return outcome(0, "cli.closing.valid", args.lang)


def _show(args: argparse.Namespace) -> int:
    from .scenario import load_scenario  # lazy: start-up of `vetsim --help` and of the other commands
    from .show import format_summary  # lazy: start-up of `vetsim --help` and of the other commands

    print(format_summary(load_scenario(args.path), args.lang))
    return 0


def parser_lang(parser: argparse.ArgumentParser) -> str:
    """The language a (sub)parser speaks ('zh' unless it is an English :class:`VetsimArgumentParser`)."""
    return getattr(parser, "lang", "zh")


def add_scenario_arg(parser: argparse.ArgumentParser) -> None:
    """The scenario folder argument every scenario command takes (``path``), described in both languages."""
    parser.add_argument("path", metavar=bi(*both("cli.scenario")).pick(parser_lang(parser)),
                        help=bi(*both("cli.arg.scenario")))


def _add_common(p: argparse.ArgumentParser, lang: str = "zh") -> None:
    p.add_argument("--lang", choices=LANGS, default=lang,
                   help=bi(*both("cli.arg.lang")))
    p.add_argument("--debug", action="store_true",
                   help=bi(*both("cli.arg.debug")))


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The ``vetsim`` parser in ``lang`` (default: :func:`detect_lang` of this process's arguments)."""
    lang = lang or detect_lang()
    parser = VetsimArgumentParser(
        prog="vetsim", lang=lang,
        description=bi(*both("cli.description")),
        epilog=bi(*both("cli.exit_codes")))
    parser.add_argument("--version", action="version", version=f"vetsim {__version__}",
                        help=bi(*both("cli.arg.version")))
    parser.add_argument("--lang", choices=LANGS, default=lang, help=bi(*both("cli.language_default_zh")))
    sub = parser.add_subparsers(dest="command", required=True, metavar=bi(*both("cli.command")).pick(lang),
                                help=bi(*both("cli.arg.command")))
    common = partial(_add_common, lang=lang)
    p = sub.add_parser("validate", help=bi(*both("cli.validate.help")),
                       description=bi(*both("cli.validate.description")))
    add_scenario_arg(p)
    common(p)
    p.set_defaults(handler=_validate)
    p = sub.add_parser("show", help=bi(*both("cli.show.help")),
                       description=bi(*both("cli.show.description")))
    add_scenario_arg(p)
    common(p)
    p.set_defaults(handler=_show)
    for register in _extensions():
        register(sub, common)
    return parser


# Modules that contribute subcommands; each defines ``register(subparsers, add_common)``.
_EXTENSION_MODULES = ("vetsim.sim.cli", "vetsim.plans.cli", "vetsim.fiscal.cli", "vetsim.brief.cli",
                      "vetsim.ledger.cli", "vetsim.backtest.cli", "vetsim.brief.sensitivity_cli", "vetsim.region.cli",
                      "vetsim.tasks.cli", "vetsim.bulletin.cli", "vetsim.brief.diff_cli")


def _extensions() -> list[Callable[..., None]]:
    """The ``register`` functions of the subcommand modules (imported here, when the parser is built)."""
    return [import_module(name).register for name in _EXTENSION_MODULES]


def _show_note(lang: str, other: Callable[..., None], message: Any, category: Any, filename: str, lineno: int,
               file: Any = None, line: Any = None) -> None:
    """``warnings.showwarning`` while a command runs: a :class:`Note` (something done while reading, e.g. a
    title row skipped) is one line in the user's language; any other warning is shown as Python would."""
    if isinstance(message, Note):
        print(message.user_message(lang), file=sys.stderr)
    else:
        other(message, category, filename, lineno, file, line)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = detect_lang(argv)
    try:
        args = build_parser(lang).parse_args(argv)
    except SystemExit as exc:  # --help, --version, or an argument refused while parsing (message printed)
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 2
    lang = getattr(args, "lang", lang)
    shown = warnings.showwarning
    warnings.showwarning = partial(_show_note, lang, shown)
    stdout = sys.stdout
    sys.stdout = MethodNotes(stdout, lang)
    try:
        result = args.handler(args)
        code = int(result or 0)  # an Outcome of 0 is falsy: its text is read from ``result`` below
        print(closing_line(code, lang, getattr(result, "text", None)))
        return code
    except VetsimError as exc:
        return _failed(exc.user_message(lang), EXIT_REFUSED, lang)
    except KeyboardInterrupt:
        return _failed(None, EXIT_INTERRUPTED, lang)
    except OSError as exc:  # a place the user named that cannot be read or written: the path and the cause
        if getattr(args, "debug", False):
            raise
        return _failed(os_failure(exc, lang), EXIT_REFUSED, lang)
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if getattr(args, "debug", False):
            raise
        return _failed(f"{tr('error.internal', lang)}: {type(exc).__name__}: {exc}", EXIT_INTERNAL, lang)
    finally:
        sys.stdout = stdout
        warnings.showwarning = shown


def _failed(message: str | None, code: int, lang: str) -> int:
    """Print why a command stopped and its closing line, on stderr; ``code``."""
    sys.stdout.flush()
    if message:
        print(message, file=sys.stderr)
    print(closing_line(code, lang), file=sys.stderr)
    return code


if __name__ == "__main__":  # ``python -m vetsim.cli``: run the imported module, so that there is one ``Bilingual``
    from vetsim.cli import main as _main

    sys.exit(_main())
