"""Types for command-line numbers (argparse ``type=``): a readable Chinese/English error, never a crash.

Why: ``type=int``/``type=float`` accept ``nan``, ``inf``, ``-1`` or ``0`` where they make no sense
(``staff --budget nan``, ``--max-rounds 0``, ``budget --seed -1``) and then fail deep inside the
run, and argparse's own message (“invalid int value”) is English only. Each function here checks
the value when the arguments are parsed; maxima come from ``vetsim.scenario.limits``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from .cliparser import LANG_SEP
from .files import REPLACE_FOREIGN
from .scenario.limits import LIMITS
from .wording import both

__all__ = ["add_force", "positive_int", "headcount", "seed", "draws", "replications", "rounds", "workers", "money", "whole_number"]

MAX_SEED = 2**63 - 1
MAX_ROUNDS = 50


def _fail(text: str, zh: str, en: str) -> argparse.ArgumentTypeError:
    shown = text if len(text) <= 40 else text[:37] + "..."
    got_zh, got_en = both("cli.got", what_zh=zh, what_en=en, shown=repr(shown))
    return argparse.ArgumentTypeError(f"{got_zh}{LANG_SEP}{got_en}")


def whole_number(low: int, high: int, zh: str, en: str) -> Callable[[str], int]:
    """A ``type=`` function accepting whole numbers from ``low`` to ``high`` (inclusive)."""

    def parse(text: str) -> int:
        try:
            n = int(text.strip())
        except (ValueError, AttributeError):
            raise _fail(text, *both("cli.error.whole_number_range", zh=zh, low=low, high=high, en=en)) from None
        if not low <= n <= high:
            raise _fail(text, *both("cli.error.whole_number_range", zh=zh, low=low, high=high, en=en))
        return n

    parse.__name__ = en.replace(" ", "_")  # argparse names the type in some messages
    return parse


positive_int = whole_number(1, 10**9, *both("cli.the_value"))
headcount = whole_number(1, 10**6, *both("cli.the_headcount"))
seed = whole_number(0, MAX_SEED, *both("cli.the_seed"))
draws = whole_number(0, int(LIMITS["draws"].value), *both("scenario.limits.draws"))
replications = whole_number(1, int(LIMITS["replications"].value), *both("cli.replications"))
rounds = whole_number(1, MAX_ROUNDS, *both("cli.rounds"))
workers = whole_number(1, 256, *both("cli.workers"))


def money(text: str) -> float:
    """A finite amount of yuan above 0 and at most the ``money_yuan`` limit."""
    top = LIMITS["money_yuan"].value
    try:
        x = float(text.strip())
    except (ValueError, AttributeError):
        x = math.nan
    if not math.isfinite(x) or not 0 < x <= top:
        raise _fail(text, *both("cli.error.amount_range", top=top))
    return x


class _Force(argparse.Action):
    """``--force``: True, unless ``--replace-foreign`` (which implies it) was given too."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if not getattr(namespace, self.dest, False):
            setattr(namespace, self.dest, True)


def add_force(parser: argparse.ArgumentParser, force_help: str, foreign_help: str) -> None:
    """``--force`` (replace vetsim's own unchanged files in a non-empty folder) and ``--replace-foreign``
    (replace same-named files vetsim did not write, too); both set ``args.force`` for :mod:`vetsim.files`.
    The help texts come from the caller (bilingual, :func:`vetsim.cliparser.bi`); ``foreign_help`` is the
    catalogue's ``files.help_replace_foreign``."""
    parser.add_argument("--force", nargs=0, action=_Force, default=False, help=force_help)
    parser.add_argument("--replace-foreign", dest="force", action="store_const", const=REPLACE_FOREIGN,
                        help=foreign_help)
