"""Read scenario files from disk: safe YAML, CSV in UTF-8 / UTF-8-BOM / GBK, overlays merged onto their base.

Values keep their origin (file and line) so that every later error can point at the right place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..files import display_path

__all__ = ["RawScenario", "RawRow", "read_raw", "decode_csv_bytes"]

OVERLAY_KEYS = ("base", "site_updates")
# libyaml's safe loader when available (10x faster), else the pure-Python one; both construct plain data only
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class RawRow:
    """One CSV row as text, with the file and line each cell came from."""

    cells: dict[str, str]
    origin: dict[str, tuple[str, str, str]]  # column -> (file, where_zh, where_en)

    def where(self, column: str | None = None) -> tuple[str, str, str]:
        if column is not None and column in self.origin:
            return self.origin[column]
        return next(iter(self.origin.values()))


@dataclass
class RawScenario:
    """Unvalidated scenario: merged YAML mapping, tables as rows, and where each YAML key came from."""

    folder: Path
    yaml_data: dict[str, Any]
    yaml_files: list[tuple[str, dict[str, Any]]]  # (file label, raw mapping), overlay first
    tables: dict[str, list[RawRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def yaml_origin(self, loc: tuple[Any, ...]) -> str:
        """The first file in the overlay chain that sets the key path ``loc``."""
        for label, data in self.yaml_files:
            node: Any = data
            ok = True
            for key in loc:
                if isinstance(node, dict) and key in node:
                    node = node[key]
                elif isinstance(node, dict) and str(key) in {str(k) for k in node}:
                    node = {str(k): v for k, v in node.items()}[str(key)]
                else:
                    ok = False
                    break
            if ok:
                return label
        return self.yaml_files[-1][0] if self.yaml_files else "scenario.yaml"


def _label(path: Path) -> str:
    """Short file label for messages: parent folder and file name."""
    return f"{path.parent.name}/{path.name}"


def decode_csv_bytes(data: bytes) -> str:
    """Decode CSV bytes saved by Excel or an editor: UTF-8 (with or without BOM), else GBK/GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _problem(file: str, zh: str, en: str, where_zh: str = "", where_en: str = "") -> Problem:
    return Problem(file, where_zh, where_en, zh, en)


def _load_yaml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    label = _label(path)
    if not path.is_file():
        problems.append(_problem(label, "找不到文件", "file not found"))
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_SafeLoader)  # safe: no object construction
    except UnicodeDecodeError:
        problems.append(_problem(label, "文件不是 UTF-8 编码", "file is not UTF-8 encoded"))
        return None
    except yaml.constructor.ConstructorError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(_problem(label, f"不允许使用 YAML 标签（{exc.problem}）；只能写普通的数字、文字、日期、列表和映射",
                                 f"YAML tags are not allowed ({exc.problem}); use plain numbers, text, dates, lists and mappings",
                                 f"第 {mark.line + 1} 行" if mark else "", f"line {mark.line + 1}" if mark else ""))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else ""
        line_en = f"line {mark.line + 1}" if mark else ""
        problems.append(_problem(label, f"YAML 格式错误：{getattr(exc, 'problem', exc)}",
                                 f"YAML syntax error: {getattr(exc, 'problem', exc)}", line, line_en))
        return None
    if data is None:
        problems.append(_problem(label, "文件为空", "file is empty"))
        return None
    if not isinstance(data, dict):
        problems.append(_problem(label, "顶层应为“键: 值”映射", "top level must be a mapping of key: value"))
        return None
    return data


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in top.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read_csv(path: Path, keys: tuple[str, ...], problems: list[Problem]) -> list[RawRow] | None:
    """Rows of one CSV file; a key (e.g. site_id) repeated within the file is an error."""
    label = _label(path)
    try:
        text = decode_csv_bytes(path.read_bytes())
    except UnicodeDecodeError:
        problems.append(_problem(label, "无法识别文件编码；请另存为 UTF-8 或 GBK 编码的 CSV",
                                 "cannot decode the file; save it as CSV in UTF-8 or GBK"))
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(_problem(label, f"CSV 格式错误：{exc}", f"CSV format error: {exc}"))
        return None
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        problems.append(_problem(label, "文件为空", "file is empty"))
        return None
    header = [h.strip() for h in rows[header_at]]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        problems.append(_problem(label, f"表头列名重复：{dupes}", f"duplicate column names: {dupes}", "第1行", "line 1"))
        return None
    out: list[RawRow] = []
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            problems.append(_problem(label, f"该行有 {len(row)} 列，多于表头的 {len(header)} 列",
                                     f"row has {len(row)} cells, more than the {len(header)} columns of the header",
                                     f"第{i}行", f"row {i}"))
            continue
        cells = {h: (row[j].strip() if j < len(row) else "") for j, h in enumerate(header) if h}
        key = tuple(cells.get(k, "") for k in keys)
        if all(key) and key in seen:
            shown = ", ".join(f"{k}={v}" for k, v in zip(keys, key))
            problems.append(_problem(label, f"{shown} 重复（与第{seen[key]}行相同）；每个编号只能出现一次",
                                     f"duplicate {shown} (same as row {seen[key]}); each key may appear only once",
                                     f"第{i}行", f"row {i}"))
            continue
        seen[key] = i
        out.append(RawRow(cells, {h: (label, f"第{i}行", f"row {i}") for h in cells}))
    if not out:
        problems.append(_problem(label, "文件只有表头，没有数据行", "file has a header but no data rows"))
        return None
    return out


def _patch_rows(base: list[RawRow], patch: list[RawRow], keys: tuple[str, ...]) -> list[RawRow]:
    """Overlay rows replace the given cells of base rows with the same key; new keys are appended."""
    index = {tuple(r.cells.get(k, "") for k in keys): r for r in base}
    out = list(base)
    for row in patch:
        key = tuple(row.cells.get(k, "") for k in keys)
        if key in index:
            old = index[key]
            old.cells.update(row.cells)
            old.origin.update(row.origin)
        else:
            out.append(row)
            index[key] = row
    return out


def read_raw(folder: Path, tables: dict[str, tuple[Any, tuple[str, ...], bool]], _depth: int = 0) -> RawScenario:
    """Read a scenario folder and, recursively, the base it overlays."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        problems.append(_problem(display_path(folder), "找不到情景文件夹", "scenario folder not found"))
        return RawScenario(folder, {}, [], {}, problems)
    yaml_path = folder / "scenario.yaml"
    data = _load_yaml(yaml_path, problems)
    if data is None:
        return RawScenario(folder, {}, [], {}, problems)
    label = _label(yaml_path)
    base_ref = data.get("base")
    if base_ref is not None:
        if _depth > 8:
            problems.append(_problem(label, "base 链过深（可能循环引用）", "base chain too deep (a loop?)", "base", "base"))
            return RawScenario(folder, {}, [], {}, problems)
        base_dir = (folder / str(base_ref)).resolve()
        if not (base_dir / "scenario.yaml").is_file():
            shown = repr(str(base_ref)[:120])  # as written in the file: never an absolute path it did not hold
            problems.append(_problem(label, f"叠加方案的基础情景不存在：{shown}（相对于本情景文件夹）",
                                     f"the overlay's base scenario does not exist: {shown} (relative to this scenario's folder)",
                                     "base", "base"))
            return RawScenario(folder, {}, [], {}, problems)
        base = read_raw(base_dir, tables, _depth + 1)
        problems.extend(base.problems)
        own = {k: v for k, v in data.items() if k not in OVERLAY_KEYS}
        merged = _deep_merge(base.yaml_data, own)
        merged_tables = base.tables
        merged_updates = list(base.yaml_data.get("site_updates", [])) + list(data.get("site_updates") or [])
        if merged_updates:
            merged["site_updates"] = merged_updates
        yaml_files = [(label, data), *base.yaml_files]
    else:
        merged, merged_tables, yaml_files = dict(data), {}, [(label, data)]
    for name, (_model, keys, required) in tables.items():
        path = folder / name
        if path.is_file():
            rows = _read_csv(path, keys, problems)
            if rows is None:
                continue
            merged_tables[name] = _patch_rows(merged_tables[name], rows, keys) if name in merged_tables else rows
        elif required and base_ref is None:
            problems.append(_problem(_label(path), "找不到必需的文件", "required file not found"))
    return RawScenario(folder, merged, yaml_files, merged_tables, problems)
