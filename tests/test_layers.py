"""Layers point one way: scenario -> work -> models (sim, staffing, fiscal) -> plans -> charts/brief -> apps.

Reads every import of every module (at the top or inside a function, so a lazy import cannot hide a
cycle) and fails on an import that points up or sideways between model packages. No sideways import
is allowed: the staffing plan's confirmation by simulation lives in ``vetsim.plans``, above both
models, and the site costs both staffing and fiscal read live in ``vetsim.work``. The import-linter
contract (pyproject ``[tool.importlinter]``, tests/test_import_contract.py) checks the same order.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "vetsim"

# package -> the vetsim packages/modules it may import (besides itself); leaf modules may be imported by all.
LEAVES = {"errors", "i18n", "wording", "formats", "tables", "kpis", "stats", "_lazy", "_version", "files", "cliargs"}
MODELS = {"sim", "staffing", "fiscal"}
ALLOWED = {
    "scenario": set(),
    "work": {"scenario"},
    "sim": {"scenario", "work"},
    "staffing": {"scenario", "work"},
    "fiscal": {"scenario", "work"},
    "ledger": {"scenario"},
    "ledgerfit": {"scenario", "work", "ledger"},
    "plans": {"scenario", "work", *MODELS, "cache"},  # the staffing confirmation reuses cached runs
    "sensitivity": {"scenario", "work", *MODELS},
    "region": {"scenario", "work", *MODELS},
    "charts": {"scenario", "work", *MODELS, "plans", "cache", "sensitivity"},
    "backtest": {"scenario", "work", "sim", "charts", "ledger", "ledgerfit", "cache"},
    "tasks": {"scenario", "work", "sim", "cache"},  # reads Results; at the layer of the brief, no model imports it
    "brief": {"scenario", "work", *MODELS, "plans", "charts", "cache", "sensitivity", "tasks", "replicate"},
    "bulletin": {"scenario", "work", "ledger", "ledgerfit", "charts", "tasks", "cache"},  # reads imported records and the key tasks
}
EXCEPTIONS: set[tuple[str, str]] = set()


def _targets(path: Path) -> set[str]:
    rel = path.relative_to(PKG).parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "vetsim" and len(parts) > 1:
                    out.add(parts[1])
                continue
            base = list(rel[:-1])[: len(rel) - node.level]  # the package the relative import starts from
            parts = base + (node.module.split(".") if node.module else [])
            if parts:
                out.add(parts[0])
            else:  # "from .. import x": x is a top-level module or package
                out.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "vetsim" and len(parts) > 1:
                    out.add(parts[1])
    return {t.removesuffix(".py") for t in out}


def test_model_packages_import_only_downwards() -> None:
    bad = []
    for pkg, allowed in ALLOWED.items():
        for path in sorted((PKG / pkg).rglob("*.py")):
            rel = path.relative_to(PKG).as_posix()
            for target in _targets(path) - {pkg} - LEAVES - allowed:
                if target == "__version__" or (rel, target) in EXCEPTIONS or rel.endswith("cli.py") and target == "cli":
                    continue
                bad.append(f"{rel} imports vetsim.{target}")
    assert not bad, "\n".join(bad)
