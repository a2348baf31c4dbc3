"""The wording catalogue: every entry has both languages, no key is defined twice, fields are filled."""

from __future__ import annotations

import pytest
import yaml

from vetsim import wording
from vetsim.wording import CatalogueError, both, catalogue, tr


def test_every_entry_has_zh_and_en_and_no_key_twice() -> None:
    """Guards the catalogue itself: a missing language or a duplicated key fails the suite, not a user."""
    seen: dict[str, str] = {}
    for path in sorted(wording._DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, entry in data.items():
            assert key not in seen, f"{key} in {path.name} and {seen[key]}"
            seen[key] = path.name
            assert set(entry) == {"zh", "en"}, (path.name, key)
            assert entry["zh"].strip() and entry["en"].strip(), (path.name, key)
    # plus the level registry's labels (vetsim/scenario/levels.yaml): level.<id> and level.<id>.short
    registry = yaml.safe_load(wording._LEVELS_FILE.read_text(encoding="utf-8"))
    level_keys = {f"level.{lv['id']}{end}" for lv in [*registry["levels"], {"id": "all"}] for end in ("", ".short")}
    assert not level_keys & set(seen), "level labels belong to the level registry"
    assert set(catalogue()) == set(seen) | level_keys and len(seen) > 0


def test_tr_fills_fields_and_refuses_unknown() -> None:
    assert tr("level.township", "zh") == "乡镇（街道）服务站"
    assert tr("level.township", "en") == "Township stations"
    zh, en = both("level.village")
    assert zh.startswith("村") and en.startswith("Village")
    with pytest.raises(CatalogueError):
        tr("no.such.key", "zh")
    with pytest.raises(ValueError):
        tr("level.township", "fr")
