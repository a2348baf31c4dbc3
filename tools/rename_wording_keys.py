"""Rename wording catalogue keys everywhere at once: the YAML entries and every caller.

Usage: python tools/rename_wording_keys.py tools/wording_rename_map.json [--check]

The map is a JSON object {old_key: new_key}. The script refuses (changes nothing) when a pair of the
map is in the catalogue under neither name, or under both, a new key is given twice, or a key matches a prefix
that code builds keys from (``tr(f"sens.unit.{u}", ...)``): such a key is not found by a plain search.
Otherwise it replaces the key at the start of its YAML line in vetsim/wording/*.yaml and every quoted
occurrence ("old" or 'old') in vetsim/, tests/, notebooks/, benchmarks/, docs/ and README.md. Run it
again after merging code from another branch: entries already renamed stay, and the merged code's uses
of old keys are renamed too (a YAML entry the branch added under an old key as well).
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
    """The renames to make and the reasons to refuse. A rename already made in the catalogue (old key
    gone, new key there) is kept: code merged since may still use the old key."""
    keys = catalogue_keys()
    errors = [f"neither {o!r} nor {n!r} is in the catalogue" for o, n in mapping.items() if o not in keys and n not in keys]
    errors += [f"both {o!r} and {n!r} are in the catalogue" for o, n in mapping.items() if o in keys and n in keys]
    news = list(mapping.values())
    errors += [f"new key {n!r} given twice" for n in set(news) if news.count(n) > 1]
    errors += [f"new key {n!r} is an old key too" for n in set(news) & set(mapping)]
    prefixes = built_prefixes()
    errors += [f"{k!r} matches a key built in code ({p!r}...)" for k in [*mapping, *news] for p in prefixes
               if k.startswith(p)]
    return dict(mapping), errors


def apply(todo: dict[str, str], write: bool) -> tuple[int, dict[str, int]]:
    """Rename the catalogue entries, then every quoted use; returns (entries renamed, uses per old key)."""
    counts = dict.fromkeys(todo, 0)
    entries = 0
    for path in sorted(WORDING.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        entries += sum(1 for m in KEY_LINE.finditer(text) if m.group(1) in todo)
        new = KEY_LINE.sub(lambda m: f"{todo.get(m.group(1), m.group(1))}:", text)
        if new != text and write:
            path.write_text(new, encoding="utf-8")
    if not todo:
        return entries, counts
    alternatives = "|".join(re.escape(k) for k in sorted(todo, key=len, reverse=True))
    quoted = re.compile(r"""(["'])(""" + alternatives + r""")\1""")
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8")

            def swap(m: re.Match[str]) -> str:
                counts[m.group(2)] += 1
                return f"{m.group(1)}{todo[m.group(2)]}{m.group(1)}"
            new = quoted.sub(swap, text)
            if new != text and write:
                path.write_text(new, encoding="utf-8")
    return entries, counts


def main(argv: list[str]) -> int:
    mapping = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    todo, errors = plan(mapping)
    if errors:
        print("refused:\n  " + "\n  ".join(errors))
        return 2
    entries, counts = apply(todo, write="--check" not in argv)
    print(f"{entries} catalogue entries renamed ({len(mapping) - entries} were already); "
          f"{sum(counts.values())} uses of old keys updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
