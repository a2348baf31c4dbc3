"""Regions (区域): a city or a province as a list of county scenarios, loaded and validated like a scenario.

Why: a city or provincial department plans for 20 to 100 counties at once. A region folder holds a
``region.yaml`` that lists county scenario folders (``counties:``) and/or one table of counties
(``county_table:``) whose rows are overlays of a base scenario: the row's columns are changes of
``scenario.yaml`` (a dotted key per column, e.g. ``presence.township.away_share.value``), and region tables
with a ``county_id`` column give each county its own rows (``sites.csv``: the county's whole network,
replacing the base's; any other table: cells patched onto the base's rows with the same key). So 20
counties cost one table each, not 20 copies of a scenario, and every county is still a whole, validated
``Scenario``. Every problem of every county is reported at once, naming file, row and field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from ..errors import Problem, ScenarioError
from ..scenario import Scenario
from ..scenario.limits import limit, limit_message
from ..scenario.loader import load_raw
from ..scenario.overlay import Overlay, dotted
from ..scenario.params import Frozen, Quantity
from ..scenario.problems import from_validation_error
from ..scenario.rows import TABLES
from ..scenario.sources import RawRow, RawScenario, patch_rows, read_csv_rows, read_raw, read_yaml
from ..scenario.spec import Description, Names
from ..wording import both

__all__ = ["Region", "County", "RegionSpec", "load_region", "COUNTY_ID"]

COUNTY_ID = r"^[A-Za-z0-9_-]{1,40}$"
_FIXED_COLUMNS = ("county_id", "name_zh", "name_en", "source")


class CountyFolder(Frozen):
    id: str = Field(pattern=COUNTY_ID)
    folder: str = Field(min_length=1)


class CountyTable(Frozen):
    file: str = Field(min_length=1)
    base: str = Field(min_length=1)
    tables: dict[str, str] = Field(default_factory=dict)


class RegionSpec(Frozen):
    """Schema of ``region.yaml``."""

    name: Names
    description: Description | None = None
    city_centers: Quantity | None = None
    seed: int = Field(default=20270101, ge=0, lt=2**63)
    counties: tuple[CountyFolder, ...] = ()
    county_table: CountyTable | None = None


@dataclass(frozen=True)
class County:
    """One county of a region: its id (unique in the region) and its validated scenario."""

    id: str
    scenario: Scenario
    raw: RawScenario | None = field(default=None, repr=False, compare=False)  # unvalidated, for overlays on top

    def name(self, lang: str = "zh") -> str:
        return self.scenario.name(lang)


@dataclass(frozen=True)
class Region:
    """A loaded, validated region: its settings and its counties in file order."""

    spec: RegionSpec
    counties: tuple[County, ...]
    path: Path | None = field(default=None, compare=False)

    def name(self, lang: str = "zh") -> str:
        return self.spec.name.zh if lang == "zh" else self.spec.name.en

    def county(self, county_id: str) -> County:
        return next(c for c in self.counties if c.id == county_id)

    def hash(self) -> str:
        """SHA-256 over the region's settings and its counties' scenario hashes (content only)."""
        text = self.spec.model_dump_json() + "".join(f"|{c.id}:{c.scenario.hash()}" for c in self.counties)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _cell_value(text: str) -> Any:
    """A table cell as the YAML value it spells (``0.3`` a number, ``2027-05-31`` a date, else text)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, str, bool)) or hasattr(value, "isoformat") else text


class _Reader:
    """Reads a region folder, collecting every problem instead of stopping at the first."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[Problem] = []
        self._bases: dict[Path, RawScenario] = {}

    def base(self, path: Path) -> RawScenario:
        if path not in self._bases:
            self._bases[path] = read_raw(path, TABLES)
        return self._bases[path].copy()

    def county_rows(self, name: str, keys: tuple[str, ...]) -> dict[str, list[RawRow]] | None:
        """Rows of the region table ``name`` grouped by their ``county_id`` (the column removed)."""
        path = self.folder / name
        label = _label(path)
        if not path.is_file():
            self.problems.append(Problem(label, "", "", *both("scenario.file_not_found")))
            return None
        rows = read_csv_rows(path, ("county_id", *keys), self.problems)
        if rows is None:
            return None
        out: dict[str, list[RawRow]] = {}
        for r in rows:
            cid = r.cells.pop("county_id", "")
            where = r.origin.pop("county_id", next(iter(r.origin.values())))
            if not cid:
                self.problems.append(Problem(label, where[1], where[2], *both("region.error.no_county_id")))
                continue
            out.setdefault(cid, []).append(r)
        return out


def _county_problem(cid: str, p: Problem) -> Problem:
    return Problem(p.file, f"[{cid}] {p.where_zh}".strip(), f"[{cid}] {p.where_en}".strip(), p.message_zh, p.message_en)


def _table_counties(reader: _Reader, spec: CountyTable, seen: set[str], only: set[str] | None) -> list[County]:
    folder = reader.folder
    label = _label(folder / spec.file)
    base_dir = (folder / spec.base).resolve()
    if not (base_dir / "scenario.yaml").is_file():
        reader.problems.append(Problem(_label(folder / "region.yaml"), "county_table.base", "county_table.base",
                                       *both("region.error.no_base", base=repr(spec.base))))
        return []
    if not (folder / spec.file).is_file():
        reader.problems.append(Problem(label, "", "", *both("scenario.file_not_found")))
        return []
    rows = read_csv_rows(folder / spec.file, ("county_id",), reader.problems) or []
    if len(rows) > limit("counties"):
        reader.problems.append(Problem(label, "", "", *limit_message("counties", len(rows))))
        return []
    extra: dict[str, dict[str, list[RawRow]]] = {}
    for table, file in spec.tables.items():
        if table not in TABLES:
            reader.problems.append(Problem(_label(folder / "region.yaml"), f"county_table.tables.{table}",
                                           f"county_table.tables.{table}", *both("region.error.unknown_table", table=repr(table), allowed=', '.join(TABLES))))
            continue
        got = reader.county_rows(file, TABLES[table][1])
        if got is not None:
            extra[table] = got
    ids = {r.cells.get("county_id", "") for r in rows}
    for by_county in extra.values():
        for cid in sorted(set(by_county) - ids):
            f, wzh, wen = by_county[cid][0].where()
            reader.problems.append(Problem(f, wzh, wen, *both("region.error.id_not_in_table", cid=repr(cid), file=spec.file)))
    out = []
    for r in rows:
        cid = r.cells.get("county_id", "")
        f, wzh, wen = r.where("county_id")
        if not cid or not _valid_id(cid) or cid in seen:
            reader.problems.append(Problem(f, wzh, wen, *both("region.error.bad_id", cid=repr(cid[:40]))))
            continue
        seen.add(cid)
        if only is not None and cid not in only:
            continue
        raw = reader.base(base_dir)
        changes = {k: _cell_value(v) for k, v in r.cells.items() if k not in _FIXED_COLUMNS and v != ""}
        data = dotted(changes)
        if r.cells.get("name_zh") or r.cells.get("name_en"):
            data["name"] = {"zh": r.cells.get("name_zh", ""), "en": r.cells.get("name_en", "")}
        raw, _none = Overlay(data).apply_raw(raw, f"{label} {wzh.split(' ')[0]}")
        for table, by_county in extra.items():
            mine = by_county.get(cid, [])
            if table == "sites.csv" and mine:
                raw.tables[table] = mine
            elif mine:
                raw.tables[table] = patch_rows(raw.tables.get(table, []), mine, TABLES[table][1])
        out += _load(reader, cid, raw, base_dir)
    return out


def _valid_id(cid: str) -> bool:
    return re.fullmatch(COUNTY_ID, cid) is not None


def _load(reader: _Reader, cid: str, raw: RawScenario, folder: Path) -> list[County]:
    try:
        return [County(cid, load_raw(raw.copy(), folder), raw)]
    except ScenarioError as err:
        reader.problems += [_county_problem(cid, p) for p in err.problems]
        return []


def load_region(path: str | Path, only: set[str] | None = None) -> Region:
    """Load and validate the region folder at ``path``; ``ScenarioError`` lists every problem of every county.

    ``only``: build just these counties (the region's files are still checked whole), e.g. for an experiment
    on a few counties of a province.
    """
    folder = Path(path)
    reader = _Reader(folder)
    label = _label(folder / "region.yaml")
    if not folder.is_dir():
        raise ScenarioError([Problem(str(folder), "", "", *both("region.error.no_folder"))])
    data = read_yaml(folder / "region.yaml", reader.problems)
    if data is None:
        raise ScenarioError(reader.problems)
    try:
        spec = RegionSpec.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(from_validation_error(err, RegionSpec, lambda loc: (label, *([".".join(map(str, loc))] * 2)))) from err
    if not spec.counties and spec.county_table is None:
        raise ScenarioError([Problem(label, "counties", "counties", *both("region.error.no_counties"))])
    counties: list[County] = []
    seen: set[str] = set()
    for i, ref in enumerate(spec.counties):
        if ref.id in seen:
            reader.problems.append(Problem(label, f"counties[{i}]", f"counties[{i}]", *both("region.error.repeated_id", cid=repr(ref.id))))
            continue
        seen.add(ref.id)
        if only is not None and ref.id not in only:
            continue
        counties += _load(reader, ref.id, read_raw(folder / ref.folder, TABLES), folder / ref.folder)
    if spec.county_table is not None:
        counties += _table_counties(reader, spec.county_table, seen, only)
    if len(counties) > limit("counties"):
        reader.problems.append(Problem(label, "", "", *limit_message("counties", len(counties))))
    if only is not None and only - seen:  # a misspelt county: list every county the region has, not just those asked for
        reader.problems.append(Problem(label, "counties", "counties", *both(
            "experiment.error.unknown_counties", unknown=sorted(only - seen)[:5], known=", ".join(sorted(seen))[:300])))
    if reader.problems:
        n = int(limit("problems_shown"))
        more = len(reader.problems) - n
        shown = reader.problems[:n] + ([Problem("", "", "", *both("region.error.more", more=more))]
                                       if more > 0 else [])
        raise ScenarioError(shown)
    return Region(spec, tuple(counties), folder.resolve())
