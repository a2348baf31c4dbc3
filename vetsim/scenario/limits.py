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
    "yaml_bytes": Limit(256_000, "scenario.yaml 文件大小（字节）", "size of scenario.yaml (bytes)"),
    "csv_bytes": Limit(20_000_000, "单个 CSV 文件大小（字节）", "size of one CSV file (bytes)"),
    "yaml_items": Limit(40_000, "scenario.yaml 的条目数（按逗号、冒号和换行计）",
                        "entries of scenario.yaml (counted as commas, colons and line breaks)"),
    "yaml_alias_nodes": Limit(10_000, "YAML 别名（&/*）展开后新增的节点数",
                              "nodes added by expanding YAML aliases (&/*)"),
    "overlay_depth": Limit(16, "叠加方案 base 链的层数", "levels of overlays in a base: chain"),
    "problems_shown": Limit(100, "一次列出的错误条数", "problems listed at once"),
    "sites": Limit(5_000, "站点数（sites.csv 行数）", "sites (rows of sites.csv)"),
    "applicants": Limit(200_000, "社保接续申请人数（si_applicants.csv 行数）",
                        "social-insurance applicants (rows of si_applicants.csv)"),
    "table_rows": Limit(200_000, "单个 CSV 表的行数", "rows of one CSV table"),
    "yearly_cases": Limit(2_000_000, "每年案件总量（caseload.csv 各行 yearly_volume 之和）",
                          "cases a year (sum of yearly_volume in caseload.csv)"),
    "replications": Limit(10_000, "仿真重复次数", "simulation replications"),
    "simulated_cases": Limit(10_000_000, "仿真案件总数（重复次数 × 仿真期内案件数）",
                             "simulated cases (replications x cases in the simulated period)"),
    "draws": Limit(100_000, "蒙特卡洛抽样次数", "Monte Carlo draws"),
    "draw_cells": Limit(20_000_000, "蒙特卡洛抽样规模（抽样次数 × （申请人数 + 待筛查人数））",
                        "Monte Carlo size (draws x (applicants + cohort people))"),
    "money_yuan": Limit(1e12, "单项金额（元）", "a single amount of money (yuan)"),
    "working_days": Limit(3_660, "期限（工作日）", "a deadline (working days)"),
    "counties": Limit(500, "区域内的县数", "counties in a region"),
    "experiment_cells": Limit(1_000_000, "试验的仿真单元数（县 × 方案 × 重复次数）",
                              "simulation cells of an experiment (counties x variants x replications)"),
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
    pre_zh, pre_en = (f"{where_zh}：" if where_zh else ""), (f"{where_en}: " if where_en else "")
    return (f"{pre_zh}{lim.what_zh}为 {_fmt(value)}，超过上限 {_fmt(lim.value)}（见 README“输入上限”）",
            f"{pre_en}{lim.what_en} is {_fmt(value)}, above the maximum of {_fmt(lim.value)} "
            "(see README, 'Limits')")


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
