"""The township map: positions from sites.csv (lon/lat or a schematic grid) or a layout from the site tree,
coloured by a per-site figure with its value written; zh and en with every glyph; per-site figures by the
simulation summary's own rule."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

import vetsim
from vetsim.charts.sitemap import (
    SITE_KPIS,
    map_numbers,
    site_kpis,
    site_positions,
    township_map,
)
from vetsim.charts.style import house_style
from vetsim.errors import VetsimError

GLYPHS_ARE_ERRORS = pytest.mark.filterwarnings("error:Glyph:UserWarning")


def _with_columns(sample_path, tmp_path, columns: dict[str, dict[str, float]]):
    """A copy of the sample county whose sites.csv has extra columns (site_id -> value; others blank)."""
    folder = tmp_path / "county"
    shutil.copytree(sample_path, folder)
    df = pd.read_csv(folder / "sites.csv", dtype=str, keep_default_na=False)
    for col, values in columns.items():
        df[col] = [str(values[s]) if s in values else "" for s in df["site_id"]]
    df.to_csv(folder / "sites.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def results(sample):
    return vetsim.simulate(sample, replications=2, seed=3)


def test_layout_from_the_site_tree(sample) -> None:
    pos = site_positions(sample).set_index("site_id")
    assert set(pos["how"]) == {"layout"}
    assert tuple(pos.loc["C01", ["x", "y"]]) == (0.0, 0.0)
    towns = pos[pos["level"] == "township"]
    assert np.allclose(np.hypot(towns["x"], towns["y"]), 1.0) and len(towns) == 15
    v = pos[pos["level"] == "village"].iloc[0]  # a village station lies on a small ring round its own station
    p = pos.loc[v["parent_id"]]
    assert math.hypot(v["x"] - p["x"], v["y"] - p["y"]) < 0.3


def test_coordinates_and_grid_positions(sample, sample_path, tmp_path) -> None:
    main = [s.site_id for s in sample.sites if s.level != "village"]
    lon = {s: 113.0 + 0.01 * i for i, s in enumerate(main)}
    lat = {s: 60.0 + 0.02 * i for i, s in enumerate(main)}  # at 60 degrees north a degree east is half as long
    sc = vetsim.load_scenario(_with_columns(sample_path, tmp_path, {"lon": lon, "lat": lat}))
    assert sc.hash() == sample.hash()  # where a site is drawn changes no result
    pos = site_positions(sc).set_index("site_id")
    assert set(pos["how"]) == {"lonlat"}
    lat0 = np.mean(list(lat.values()))
    dx = pos.loc[main[1], "x"] - pos.loc[main[0], "x"]
    assert dx == pytest.approx(0.01 * math.cos(math.radians(lat0)))
    assert pos.loc[main[1], "y"] - pos.loc[main[0], "y"] == pytest.approx(0.02)
    grid = vetsim.load_scenario(_with_columns(sample_path, tmp_path / "g", {"grid_x": {s: i % 4 for i, s in enumerate(main)},
                                                                             "grid_y": {s: i // 4 for i, s in enumerate(main)}}))
    gpos = site_positions(grid).set_index("site_id")
    assert set(gpos["how"]) == {"grid"} and tuple(gpos.loc[main[5], ["x", "y"]]) == (1.0, 1.0)


def test_half_a_position_is_refused_in_chinese(sample_path, tmp_path) -> None:
    folder = _with_columns(sample_path, tmp_path, {"lon": {"T01": 113.0}, "lat": {}})
    with pytest.raises(VetsimError) as err:
        vetsim.load_scenario(folder)
    text = err.value.user_message("zh")
    assert "sites.csv" in text and "lon" in text and "lat" in text and "成对" in text


def test_site_figures_follow_the_summary_rule(sample, results) -> None:
    d = site_kpis(sample, results)
    s = results.summary
    for metric in ("one_trip_rate", "overdue_open"):  # the county center is the only site of its level
        row = s[(s.metric == metric) & (s.level.astype(str) == "county_center")
                & (s.case_type.isna() | s.case_type.astype(str).isin(["all", ""]))]
        assert d.at["C01", metric] == pytest.approx(float(row["mean"].iloc[0]), abs=1e-12)
    towns = d[d["level"] == "township"]
    assert towns["wasted_trip_share"].between(0, 1).all() and towns["wasted_trip_share"].gt(0).any()
    assert (towns["pressure"] * towns["wisn_ratio"]).round(9).eq(1).all()


@GLYPHS_ARE_ERRORS
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("coords", [False, True])
def test_renders_with_and_without_coordinates(sample, sample_path, tmp_path, results, lang, coords) -> None:
    sc = sample
    if coords:
        main = [s.site_id for s in sample.sites if s.level != "village"]
        sc = vetsim.load_scenario(_with_columns(sample_path, tmp_path, {
            "lon": {s: 113.0 + 0.05 * math.cos(i) for i, s in enumerate(main)},
            "lat": {s: 28.0 + 0.05 * math.sin(i) for i, s in enumerate(main)}}))
    data = site_kpis(sc, results)
    for kpi in SITE_KPIS:
        with house_style(lang):
            fig = township_map(sc, results, kpi=kpi, lang=lang, data=data)
            fig.canvas.draw()  # a missing glyph is an error here
        texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
        assert len(texts) == 16  # the county center and 15 township stations, each with its value
        name = "龙泉镇" if lang == "zh" else "Longquan"
        assert texts["site-T03"].startswith(name)
        table = map_numbers(sc, results, kpi, lang)
        assert len(table) == 16
        assert texts["site-T03"].split("\n")[1] in {_value_text(table, "T03", kpi, lang)}


def _value_text(table, sid: str, kpi: str, lang: str) -> str:
    from vetsim.charts.sitemap import kpi_text

    value = float(table.set_index(table.columns[0]).loc[sid].iloc[-1])
    return kpi_text(value / 100 if SITE_KPIS[kpi].kind == "share" else value, kpi, lang)  # the table is in percent
