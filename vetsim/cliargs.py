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

from .scenario.limits import LIMITS

__all__ = ["positive_int", "headcount", "seed", "draws", "replications", "rounds", "workers", "money", "whole_number"]

MAX_SEED = 2**63 - 1
LANG_SEP = " ‖ "  # between the Chinese and the English text of a refusal; the parser shows one of them
MAX_ROUNDS = 50


def _fail(text: str, zh: str, en: str) -> argparse.ArgumentTypeError:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return argparse.ArgumentTypeError(f"{zh}，实际为 {shown!r}{LANG_SEP}{en}, got {shown!r}")


def whole_number(low: int, high: int, zh: str, en: str) -> Callable[[str], int]:
    """A ``type=`` function accepting whole numbers from ``low`` to ``high`` (inclusive)."""

    def parse(text: str) -> int:
        try:
            n = int(text.strip())
        except (ValueError, AttributeError):
            raise _fail(text, f"{zh}应为 {low} 到 {high:,} 之间的整数",
                        f"{en} must be a whole number from {low} to {high:,}") from None
        if not low <= n <= high:
            raise _fail(text, f"{zh}应为 {low} 到 {high:,} 之间的整数",
                        f"{en} must be a whole number from {low} to {high:,}")
        return n

    parse.__name__ = en.replace(" ", "_")  # argparse names the type in some messages
    return parse


positive_int = whole_number(1, 10**9, "数值", "the value")
headcount = whole_number(1, 10**6, "编制总数", "the headcount")
seed = whole_number(0, MAX_SEED, "随机种子", "the seed")
draws = whole_number(0, int(LIMITS["draws"].value), "蒙特卡洛抽样次数", "the number of draws")
replications = whole_number(1, int(LIMITS["replications"].value), "重复次数", "replications")
rounds = whole_number(1, MAX_ROUNDS, "轮数", "rounds")
workers = whole_number(1, 256, "并行进程数", "workers")


def money(text: str) -> float:
    """A finite amount of yuan above 0 and at most the ``money_yuan`` limit."""
    top = LIMITS["money_yuan"].value
    try:
        x = float(text.strip())
    except (ValueError, AttributeError):
        x = math.nan
    if not math.isfinite(x) or not 0 < x <= top:
        raise _fail(text, f"金额应为大于 0、不超过 {top:,.0f} 的数字（元）",
                    f"the amount must be a number above 0 and at most {top:,.0f} (yuan)")
    return x
