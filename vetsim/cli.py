"""Command line: ``vetsim validate|show|simulate|staff|budget|report``, Chinese first, English on request.

The dispatcher, the top layer of vetsim. The parser is built from the command groups of
``vetsim.commands`` (each ``register(subparsers, add_common)``; ``add_common`` adds ``--lang`` and
``--debug``); a subcommand names its handler as a ``"module:function"`` string, imported by
:func:`handler` only when that command runs, so building the parser (``vetsim --help``) stays light.
The parser's pieces (:class:`~vetsim.cliparser.VetsimArgumentParser`, ``bi``, ``outcome``) live in
the base module ``vetsim.cliparser``, which the command modules import: nothing imports this module back.

Errors reach the user as messages, never tracebacks, in the user's language (``vetsim.cliparser``).

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
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from importlib import import_module
from typing import Any

from ._version import __version__
from .cliparser import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REFUSED, VetsimArgumentParser, bi, closing_line, detect_lang
from .commands import (
    budget,
    bulletin,
    calibrate,
    compare,
    ledger,
    region,
    report,
    scenario,
    sensitivity,
    simulate,
    staff,
    tasks,
)
from .errors import Note, VetsimError
from .files import os_failure
from .i18n import LANGS
from .wording import both, tr

__all__ = ["main", "build_parser", "handler", "MethodNotes"]

Handler = Callable[[argparse.Namespace], int]
# the command groups in the order of `vetsim --help`; each adds its subcommands with register(subparsers, add_common)
COMMANDS = (scenario, simulate, staff, budget, report, compare, ledger, calibrate, sensitivity, region, tasks, bulletin)

# methods named in the output, explained in one plain line the first time each appears (catalogue:
# method.<id>.name, method.<id>.explain); a specific one covers the general one
_METHODS = ("erlang_a", "erlang_c", "erlang", "wisn", "morris", "sobol", "monte_carlo")
_COVERS = {"erlang_a": ("erlang",), "erlang_c": ("erlang",)}


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
    for group in COMMANDS:
        group.register(sub, common)
    return parser


def handler(name: str | Handler) -> Handler:
    """The function a subcommand names as ``"module:function"`` (its module imported now: only the command
    that runs loads what it needs)."""
    if callable(name):
        return name
    module, _, function = name.partition(":")
    return getattr(import_module(module), function)


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
        result = handler(args.handler)(args)
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


if __name__ == "__main__":  # ``python -m vetsim.cli``: run the imported module (one copy of its state, not a second as __main__)
    from vetsim.cli import main as _main

    sys.exit(_main())
