"""Property tests: random valid networks load; random corruptions are rejected with a message, never a crash."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import vetsim

from .conftest import SAMPLE

COLUMNS = ["site_id", "name_zh", "name_en", "level", "parent_id", "funded_staff", "parttime_staff",
           "open_days", "open_hours", "online_share", "veterans"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def hours(draw) -> str:
    start = draw(st.integers(0, 22 * 60))
    end = draw(st.integers(start + 1, 24 * 60))
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


@st.composite
def site_row(draw, site_id: str, level: str, parent: str) -> dict[str, object]:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    return {
        "site_id": site_id, "name_zh": draw(st.sampled_from(["东坪村", "城关镇服务站", "幸福社区"])),
        "name_en": site_id, "level": level, "parent_id": parent,
        "funded_staff": draw(st.integers(0, 12)), "parttime_staff": draw(st.integers(0, 5)),
        "open_days": ",".join(days), "open_hours": draw(hours()),
        "online_share": draw(st.floats(0, 1).map(lambda x: round(x, 3))), "veterans": draw(st.integers(0, 5000)),
    }


@st.composite
def network(draw) -> list[dict[str, object]]:
    rows = [draw(site_row("C01", "county_center", ""))]
    for t in range(1, draw(st.integers(1, 4)) + 1):
        tid = f"T{t:02d}"
        rows.append(draw(site_row(tid, "township", "C01")))
        for v in range(1, draw(st.integers(0, 4)) + 1):
            rows.append(draw(site_row(f"{tid}V{v:02d}", "village", tid)))
    return rows


def _copy_sample_except(folder: Path, skip: str) -> None:
    for f in SAMPLE.iterdir():
        if f.is_file() and f.name != skip:
            shutil.copy(f, folder / f.name)


def _write(folder: Path, rows: list[dict[str, object]]) -> None:
    _copy_sample_except(folder, "sites.csv")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    w.writerows(rows)
    (folder / "sites.csv").write_text(buf.getvalue(), encoding="utf-8")


@SETTINGS
@given(network())
def test_random_valid_networks_load(rows):
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), rows)
        sc = vetsim.load_scenario(tmp)
    assert len(sc.sites) == len(rows)
    assert sum(s.staff for s in sc.sites) == sum(int(r["funded_staff"]) + int(r["parttime_staff"]) for r in rows)


# column -> values that are never allowed there
BAD_VALUES = {
    "funded_staff": st.one_of(st.integers(max_value=-1).map(str), st.sampled_from(["two", "1.5", "", "一"])),
    "parttime_staff": st.integers(max_value=-1).map(str),
    "level": st.text(min_size=1, max_size=8).filter(lambda s: s.strip() not in ("village", "township",
                                                                                  "county_center")),
    "online_share": st.one_of(st.floats(min_value=1.001, max_value=1e6), st.floats(max_value=-0.001, min_value=-1e6),
                              st.just(float("nan"))).map(str),
    "open_hours": st.sampled_from(["9-12", "12:00-08:00", "全天", "25:00-26:00", ""]),
    "open_days": st.sampled_from(["Funday", "8", "Fri-Mon", ""]),
    "parent_id": st.just("ZZ99"),
    "veterans": st.sampled_from(["-3", "many", "1e400"]),
}


@SETTINGS
@given(network(), st.data())
def test_targeted_corruptions_are_rejected_naming_file_and_row(rows, data):
    index = data.draw(st.integers(1, len(rows) - 1))  # not the county center: its parent is empty by design
    column = data.draw(st.sampled_from(sorted(BAD_VALUES)))
    rows[index] = {**rows[index], column: data.draw(BAD_VALUES[column])}
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), rows)
        try:
            vetsim.load_scenario(tmp)
        except vetsim.ScenarioError as err:
            line = index + 2
            assert any(p.file.endswith("sites.csv") and f"第{line}行" in p.where_zh for p in err.problems), \
                err.user_message("zh")
        else:
            raise AssertionError(f"corruption {column}={rows[index][column]!r} was accepted")


def _mutate(node: object, path: list[object], value: object) -> object:
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, key: _mutate(node[key], rest, value)}
    return node


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(node, dict):
        out = [prefix] if prefix else []
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
        return out
    return [prefix]


YAML_DOC = yaml.safe_load((SAMPLE / "scenario.yaml").read_text(encoding="utf-8"))
YAML_PATHS = _paths(YAML_DOC)
JUNK = st.one_of(st.none(), st.text(max_size=10), st.integers(), st.floats(allow_nan=True),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                 st.dates())


@SETTINGS
@given(st.sampled_from(YAML_PATHS), JUNK)
def test_random_yaml_corruptions_never_crash(path, junk):
    doc = _mutate(YAML_DOC, list(path), junk)
    with tempfile.TemporaryDirectory() as tmp:
        _copy_sample_except(Path(tmp), "scenario.yaml")
        (Path(tmp) / "scenario.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            vetsim.load_scenario(tmp)
        except vetsim.ScenarioError as err:
            assert err.problems and all(p.file and (p.message_zh and p.message_en) for p in err.problems)


@SETTINGS
@given(st.binary(min_size=1, max_size=40), st.integers(0, 5000))
@example(b"\r", 0)  # once crashed the csv module ("new-line character seen in unquoted field")
@example(b"\xff\xfe\x00", 10)
def test_random_byte_corruptions_never_crash(junk, at):
    data = (SAMPLE / "sites.csv").read_bytes()
    at = min(at, len(data))
    with tempfile.TemporaryDirectory() as tmp:
        _copy_sample_except(Path(tmp), "sites.csv")
        (Path(tmp) / "sites.csv").write_bytes(data[:at] + junk + data[at:])
        try:
            vetsim.load_scenario(tmp)
        except vetsim.ScenarioError as err:
            assert err.problems
