"""Documented maxima of what vetsim accepts: file sizes, table rows, replications, draws, volumes.

Why: a hostile or mistyped input (a 21 KB YAML alias bomb, ``--draws 10**9``, a volume of 1e12
cases a year) must end in a readable message before any work starts, never in a MemoryError or a
machine that stops answering. Every limit lives here, once, as data (``LIMITS``) with its
Chinese and English description; the README's "Limits" table lists the same values (a test
checks that). ``check_limit(name, value)`` raises ``LimitError`` when ``value`` is above the limit.

The values are far above what a county needs (the sample county has 216 sites, 700 applicants,
~9,300 cases a year, 20 replications) and low enough that any accepted input runs within the
memory of an ordinary office PC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import VetsimError
from ..wording import both, tr

__all__ = ["Limit", "LIMITS", "LimitError", "check_limit", "check_simulation_size", "limit", "limit_message",
           "simulated_cases", "yearly_cases"]


class LimitError(VetsimError, ValueError):
    """An input above a documented maximum (the message names the limit and the value)."""


@dataclass(frozen=True)
class Limit:
    """One maximum: its value, what it counts (zh/en) and what to do instead (zh/en)."""

    value: float
    what_zh: str
    what_en: str


LIMITS: dict[str, Limit] = {
    "yaml_bytes": Limit(256_000, *both("scenario.limits.yaml_bytes")),
    "csv_bytes": Limit(20_000_000, *both("scenario.limits.csv_bytes")),
    "yaml_items": Limit(40_000, *both("scenario.limits.yaml_items")),
    "yaml_alias_nodes": Limit(10_000, *both("scenario.limits.yaml_alias_nodes")),
    "overlay_depth": Limit(16, *both("scenario.limits.overlay_depth")),
    "problems_shown": Limit(100, *both("scenario.limits.problems_shown")),
    "sites": Limit(5_000, *both("scenario.limits.sites")),
    "applicants": Limit(200_000, *both("scenario.limits.applicants")),
    "table_rows": Limit(200_000, *both("scenario.limits.table_rows")),
    "yearly_cases": Limit(2_000_000, *both("scenario.limits.yearly_cases")),
    "replications": Limit(10_000, *both("scenario.limits.replications")),
    "simulated_cases": Limit(10_000_000, *both("scenario.limits.simulated_cases")),
    "draws": Limit(100_000, *both("scenario.limits.draws")),
    "draw_cells": Limit(20_000_000, *both("scenario.limits.draw_cells")),
    "money_yuan": Limit(1e12, *both("scenario.limits.money_yuan")),
    "working_days": Limit(3_660, *both("scenario.limits.working_days")),
    "counties": Limit(500, *both("scenario.limits.counties")),
    "experiment_cells": Limit(1_000_000, *both("scenario.limits.experiment_cells")),
}


def limit(name: str) -> float:
    """The maximum called ``name`` (a key of ``LIMITS``)."""
    return LIMITS[name].value


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def check_limit(name: str, value: float, where_zh: str = "", where_en: str = "") -> None:
    """Raise ``LimitError`` if ``value`` exceeds the limit ``name``; ``where`` names the input."""
    lim = LIMITS[name]
    if value > lim.value:
        raise LimitError(*limit_message(name, value, where_zh, where_en))


def limit_message(name: str, value: float, where_zh: str = "", where_en: str = "") -> tuple[str, str]:
    """Chinese and English text saying that ``value`` exceeds the limit ``name``."""
    lim = LIMITS[name]
    pre_zh = where_zh + tr("punct.colon", "zh") if where_zh else ""
    pre_en = where_en + tr("punct.colon", "en") if where_en else ""
    return both("scenario.above_limit", pre_zh=pre_zh, what_zh=lim.what_zh, fmt_value=_fmt(value), fmt_lim_value=_fmt(lim.value), pre_en=pre_en, what_en=lim.what_en)


def yearly_cases(caseload: Any, backlog: Any) -> float:
    """New cases a year (all caseload rows) plus the cases open at the start (backlog rows)."""
    return sum(r.yearly_volume for r in caseload) + sum(r.open_cases for r in backlog)


def simulated_cases(days: int, yearly: float, replications: int) -> float:
    """Cases a simulation of ``days`` days handles over all replications."""
    return replications * yearly * days / 365


def check_simulation_size(scenario: Any, replications: int) -> None:
    """Refuse, before the run, more replications or simulated cases than the documented maxima."""
    check_limit("replications", replications)
    yearly = yearly_cases(scenario.caseload, scenario.backlog)
    check_limit("simulated_cases", simulated_cases(scenario.spec.simulation.days, yearly, replications))
