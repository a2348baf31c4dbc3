"""The import-linter contract (pyproject ``[tool.importlinter]``) holds, and covers every package.

``lint-imports`` builds the import graph of vetsim with grimp (imports inside functions included,
``TYPE_CHECKING`` imports left out) and checks the layer order stated there (the one statement of it;
docs/ARCHITECTURE.md shows it, tests/test_layers.py compares the two), and that no package of vetsim
imports another in a cycle. Every module has a place in the layers, the command line included, and
every handler a subcommand names as ``"module:function"`` exists.
"""

from __future__ import annotations

import os
import tomllib

from importlinter.cli import lint_imports

from .conftest import ROOT

# the package root (lazy names of the Python API) is the one module outside the layers
UNLAYERED = {"__init__"}


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


def _handlers(parser) -> list[str]:
    import argparse

    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out += _handlers(sub)
    if parser._defaults.get("handler") is not None:
        out.append(parser._defaults["handler"])
    return out


def test_every_subcommand_names_a_handler_that_exists() -> None:
    """The dispatcher finds handlers by name, where lint-imports cannot see them: each must import and be a function
    of the command layer."""
    from vetsim.cli import build_parser, handler

    names = _handlers(build_parser("en"))
    assert len(names) >= 14 and all(isinstance(n, str) for n in names), names
    for name in names:
        assert name.startswith("vetsim.commands.") and callable(handler(name)), name
