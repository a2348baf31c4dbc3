"""The import-linter contract (pyproject ``[tool.importlinter]``) holds, and covers every package.

``lint-imports`` builds the import graph of vetsim with grimp (imports inside functions included,
``TYPE_CHECKING`` imports left out) and checks the layer order ui > brief > charts > plans >
models (sim | staffing | fiscal, independent) > work > scenario > base, and that no package of
vetsim imports another in a cycle. tests/test_layers.py checks the same order with its own reader.
"""

from __future__ import annotations

import os
import tomllib

from importlinter.cli import lint_imports

from .conftest import ROOT

# modules that reach every layer by name (the command line), deliberately outside the layers
UNLAYERED = {"cli", "cliargs", "show", "__init__"}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_import_contract_holds() -> None:
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(here)
    assert code == 0, "lint-imports found a broken contract: run `.venv/bin/lint-imports` for the details"


def test_every_package_and_module_has_a_place_in_the_layers() -> None:
    layers = next(c for c in _config()["contracts"] if c["type"] == "layers")["layers"]
    placed = {name.strip().removeprefix("vetsim.") for layer in layers for name in layer.replace(":", "|").split("|")}
    pkg = ROOT / "vetsim"
    present = {p.name for p in pkg.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    present |= {p.stem for p in pkg.glob("*.py")}
    missing = sorted(present - placed - UNLAYERED)
    assert not missing, f"place these in [tool.importlinter] layers (pyproject.toml): {missing}"
    assert not placed - present, f"layers name modules that do not exist: {sorted(placed - present)}"


def test_models_are_independent_siblings() -> None:
    layers = next(c for c in _config()["contracts"] if c["type"] == "layers")["layers"]
    models = next(layer for layer in layers if "vetsim.sim" in layer)
    assert "|" in models and ":" not in models
    assert {m.strip() for m in models.split("|")} >= {"vetsim.sim", "vetsim.staffing", "vetsim.fiscal"}
