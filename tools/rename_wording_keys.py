"""Rename wording catalogue keys everywhere at once: the YAML entries and every caller.

Usage: python tools/rename_wording_keys.py tools/wording_rename_map.json [--check]

The map is a JSON object {old_key: new_key}. The script refuses (changes nothing) when an old key is
not in the catalogue, a new key already exists or is given twice, or a key matches a prefix that code
builds keys from (``tr(f"sens.unit.{u}", ...)``): such a key is not found by a plain search. Otherwise
it replaces the key at the start of its YAML line in vetsim/wording/*.yaml and every quoted occurrence
("old" or 'old') in vetsim/, tests/, notebooks/, benchmarks/, docs/ and README.md. Run it again on code
merged from another branch: keys already renamed are skipped (old key gone, new key present).
With --check it only reports what it would change.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDING = ROOT / "vetsim" / "wording"
SOURCES = ("vetsim/**/*.py", "tests/**/*.py", "notebooks/*.ipynb", "benchmarks/**/*.py", "docs/**/*.md", "README.md")
KEY_LINE = re.compile(r"^([A-Za-z0-9_.]+):", re.M)


def catalogue_keys() -> dict[str, Path]:
    return {m.group(1): p for p in sorted(WORDING.glob("*.yaml")) for m in KEY_LINE.finditer(p.read_text(encoding="utf-8"))}


def built_prefixes() -> set[str]:
    """Fixed starts of keys that code builds (f-strings, "a." + b)."""
    out: set[str] = set()
    for path in (ROOT / "vetsim").rglob("*.py"):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            first = n.values[0] if isinstance(n, ast.JoinedStr) and n.values else \
                n.left if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.count(".") > 1:
                out.add(first.value)
    return out


def plan(mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    keys = catalogue_keys()
    todo = {o: n for o, n in mapping.items() if not (o not in keys and n in keys)}  # skip the done ones
    errors = [f"no key {o!r} in the catalogue" for o in todo if o not in keys]
    errors += [f"new key {n!r} exists already" for n in todo.values() if n in keys]
    errors += [f"new key {n!r} given twice" for n in set(todo.values()) if list(todo.values()).count(n) > 1]
    prefixes = built_prefixes()
    errors += [f"{k!r} matches a key built in code ({p!r}...)" for k in [*todo, *todo.values()] for p in prefixes
               if k.startswith(p)]
    return todo, errors


def apply(todo: dict[str, str], write: bool) -> dict[str, int]:
    counts = dict.fromkeys(todo, 0)
    if not todo:
        return counts
    alternatives = "|".join(re.escape(k) for k in sorted(todo, key=len, reverse=True))
    quoted = re.compile(r"""(["'])(""" + alternatives + r""")\1""")
    for path in sorted(WORDING.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        new = KEY_LINE.sub(lambda m: f"{todo.get(m.group(1), m.group(1))}:", text)
        if new != text and write:
            path.write_text(new, encoding="utf-8")
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8")

            def swap(m: re.Match[str]) -> str:
                counts[m.group(2)] += 1
                return f"{m.group(1)}{todo[m.group(2)]}{m.group(1)}"
            new = quoted.sub(swap, text)
            if new != text and write:
                path.write_text(new, encoding="utf-8")
    return counts


def main(argv: list[str]) -> int:
    mapping = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    todo, errors = plan(mapping)
    if errors:
        print("refused:\n  " + "\n  ".join(errors))
        return 2
    counts = apply(todo, write="--check" not in argv)
    unused = [k for k, n in counts.items() if n == 0]
    print(f"{len(todo)} keys renamed ({len(mapping) - len(todo)} already done); {sum(counts.values())} uses updated")
    if unused:
        print("no caller found for: " + ", ".join(unused))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
