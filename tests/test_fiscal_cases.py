"""Hand-computed fiscal cases (tests/data/fiscal_cases/*.yaml) must match to the cent.

Each case is readable by a finance officer: the hand computation in comments, the inputs that
matter, and the expected yuan per year, line and tier. The harness builds a scenario folder
from the sample county: the case's ``fiscal`` keys replace the sample's (``parameters`` per name),
its ``tables`` replace the fiscal tables (tier shares are merged by key with the sample's).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import vetsim
from vetsim.scenario.fiscal_spec import FISCAL_TABLES, TIERS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_county"
CASES = sorted((Path(__file__).parent / "data" / "fiscal_cases").glob("*.yaml"))


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else v for k, v in r.items()})


def build_case(folder: Path, case: dict[str, Any]) -> Path:
    """Write a scenario folder for ``case`` (see module docstring) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sites.csv", "caseload.csv", "backlog.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    data = yaml.safe_load((SAMPLE / "scenario.yaml").read_text(encoding="utf-8"))
    data.update(case.get("scenario", {}))
    for key, val in (case.get("fiscal") or {}).items():
        if key == "parameters":
            data["fiscal"]["parameters"].update(val)
        else:
            data["fiscal"][key] = val
    (folder / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tables = case.get("tables") or {}
    with (SAMPLE / "tier_shares.csv").open(encoding="utf-8") as fh:
        shares = {(r["funding"], r["region_tier"], str(r["from_year"])): r for r in csv.DictReader(fh)}
    for r in tables.get("tier_shares.csv", []):
        shares[(r["funding"], r["region_tier"], str(r["from_year"]))] = r
    _write_csv(folder / "tier_shares.csv", list(shares.values()))
    for name in FISCAL_TABLES:
        if name != "tier_shares.csv" and tables.get(name):
            _write_csv(folder / name, tables[name])
    return folder


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_hand_computed_case(path: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    sc = vetsim.load_scenario(build_case(tmp_path / path.stem, case))
    b = vetsim.budget(sc)
    t = b.table.set_index(["year", "line", "tier"])["value"]
    checked = 0
    for year, lines in case["expected"].items():
        for line, tiers in lines.items():
            for tier in TIERS:
                want = float((tiers or {}).get(tier, 0.0))
                got = float(t.loc[(int(year), line, tier)])
                assert got == pytest.approx(want, abs=0.001), f"{year} {line} {tier}: got {got:.2f}, want {want:.2f}"
                checked += 1
            gov = sum(float(t.loc[(int(year), line, x)]) for x in TIERS[:4])
            assert round(gov, 2) == round(sum(float((tiers or {}).get(x, 0)) for x in TIERS[:4]), 2)
    assert checked > 0
    people = b.si_people.set_index("person_id")["government_yuan"]
    for pid, want in (case.get("expected_people") or {}).items():
        assert float(people.loc[str(pid)]) == pytest.approx(float(want), abs=0.001), pid


def test_cases_exist() -> None:
    names = {p.stem for p in CASES}
    assert {"si_rate_change", "pension_august_rise", "si_cap_regions", "aid_and_sites"} <= names
