"""Where vetsim may write, and what ``--force`` may replace (issue 27, items 1 and 2; issue 21, items 5 and 6).

Guards: every writer, the results cache (``VETSIM_CACHE``) and the pseudonymisation key (``VETSIM_KEY``),
pointed into a scenario or data folder at depth 1, 2 and through a symlink, refuses before any work
(< 2 s, a Chinese message naming the path) and the scenario is unchanged (the probe found
``simulate S --out S/results/run1`` and ``budget S --csv S/results/b.csv`` accepted, and the cache and the
key written into scenario folders); ``--force`` over a folder holding an annotated vetsim file, or a forged
manifest, deletes nothing the user wrote; temp siblings left by a killed run are cleaned by the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import vetsim
from tests.patch_support import patch_everywhere
from vetsim.cli import main
from vetsim.files import (
    MANIFEST,
    REPLACE_FOREIGN,
    OutputPathError,
    atomic_folder,
    atomic_write_text,
    check_write_location,
    clean_stale_temps,
)

ROOT = Path(__file__).resolve().parents[1]
REFUSAL_SECONDS = 2.0


def _tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (relative path -> content hash; '' for a folder)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = "" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture()
def world(tmp_path, sample_path, proposal_path, monkeypatch):
    """A data folder with two scenarios, symlinks to a scenario and to the data folder, a ledger, an experiment
    file, a private cache and key; the working folder is ``tmp_path`` (messages show relative paths)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(sample_path, data / "sample_county")
    shutil.copytree(proposal_path, data / "proposal_more_staff")
    (tmp_path / "slink").symlink_to(data / "sample_county", target_is_directory=True)
    (tmp_path / "dlink").symlink_to(data, target_is_directory=True)
    (tmp_path / "ledgers").mkdir()
    (tmp_path / "ledgers" / "来访登记.csv").write_text("姓名,日期\n", encoding="utf-8")
    (tmp_path / "records").mkdir()
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / "experiment.yaml").write_text(f"region: {ROOT / 'data' / 'sample_city'}\nreplications: 1\nseed: 1\n",
                                                      encoding="utf-8")
    monkeypatch.setenv("VETSIM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("VETSIM_KEY", str(tmp_path / "keys" / "ledger.key"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


S = "data/sample_county"
P = "data/proposal_more_staff"

# writer -> (argv with {t} for the target, kind of target, writes a scenario overlay)
WRITERS = {
    "simulate --out": (["simulate", S, "--replications", "1", "--out", "{t}"], "folder", False),
    "budget --xlsx": (["budget", S, "--draws", "10", "--xlsx", "{t}.xlsx"], "file", False),
    "budget --csv": (["budget", S, "--draws", "10", "--csv", "{t}.csv"], "file", False),
    "report --out": (["report", S, "--replications", "1", "--out", "{t}.pdf"], "file", False),
    "staff --out": (["staff", P, "--no-confirm", "--out", "{t}"], "folder", True),
    "sensitivity --out": (["sensitivity", S, "--fiscal-only", "--out", "{t}.png"], "file", False),
    "tasks --excel": (["tasks", S, "--replications", "1", "--excel", "{t}.xlsx"], "file", False),
    "ledger import --out": (["ledger", "import", "ledgers/来访登记.csv", "--scenario", S, "--out", "{t}"], "folder", False),
    "experiment --out": (["experiment", "exp/experiment.yaml", "--scheduler", "serial", "--out", "{t}"], "folder", False),
    "calibrate --out": (["calibrate", S, "--ledger", "records", "--out", "{t}"], "folder", True),
    "bulletin --out": (["bulletin", "records", "--scenario", S, "--period", "2027-04", "--out", "{t}"], "folder", False),
}
# where: (target, lies in a scenario folder)
PLACES = {
    "scenario depth 1": (f"{S}/out1", True),
    "scenario depth 2": (f"{S}/results/run1", True),
    "scenario via symlink": ("slink/out1", True),
    "scenario via symlink depth 2": ("slink/results/run1", True),
    "data depth 1": ("data/out1", False),
    "data depth 2": ("data/results/run1", False),
    "data via symlink": ("dlink/results/run1", False),
}


def _refused(argv: list[str], capsys) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - t0
    return code, capsys.readouterr().err, seconds


def _no_work(monkeypatch) -> None:
    """Fail if a simulation, optimisation, budget, analysis or import starts: refusals come first."""
    def boom(*_a, **_k):
        raise AssertionError("work started before the write location was checked")

    for module, name in (("vetsim.sim.runner", "simulate"), ("vetsim.sim", "simulate"),
                         ("vetsim.staffing.solver", "optimal_staff"), ("vetsim.fiscal.budget", "budget"),
                         ("vetsim.sensitivity.report", "analyse"), ("vetsim.ledger.importer", "import_ledger"),
                         ("vetsim.region.experiment", "load_experiment"), ("vetsim.ledgerfit.records_io", "read_records"),
                         ("vetsim.scenario", "load_scenario")):
        patch_everywhere(monkeypatch, module, name, boom)  # also where a handler bound it


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_writer_refuses_scenario_and_data_folders(writer, world, capsys, monkeypatch) -> None:
    argv, _kind, overlay = WRITERS[writer]
    before = _tree(world / "data")
    hashes = {n: vetsim.load_scenario(world / "data" / n).hash() for n in ("sample_county", "proposal_more_staff")}
    _no_work(monkeypatch)
    main([a.replace("{t}", f"{S}/warm") for a in argv])  # lazy imports of the command, outside the timing
    capsys.readouterr()
    for place, (target, in_scenario) in PLACES.items():
        if overlay and place == "data depth 1":
            continue  # an overlay is a scenario: data/NAME is its documented place (README, calibrate)
        code, err, seconds = _refused([a.replace("{t}", target) for a in argv], capsys)
        assert code == 2, (place, err)
        assert seconds < REFUSAL_SECONDS, (place, seconds)
        assert "不能写入" in err and Path(target).name in err, (place, err)
        assert ("情景文件夹" if in_scenario else "数据文件夹") in err, (place, err)
        assert "Traceback" not in err and "will not" not in err
    monkeypatch.undo()
    assert _tree(world / "data") == before
    assert {n: vetsim.load_scenario(world / "data" / n).hash() for n in hashes} == hashes


def test_english_refusal_names_the_path(world, capsys) -> None:
    code, err, _ = _refused(["simulate", S, "--out", f"{S}/results/run1", "--lang", "en"], capsys)
    assert code == 2 and "inside the scenario (or region) folder" in err and "results/run1" in err


@pytest.mark.parametrize("place", sorted(PLACES))
def test_the_cache_refuses_scenario_and_data_folders(place, world, capsys, monkeypatch) -> None:
    target, in_scenario = PLACES[place]
    before = _tree(world / "data")
    monkeypatch.setenv("VETSIM_CACHE", str(world / target))
    main(["report", S, "--replications", "1"])  # warm
    capsys.readouterr()
    code, err, seconds = _refused(["report", S, "--replications", "1"], capsys)
    assert code == 2 and seconds < REFUSAL_SECONDS and "结果缓存目录" in err, err
    assert ("情景文件夹" if in_scenario else "数据文件夹") in err
    assert _tree(world / "data") == before


def test_the_cache_inside_the_compare_scenario_writes_nothing(world, capsys, monkeypatch) -> None:
    """The probe: the baseline's entry was written into the --compare scenario before the refusal."""
    before = _tree(world / P)
    monkeypatch.setenv("VETSIM_CACHE", str(world / P / "cache"))
    code, err, seconds = _refused(["report", S, "--compare", P, "--replications", "1"], capsys)
    assert code == 2 and seconds < REFUSAL_SECONDS and "proposal_more_staff" in err
    assert _tree(world / P) == before


@pytest.mark.parametrize("place", sorted(PLACES))
def test_the_key_refuses_scenario_and_data_folders(place, world, capsys, monkeypatch) -> None:
    target, _ = PLACES[place]
    before = _tree(world / "data")
    monkeypatch.setenv("VETSIM_KEY", str(world / target / "ledger.key"))
    code, err, seconds = _refused(["ledger", "import", "ledgers/来访登记.csv", "--scenario", S, "--out", "o"], capsys)
    assert code == 2 and seconds < REFUSAL_SECONDS and "密钥" in err, err
    assert _tree(world / "data") == before and not (world / "o").exists()


def test_the_key_is_refused_beside_the_ledger(world, capsys, monkeypatch) -> None:
    monkeypatch.setenv("VETSIM_KEY", str(world / "ledgers" / "ledger.key"))
    code, err, _ = _refused(["ledger", "import", "ledgers/来访登记.csv", "--scenario", S, "--out", "o"], capsys)
    assert code == 2 and "ledgers" in err and not (world / "ledgers" / "ledger.key").exists()


def test_output_onto_the_ledger_itself_is_refused(world) -> None:
    with pytest.raises(OutputPathError):
        check_write_location(world / "ledgers" / "来访登记.csv" / "x", inputs=(world / "ledgers" / "来访登记.csv",))


def test_a_new_overlay_may_go_directly_into_the_data_folder(world) -> None:
    assert check_write_location(world / "data" / "plan_b", new_scenario=True) == world / "data" / "plan_b"
    with pytest.raises(OutputPathError):
        check_write_location(world / "data" / "x" / "plan_b", new_scenario=True)
    with pytest.raises(OutputPathError):
        check_write_location(world / "data" / "sample_county" / "plan_b", new_scenario=True)


# ---------------------------------------------------------------- --force deletes nothing the user wrote

def _vetsim_folder(folder: Path, files: dict[str, str], kind: str = "ledger_records") -> None:
    with atomic_folder(folder, kind) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")


def test_force_over_an_annotated_vetsim_file_keeps_it(world, capsys) -> None:
    """The probe: a ledger import's problems.csv, annotated by the user, was deleted by simulate --force."""
    out = world / "X"
    _vetsim_folder(out, {"problems.csv": "row,problem\n1,x\n", "records.csv": "a\n1\n"})
    with open(out / "problems.csv", "a", encoding="utf-8") as fh:
        fh.write("1,已核实：系登记错误\n")
    annotated = (out / "problems.csv").read_bytes()
    code, err, _ = _refused(["simulate", S, "--replications", "1", "--out", "X", "--force"], capsys)
    assert code == 2 and "problems.csv" in err and "--replace-foreign" in err, err
    assert (out / "problems.csv").read_bytes() == annotated and (out / "records.csv").exists()


def test_force_over_a_forged_manifest_deletes_nothing(world) -> None:
    """The probe: a manifest listing the user's report2025.docx made --force delete it."""
    from vetsim.sim import simulate, star_network

    res = simulate(star_network(2, 2, volume_per_village=50, simulation={"days": 10}), replications=1, seed=1)
    for right_hash in (False, True):
        out = world / f"forged{int(right_hash)}"
        out.mkdir()
        doc = out / "report2025.docx"
        doc.write_bytes(b"the user's report")
        info = {"size": doc.stat().st_size,
                "sha256": hashlib.sha256(doc.read_bytes()).hexdigest() if right_hash else "0" * 64}
        (out / MANIFEST).write_text(json.dumps({"kind": "results", "files": {"report2025.docx": info}}), encoding="utf-8")
        if not right_hash:
            with pytest.raises(OutputPathError):
                res.to_parquet(out, force=True)
            res.to_parquet(out, force=REPLACE_FOREIGN)
        else:  # a manifest with the right hash passes for vetsim's own: still nothing is deleted
            res.to_parquet(out, force=True)
        assert doc.read_bytes() == b"the user's report"
        vetsim.sim.Results.from_parquet(out)


def test_force_names_foreign_files_before_the_work(world) -> None:
    out = world / "own"
    _vetsim_folder(out, {"a.txt": "1", "b.txt": "2"}, kind="k")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputPathError, match="notes.txt"):
        with atomic_folder(out, "k", force=True):
            raise AssertionError("work started before the foreign file was named")
    with atomic_folder(out, "k", force=REPLACE_FOREIGN) as tmp:
        (tmp / "a.txt").write_text("new", encoding="utf-8")
    assert (out / "a.txt").read_text() == "new" and (out / "b.txt").read_text() == "2"
    assert (out / "notes.txt").read_text() == "mine"
    listed = json.loads((out / MANIFEST).read_text())["files"]
    assert set(listed) == {"a.txt"}


# ---------------------------------------------------------------- temp siblings of killed runs

def test_a_sigkilled_runs_temp_folder_is_cleaned_by_the_next_run(world) -> None:
    code = ("import os, sys, time\n"
            "from vetsim.files import atomic_folder\n"
            "with atomic_folder(sys.argv[1], 'k') as tmp:\n"
            "    (tmp / 'a.txt').write_text('x')\n"
            "    print('ready', flush=True)\n"
            "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(world / "sim")], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "ready"
    left = [p.name for p in world.iterdir() if p.name.startswith(".sim.")]
    assert left, "the run's temp folder should exist while it runs"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert [p.name for p in world.iterdir() if p.name.startswith(".sim.")] == left  # SIGKILL: left behind
    with atomic_folder(world / "sim", "k") as tmp:
        (tmp / "a.txt").write_text("y")
    assert not [p.name for p in world.iterdir() if p.name.startswith(".sim.")]
    assert (world / "sim" / "a.txt").read_text() == "y"


def test_temp_siblings_of_live_writers_and_other_files_stay(world) -> None:
    live = world / f".sim.{os.getpid()}.abcd1234.tmp"
    live.mkdir()
    old_form = world / ".sim.abcd1234.tmp"
    old_form.mkdir()
    mine = world / ".sim.notes"
    mine.write_text("keep")
    other = world / ".simulation.999999.abcd1234.tmp"
    other.mkdir()
    assert clean_stale_temps(world, "sim") == 0  # the old form is removed only when over an hour old
    os.utime(old_form, (time.time() - 7200, time.time() - 7200))
    assert clean_stale_temps(world, "sim") == 1
    assert live.exists() and mine.exists() and other.exists() and not old_form.exists()


def test_an_interrupted_atomic_write_leaves_no_temp_file(world) -> None:
    target = world / "a.txt"
    stale = world / ".a.txt.999999999.abcd1234.tmp"
    stale.write_text("half")
    atomic_write_text(target, "ok")
    assert target.read_text() == "ok" and not stale.exists()
