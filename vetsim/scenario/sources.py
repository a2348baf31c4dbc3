"""Read scenario files from disk: safe YAML, CSV in UTF-8 / UTF-8-BOM / GBK, overlays merged onto their base.

Values keep their origin (file and line) so that every later error can point at the right place.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Note, Problem
from ..files import display_path
from ..wording import both, tr
from .limits import limit, limit_message

__all__ = ["RawScenario", "RawRow", "read_raw", "merge_overlay", "read_yaml", "read_csv_rows", "patch_rows", "decode_csv_bytes", "row_limit", "REPLACE_KEY"]

OVERLAY_KEYS = ("base", "site_updates", "row_updates", "replace_tables")
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

    def copy(self) -> RawScenario:
        """A copy that can be changed without touching this one (what the loader and the row updates do).

        The YAML mapping is copied deeply; each row gets its own ``cells`` and ``origin`` dicts, whose
        values (text, tuples of text) are immutable and shared. A generic ``copy.deepcopy`` walked every
        one of them: three quarters of the time of loading a 20-county experiment.
        """
        return RawScenario(self.folder, copy.deepcopy(self.yaml_data), list(self.yaml_files),
                           {name: [RawRow(dict(r.cells), dict(r.origin)) for r in rows] for name, rows in self.tables.items()},
                           list(self.problems))

    def yaml_origin(self, loc: tuple[Any, ...]) -> str:
        """The first file in the overlay chain that sets the key path ``loc``."""
        for label, data in self.yaml_files:
            node: Any = data
            ok = True
            for key in loc:
                if isinstance(node, dict) and key in node:
                    node = node[key]
                elif isinstance(node, dict) and len(node) <= 1000 and str(key) in {str(k) for k in node}:
                    node = {str(k): v for k, v in node.items()}[str(key)]  # e.g. an int key given as text
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


def _yaml_line(node: Any) -> tuple[str, str]:
    mark = getattr(node, "start_mark", None)
    return both("scenario.line", mark_line_1=mark.line + 1) if mark else ("", "")


def _check_nodes(root: yaml.Node, label: str, budget: int) -> list[Problem]:
    """Refuse alias bombs, recursive aliases and duplicate keys in a composed YAML document.

    Aliases make the node graph a DAG (or, with a recursive alias, a cyclic graph) whose
    expanded size can grow exponentially with the file: the "billion laughs". The walk visits
    nodes as a consumer would (aliases expanded), without recursion, and stops after ``budget``
    visits: a file without aliases has fewer nodes than characters, so ``budget`` = the length
    of the text plus the ``yaml_alias_nodes`` limit bounds the work for any file.
    """
    problems: list[Problem] = []
    checked: set[int] = set()
    stack: list[yaml.Node] = [root]
    visits = 0
    while stack:
        node = stack.pop()
        visits += 1
        if visits > budget:
            cap = int(limit("yaml_alias_nodes"))
            return [_problem(label, *both("scenario.yaml_alias_bomb", cap=cap))]
        if isinstance(node, yaml.MappingNode):
            if id(node) not in checked:
                checked.add(id(node))
                problems += _duplicate_keys(node, label)
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems[:20]


def _duplicate_keys(node: yaml.MappingNode, label: str) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[tuple[str, str], yaml.Node] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        k = (key.tag, key.value)
        if k in seen:
            zh, en = _yaml_line(key)
            first = _yaml_line(seen[k])
            shown = key.value if len(key.value) <= 40 else key.value[:37] + "..."
            out.append(_problem(label, *both("scenario.yaml_duplicate_key", shown=shown, first_0=first[0], first_1=first[1]), zh, en))
        else:
            seen[k] = key
    return out


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _bad_dates(root: yaml.Node, label: str) -> list[Problem]:
    """Dates YAML would read as a date but that do not exist (``2027-02-30``), as a key or a value: each
    named with its key and line (YAML itself would stop at the first with Python's English words)."""
    found: list[Problem] = []
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen = 0
    while stack and seen < 1_000_000:
        node, key = stack.pop()
        seen += 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else key
                stack += [(k, key), (v, name)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, key) for v in node.value]
        elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            try:
                yaml.SafeLoader.construct_yaml_timestamp(yaml.SafeLoader(""), node)
            except (ValueError, OverflowError):
                found.append(_problem(label, *both("scenario.yaml_bad_date", key=str(key)[:60], value=node.value[:40]),
                                      *both("scenario.line_n", n=node.start_mark.line + 1)))
    return found


def _parse_yaml(text: str, label: str, problems: list[Problem]) -> Any:
    """Compose, check (aliases, duplicate keys), then construct plain data; ``None`` after a problem."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        found = _check_nodes(node, label, len(text) + int(limit("yaml_alias_nodes"))) or _bad_dates(node, label)
        if found:
            problems.extend(found)
            return _INVALID
        return loader.construct_document(node)
    finally:
        loader.dispose()


_INVALID = object()


def _load_yaml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    label = _label(path)
    if not path.is_file():
        problems.append(_problem(label, *both("scenario.file_not_found")))
        return None
    nbytes = path.stat().st_size
    if nbytes > limit("yaml_bytes"):
        problems.append(_problem(label, *limit_message("yaml_bytes", nbytes)))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(_problem(label, *both("scenario.not_utf8")))
        return None
    items = text.count(",") + text.count(":") + text.count("\n")  # an upper bound of the YAML nodes, cheaply
    if items > limit("yaml_items"):
        problems.append(_problem(label, *limit_message("yaml_items", items)))
        return None
    try:
        data = _parse_yaml(text, label, problems)  # safe: no object construction
    except yaml.constructor.ConstructorError as exc:
        mark = getattr(exc, "problem_mark", None)
        if "tag" not in str(exc.problem):  # e.g. "found unhashable key": a list or mapping used as a key
            problems.append(_problem(label, *both("scenario.yaml_unreadable_keys", str_exc_problem_200=str(exc.problem)[:200]),
                                     *(both("scenario.line_n", n=mark.line + 1) if mark else ("", ""))))
            return None
        problems.append(_problem(label, *both("scenario.yaml_tags", problem=exc.problem),
                                 *(both("scenario.line_n", n=mark.line + 1) if mark else ("", ""))))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, line_en = both("scenario.line_n", n=mark.line + 1) if mark else ("", "")
        reason = str(getattr(exc, "problem", None) or exc)[:200]
        problems.append(_problem(label, *both("scenario.yaml_syntax_error", reason=reason), line, line_en))
        return None
    except RecursionError:  # pure-Python loader: nesting
        problems.append(_problem(label, *both("scenario.yaml_too_deep")))
        return None
    except (ValueError, OverflowError):  # a value no check above named (Python's words are not shown)
        problems.append(_problem(label, *both("scenario.yaml_value_unreadable")))
        return None
    if data is _INVALID:
        return None
    if data is None:
        problems.append(_problem(label, *both("scenario.file_is_empty")))
        return None
    if not isinstance(data, dict):
        problems.append(_problem(label, *both("scenario.yaml_top_not_mapping")))
        return None
    return data


REPLACE_KEY = "replace"


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` merged onto ``base`` mapping by mapping; a mapping in ``top`` holding ``replace: true``
    replaces the base's mapping as a whole (e.g. a dated ``values:`` map) instead of adding to it."""
    out = dict(base)
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(v.get(REPLACE_KEY), bool):
            marker = v[REPLACE_KEY]
            v = {kk: vv for kk, vv in v.items() if kk != REPLACE_KEY}
            if marker:
                out[k] = _deep_merge({}, v)
                continue
        out[k] = _deep_merge(out[k] if isinstance(out.get(k), dict) else {}, v) if isinstance(v, dict) else v
    return out


_ROW_LIMITS = {"sites.csv": "sites", "si_applicants.csv": "applicants"}


def row_limit(name: str) -> str:
    """The name of the limit (in ``LIMITS``) on the number of rows of table ``name``."""
    return _ROW_LIMITS.get(name, "table_rows")


def _read_sheet(path: Path, label: str, model: Any, problems: list[Problem]) -> list[RawRow] | None:
    """The rows of a scenario table given as an Excel sheet (``model.sheet_headers()``: Chinese headers, columns
    to drop), as :class:`RawRow` objects, bounded by the CSV size and the table's row limit."""
    from .xlsx_rows import read_xlsx_rows  # openpyxl is loaded only when a sheet is read

    headers, ignore = model.sheet_headers()
    return read_xlsx_rows(path, label, set(model.model_fields), problems, max_bytes=limit("csv_bytes"),
                          max_rows=limit(row_limit(path.with_suffix(".csv").name)), headers=headers, ignore=ignore,
                          make_row=lambda cells, where: RawRow(cells, {h: where for h in cells}))


def _many_rows(label: str, what_zh: str, what_en: str, rows: list[int]) -> Problem:
    """One problem for the same fault on many rows (instead of one line per row)."""
    shown = tr("list.sep", "zh").join(str(r) for r in rows[:5]) + ("…" if len(rows) > 5 else "")
    shown_en = ", ".join(str(r) for r in rows[:5]) + ("..." if len(rows) > 5 else "")
    return _problem(label, *both("scenario.problem_in_rows", what_zh=what_zh, len_rows=len(rows), what_en=what_en),
                    *both("scenario.where.rows", shown=shown, shown_en=shown_en))


_FIELD_CHARS = 131_072  # csv's own default: the longest cell a scenario table may hold


def _csv_rows(text: str, label: str, problems: list[Problem]) -> list[list[str]] | None:
    """The rows of a CSV text, or ``None`` after a problem naming the line (in the user's words, not csv's)."""
    csv.field_size_limit(_FIELD_CHARS)  # the same bound whatever read a CSV before (the ledger reader raises it)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        where = both("scenario.row_n", n=reader.line_num)
        if "field larger" in str(exc):
            problems.append(_problem(label, *both("scenario.csv_cell_too_long", max=f"{_FIELD_CHARS:,}"), *where))
        else:
            problems.append(_problem(label, *both("scenario.csv_quote_error"), *where))
        return None
    return rows


def _header(row: list[str], at: int, label: str, problems: list[Problem]) -> list[str] | None:
    """The column names of header ``row`` (Excel's trailing empty columns dropped), or ``None`` after a
    problem: another separator than the comma, a column without a name, a name used twice."""
    header = [h.strip() for h in row]
    while header and not header[-1]:  # Excel's trailing empty columns (",,,")
        header.pop()
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep_zh, sep_en = both("scenario.semicolons") if ";" in header[0] else both("scenario.tabs")
        problems.append(_problem(label, *both("scenario.csv_wrong_separator", sep_zh=sep_zh, sep_en=sep_en), *both("scenario.where.first_line")))
        return None
    if "" in header:
        problems.append(_problem(label, *both("scenario.header_blank_column", n=header.index("") + 1),
                                 *both("scenario.row_n", n=at + 1)))
        return None
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        shown = [d[:40] for d in dupes[:10]]
        problems.append(_problem(label, *both("scenario.duplicate_column_names", shown=shown), *both("scenario.where.first_line")))
        return None
    return header


def _skip_title(rows: list[list[str]], at: int, label: str) -> int:
    """The header row: ``at``, or the row after it when ``at`` holds one text only (a title Excel put above
    the header, e.g. "示例县站点表,,,,") and the next filled row has several; the skip is noted."""
    filled = [c.strip() for c in rows[at] if c.strip()]
    nxt = next((i for i in range(at + 1, len(rows)) if any(c.strip() for c in rows[i])), None)
    if len(filled) != 1 or nxt is None or sum(1 for c in rows[nxt] if c.strip()) < 2:
        return at
    warnings.warn(Note(*(f"{label} " + t for t in both("scenario.title_row_skipped", title=filled[0][:40], n=nxt + 1))),
                  stacklevel=2)
    return nxt


def _read_csv(path: Path, keys: tuple[str, ...], problems: list[Problem], required: bool = True) -> list[RawRow] | None:
    """Rows of one CSV file; a key (e.g. site_id) repeated within the file is an error.

    A header without rows is an empty table for an optional table, an error for a required one.
    """
    label = _label(path)
    limit_name = row_limit(path.name)
    text = _csv_text(path, label, limit_name, problems)
    rows = _csv_rows(text, label, problems) if text is not None else None
    if rows is None:
        return None
    del text
    found = _csv_header(rows, label, limit_name, problems)
    if found is None:
        return None
    header_at, header = found
    out, too_long, dup_rows = _csv_records(rows, header_at, header, keys, label)
    _record_problems(label, len(header), too_long, dup_rows, problems)
    if not out and required and not too_long and not dup_rows:
        problems.append(_problem(label, *both("scenario.header_without_rows")))
        return None
    return out


def _csv_text(path: Path, label: str, limit_name: str, problems: list[Problem]) -> str | None:
    """The decoded text of a CSV file, or None (problem recorded) when too large or not decodable."""
    nbytes = path.stat().st_size
    if nbytes > limit("csv_bytes"):
        problems.append(_problem(label, *limit_message("csv_bytes", nbytes)))
        return None
    try:
        text = decode_csv_bytes(path.read_bytes())
    except UnicodeDecodeError:
        problems.append(_problem(label, *both("scenario.csv_undecodable")))
        return None
    if text.count("\n") > limit(limit_name) + 10:  # cheap first look before parsing (quoted line breaks count too)
        problems.append(_problem(label, *limit_message(limit_name, text.count("\n"))))
        return None
    return text


def _csv_header(rows: list[list[str]], label: str, limit_name: str,
                problems: list[Problem]) -> tuple[int, list[str]] | None:
    """(row index, names) of the header (a title row above it skipped), or None (problem recorded) when the
    file is empty, the header is bad or the rows are too many."""
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        problems.append(_problem(label, *both("scenario.file_is_empty")))
        return None
    header_at = _skip_title(rows, header_at, label)
    header = _header(rows[header_at], header_at, label, problems)
    if header is None:
        return None
    if len(rows) - header_at - 1 > limit(limit_name):
        problems.append(_problem(label, *limit_message(limit_name, len(rows) - header_at - 1)))
        return None
    return header_at, header


def _csv_records(rows: list[list[str]], header_at: int, header: list[str], keys: tuple[str, ...],
                 label: str) -> tuple[list[RawRow], list[int], list[tuple[int, str, str]]]:
    """The filled rows below the header as records; the rows with cells beyond the header, and the rows
    whose key repeats an earlier row's (row, key shown, first row), both left out."""
    out: list[RawRow] = []
    seen: dict[tuple[str, ...], int] = {}
    too_long: list[int] = []
    dup_rows: list[tuple[int, str, str]] = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            too_long.append(i)
            continue
        cells = {h: (row[j].strip() if j < len(row) else "") for j, h in enumerate(header) if h}
        key = tuple(cells.get(k, "") for k in keys)
        if all(key) and key in seen:
            shown = ", ".join(f"{k}={v[:40]}" for k, v in zip(keys, key))
            dup_rows.append((i, shown, str(seen[key])))
            continue
        seen[key] = i
        where = (label, *both("scenario.row_n", n=i))
        out.append(RawRow(cells, {h: where for h in cells}))
    return out, too_long, dup_rows


def _record_problems(label: str, width: int, too_long: list[int], dup_rows: list[tuple[int, str, str]],
                     problems: list[Problem]) -> None:
    """The problems of rows left out: too many cells, a repeated key (many rows: one problem listing them)."""
    if too_long:
        what = both("scenario.row_too_many_cells", len_header=width)
        problems.append(_many_rows(label, *what, too_long) if len(too_long) > 3 else
                        _problem(label, what[0], what[1], *both("scenario.where.row_list", join_map_str_too_lon=tr("list.sep", "zh").join(map(str, too_long)), join_map_str_too_lon2=', '.join(map(str, too_long)))))
    if len(dup_rows) > 3:
        problems.append(_many_rows(label, *both("scenario.duplicate_keys", join_k_for__i_k__f_i=', '.join((k for _i, k, _f in dup_rows[:3])), join_k_for__i_k__f_i2='; '.join((k for _i, k, _f in dup_rows[:3]))),
                                   [i for i, _k, _f in dup_rows]))
    else:
        for i, shown, first in dup_rows:
            problems.append(_problem(label, *both("scenario.duplicate_row_key", shown=shown, first=first),
                                     *both("scenario.where.row", i=i)))


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


def _base_folder(folder: Path, base_ref: Any, label: str, seen: frozenset[Path],
                 problems: list[Problem]) -> Path | None:
    """The resolved folder named by ``base:``, or ``None`` after recording why it cannot be used."""
    if not isinstance(base_ref, str) or not base_ref.strip():
        problems.append(_problem(label, *both("scenario.base_not_relative_path"),
                                 "base", "base"))
        return None
    if len(seen) >= limit("overlay_depth"):
        zh, en = limit_message("overlay_depth", len(seen) + 1)
        problems.append(_problem(label, zh, en, "base", "base"))
        return None
    try:
        base_dir = (folder / base_ref).resolve(strict=False)
        exists = (base_dir / "scenario.yaml").is_file()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long, a NUL byte
        problems.append(_problem(label, *both("scenario.base_unresolvable", base_ref_80=base_ref[:80]), "base", "base"))
        return None
    if base_dir in seen:
        problems.append(_problem(label, *both("scenario.base_chain_loop", base_ref_80=base_ref[:80]),
                                 "base", "base"))
        return None
    if not exists:
        shown = repr(base_ref[:120])  # as written in the file: never an absolute path it did not hold
        problems.append(_problem(label, *both("scenario.base_missing", shown=shown),
                                 "base", "base"))
        return None
    return base_dir


def merge_overlay(base: RawScenario, data: dict[str, Any], label: str) -> RawScenario:
    """``data`` (an overlay's mapping: changed keys and ``site_updates``; ``base:`` ignored) merged onto
    ``base``; ``label`` names where ``data`` came from in later messages. The tables are ``base``'s own
    (not copied): pass a copy when ``base`` is used again."""
    own = {k: v for k, v in data.items() if k not in OVERLAY_KEYS}
    merged = _deep_merge(base.yaml_data, own)
    for key in ("site_updates", "row_updates"):  # the base's updates first, then the overlay's
        updates = data.get(key) or []
        merged_updates = list(base.yaml_data.get(key, [])) + (updates if isinstance(updates, list) else [updates])
        if merged_updates:
            merged[key] = merged_updates
    return RawScenario(base.folder, merged, [(label, data), *base.yaml_files], base.tables, list(base.problems))


def _usable_table(path: Path, folder: Path, problems: list[Problem]) -> bool:
    """False (with a problem) for a table that is there but must not be read: a device, a FIFO, a folder,
    or a link leading outside the scenario folder (its content, e.g. /etc/passwd, is never read or shown).
    True when it is a regular file inside the folder, or not there at all."""
    for p in (path, path.with_suffix(".xlsx")):
        if not os.path.lexists(p):
            continue
        try:
            real = p.resolve(strict=True)
            mode = os.stat(real).st_mode
        except (OSError, RuntimeError):
            real, mode = p, 0
        if not stat.S_ISREG(mode):
            problems.append(_problem(_label(p), *both("scenario.table_not_regular")))
            return False
        if p.is_symlink() and not real.is_relative_to(folder):
            problems.append(_problem(_label(p), *both("scenario.table_link_outside")))
            return False
    return True


def read_raw(folder: Path, tables: dict[str, tuple[Any, tuple[str, ...], bool]],
             _seen: frozenset[Path] = frozenset()) -> RawScenario:
    """Read a scenario folder and, recursively, the base it overlays (at most ``overlay_depth`` levels)."""
    folder = Path(folder)
    problems: list[Problem] = []
    try:
        is_dir = folder.is_dir()
        here = folder.resolve()
    except (OSError, RuntimeError, ValueError):
        is_dir, here = False, folder
    if not is_dir:
        problems.append(_problem(display_path(folder), *both("scenario.folder_not_found")))
        return RawScenario(folder, {}, [], {}, problems)
    yaml_path = folder / "scenario.yaml"
    data = _load_yaml(yaml_path, problems)
    if data is None:
        return RawScenario(folder, {}, [], {}, problems)
    label = _label(yaml_path)
    base_ref = data.get("base")
    if base_ref is not None:
        base_dir = _base_folder(folder, base_ref, label, _seen | {here}, problems)
        if base_dir is None:
            return RawScenario(folder, {}, [], {}, problems)
        base = merge_overlay(read_raw(base_dir, tables, _seen | {here}), data, label)
        problems.extend(base.problems)
        merged, merged_tables, yaml_files = base.yaml_data, base.tables, base.yaml_files
    else:
        merged, merged_tables, yaml_files = _deep_merge({}, data), {}, [(label, data)]
    for name, (_model, keys, required) in tables.items():
        path = folder / name
        if not _usable_table(path, here, problems):
            continue
        if path.is_file():
            rows = _read_csv(path, keys, problems, required=required)
            if rows is None:
                continue
            whole = name in (data.get("replace_tables") or ()) or name not in merged_tables  # replace_tables: written by Overlay.write
            merged_tables[name] = rows if whole else _patch_rows(merged_tables[name], rows, keys)
        elif (sheet := path.with_suffix(".xlsx")).is_file() and hasattr(_model, "sheet_headers"):
            rows = _read_sheet(sheet, _label(sheet), _model, problems)  # an Excel sheet in the same shape (e.g. tasks.xlsx)
            if rows is not None:
                merged_tables[name] = _patch_rows(merged_tables[name], rows, keys) if name in merged_tables else rows
        elif required and base_ref is None:
            problems.append(_problem(_label(path), *both("scenario.required_file_not_found")))
        if path.is_file() and path.with_suffix(".xlsx").is_file() and hasattr(_model, "sheet_headers"):
            problems.append(_problem(_label(path), *both("scenario.csv_and_xlsx_both", csv=path.name, xlsx=path.with_suffix(".xlsx").name)))
    return RawScenario(folder, merged, yaml_files, merged_tables, problems)


# Public names for the readers, for files that sit beside scenarios (a region's region.yaml and tables,
# an experiment.yaml): the same limits, encodings and file/row locations as the scenario files.
read_yaml = _load_yaml
read_csv_rows = _read_csv
patch_rows = _patch_rows
