"""The notebooks are committed clean: no outputs, only calls into ``vetsim.ui``, and text that tells the
user (in Chinese, then English) what they see. Executing them is nbmake's job (``testpaths``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_four_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_staffing.ipynb", "02_budget.ipynb", "03_dashboard.ipynb", "04_ledger.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = [c for c in nb.cells if c.cell_type == "markdown"]
    assert code and text
    for c in code:
        assert c.outputs == [] and c.execution_count is None, "commit notebooks without outputs"
        tree = ast.parse(c.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module == "vetsim.ui", f"notebooks only call vetsim.ui, found {node.module}"
            assert not isinstance(node, (ast.Import, ast.FunctionDef, ast.ClassDef, ast.For, ast.While))
    intro = text[0].source
    assert CJK.search(intro) and re.search(r"[A-Za-z]{4,} [a-z]{3,}", intro)
    assert intro.index(CJK.search(intro).group()) < intro.index("*"), "Chinese first, then English"
