"""Data safety of every writer (issue 11, items 1, 2, 3, 12 and the file points of 17).

Guards: a scenario is never overwritten (``vetsim staff X --out data/sample_county`` used to replace
the baseline with an overlay); a folder vetsim did not write needs ``--force``; output paths are
checked before the work; an output folder is written as a whole and checked on load (no new
``cases`` beside an old ``meta.json``); files get 0644 under umask 022; ``plan.csv`` is rounded;
messages show paths relative to where the user works; ``.gitignore`` covers the README's outputs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import vetsim
import vetsim.work
from tests.patch_support import patch_everywhere
from vetsim.cli import main
from vetsim.errors import ScenarioError
from vetsim.files import (
    MANIFEST,
    REPLACE_FOREIGN,
    OutputFolderError,
    OutputPathError,
    OutputWriteError,
    atomic_write_bytes,
    check_output_target,
    display_path,
)
from vetsim.sim import Results, simulate, star_network

ROOT = Path(__file__).resolve().parents[1]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture()
def data(tmp_path, sample_path, proposal_path) -> Path:
    """A copy of data/ (never run a writer against the real one)."""
    d = tmp_path / "data"
    d.mkdir()
    shutil.copytree(sample_path, d / "sample_county")
    shutil.copytree(proposal_path, d / "proposal_more_staff")
    return d


@pytest.fixture(scope="module")
def res():
    return simulate(star_network(2, 2, volume_per_village=100, simulation={"days": 20}), replications=2, seed=4)


@pytest.fixture()
def no_work(monkeypatch):
    """Fail the test if an optimisation, simulation or budget starts (the target must be refused first)."""
    def boom(*_a, **_k):
        raise AssertionError("work started before the output path was checked")

    for module, name in (("vetsim.staffing.solver", "optimal_staff"), ("vetsim.sim.runner", "simulate"),
                         ("vetsim.fiscal.budget", "budget"), ("vetsim.sim", "simulate")):
        patch_everywhere(monkeypatch, module, name, boom)  # also where a handler bound it


# ---------------------------------------------------------------- item 1: never overwrite a scenario

def test_staff_out_into_a_scenario_is_refused_even_with_force(data, capsys, no_work) -> None:
    """The reported defect: the baseline's scenario.yaml and sites.csv were replaced by an overlay."""
    before = _digest(data / "sample_county")
    for extra in ([], ["--force"]):
        code = main(["staff", str(data / "proposal_more_staff"), "--out", str(data / "sample_county"),
                     "--no-confirm", *extra])
        assert code == 2
        assert "情景" in capsys.readouterr().err
    assert _digest(data / "sample_county") == before
    assert sorted(p.name for p in data.iterdir()) == ["proposal_more_staff", "sample_county"]  # no temp left
    vetsim.load_scenario(data / "sample_county")


def test_plan_save_never_overwrites_a_base(data) -> None:
    sc = vetsim.load_scenario(data / "sample_county")
    plan = vetsim.optimize_staffing(sc)
    before = _digest(data / "proposal_more_staff")
    for target in (data / "sample_county", data / "proposal_more_staff"):
        with pytest.raises(OutputPathError):
            plan.save(target, force=True)
    assert _digest(data / "proposal_more_staff") == before


def test_foreign_folder_needs_force_and_keeps_its_files(data, tmp_path, capsys) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    args = ["staff", str(data / "proposal_more_staff"), "--out", str(foreign), "--no-confirm"]
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 2  # --force replaces vetsim's own files only: notes.txt is named
    assert "notes.txt" in capsys.readouterr().err
    assert main([*args, "--replace-foreign"]) == 0
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert vetsim.load_scenario(foreign).name("en").endswith("(staffing plan)")


def test_own_output_is_replaced_but_a_hand_edited_one_is_a_scenario(data, tmp_path) -> None:
    out = tmp_path / "plan"
    args = ["staff", str(data / "proposal_more_staff"), "--out", str(out), "--no-confirm"]
    assert main(args) == 0 and main(args) == 0  # re-running replaces vetsim's own, unchanged output
    assert (out / MANIFEST).is_file()
    with open(out / "scenario.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited by hand\n")
    assert main(args) == 2 and main([*args, "--force"]) == 2  # now it is somebody's scenario
    assert (out / "scenario.yaml").read_text(encoding="utf-8").endswith("# edited by hand\n")


def test_outputs_never_go_into_a_scenario_folder(data, no_work) -> None:
    for args in (["budget", str(data / "sample_county"), "--xlsx", str(data / "sample_county" / "sites.csv")],
                 ["budget", str(data / "sample_county"), "--csv", str(data / "sample_county" / "b.csv")],
                 ["report", str(data / "sample_county"), "--out", str(data / "sample_county" / "brief.pdf")],
                 ["simulate", str(data / "sample_county"), "--out", str(data / "sample_county" / "sim")]):
        assert main(args) == 2
    assert not (data / "sample_county" / "b.csv").exists() and not (data / "sample_county" / "sim").exists()


# ---------------------------------------------------------------- item 3: checked before the run

@pytest.mark.parametrize("kind", ["missing_parent", "file_for_folder", "folder_for_file"])
def test_output_problems_are_refused_before_any_work(data, tmp_path, capsys, no_work, kind) -> None:
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    (tmp_path / "a_folder.xlsx").mkdir()
    sc = str(data / "sample_county")
    cases = {
        "missing_parent": [["simulate", sc, "--out", str(tmp_path / "no" / "sim")],
                           ["staff", sc, "--out", str(tmp_path / "no" / "plan")],
                           ["budget", sc, "--xlsx", str(tmp_path / "no" / "b.xlsx")],
                           ["report", sc, "--out", str(tmp_path / "no" / "b.pdf")]],
        "file_for_folder": [["simulate", sc, "--out", str(tmp_path / "a_file")],
                            ["staff", sc, "--out", str(tmp_path / "a_file"), "--force"]],
        "folder_for_file": [["budget", sc, "--xlsx", str(tmp_path / "a_folder.xlsx")]],
    }[kind]
    for args in cases:
        assert main([*args, "--lang", "en"]) == 2, args
        err = capsys.readouterr().err
        assert "Traceback" not in err and "cannot write" in err
    assert not (tmp_path / "no").exists()


def test_unwritable_place_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)  # root can write anywhere; simulate a read-only place
    with pytest.raises(OutputPathError, match="no permission"):
        check_output_target(tmp_path / "x.xlsx", "file")


def test_report_api_checks_the_output_first(sample, tmp_path, no_work) -> None:
    with pytest.raises(OutputPathError):
        vetsim.report(sample, out=tmp_path / "missing" / "brief.pdf")


# ---------------------------------------------------------------- item 2: a folder as a whole

def test_interrupted_results_write_leaves_the_old_folder(res, tmp_path, monkeypatch) -> None:
    out = res.to_parquet(tmp_path / "run")
    before = _digest(out)
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def dies_midway(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")  # the disk fills in the middle of the write
        return real(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", dies_midway)
    with pytest.raises(OutputWriteError) as err:
        res.to_parquet(out)
    assert "磁盘空间不足" in err.value.user_message("zh") and "the disk is full" in err.value.user_message("en")
    monkeypatch.undo()
    assert _digest(out) == before and [p.name for p in tmp_path.iterdir()] == ["run"]
    Results.from_parquet(out)


def test_new_cases_beside_an_old_meta_are_refused(res, tmp_path) -> None:
    """The reported defect: new ``cases`` beside an old ``meta.json`` were accepted as one result."""
    a = res.to_parquet(tmp_path / "a")
    other = simulate(star_network(2, 2, volume_per_village=100, simulation={"days": 20}), replications=2, seed=5)
    b = other.to_parquet(tmp_path / "b")
    shutil.copy(b / "cases.parquet", a / "cases.parquet")
    with pytest.raises(OutputFolderError, match="cases.parquet"):
        Results.from_parquet(a)
    (a / MANIFEST).unlink()
    with pytest.raises(OutputFolderError):  # no manifest: an interrupted or foreign folder
        Results.from_parquet(a)


# ---------------------------------------------------------------- item 17: permissions, plan.csv

@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)], ids=["umask022", "umask077"])
def test_files_get_ordinary_permissions(res, sample, tmp_path, umask, mode) -> None:
    old = os.umask(umask)
    try:
        files = [atomic_write_bytes(tmp_path / "x.bin", b"x")]
        files += list(res.to_parquet(tmp_path / "run").iterdir())
        files.append(vetsim.budget(sample).to_excel(tmp_path / "b.xlsx"))
        files += list(vetsim.optimize_staffing(sample).save(tmp_path / "plan").iterdir())
    finally:
        os.umask(old)
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {f.name: oct(mode) for f in files}
    assert oct((tmp_path / "run").stat().st_mode & 0o777) == oct(0o777 & ~umask)


def test_plan_csv_is_rounded(sample, tmp_path) -> None:
    """``plan.csv`` showed values such as ``1.17e-09``: rounded now, never in scientific notation."""
    text = (vetsim.optimize_staffing(sample).save(tmp_path / "plan") / "plan.csv").read_text(encoding="utf-8")
    assert not re.search(r"\d[eE][-+]?\d", text)
    assert not re.search(r"\.\d{5,}", text)
    df = pd.read_csv(tmp_path / "plan" / "plan.csv")
    assert df["cost_after_yuan"].sum() == pytest.approx(vetsim.work.site_costs(sample)["total_yuan"].sum(), rel=1)


# ---------------------------------------------------------------- item 12: no absolute paths

def test_base_problem_shows_the_path_as_written(tmp_path, monkeypatch) -> None:
    ov = tmp_path / "deep" / "overlay"
    ov.mkdir(parents=True)
    (ov / "scenario.yaml").write_text("base: ../nowhere\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        vetsim.load_scenario("deep/overlay")
    text = err.value.user_message("zh") + err.value.user_message("en")
    assert "../nowhere" in text and str(tmp_path) not in text
    with pytest.raises(ScenarioError) as err:
        vetsim.load_scenario(tmp_path / "deep" / "missing")
    assert str(tmp_path) not in err.value.user_message("en")


def test_output_messages_show_relative_paths(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputPathError) as err:
        check_output_target(tmp_path / "out" / "sim", "folder")
    assert str(tmp_path) not in err.value.user_message("en") and "out/sim" in err.value.user_message("en")
    assert display_path(tmp_path / "a" / "b") == "a/b" and display_path("rel/x") == "rel/x"


# ---------------------------------------------------------------- item 17: .gitignore

def test_gitignore_covers_the_readme_outputs() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"--(?:out|xlsx|csv) (\S+)", readme)) | set(re.findall(r'(?:out=|to_excel\()"([^"]+)"', readme))
    paths = {p for p in paths if re.fullmatch(r"[a-z0-9_./-]+", p) and not p.startswith("data/")}  # not FILE, DIR
    assert {"out/sim", "brief.pdf", "budget.xlsx"} <= paths
    for p in sorted(paths):
        r = subprocess.run(["git", "check-ignore", "--no-index", "-q", p], cwd=ROOT)
        assert r.returncode == 0, f"{p} is not covered by .gitignore"


def test_budget_writes_csv_and_excel(sample_path, tmp_path, capsys) -> None:
    """``vetsim budget --csv`` (new) and ``--xlsx`` write where asked and say so with the path as given."""
    assert main(["budget", str(sample_path), "--csv", str(tmp_path / "b.csv"), "--xlsx", str(tmp_path / "b.xlsx")]) == 0
    assert (tmp_path / "b.csv").read_text(encoding="utf-8-sig").startswith("年度,")
    assert (tmp_path / "b.xlsx").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv", "b.xlsx"]


def test_force_into_a_foreign_folder_deletes_nothing(res, tmp_path) -> None:
    """With --force, a folder holding files vetsim did not write is refused, naming them; with
    --replace-foreign vetsim writes beside them. A manifest is never a list of files to delete (issue 27)."""
    out = tmp_path / "mixed"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("keep", encoding="utf-8")
    (out / MANIFEST).write_text('{"files": {"../outside.txt": {}, "..": {}, "old.parquet": {}}}', encoding="utf-8")
    (out / "old.parquet").write_bytes(b"stale")
    with pytest.raises(OutputPathError) as err:
        res.to_parquet(out, force=True)
    assert "notes.txt" in err.value.zh and "old.parquet" in err.value.zh and "--replace-foreign" in err.value.zh
    res.to_parquet(out, force=REPLACE_FOREIGN)
    assert (out / "notes.txt").exists() and (tmp_path / "outside.txt").exists() and (out / "old.parquet").exists()
    Results.from_parquet(out)
