"""Fiscal inputs that must be rejected on load, each with a bilingual message naming file and row/key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import vetsim
from vetsim.errors import ScenarioError

from .test_fiscal_cases import CASES, build_case

RATE_CASE = next(p for p in CASES if p.stem == "si_rate_change")


def _case(**changes) -> dict:
    case = yaml.safe_load(RATE_CASE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        node = case
        *path, last = key.split(".")
        for k in path:
            node = node[k]
        node[last] = value
    return case


def _problems(tmp_path: Path, case: dict) -> list:
    with pytest.raises(ScenarioError) as info:
        vetsim.load_scenario(build_case(tmp_path / "c", case))
    return list(info.value.problems)


def test_shares_not_summing_to_one(tmp_path: Path) -> None:
    case = _case()
    case["tables"]["tier_shares.csv"][0]["county"] = 0.2          # 0.6 + 0.2 + 0.1 + 0.2 = 1.1
    probs = _problems(tmp_path, case)
    assert len(probs) == 1
    p = probs[0]
    assert p.file.endswith("tier_shares.csv")
    assert "第" in p.where_zh and "row" in p.where_en
    assert "之和应为 1" in p.message_zh and "1.1" in p.message_zh
    assert "must sum to 1" in p.message_en and "si_continuation/central" in p.message_en


def test_share_out_of_range(tmp_path: Path) -> None:
    case = _case()
    case["tables"]["tier_shares.csv"][0]["central"] = 1.5
    probs = _problems(tmp_path, case)
    assert any(p.file.endswith("tier_shares.csv") and "central" in p.where_en for p in probs)


def test_unknown_placement_and_dates(tmp_path: Path) -> None:
    case = _case()
    rows = case["tables"]["si_applicants.csv"]
    rows[0]["placement"] = "goverment_arranged"                  # typo must not silently exclude anybody
    rows[1]["interrupted_to"] = "2017-12"                          # before its start 2018-07
    rows[3]["interrupted_from"] = "2011-01"                        # before discharge 2012
    text = "\n".join(p.text("en") for p in _problems(tmp_path, case))
    assert "unknown placement 'goverment_arranged'; allowed: government_arranged, self_employed" in text
    assert "interruption ends (2017-12) before it starts (2018-07)" in text
    assert "before the discharge year 2012" in text


def test_bad_month_text(tmp_path: Path) -> None:
    case = _case()
    case["tables"]["si_applicants.csv"][0]["interrupted_from"] = "2018-13"
    probs = _problems(tmp_path, case)
    assert any("YYYY-MM" in p.message_en and "interrupted_from" in p.where_en for p in probs)


def test_parameter_missing(tmp_path: Path) -> None:
    folder = build_case(tmp_path / "c", _case())   # then rename the parameter in the written file
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("si_unit_medical_rate:", "si_unit_medical_rate_x:", 1)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        vetsim.load_scenario(folder)
    msgs = "\n".join(p.text("en") for p in info.value.problems)
    assert "fiscal.parameters has no parameter 'si_unit_medical_rate'" in msgs


def test_parameter_too_late(tmp_path: Path) -> None:
    case = _case()
    case["fiscal"]["parameters"]["local_average_wage"]["values"] = {"2019-01-01": 65000}   # 2018 months uncovered
    text = "\n".join(p.text("en") for p in _problems(tmp_path, case))
    assert "local_average_wage" in text and "a value is needed from 2018-01-01" in text


def test_missing_shares_for_a_funding_key(tmp_path: Path) -> None:
    case = _case()
    case["fiscal"]["si_continuation"]["funding"] = "si_new_key"
    text = "\n".join(p.text("zh") for p in _problems(tmp_path, case))
    assert "缺少经费分担比例：funding=si_new_key, region_tier=central" in text


def test_payment_mode_needs_its_setting(tmp_path: Path) -> None:
    case = _case()
    case["fiscal"]["si_continuation"]["payment"] = {"mode": "cap", "years": 3}
    text = "\n".join(p.text("en") for p in _problems(tmp_path, case))
    assert "mode 'cap' needs 'yearly_cap'" in text


def test_pension_group_references(tmp_path: Path) -> None:
    case = _case()
    case["tables"]["pension_groups.csv"] = [
        {"group_id": "G", "label_zh": "G", "label_en": "G", "count": 1, "exit_rate": 0, "entry_rate": 0,
         "standard": "no_such_standard", "central_subsidy": "", "funding": "pension_shared", "source": "test"}]
    probs = _problems(tmp_path, case)
    assert any(p.file.endswith("pension_groups.csv") and "no parameter 'no_such_standard'" in p.message_en
               for p in probs)


def test_distribution_must_contain_value(tmp_path: Path) -> None:
    case = _case()
    case["fiscal"]["si_continuation"]["pending_pass_rate"]["dist"] = {"kind": "triangular", "low": 0.6, "mode": 0.7,
                                                                     "high": 0.8}
    text = "\n".join(p.text("en") for p in _problems(tmp_path, case))
    assert "outside the distribution's range" in text and "pending_pass_rate" in text
