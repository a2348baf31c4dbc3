"""The layer order is stated once, in the import-linter contract, and docs/ARCHITECTURE.md shows the same.

The contract (pyproject ``[tool.importlinter]``) is the single source: ``lint-imports`` checks every import
of every module against it (tests/test_import_contract.py). This test reads the numbered list under
"Layers and data flow" in docs/ARCHITECTURE.md and the contract's name, and fails when either says
another order than the contract's ``layers``.
"""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT

ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"


def contract_layers() -> list[str]:
    """The contract's layers, top first, without the ``vetsim.`` prefix (``"sim | staffing | ..."``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    return [_normal(layer) for layer in layers]


def _normal(layer: str) -> str:
    return re.sub(r"\s*([|:])\s*", r" \1 ", layer.replace("vetsim.", "")).strip()


def documented_layers(text: str | None = None) -> list[str]:
    """The numbered list of layers (first code span of each item) in ARCHITECTURE.md's layer section."""
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    section = text.split("## Layers and data flow", 1)[1].split("\n## ", 1)[0]
    return [_normal(m.group(1)) for m in re.finditer(r"^\d+\. `([^`]+)`", section, flags=re.M)]


def test_architecture_shows_the_contracts_order() -> None:
    assert documented_layers() == contract_layers(), (
        "docs/ARCHITECTURE.md (Layers and data flow) must list the layers of pyproject [tool.importlinter], top first")


def test_the_contracts_name_says_its_order() -> None:
    """The packages the contract's name lists come in the contract's order ("models" and "base" are words)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    name = next(c for c in config["contracts"] if c["type"] == "layers")["name"]
    named = [w for w in re.findall(r"[a-z_]+", name.split(":", 1)[1]) if w not in ("models", "base")]
    flat = [w for layer in contract_layers() for w in re.findall(r"[a-z_]+", layer)]
    assert all(w in flat for w in named), f"the contract's name lists packages not in its layers: {name}"
    where = [flat.index(w) for w in named]
    assert where == sorted(where), f"the contract's name lists another order than its layers: {name}"


def test_the_reader_sees_a_wrong_order() -> None:
    """The comparison can fail: a page with two layers swapped differs from the contract."""
    layers = contract_layers()
    swapped = layers[:2][::-1] + layers[2:]
    page = "## Layers and data flow\n" + "".join(f"{i}. `{layer}` — text\n" for i, layer in enumerate(swapped, 1))
    assert documented_layers(page) == swapped != layers
