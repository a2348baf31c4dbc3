"""The one change value (``vetsim.scenario.overlay.Overlay``): every kind of change written as an overlay folder
loads back as the scenario ``apply`` makes (same hash); factors multiply exactly; bad changes are named."""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from vetsim import load_scenario
from vetsim.errors import ScenarioError, VetsimError
from vetsim.scenario.overlay import Overlay, OverlayWriteError, RowUpdate
from vetsim.staffing import Allocation, build_plan
from vetsim.ui import save_overlay

from .conftest import PROPOSAL, SAMPLE


def _round_trip(change: Overlay, base, folder: Path):
    """(applied in memory, written and loaded back): they must be the same scenario."""
    applied = change.apply(base)
    back = load_scenario(change.write(folder, base))
    assert back.hash() == applied.hash()
    return applied, back


def _unnamed(sc) -> dict:
    """The scenario's content but its name and description (a saved plan or proposal is named anew)."""
    out = sc.canonical()
    out["spec"] = {k: v for k, v in out["spec"].items() if k not in ("name", "description")}
    return out


def _every_kind(sample) -> Overlay:
    """Settings, row set, row multiply (a float and a whole-number column), a patch and a whole table."""
    tiers = tuple(r.model_copy(update={"county": r.county + 0.01, "province": r.province - 0.01}) if i == 0 else r
                  for i, r in enumerate(sample.table("tier_shares.csv")))
    return Overlay(
        settings={"simulation": {"days": 45}, "presence": {"township": {"away_share": {"value": 0.3}}}},
        rows=(RowUpdate("sites.csv", {"level": "township"}, {"funded_staff": 2}),
              RowUpdate("caseload.csv", {"level": "township"}, factor={"yearly_volume": 1.2}),
              RowUpdate("sites.csv", {"site_id": "C01"}, factor={"funded_staff": 1.26})),
        patches={"sites.csv": ({"site_id": "T01V01", "parttime_staff": 3},)},
        tables={"tier_shares.csv": tiers})


def test_the_same_change_on_a_folder_being_read(sample) -> None:
    """Overlay.apply_raw (the loader's, regions' and experiments' route) gives the scenario Overlay.apply gives."""
    from vetsim.scenario.loader import load_raw
    from vetsim.scenario.rows import TABLES
    from vetsim.scenario.sources import read_raw

    change = _every_kind(sample)
    raw, problems = change.apply_raw(read_raw(SAMPLE, TABLES).copy())
    assert problems == []
    assert load_raw(raw, SAMPLE).hash() == change.apply(sample).hash() != sample.hash()


def test_every_kind_of_change_round_trips(sample, tmp_path) -> None:
    """Settings, row set, row multiply, a patch, a whole table: write -> load gives the scenario apply gives."""
    change = _every_kind(sample)
    tiers = change.tables["tier_shares.csv"]
    applied, back = _round_trip(change, sample, tmp_path / "variant")
    assert applied.hash() != sample.hash()
    assert back.spec.simulation.days == 45 and back.spec.presence.level("township").away_share.value == 0.3
    assert all(s.funded_staff == 2 for s in back.sites_at("township"))
    assert back.site("T01V01").parttime_staff == 3
    assert back.site("C01").funded_staff == round(sample.site("C01").funded_staff * 1.26)  # whole numbers rounded
    for r in back.caseload:  # multiplied exactly, only where the filter matches
        old = sample.caseload_row(r.case_type, r.level)
        assert r.yearly_volume == (old.yearly_volume * 1.2 if r.level == "township" else old.yearly_volume)
    assert back.table("tier_shares.csv")[0].county == tiers[0].county
    doc = yaml.safe_load((tmp_path / "variant" / "scenario.yaml").read_text(encoding="utf-8"))
    assert doc["replace_tables"] == ["tier_shares.csv"] and doc["row_updates"][0]["table"] == "caseload.csv"


def test_a_whole_sites_table_round_trips(sample, tmp_path) -> None:
    """A replaced ``sites.csv`` (opening days and hours written back as text) loads as applied."""
    sites = tuple(s.model_copy(update={"open_days": (0, 2, 4), "open_hours": ((540, 720),)}) if s.site_id == "T01V01" else s
                  for s in sample.sites)
    applied, back = _round_trip(Overlay(tables={"sites.csv": sites}), sample, tmp_path / "sites")
    assert back.site("T01V01").open_days == (0, 2, 4) and back.site("T01V01").open_minutes_per_day == 180
    assert applied.hash() == sample.with_table("sites.csv", sites).hash() != sample.hash()


def test_site_changes_save_and_plan_round_trip(sample, tmp_path) -> None:
    """The UI's proposal and a staffing plan are written by the one writer and mean what apply means."""
    changes = {"T01": {"funded_staff": 3}, "T02": {"funded_staff": 3}, "T01V02": {"parttime_staff": 2}}
    edited = sample.with_site_changes(changes)
    assert edited.hash() == Overlay.site_changes(changes).apply(sample).hash()
    assert _unnamed(load_scenario(save_overlay(sample, changes, tmp_path / "proposal"))) == _unnamed(edited)
    ids = tuple(s.site_id for s in sample.sites)
    funded = np.array([sample.site(s).funded_staff + (s == "T03") for s in ids])
    parttime = np.array([sample.site(s).parttime_staff + (s == "T03V01") for s in ids])
    plan = build_plan(sample, Allocation(ids, funded, parttime, "test", np.ones(len(ids), bool)))
    assert plan.changes == {"T03": {"funded_staff": int(funded[ids.index("T03")]), "parttime_staff": sample.site("T03").parttime_staff},
                            "T03V01": {"funded_staff": sample.site("T03V01").funded_staff, "parttime_staff": int(parttime[ids.index("T03V01")])}}
    back = load_scenario(plan.save(tmp_path / "plan"))
    assert _unnamed(back) == _unnamed(plan.scenario()) != _unnamed(sample)  # the plan has a name of its own
    assert (tmp_path / "plan" / "plan.csv").is_file() and (tmp_path / "plan" / "sites.csv").is_file()


def test_calibrated_tables_round_trip(sample, tmp_path) -> None:
    """A ledger fit (settings + caseload/sites/sensitivity patches) written by the one writer loads as applied."""
    from vetsim.backtest.draw import draw_records
    from vetsim.ledgerfit import fit_ledger, write_overlay
    from vetsim.ledgerfit.overlay import fit_overlay

    fit = fit_ledger(draw_records(sample, years=1, seed=5), sample)
    change = fit_overlay(fit, sample)
    assert {"caseload.csv", "sites.csv"} <= set(change.patches) and "case_types" in change.settings
    back = load_scenario(write_overlay(fit, sample, tmp_path / "fitted"))
    assert _unnamed(back) == _unnamed(change.apply(sample)) != _unnamed(sample)
    assert {"ledger_fit.csv", "calibration_changes.csv"} <= {p.name for p in (tmp_path / "fitted").iterdir()}


def test_old_overlay_folders_still_load(sample) -> None:
    """A folder with ``site_updates`` (written before the one writer) means what its updates say."""
    doc = yaml.safe_load((PROPOSAL / "scenario.yaml").read_text(encoding="utf-8"))
    applied = Overlay.from_document({k: v for k, v in doc.items() if k != "base"}).apply(sample)
    assert load_scenario(PROPOSAL).hash() == applied.hash()


def _problems(change: Overlay, sample) -> str:
    with pytest.raises(ScenarioError) as err:
        change.apply(sample)
    return "\n".join(f"{p.file} {p.where_zh} {p.message_zh} | {p.message_en}" for p in err.value.problems)


@pytest.mark.parametrize("factor", [0, -1.5, math.inf, math.nan, "1.2", True])
def test_a_factor_must_be_a_positive_finite_number(sample, factor) -> None:
    text = _problems(Overlay(rows=(RowUpdate("caseload.csv", {}, factor={"yearly_volume": factor}, loc="row_updates[0]"),)), sample)
    assert "row_updates[0]" in text and "yearly_volume" in text and "倍数" in text and "finite number above 0" in text


def test_bad_changes_name_file_row_and_field(sample, tmp_path) -> None:
    text = _problems(Overlay(rows=(RowUpdate("sites.csv", {"level": "township"}, {"staff_count": 2}, loc="site_updates[0]"),),
                             label="my.yaml"), sample)
    assert "my.yaml site_updates[0]" in text and "staff_count" in text and "未知" in text  # unknown field
    text = _problems(Overlay.site_changes({"NOPE": {"funded_staff": 1}}), sample)
    assert "NOPE" in text and "没有匹配" in text  # unknown row key
    text = _problems(Overlay(rows=(RowUpdate("sites.csv", {"site_id": "T01"}, factor={"name_zh": 2.0}),)), sample)
    assert "name_zh" in text and "不是数值" in text
    # in a folder: the loader names scenario.yaml and the entry
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(f"base: {SAMPLE}\nrow_updates:\n  - {{table: caseload.csv, where: {{level: township}},"
                                          " factor: {yearly_volume: -2}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(folder)
    p = err.value.problems[0]
    assert p.file.endswith("scenario.yaml") and p.where_en == "row_updates[0]" and "yearly_volume" in p.message_zh


def test_never_over_a_scenario(sample, tmp_path) -> None:
    change = Overlay.site_changes({"T01": {"funded_staff": 3}})
    with pytest.raises(VetsimError):
        change.write(sample.path, sample)
    other = tmp_path / "other"
    shutil.copytree(PROPOSAL, other)
    with pytest.raises(VetsimError):
        change.write(other, sample)
    assert (other / "scenario.yaml").read_text(encoding="utf-8") == (PROPOSAL / "scenario.yaml").read_text(encoding="utf-8")
    with pytest.raises(OverlayWriteError):
        change.write(tmp_path / "x", dataclasses.replace(sample, path=None))  # a scenario only in memory


def test_experiment_factor_multiplies_the_field(sample, tmp_path) -> None:
    """``factor`` in experiment.yaml: volumes +20% at township level, exactly; a grid axis varies the factor;
    a factor that is not a positive number is refused, naming the file and the change."""
    from vetsim.region.experiment import load_experiment

    text = f"""\
scenarios: [{SAMPLE}]
changes:
  - {{table: caseload.csv, where: {{level: township}}, field: yearly_volume, factor: 1.2}}
grid:
  village_posts:
    change: {{table: sites.csv, where: {{level: village}}, field: parttime_staff, factor: 1}}
    values: [1, 2.5]
replications: 1
seed: 3
"""
    path = tmp_path / "experiment.yaml"
    path.write_text(text, encoding="utf-8")
    exp = load_experiment(path)
    cells = {v.name: exp.scenarios[(exp.counties[0].id, v.id)] for v in exp.variants}
    assert set(cells) == {"village_posts=1", "village_posts=2.5"}
    for sc in cells.values():
        for r in sc.caseload:
            old = sample.caseload_row(r.case_type, r.level).yearly_volume
            assert r.yearly_volume == (old * 1.2 if r.level == "township" else old)
    for s in sample.sites_at("village"):
        assert cells["village_posts=1"].site(s.site_id).parttime_staff == s.parttime_staff
        assert cells["village_posts=2.5"].site(s.site_id).parttime_staff == round(s.parttime_staff * 2.5)
    for bad in ("0", "-1", ".inf", "x"):
        path.write_text(text.replace("factor: 1.2", f"factor: {bad}"), encoding="utf-8")
        with pytest.raises(ScenarioError) as err:
            load_experiment(path)
        p = err.value.problems[0]
        assert p.file.endswith("experiment.yaml") and "changes.0.factor" in p.where_en, (bad, p)
    path.write_text(text.replace("factor: 1.2", "value: 3, factor: 1.2"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="factor"):
        load_experiment(path)


def test_one_route_and_one_writer() -> None:
    """What `grep` should find: scenarios are derived only by Overlay.apply and overlay folders written only
    by Overlay.write (a scenario folder is written by ``atomic_folder(..., new_scenario=True)``)."""
    import re

    root = Path(__file__).resolve().parents[1] / "vetsim"
    derive = re.compile(r"dataclasses\.replace\((scenario|sc|base|self)\b|\bvalidate_scenario\(|\bScenario\(spec")
    writer = re.compile(r"atomic_folder\([^)]*new_scenario=True", re.S)
    found = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel not in ("scenario/overlay.py", "scenario/loader.py", "scenario/validate.py", "files.py",
                       "sim/synthetic.py"):  # the loader and a synthetic scenario build one from scratch
            found.update({f"{rel}: {m.group(0)}": 1 for m in derive.finditer(text)})
        if rel not in ("scenario/overlay.py", "files.py"):
            found.update({f"{rel}: {m.group(0)[:40]}": 1 for m in writer.finditer(text)})
    assert not found, sorted(found)
