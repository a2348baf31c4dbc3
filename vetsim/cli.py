"""Command line: ``vetsim validate|show|...``. Errors reach the user as messages, never tracebacks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import VetsimError
from .i18n import LANGS, label

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from .scenario import load_scenario

    from .work.advice import format_warnings, scenario_warnings

    sc = load_scenario(args.path)
    print(f"{label('valid', args.lang)}: {sc.name(args.lang)} ({args.path}) [{sc.hash()[:12]}]")
    warned = format_warnings(scenario_warnings(sc), args.lang)
    if warned:
        print(warned, file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    from .scenario import load_scenario
    from .show import format_summary

    print(format_summary(load_scenario(args.path), args.lang))
    return 0


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGS, default="zh", help="output language (default zh)")
    p.add_argument("--debug", action="store_true", help="show full tracebacks for internal errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vetsim", description="vetsim: county veterans-affairs planning workbench")
    parser.add_argument("--version", action="version", version=f"vetsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a scenario folder")
    p.add_argument("path")
    _add_common(p)
    p.set_defaults(handler=_validate)
    p = sub.add_parser("show", help="print a scenario summary")
    p.add_argument("path")
    _add_common(p)
    p.set_defaults(handler=_show)
    for register in _extensions():
        register(sub, _add_common)
    return parser


# Modules that contribute subcommands; each defines ``register(subparsers, add_common)``.
_EXTENSION_MODULES = ("vetsim.sim.cli", "vetsim.staffing.cli", "vetsim.fiscal.cli", "vetsim.brief.cli")


def _extensions() -> list[Callable[..., None]]:
    """The ``register`` functions of the subcommand modules that exist in this version."""
    from importlib import import_module
    from importlib.util import find_spec

    found = []
    for name in _EXTENSION_MODULES:
        if find_spec(name.rsplit(".", 1)[0]) is not None and find_spec(name) is not None:
            found.append(import_module(name).register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or an argument refused while parsing (message printed)
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 2
    lang = getattr(args, "lang", "zh")
    try:
        return int(args.handler(args) or 0)
    except VetsimError as exc:
        print(exc.user_message(lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if getattr(args, "debug", False):
            raise
        print(f"{label('error.internal', lang)}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
