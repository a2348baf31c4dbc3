"""The house lint, inside ``make test``: ruff is clean, no new Chinese literal in code, no new complex function.

- ``ruff check .`` with the rules of ``[tool.ruff]`` in pyproject.toml (F, B, I, UP) finds nothing.
- Chinese (CJK) string literals in ``vetsim/`` live only in the wording catalogue (``vetsim/wording/*.yaml``)
  and argparse's own translation (:data:`ARGPARSE_TRANSLATION`); the ones left today are listed, each with
  its reason, in ``tests/lint/cjk_literals.txt`` by its Chinese characters (the runs of CJK characters, joined
  by a space), which may only shrink: a new literal fails, and so does an entry that no longer matches (delete it).
- No function is more complex than ruff's C901 ceiling (``max-complexity`` in pyproject.toml) unless it
  is in ``tests/lint/complexity_baseline.txt`` at no more than its listed complexity; the baseline may only
  shrink too.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from .conftest import ROOT

PKG = ROOT / "vetsim"
LINT = Path(__file__).resolve().parent / "lint"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# argparse's own words and error messages in Chinese: module -> the top-level names that hold them
ARGPARSE_TRANSLATION = {"vetsim/cliparser.py": {"_WORDS", "_ERRORS", "translate_error"}}
CJK_RUN = re.compile(CJK.pattern + "+")
_ENTRY = re.compile(r"""^(\S+)\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s+#\s*\S""")


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    done = _ruff("--no-cache", "--output-format", "concise", ".")
    assert done.returncode == 0, f"ruff check . found problems (fix them; `ruff check --fix .` does the mechanical ones):\n{done.stdout}{done.stderr}"


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def _exempt(tree: ast.Module, names: set[str]) -> set[int]:
    """The literals inside the top-level definitions or assignments named ``names``."""
    out: set[int] = set()
    for node in tree.body:
        targets = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else \
            [t.id for t in getattr(node, "targets", [getattr(node, "target", None)]) if isinstance(t, ast.Name)]
        if names & set(targets):
            out |= {id(n) for n in ast.walk(node)}
    return out


def chinese_literals(pkg: Path = PKG) -> list[tuple[str, int, str]]:
    """(module path, line, literal) of every string literal with a CJK character in ``pkg``, docstrings and
    argparse's translation left out."""
    found = []
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _exempt(tree, ARGPARSE_TRANSLATION.get(rel, set()))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and CJK.search(node.value):
                found.append((rel, node.lineno, node.value))
    return found


def chinese_runs(text: str) -> str:
    """The CJK characters of ``text``, runs joined by one space: how tests/lint/cjk_literals.txt names a literal."""
    return " ".join(CJK_RUN.findall(text))


def _allowed_literals() -> Counter:
    allowed: Counter = Counter()
    for n, line in enumerate((LINT / "cjk_literals.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _ENTRY.match(line)
        assert m, f"tests/lint/cjk_literals.txt:{n}: expected `path  'its Chinese characters'  # reason`, got {line!r}"
        allowed[(m.group(1), ast.literal_eval(m.group(2)))] += 1
    return allowed


def test_no_chinese_literals_outside_the_catalogue() -> None:
    found = chinese_literals()
    allowed = _allowed_literals()
    left = Counter(allowed)
    new = []
    for rel, line, text in found:
        if left[(rel, chinese_runs(text))] > 0:
            left[(rel, chinese_runs(text))] -= 1
        else:
            new.append(f"{rel}:{line}: {text!r}")
    assert not new, ("Chinese string literals outside the wording catalogue: put the text in vetsim/wording/*.yaml "
                     "and read it with tr()/both():\n" + "\n".join(new))
    stale = [f"{rel}  {text!r}" for (rel, text), k in left.items() for _ in range(k)]
    assert not stale, "entries of tests/lint/cjk_literals.txt no longer found in the code (delete them):\n" + "\n".join(stale)


def test_the_chinese_literal_check_finds_a_new_one(tmp_path: Path) -> None:
    pkg = tmp_path / "vetsim"
    pkg.mkdir()
    (pkg / "m.py").write_text('"""文档。"""\nX = "英文"\ndef f():\n    """说明"""\n    return f"{X}：结果"\n', encoding="utf-8")
    assert [(r, n) for r, n, _ in chinese_literals(pkg)] == [("vetsim/m.py", 2), ("vetsim/m.py", 5)]


def _complexity() -> dict[tuple[str, str], int]:
    done = _ruff("--no-cache", "--select", "C901", "--output-format", "json", "vetsim")
    out = {}
    for item in json.loads(done.stdout or "[]"):
        m = re.match(r"`(.+)` is too complex \((\d+) > \d+\)", item["message"])
        assert m, item["message"]
        out[(Path(item["filename"]).resolve().relative_to(ROOT).as_posix(), m.group(1))] = int(m.group(2))
    return out


def _baseline() -> dict[tuple[str, str], int]:
    out = {}
    for line in (LINT / "complexity_baseline.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, name, value = line.split()[:3]
            out[(path, name)] = int(value)
    return out


def test_no_function_above_the_complexity_ceiling_beyond_the_baseline() -> None:
    found, base = _complexity(), _baseline()
    worse = [f"{p}: {f} has complexity {c}" + (f" (baseline {base[p, f]})" if (p, f) in base else "")
             for (p, f), c in sorted(found.items()) if c > base.get((p, f), 0)]
    assert not worse, "functions above the complexity ceiling (split them along their seams):\n" + "\n".join(worse)
    stale = [f"{p} {f} {c}" for (p, f), c in sorted(base.items()) if (p, f) not in found or found[p, f] < c]
    assert not stale, ("tests/lint/complexity_baseline.txt lists functions that are now simpler: lower or delete "
                       "their lines:\n" + "\n".join(stale))


def imports_inside_functions(pkg: Path = PKG) -> list[tuple[str, int, bool]]:
    """(module path, line, has a reason) of every import inside a function in ``pkg``; the reason is a
    comment on the import's line (e.g. ``# heavy: matplotlib, loaded only for charts``)."""
    found = set()
    for path in sorted(pkg.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for fn in ast.walk(ast.parse(text)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        said = any("#" in lines[n - 1] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1))
                        found.add((path.relative_to(pkg.parent).as_posix(), node.lineno, said))
    return sorted(found)


def test_every_import_inside_a_function_says_why() -> None:
    """Imports sit at the top of a module; one inside a function (a heavy library loaded only where it is
    used, a start-up kept light) says why on its line."""
    silent = [f"{rel}:{line}" for rel, line, said in imports_inside_functions() if not said]
    assert not silent, "imports inside functions without a reason on their line (move them to the top, or say why):\n" \
        + "\n".join(silent)


def test_the_import_reader_sees_a_silent_import(tmp_path: Path) -> None:
    pkg = tmp_path / "vetsim"
    pkg.mkdir()
    (pkg / "m.py").write_text("def f():\n    import json\n    import csv  # light, but only here\n", encoding="utf-8")
    assert imports_inside_functions(pkg) == [("vetsim/m.py", 2, False), ("vetsim/m.py", 3, True)]
