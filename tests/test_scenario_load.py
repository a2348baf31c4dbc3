"""Loading the bundled scenarios: content, overlays, encodings, hash stability, immutability."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

import vetsim
from vetsim.scenario import parse_days, parse_hours

from .conftest import PROPOSAL, ROOT, SAMPLE


def test_sample_county_network_matches_the_brief(sample):
    levels = [s.level for s in sample.sites]
    assert levels.count("county_center") == 1
    assert levels.count("township") == 15
    assert levels.count("village") == 200
    # every village hangs under a township, every township under the center
    for s in sample.sites_at("village"):
        assert sample.site(s.parent_id).level == "township"
    for s in sample.sites_at("township"):
        assert s.parent_id == sample.county_center.site_id
    assert sum(len(sample.children(t.site_id)) for t in sample.sites_at("township")) == 200


def test_sample_numbers_carry_sources(sample):
    assert all(r.source for r in sample.caseload)
    for ct in sample.spec.case_types.values():
        assert ct.label_zh and ct.label_en and ct.source
    assert sample.spec.fiscal.parameters["si_unit_pension_rate"].source.startswith("S")


def test_overlay_changes_only_what_it_says(sample, proposal):
    for base_site in sample.sites:
        new = proposal.site(base_site.site_id)
        if base_site.level == "township":
            assert (base_site.funded_staff, new.funded_staff) == (1, 2)
            assert new.model_copy(update={"funded_staff": 1}) == base_site
        else:
            assert new == base_site
    assert proposal.caseload == sample.caseload
    assert proposal.spec.name.zh != sample.spec.name.zh
    assert proposal.spec.targets == sample.spec.targets
    assert proposal.hash() != sample.hash()


def test_dated_parameter_in_force(sample):
    rate = sample.spec.fiscal.parameters["si_unit_pension_rate"]
    import datetime as dt

    assert rate.at(dt.date(2019, 4, 30)) == 0.20
    assert rate.at(dt.date(2019, 5, 1)) == 0.16
    with pytest.raises(ValueError):
        rate.at(dt.date(1990, 1, 1))


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_excel_encodings_load_to_the_same_hash(tmp_path, sample, encoding):
    twin = _copy(SAMPLE, tmp_path / "twin")
    for name in ("sites.csv", "caseload.csv"):
        text = (SAMPLE / name).read_text(encoding="utf-8")
        (twin / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert (twin / "sites.csv").read_bytes() != (SAMPLE / "sites.csv").read_bytes()
    loaded = vetsim.load_scenario(twin)
    assert loaded == sample
    assert loaded.hash() == sample.hash()


def test_hash_ignores_row_order_but_not_values(tmp_path, sample):
    twin = _copy(SAMPLE, tmp_path / "twin")
    lines = (SAMPLE / "sites.csv").read_text(encoding="utf-8").splitlines()
    (twin / "sites.csv").write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    assert vetsim.load_scenario(twin).hash() == sample.hash()
    changed = sample.with_site_changes({"T01": {"parttime_staff": 2}})
    assert changed.hash() != sample.hash()


def test_hash_is_stable_across_processes(sample):
    code = "import vetsim,sys; print(vetsim.load_scenario(sys.argv[1]).hash())"
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=ROOT)
    assert out.stdout.strip() == sample.hash()
    assert len(sample.hash()) == 64


def test_scenario_is_immutable(sample):
    with pytest.raises(pydantic.ValidationError):
        sample.sites[0].funded_staff = 99  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        sample.spec.seed = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.sites = ()  # type: ignore[misc]


def test_with_site_changes_revalidates(sample):
    with pytest.raises(vetsim.ScenarioError, match="funded_staff"):  # revalidated, the field named
        sample.with_site_changes({"T01": {"funded_staff": -1}})
    with pytest.raises(vetsim.ScenarioError):
        sample.with_site_changes({"T01": {"parent_id": "T01V01"}})
    with pytest.raises(vetsim.ScenarioError, match="NOPE"):  # an unknown row key is named
        sample.with_site_changes({"NOPE": {"funded_staff": 1}})


def test_round_trip_through_csv(tmp_path, sample):
    """Writing the loaded tables back out gives a scenario with the same content."""
    twin = _copy(SAMPLE, tmp_path / "twin")
    df = sample.sites_frame().drop(columns=["staff", "open_minutes_per_day"])
    df["open_days"] = [",".join(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d] for d in s.open_days)
                       for s in sample.sites]
    df["open_hours"] = [";".join(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in s.open_hours)
                        for s in sample.sites]
    df["parent_id"] = df["parent_id"].fillna("")
    df.to_csv(twin / "sites.csv", index=False, encoding="utf-8")
    sample.caseload_frame().to_csv(twin / "caseload.csv", index=False)
    assert vetsim.load_scenario(twin).hash() == sample.hash()


@pytest.mark.parametrize(("text", "days"), [("Mon-Fri", (0, 1, 2, 3, 4)), ("Tue,Thu", (1, 3)),
                                             ("1-3;6", (0, 1, 2, 5)), ("sat", (5,))])
def test_parse_days(text, days):
    assert parse_days(text) == days


def test_parse_hours():
    assert parse_hours("08:30-12:00;14:00-17:30") == ((510, 720), (840, 1050))
    for bad in ("8-12", "12:00-08:00", "08:00-12:00;11:00-13:00", "", "24:30-25:00"):
        with pytest.raises(ValueError):
            parse_hours(bad)


def test_proposal_folder_is_an_overlay():
    text = (PROPOSAL / "scenario.yaml").read_text(encoding="utf-8")
    assert "base: ../sample_county" in text
    assert not (PROPOSAL / "sites.csv").exists()


def test_a_copy_of_a_raw_scenario_can_be_changed_without_touching_the_original():
    """Regions and experiments build every county x variant from one raw read through ``RawScenario.copy``."""
    from vetsim.scenario.loader import load_raw
    from vetsim.scenario.overlay import Overlay, RowUpdate
    from vetsim.scenario.rows import TABLES
    from vetsim.scenario.sources import read_raw

    folder = ROOT / "data" / "sample_county"
    raw = read_raw(folder, TABLES)
    before = load_raw(raw.copy(), folder).hash()
    changed = raw.copy()
    changed.yaml_data["simulation"]["days"] = 30
    change = Overlay(rows=(RowUpdate("sites.csv", {"level": "township"}, {"funded_staff": 3}),))
    assert change.apply_raw(changed, "test")[1] == []
    other = load_raw(changed, folder)
    assert other.spec.simulation.days == 30 and all(s.funded_staff == 3 for s in other.sites_at("township"))
    assert load_raw(raw.copy(), folder).hash() == before == vetsim.load_scenario(folder).hash()
