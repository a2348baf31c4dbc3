"""Experiments: a Dask LocalCluster gives the serial results bit for bit; a re-run computes only missing cells;
a cell's seed does not depend on the other cells; bad experiment files give clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from vetsim.cli import main
from vetsim.errors import ScenarioError, VetsimError
from vetsim.region.experiment import load_experiment
from vetsim.region.runner import SERIAL, local_cluster, prepare_out, read_results, run_groups

from .conftest import ROOT

CITY = ROOT / "data" / "sample_city"
EXPERIMENT = f"""\
region: {CITY}
counties: [X03, X18]
changes:
  - {{path: simulation.days, value: 12}}
variants:
  - {{name: baseline}}
  - name: away_30
    changes: [{{path: presence.township.away_share.value, value: 0.3}}]
grid:
  township_funded:
    change: {{table: sites.csv, where: {{level: township}}, field: funded_staff}}
    values: [1, 2]
replications: 2
seed: 11
outputs: [metrics, site_days]
"""


def _write(tmp_path: Path, text: str, name: str = "experiment.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for name in ("metrics", "site_days"):
        df = read_results(out, name)
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def exp(tmp_path_factory):
    return load_experiment(_write(tmp_path_factory.mktemp("exp"), EXPERIMENT))


@pytest.fixture(scope="module")
def serial(exp, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    prepare_out(out, exp.plan())
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=SERIAL, progress=False)
    assert stats.computed == 2 * 4 * 2 and stats.skipped == 0
    return out


def test_variants_of_the_grid(exp):
    names = [v.name for v in exp.variants]
    assert names == ["baseline·township_funded=1", "baseline·township_funded=2",
                     "away_30·township_funded=1", "away_30·township_funded=2"]
    sc = exp.scenarios[("X03", "v003")]
    assert sc.spec.simulation.days == 12 and sc.spec.presence.township.away_share.value == 0.3
    assert {s.funded_staff for s in sc.sites_at("township")} == {2}


def test_local_cluster_matches_serial(exp, serial, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    prepare_out(out, exp.plan())
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler="local", workers=2,
                       progress=False)
    assert stats.computed == 16
    assert _digest(out) == _digest(serial)
    m = read_results(out)
    assert set(m["county"]) == {"X03", "X18"} and set(m["variant"]) == {"v000", "v001", "v002", "v003"}
    assert {"scenario_hash", "seed", "seed_key", "param_township_funded", "variant_name"} <= set(m.columns)
    assert m.groupby(["county", "variant"])["scenario_hash"].nunique().eq(1).all()


def test_rerun_computes_only_missing_cells(exp, serial, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(serial, out)
    before = _digest(out)
    lost = sorted((out / "metrics").rglob("*.parquet"))[::5]  # a crash: these cells never finished
    for p in lost:
        p.unlink()
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=SERIAL, progress=False)
    assert stats.computed == len(lost) == 4 and stats.skipped == 16 - len(lost)
    assert _digest(out) == before


def test_a_cells_seed_does_not_depend_on_other_cells(exp, serial, tmp_path):
    one = load_experiment(_write(tmp_path, EXPERIMENT.replace("counties: [X03, X18]", "counties: [X18]")
                                 .replace("replications: 2", "replications: 1")))
    out = tmp_path / "one"
    prepare_out(out, one.plan())
    run_groups(one.groups(), one.spec.seed, one.spec.outputs, out=out, scheduler=SERIAL, progress=False)
    a = read_results(out)
    b = read_results(serial)
    b = b[(b["county"] == "X18") & (b["replication"] == 0)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_out_folder_checks(exp, serial, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(VetsimError, match="not a vetsim output"):
        prepare_out(foreign, exp.plan())
    other = load_experiment(_write(tmp_path, EXPERIMENT.replace("seed: 11", "seed: 12")))
    with pytest.raises(VetsimError, match="another experiment"):
        prepare_out(serial, other.plan())


BAD = {
    "no source": ("replications: 2\nseed: 1\n", "region"),
    "both sources": (f"region: {CITY}\nscenarios: [x]\nreplications: 2\nseed: 1\n", "region"),
    "unknown key": (f"region: {CITY}\nreplication: 2\nseed: 1\n", "replication"),
    "zero replications": (f"region: {CITY}\ncounties: [X03]\nreplications: 0\nseed: 1\n", "replications"),
    "bad output": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\noutputs: [everything]\n", "outputs"),
    "unknown county": (f"region: {CITY}\ncounties: [X99]\nreplications: 1\nseed: 1\n", "X99"),
    "unknown table": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                      "changes: [{table: staff.csv, field: x, value: 1}]\n", "staff.csv"),
    "change of both kinds": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                             "changes: [{path: seed, table: sites.csv, field: x, value: 1}]\n", "path"),
    "unknown scenario key": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                             "changes: [{path: presence.township.away, value: 0.3}]\n", "away"),
    "bad value": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                  "changes: [{table: sites.csv, where: {level: township}, field: funded_staff, value: -1}]\n",
                  "funded_staff"),
    "filter matches nothing": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                               "changes: [{table: campaigns.csv, where: {campaign: nope}, field: deadline, "
                               "value: 2027-05-31}]\n", "nope"),
    "axis with value": (f"region: {CITY}\ncounties: [X03]\nreplications: 1\nseed: 1\n"
                        "grid: {a: {change: {path: seed, value: 1}, values: [1, 2]}}\n", "values"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_files(case, tmp_path):
    text, needle = BAD[case]
    with pytest.raises(ScenarioError) as err:
        load_experiment(_write(tmp_path, text))
    zh, en = err.value.user_message("zh"), err.value.user_message("en")
    assert needle in en and needle in zh, en
    assert "experiment.yaml" in en or "X03" in en or "county" in en


def test_experiment_cli(tmp_path, capsys):
    small = EXPERIMENT.replace("counties: [X03, X18]", "counties: [X18]").replace("replications: 2", "replications: 1")
    f = _write(tmp_path, small.replace("values: [1, 2]", "values: [1]"))
    out = tmp_path / "out"
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "计算了 2 个仿真单元（其中重算损坏或不符的 0 个），保留已完成的 0 个" in text
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(out), "--lang", "en"]) == 0
    assert "0 cells computed (0 of them recomputed: damaged or mismatched), 2 already finished and kept" in capsys.readouterr().out
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(ROOT / "data" / "sample_county")]) == 2
    assert "情景" in capsys.readouterr().err


def test_experiment_on_scenario_folders(tmp_path):
    f = _write(tmp_path, f"scenarios: [{ROOT / 'data' / 'sample_county'}, {ROOT / 'data' / 'proposal_more_staff'}]\n"
                         "changes: [{path: simulation.days, value: 5}]\nreplications: 1\nseed: 3\n")
    e = load_experiment(f)
    assert [c.id for c in e.counties] == ["sample_county", "proposal_more_staff"]
    assert e.scenarios[("proposal_more_staff", "v000")].site("T01").funded_staff == 2
    assert e.scenarios[("sample_county", "v000")].spec.simulation.days == 5


def test_interrupted_run_resumes_with_the_missing_cells(exp, serial, tmp_path):
    """A crash of the client after 5 cells (here: an exception from the sink): the re-run does the other 11."""
    out = tmp_path / "crash"
    prepare_out(out, exp.plan())
    done = []

    def crash(g, rep, frames):
        done.append((g.county, g.variant, rep))
        if len(done) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=SERIAL, sink=crash, progress=False)
    assert len(list((out / "metrics").rglob("*.parquet"))) == 5
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=SERIAL, progress=False)
    assert (stats.computed, stats.skipped) == (11, 5)
    assert _digest(out) == _digest(serial)


def test_a_lost_worker_is_replaced_and_the_results_do_not_change(exp, serial, tmp_path):
    """One of two worker processes is killed after the first finished cell; Dask reruns its work elsewhere."""
    pytest.importorskip("distributed")
    import os

    out = tmp_path / "lost"
    prepare_out(out, exp.plan())
    with local_cluster(2) as client:
        import signal

        victim = sorted(client.scheduler_info()["workers"])[0]
        pid = client.run(os.getpid, workers=[victim])[victim]
        killed = []

        def kill(g, rep, frames):
            if not killed:
                killed.append(victim)
                os.kill(pid, signal.SIGKILL)

        stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, client=client, sink=kill,
                           progress=False)
    assert killed and stats.computed == 16
    assert _digest(out) == _digest(serial)


def test_results_leave_the_workers_as_they_are_written(exp, serial, tmp_path):
    """A finished group's result is released once written: what a worker holds does not grow with the run."""
    out = tmp_path / "released"
    prepare_out(out, exp.plan())
    held: list[int] = []
    with local_cluster(1) as client:

        def count(g, rep, frames):
            held.append(sum(client.run(lambda dask_worker: len(dask_worker.data)).values()))

        stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, client=client, sink=count,
                           progress=False)
    assert stats.computed == 16 and stats.busy_seconds > 0
    assert len(held) == 16 and max(held) <= 2, held  # the group being written, and at most the one just finished
    assert _digest(out) == _digest(serial)


def test_a_bad_change_is_reported_once_with_the_counties_it_hits(tmp_path):
    """One wrong value in a variant: one problem naming the counties and variants, not one per cell and row."""
    bad = EXPERIMENT.replace("changes: [{path: presence.township.away_share.value, value: 0.3}]",
                             "changes: [{table: sites.csv, where: {level: township}, field: parttime_staff, value: two}]")
    with pytest.raises(ScenarioError) as err:
        load_experiment(_write(tmp_path, bad))
    problems = [p for p in err.value.problems if "parttime_staff" in p.where_en + p.message_en]
    assert len(problems) == 1, [p.where_en for p in problems]
    assert "[all 2 counties · away_30·township_funded=1, away_30·township_funded=2]" in problems[0].where_en
    assert "全部 2 个县" in problems[0].where_zh
    assert "changes[0]" in problems[0].where_en and "row" not in problems[0].where_en.split("]")[-1]


# ---------------------------------------------------------------- issues 21 and 27: resume that heals

@pytest.mark.parametrize("damage", ["truncated", "empty", "symlink", "other_seed", "other_output"])
def test_a_damaged_cell_is_recomputed_and_said(damage, exp, serial, tmp_path):
    """The probe: a truncated, empty or symlinked metrics cell counted as finished; read_results then raised."""
    import shutil

    out = tmp_path / "damaged"
    shutil.copytree(serial, out)
    cells = sorted((out / "metrics").rglob("*.parquet"))
    victim = cells[3]
    if damage == "truncated":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "empty":
        victim.write_bytes(b"")
    elif damage == "symlink":
        victim.unlink()
        victim.symlink_to("/etc/passwd")
    elif damage == "other_seed":  # a well-formed cell of another run copied in: its seed does not match
        df = pd.read_parquet(victim)
        df["seed"] = df["seed"] + 1
        df.to_parquet(victim, index=False)
    else:  # the cell's site_days file is damaged, its metrics are fine
        site = Path(str(victim).replace("/metrics/", "/site_days/"))
        site.write_bytes(b"PAR1 not really")
    stats = run_groups(exp.groups(), exp.spec.seed, exp.spec.outputs, out=out, scheduler=SERIAL, progress=False)
    assert (stats.computed, stats.skipped) == (1, 15)
    assert stats.redone == 1  # it claimed to be finished (its metrics file was there): said as redone
    assert not victim.is_symlink()
    assert _digest(out) == _digest(serial)


def test_read_results_names_a_damaged_cell(serial, tmp_path):
    import shutil

    out = tmp_path / "bad"
    shutil.copytree(serial, out)
    victim = sorted((out / "metrics").rglob("*.parquet"))[0]
    victim.write_bytes(b"")
    with pytest.raises(VetsimError) as err:
        read_results(out)
    assert victim.name in err.value.user_message("zh") and "损坏" in err.value.user_message("zh")


@pytest.mark.parametrize("content", ["deep", "list", "not json", "symlink", "no hash"])
def test_a_malformed_experiment_json_is_refused_with_a_message(content, exp, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "experiment.json"
    if content == "deep":
        plan.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif content == "list":
        plan.write_text("[1, 2, 3]", encoding="utf-8")
    elif content == "not json":
        plan.write_bytes(b"\x00\xff garbage")
    elif content == "symlink":
        plan.symlink_to("/etc/passwd")
    else:
        plan.write_text('{"seed": 1}', encoding="utf-8")
    with pytest.raises(VetsimError) as err:
        prepare_out(out, exp.plan())
    assert "experiment.json" in err.value.user_message("zh")
    f = _write(tmp_path, EXPERIMENT)
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(out)]) == 2
    text = capsys.readouterr().err
    assert "experiment.json" in text and "内部错误" not in text and "Traceback" not in text


def test_ctrl_c_says_what_was_kept_and_the_resumed_run_says_it_too(tmp_path, capsys, monkeypatch):
    """Issue 20: an interrupted experiment printed nothing; the resumed run never said that cells were kept."""
    from vetsim.region import runner

    small = EXPERIMENT.replace("counties: [X03, X18]", "counties: [X18]").replace("replications: 2", "replications: 1")
    f = _write(tmp_path, small)  # 1 county x 4 variants x 1 replication
    out = tmp_path / "out"
    real = runner.run_group
    calls = []

    def interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(runner, "run_group", interrupted)
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "试验已中断" in err and "已完成的 2 个仿真单元" in err and "再次运行同一条命令" in err, err
    monkeypatch.setattr(runner, "run_group", real)
    victim = sorted((out / "metrics").rglob("*.parquet"))[0]
    victim.write_bytes(b"")
    assert main(["experiment", str(f), "--scheduler", "serial", "--out", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Resuming: 1 finished cells kept, 1 damaged or mismatched cells to recompute, 3 cells to compute" in text
    assert "3 cells computed (1 of them recomputed" in text and "1 already finished and kept" in text
