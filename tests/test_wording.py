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


# ---------------------------------------------------------------- one home for every user-facing text (issue 14)

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

PKG = Path(__file__).resolve().parents[1] / "vetsim"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# Chinese terms with two English renderings on purpose (a genuine short and long form, or two senses)
TWO_RENDERINGS = {
    "项目": "two columns of the budget workbook: an item of the notes sheet and a budget line",
    "抚恤补助": "the Excel section heading (Pensions) and the budget line (Pensions and subsidies)",
    "合作部门": "the level registry's long and short label of the partner level (the Chinese has no shorter form)",
}

PENDING: tuple[str, ...] = ()  # module folders not migrated yet (none left)


def _code_literals(path: Path) -> list[tuple[int, str]]:
    """CJK string literals of ``path`` that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return sorted((n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs and CJK.search(n.value))


def _lang_choices(path: Path) -> list[int]:
    """Lines where code chooses between a Chinese and an English literal by the language."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def lit(n: ast.AST) -> bool:
        return isinstance(n, ast.JoinedStr) or isinstance(n, ast.Constant) and isinstance(n.value, str)

    def by_lang(test: ast.AST) -> bool:
        src = ast.unparse(test)
        return bool(re.fullmatch(r"(not )?(\w+\.)?(lang|zh|lv)( [!=]= ['\"](zh|en)['\"]| == 0)?", src))

    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.IfExp) and by_lang(n.test) and lit(n.body) and lit(n.orelse):
            if CJK.search(ast.unparse(n.body) + ast.unparse(n.orelse)):
                out.append(n.lineno)
    return out


def test_one_chinese_term_has_one_english_rendering() -> None:
    seen: dict[str, dict[str, str]] = {}
    for key, entry in catalogue().items():
        en = re.sub(r"^the ", "", entry["en"].strip().lower())  # "the seed" in a sentence is "Seed" in a header
        seen.setdefault(entry["zh"].strip(), {}).setdefault(en, key)
    drift = {zh: ens for zh, ens in seen.items() if len(ens) > 1 and zh not in TWO_RENDERINGS}
    assert drift == {}, "one Chinese term, several English ones (use one key): " + repr(drift)


def test_no_zh_en_literal_pairs_in_code() -> None:
    """User-facing text lives in vetsim/wording/*.yaml: code holds keys, not zh/en pairs chosen by language.
    (Chinese literals outside the catalogue are held by tests/test_lint.py and its list.)"""
    choices = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith("wording/"):
            continue
        choices += [f"{rel}:{line}" for line in _lang_choices(path)]
    assert [c for c in choices if not (PENDING and c.startswith(PENDING))] == [], "zh/en literal pairs chosen in code"


def test_the_literal_scan_can_fail(tmp_path) -> None:
    p = tmp_path / "m.py"
    p.write_text('"""模块说明."""\nx = "中文" if lang == "zh" else "Chinese"\ny = "你好"\n', encoding="utf-8")
    assert [line for line, _t in _code_literals(p)] == [2, 3]
    assert _lang_choices(p) == [2]


def test_every_call_fills_the_fields_of_its_text() -> None:
    """``tr("key", lang, n=3)`` in code: the key exists and every field of both texts is given."""
    import string

    cat = catalogue()
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(n.func, "id", getattr(n.func, "attr", "")) if isinstance(n, ast.Call) else ""
            if name not in ("tr", "both", "of") or not n.args or not isinstance(n.args[0], ast.Constant):
                continue
            key = n.args[0].value
            if not isinstance(key, str) or (name == "of" and "." not in key):
                continue
            where = f"{path.relative_to(PKG)}:{n.lineno} {key}"
            if key not in cat:
                bad.append(f"{where}: no such key")
                continue
            if any(k.arg is None for k in n.keywords):
                continue  # **fields: not checked here
            given = {k.arg for k in n.keywords}
            for lang in ("zh", "en"):
                need = {f.split(".")[0].split("[")[0] for _t, f, _s, _c in string.Formatter().parse(cat[key][lang]) if f}
                if need - given:
                    bad.append(f"{where} ({lang}): missing {sorted(need - given)}")
    assert bad == []


def test_every_key_is_used() -> None:
    """A catalogue entry no code asks for is dead text a translator still maintains: every key appears in
    vetsim/ as a string (``tr("key", ...)``), or starts with the fixed part of a key built in code
    (``tr(f"sens.unit.{unit}", ...)``), or is a level label of the registry."""
    strings: set[str] = set()
    prefixes: set[str] = set()
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_call = {id(c.args[0]) for c in ast.walk(tree) if isinstance(c, ast.Call) and c.args
                   and getattr(c.func, "id", getattr(c.func, "attr", "")) in ("tr", "both", "has")}
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                strings.add(n.value)
            first = n.values[0] if isinstance(n, ast.JoinedStr) and n.values else \
                n.left if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and "." in first.value:
                # a topic alone ("brief.") counts only as a call's key ("brief.{f}" may be a file name)
                if first.value.count(".") > 1 or not first.value.endswith(".") or id(n) in in_call:
                    prefixes.add(first.value)
    unused = [k for k in catalogue() if k not in strings and not k.startswith("level.")
              and not any(k.startswith(p) for p in prefixes)]
    assert unused == [], "catalogue keys no code uses (remove them, or use them): " + ", ".join(unused)
