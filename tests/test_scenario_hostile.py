"""Hostile and unusual scenario files (issue 11, items 4, 5, 6, 8, 9): a message, bounded work, same numbers.

Each test names the defect it guards; each failed before the change it comes with.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

import vetsim
from vetsim.cli import main
from vetsim.scenario import limits
from vetsim.scenario.problems import _show

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_county"


def _overlay(folder: Path, text: str, base: Path = SAMPLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(f"base: {base}\n{text}", encoding="utf-8")
    return folder


def _problems(path: Path) -> list[vetsim.errors.Problem]:
    with pytest.raises(vetsim.ScenarioError) as info:
        vetsim.load_scenario(path)
    return list(info.value.problems)


# ---- item 4: YAML alias bomb, size, recursion ----------------------------------------------------
def test_show_does_not_repr_a_whole_value():
    """Guards item 4: ``_show`` took ``repr()`` of the whole value (exponential for an alias bomb)."""
    value: list = ["x"] * 10
    for _ in range(6):  # 10**7 leaves if printed in full (the old repr took seconds and 50 MB)
        value = [value] * 10
    t = time.perf_counter()
    text = _show(value)
    assert time.perf_counter() - t < 0.5 and len(text) <= 60
    assert _show(10**5000) == "<int>"  # beyond Python's digit limit: no ValueError


def test_alias_bomb_is_refused_quickly(tmp_path):
    """Guards item 4: a 1 KB file expanding to 10**9 nodes exhausted memory during validation."""
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    _overlay(tmp_path / "bomb", "\n".join(levels) + "\nname: {zh: *a8, en: *a8}\n")
    t = time.perf_counter()
    problems = _problems(tmp_path / "bomb")
    assert time.perf_counter() - t < 5
    assert any("YAML 别名" in p.message_zh for p in problems)


def test_small_alias_use_is_still_allowed(tmp_path):
    _overlay(tmp_path / "ok", "description: &d {zh: 别名示例, en: alias example}\nname: *d\n")
    assert vetsim.load_scenario(tmp_path / "ok").name() == "别名示例"


def test_recursive_alias_is_refused(tmp_path):
    _overlay(tmp_path / "loop", "name: &n {zh: x, en: [*n]}\n")
    assert any("包含它自己的内容" in p.message_zh for p in _problems(tmp_path / "loop"))


def test_file_over_the_size_limit_is_refused(tmp_path):
    folder = _overlay(tmp_path / "big", "# " + "x" * int(limits.limit("yaml_bytes")) + "\n")
    (p,) = _problems(folder)
    assert "scenario.yaml 文件大小" in p.message_zh and "README" in p.message_zh


def test_huge_key_and_value_give_short_messages(tmp_path):
    folder = _overlay(tmp_path / "long", f"{'k' * 100_000}: 1\nseed: {'9' * 5000}\n")
    problems = _problems(folder)
    assert problems and all(len(p.text("zh")) < 400 for p in problems)


# ---- item 6: base loops, deep overlay chains, optional tables ----------------------------------------
def test_base_symlink_loop_is_a_message(tmp_path):
    """Guards item 6: a ``base:`` symlink loop raised RuntimeError (made here: git and tools dislike loops)."""
    folder = _overlay(tmp_path / "sym", "", base=Path("loop"))
    (folder / "loop").symlink_to(folder / "loop")
    (p,) = _problems(folder)
    assert p.where_en == "base" and "符号链接循环" in p.message_zh


def _chain(tmp_path: Path, depth: int, broken: int | None = None) -> Path:
    base = SAMPLE
    for k in range(depth):
        text = "horizon_years: many\n" if k == broken else f"seed: {k}\n"
        base = _overlay(tmp_path / f"level{k}", text, base=base)
    return base


def test_ten_deep_overlay_chain_attributes_the_error_to_its_file(tmp_path):
    """Guards item 6: chains deeper than 8 were refused; the error must name the file that sets the key."""
    assert vetsim.load_scenario(_chain(tmp_path / "ok", 10)).spec.seed == 9
    (p,) = _problems(_chain(tmp_path / "bad", 10, broken=4))
    assert p.file == "level4/scenario.yaml" and p.where_en == "horizon_years"


def test_overlay_chain_beyond_the_limit_is_refused(tmp_path):
    depth = int(limits.limit("overlay_depth")) + 2
    problems = _problems(_chain(tmp_path, depth))
    assert any("叠加方案 base 链的层数" in p.message_zh for p in problems)


def test_header_only_optional_table_is_an_empty_table(tmp_path):
    """Guards item 6: a header-only backlog.csv (no open cases) was refused as 'no data rows'."""
    folder = tmp_path / "sc"
    shutil.copytree(SAMPLE, folder)
    header = (SAMPLE / "backlog.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "backlog.csv").write_text(header + "\n", encoding="utf-8")
    assert vetsim.load_scenario(folder).backlog == ()


def test_problem_list_is_capped(tmp_path):
    with open(SAMPLE / "sites.csv", encoding="utf-8", newline="") as f:
        village = next(r for r in csv.DictReader(f) if r["level"] == "village")
    folder = _overlay(tmp_path / "many", "")
    with open(folder / "sites.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(village))
        out.writeheader()
        out.writerows({**village, "site_id": f"X{i}", "parent_id": f"NO{i}"} for i in range(400))
    problems = _problems(folder)
    assert len(problems) <= limits.limit("problems_shown") + 1
    assert "未列出" in problems[-1].message_zh


# ---- item 9: an overlay replaces a dated values map ------------------------------------------------
def test_overlay_can_replace_a_dated_values_map(tmp_path):
    """Guards item 9: overlays could only add dates to a ``values:`` map, never drop the base's dates."""
    values = "{replace: true, 2000-01-01: 0.5}"
    text = f"fiscal:\n  parameters:\n    si_base_share:\n      values: {values}\n"
    replaced = vetsim.load_scenario(_overlay(tmp_path / "r", text)).spec.fiscal.parameters["si_base_share"]
    assert {str(d): v for d, v in replaced.values.items()} == {"2000-01-01": 0.5}
    merged = vetsim.load_scenario(_overlay(tmp_path / "m", text.replace("replace: true", "replace: false")))
    assert len(merged.spec.fiscal.parameters["si_base_share"].values) == 2


# ---- item 8: same hash, same numbers -----------------------------------------------------------------
def test_monte_carlo_does_not_depend_on_row_order(tmp_path):
    """Guards item 8: shuffling si_applicants.csv kept the hash but moved P90 by 420,848 yuan."""
    folder = tmp_path / "shuffled"
    shutil.copytree(SAMPLE, folder)
    for name in ("si_applicants.csv", "pension_groups.csv"):
        head, *rows = (SAMPLE / name).read_text(encoding="utf-8").splitlines()
        random.Random(7).shuffle(rows)
        (folder / name).write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    a, b = vetsim.load_scenario(SAMPLE), vetsim.load_scenario(folder)
    assert a.hash() == b.hash()
    pa = vetsim.budget(a, draws=200, seed=3).totals(("year",))["p90"].to_numpy()
    pb = vetsim.budget(b, draws=200, seed=3).totals(("year",))["p90"].to_numpy()
    assert np.array_equal(pa, pb)


# ---- item 5: documented limits, checked before the run ------------------------------------------------
def test_every_limit_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, lim in limits.LIMITS.items():
        row = re.search(rf"^\|\s*`{name}`\s*\|\s*([\d,]+(?:e\d+)?)\s*\|", readme, re.M)
        assert row, f"README has no row for the limit {name}"
        assert float(row.group(1).replace(",", "")) == lim.value, name


def test_too_many_draws_is_refused_before_the_run(sample):
    with pytest.raises(limits.LimitError) as info:
        vetsim.budget(sample, draws=int(limits.limit("draws")) + 1)
    assert "蒙特卡洛抽样次数" in info.value.user_message("zh")
    with pytest.raises(limits.LimitError):  # draws x applicants above draw_cells
        vetsim.budget(sample, draws=int(limits.limit("draws")))


def test_too_many_replications_is_refused_before_the_run(sample):
    t = time.perf_counter()
    with pytest.raises(limits.LimitError) as info:
        vetsim.simulate(sample, replications=int(limits.limit("replications")))
    assert time.perf_counter() - t < 2 and "仿真案件总数" in info.value.user_message("zh")


def test_table_rows_above_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(limits.LIMITS, "sites", limits.Limit(10, "站点数", "sites"))
    (p,) = _problems(SAMPLE)
    assert p.file.endswith("sites.csv") and "超过上限 10" in p.message_zh


@pytest.mark.parametrize("argv, words", [
    (["staff", str(SAMPLE), "--budget", "nan"], "金额应为大于 0"),
    (["staff", str(SAMPLE), "--budget", "-5"], "金额应为大于 0"),
    (["staff", str(SAMPLE), "--max-rounds", "0"], "轮数应为 1 到 50"),
    (["staff", str(SAMPLE), "--headcount", "1e3"], "应为 1 到"),
    (["budget", str(SAMPLE), "--seed", "-1"], "随机种子应为 0 到"),
    (["budget", str(SAMPLE), "--draws", "1000000"], "蒙特卡洛抽样次数应为 0 到 100,000"),
    (["simulate", str(SAMPLE), "--replications", "0"], "重复次数应为 1 到 10,000"),
    (["simulate", str(SAMPLE), "--workers", "x"], "并行进程数"),
])
def test_cli_numbers_are_checked_when_parsed(argv, words, capsys):
    """Guards item 6: ``--budget nan``, ``--max-rounds 0``, ``--seed -1`` ran on and failed deep inside."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
