"""Site levels come from one registry (vetsim/scenario/levels.yaml), and a level's random numbers are
keyed by its id: adding a fifth level leaves every other level's simulation bit-identical."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import vetsim
from vetsim import i18n
from vetsim.errors import ScenarioError
from vetsim.scenario import DEFAULT_LEVELS, LEVELS, SITE_LEVELS
from vetsim.scenario.levels import LEVELS_FILE
from vetsim.sim import simulate
from vetsim.sim.streams import level_uniforms
from vetsim.wording import tr

from .conftest import SAMPLE

COMMUNITY = {"id": "community", "parent": "township", "kind": "site", "counter": True, "single": False,
             "zh": "社区服务站", "en": "Community stations", "zh_short": "社区站", "en_short": "Community"}
NEW_SITES = ("T01K01", "T01K02", "T02K01")


def test_every_view_derives_from_the_registry_file() -> None:
    raw = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))["levels"]
    assert LEVELS == tuple(d["id"] for d in raw) == ("village", "township", "county_center", "partner")
    assert SITE_LEVELS == tuple(d["id"] for d in raw if d["kind"] == "site")
    assert DEFAULT_LEVELS.parent == {d["id"]: d["parent"] for d in raw}
    assert DEFAULT_LEVELS.center == "county_center" and DEFAULT_LEVELS.partner == "partner"
    for d in raw:  # the wording catalogue and the registry serve the file's labels, not copies
        assert tr(f"level.{d['id']}", "zh") == d["zh"] and tr(f"level.{d['id']}.short", "en") == d["en_short"]
        assert (DEFAULT_LEVELS.label(d["id"], "zh"), DEFAULT_LEVELS.label(d["id"], "en")) == (d["zh"], d["en"])
    assert not hasattr(i18n, "LEVEL_LABELS") and not hasattr(i18n, "label")  # retired: one way each
    assert DEFAULT_LEVELS.top_down() == ("county_center", "township", "village")


def test_level_uniforms_depend_on_the_level_id_only() -> None:
    keys = np.random.default_rng(5).integers(0, 2**64, size=20_000, dtype=np.uint64, endpoint=False)
    a, b = level_uniforms(keys, "township"), level_uniforms(keys, "village")
    assert np.array_equal(a, level_uniforms(keys.copy(), "township"))
    assert ((a >= 0) & (a < 1)).all() and abs(a.mean() - 0.5) < 0.01 and abs(np.corrcoef(a, b)[0, 1]) < 0.03


def _five_level_copy(tmp: Path, days: int) -> tuple[Path, Path]:
    """The sample county shortened to ``days``, as is and with a community level under the township."""
    four, five = tmp / "four", tmp / "five"
    for folder in (four, five):
        shutil.copytree(SAMPLE, folder)
        y = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
        y["simulation"]["days"] = days
        if folder is five:
            raw = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))["levels"]
            y["levels"] = [raw[0], COMMUNITY, *raw[1:]]
            for name in ("funded_post", "parttime_post", "site_overhead"):
                y["costs"][name]["community"] = dict(y["costs"][name]["village"])
        (folder / "scenario.yaml").write_text(yaml.safe_dump(y, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with open(five / "sites.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    village = next(r for r in rows if r["level"] == "village")
    for sid in NEW_SITES:
        rows.append({**village, "site_id": sid, "name_zh": f"社区{sid}", "name_en": f"Community {sid}",
                     "level": "community", "parent_id": sid[:3], "veterans": "300"})
    with open(five / "sites.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(five / "caseload.csv", encoding="utf-8") as f:
        load = list(csv.DictReader(f))
    # community cases are all resolved where they start: the township sees exactly what it saw before
    extra = [{**r, "level": "community", "yearly_volume": "600", "resolved_here_share": "1"}
             for r in load if r["level"] == "village"]
    with open(five / "caseload.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(load[0]))
        w.writeheader()
        w.writerows(load + extra)
    return four, five


def _without(frame: pd.DataFrame, col: str, drop: set[str]) -> pd.DataFrame:
    out = frame[~frame[col].astype(str).isin(drop)].reset_index(drop=True)
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(str)
    return out


def test_a_fifth_level_leaves_the_other_levels_bit_identical(tmp_path: Path) -> None:
    four_path, five_path = _five_level_copy(tmp_path, days=90)
    four, five = vetsim.load_scenario(four_path), vetsim.load_scenario(five_path)
    assert five.levels.ids == ("village", "community", "township", "county_center", "partner")
    assert five.levels.label("community", "en", short=True) == "Community"
    r4, r5 = simulate(four, replications=2, seed=7), simulate(five, replications=2, seed=7)
    new = set(NEW_SITES)
    assert (r5.cases["origin_site"].astype(str).isin(new)).sum() > 50  # the new level has work of its own
    c4, c5 = _without(r4.cases, "origin_site", new), _without(r5.cases, "origin_site", new)
    pd.testing.assert_frame_equal(c4.drop(columns=["case_id"], errors="ignore"),
                                  c5.drop(columns=["case_id"], errors="ignore"), check_exact=True)
    for name in ("visits", "site_days"):
        pd.testing.assert_frame_equal(_without(getattr(r4, name), "site_id", set()),
                                      _without(getattr(r5, name), "site_id", new), check_exact=True)
    keep = ["village", "township", "county_center", "partner"]
    s4 = r4.summary[r4.summary["level"].isin(keep)].reset_index(drop=True)
    s5 = r5.summary[r5.summary["level"].isin(keep)].reset_index(drop=True)
    pd.testing.assert_frame_equal(s4, s5, check_exact=True)
    assert "community" in set(r5.summary["level"])


def test_a_level_not_in_the_registry_is_named_with_file_row_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(SAMPLE, folder)
    text = (folder / "sites.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(text) if ",village," in line)
    text[row] = text[row].replace(",village,", ",hamlet,")
    (folder / "sites.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        vetsim.load_scenario(folder)
    msg = err.value.user_message("en")
    assert "sites.csv" in msg and "hamlet" in msg and "level" in msg and "village, township, county_center" in msg


def test_a_registry_without_a_partner_top_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "bad_levels"
    shutil.copytree(SAMPLE, folder)
    y = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    raw = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))["levels"]
    y["levels"] = [{**raw[0], "parent": "nowhere"}, *raw[1:]]
    (folder / "scenario.yaml").write_text(yaml.safe_dump(y, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        vetsim.load_scenario(folder)
    assert "levels" in err.value.user_message("en") and "nowhere" in err.value.user_message("en")
