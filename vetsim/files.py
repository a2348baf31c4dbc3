"""The one home for writing files: atomic files and folders, output-target checks, formula-safe cells.

Why one module: every writer of vetsim (simulation results, staffing plans, budget workbooks and
CSVs, briefs, charts, dashboard downloads, saved overlays) must follow the same rules, and a rule
kept in one place cannot drift:

* a file is written to a temp file in the same folder, flushed to disk, given ordinary permissions
  (``0666 & ~umask``, i.e. 0644 under umask 022) and renamed into place: readers never see half a file;
* an output folder is filled as a temp sibling and renamed into place as a whole, with a manifest
  (``.vetsim-output.json``: kind, version, size and SHA-256 of every file) written last; readers check
  the manifest, so an interrupted write can never pass for a complete one;
* before any work starts, :func:`check_output_target` refuses a target that would destroy something:
  a scenario or region folder (never overwritten, not even with ``--force``), a non-empty folder vetsim did not
  write (unless ``--force``), a missing parent, an unwritable place, a file where a folder is wanted
  and the reverse;
* text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is neutralised
  in every Excel and CSV file (:func:`excel_safe`, :func:`excel_safe_frame`, :func:`excel_safe_cell`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import VetsimError
from .wording import both

if TYPE_CHECKING:
    import pandas as pd  # lazy: writers of plain files do not load pandas

__all__ = [
    "MANIFEST", "OutputPathError", "OutputFolderError", "atomic_write", "atomic_write_bytes", "atomic_write_text",
    "written_bytes", "atomic_folder", "check_output_target", "read_manifest", "verify_manifest", "display_path", "file_mode",
    "excel_safe", "excel_safe_frame", "excel_safe_cell", "FORMULA_PREFIXES", "user_cache_root", "private_dir",
]

MANIFEST = ".vetsim-output.json"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_HASH_CHUNK = 1 << 20


class OutputPathError(VetsimError):
    """An output path vetsim refuses to write to (checked before the work starts)."""


class OutputFolderError(VetsimError):
    """An output folder that is incomplete, changed by hand or not written by vetsim."""


# ---------------------------------------------------------------------------------------- paths

def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as shown in messages: an absolute path near the working folder becomes relative to it
    (``out/sim``, ``../data/plan_a``), anything else is shown as given.

    Never resolved (no symlink target is revealed that the user did not type), so a message does not
    print the absolute location of the data folder.
    """
    p = Path(path)
    if not p.is_absolute():
        return str(p)
    try:
        rel = os.path.relpath(p, Path.cwd())
    except ValueError:
        return str(p)
    return rel if Path(rel).parts[:3].count("..") <= 2 else str(p)


def user_cache_root() -> Path:
    """This user's own cache folder for vetsim: ``$XDG_CACHE_HOME/vetsim`` or ``~/.cache/vetsim``
    (Windows ``%LOCALAPPDATA%\\vetsim\\Cache``, macOS ``~/Library/Caches/vetsim``)."""
    import sys

    if sys.platform.startswith("win"):
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "vetsim" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "vetsim"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vetsim"


def _own_private(folder: Path) -> bool:
    """True if ``folder`` is a real folder of this user that nobody else may enter (mode 0700 enforced)."""
    st = folder.lstat()
    if not folder.is_dir() or folder.is_symlink() or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        return False
    if st.st_mode & 0o077:
        folder.chmod(0o700)
    return True


def private_dir(name: str) -> Path:
    """A folder of this user's own for vetsim's logs and scratch space (never a fixed name in the shared
    temp folder, never the working folder): ``user_cache_root() / name``, mode 0700. If that cannot be
    made (a read-only or missing home folder), a new folder of this user's in the temp folder
    (``tempfile.mkdtemp``, mode 0700, a fresh name each time)."""
    folder = user_cache_root() / name
    try:
        folder.parent.parent.mkdir(parents=True, exist_ok=True)  # ~/.cache of a new home folder
        for part in (folder.parent, folder):
            part.mkdir(mode=0o700, exist_ok=True)
            if not _own_private(part):
                raise PermissionError(part)
        return folder
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"vetsim-{name}-"))


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _UMASK_AT_IMPORT


def _read_umask_once() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_IMPORT = _read_umask_once()  # at import, before any worker thread exists


def file_mode() -> int:
    """Permissions of a new file: what ``open()`` would give it (0644 under umask 022)."""
    return 0o666 & ~_umask()


# ---------------------------------------------------------------------------------------- files

def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any]) -> Path:
    """Call ``write(fh)`` on a temp file in the target's folder, fsync it, then rename it onto ``path``.

    Readers never see a half-written file; on any error the temp file is removed and ``path`` is
    untouched. The file gets ordinary permissions (``0666 & ~umask``), not the 0600 of a temp file.
    """
    out = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda fh: fh.write(data))


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; newlines are written as given (no translation)."""
    return atomic_write_bytes(path, text.encode(encoding))


def written_bytes(write: Callable[[IO[bytes]], Any]) -> bytes:
    """What ``write(fh)`` writes, as bytes in memory: the same writer gives a file (:func:`atomic_write`)
    or a download (the apps), without a temp folder in between."""
    buf = io.BytesIO()
    write(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------- manifest

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _listing(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every regular file directly in ``folder`` (the manifest left out)."""
    out = {}
    for p in sorted(folder.iterdir()):
        if p.name != MANIFEST and p.is_file() and not p.is_symlink():
            out[p.name] = {"size": p.stat().st_size, "sha256": _sha256(p)}
    return out


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of a vetsim output folder, or None when there is none (or it is unreadable)."""
    p = Path(folder) / MANIFEST
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def _untouched(folder: Path) -> bool:
    """True when ``folder`` holds exactly the files its manifest lists, unchanged (vetsim made it)."""
    m = read_manifest(folder)
    if m is None:
        return False
    try:
        names = {p.name for p in folder.iterdir() if p.name != MANIFEST}
        return names == set(m["files"]) and _listing(folder) == m["files"]
    except OSError:
        return False


def verify_manifest(folder: str | os.PathLike[str], kind: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Check that ``folder`` is a complete, unchanged vetsim output of ``kind``; return its manifest.

    Raises :class:`OutputFolderError` when the manifest is missing (an interrupted write, or a folder
    not written by this version), of another kind, lacks one of ``required``, or when a listed file is
    missing or changed.
    """
    src = Path(folder)
    shown = display_path(src)
    m = read_manifest(src)
    if m is None or m.get("kind") != kind:
        raise OutputFolderError(
            *both("files.folder_is_not_a_complete", shown=shown, MANIFEST=MANIFEST))
    for name in required:
        if name not in m["files"]:
            raise OutputFolderError(*both("files.the_manifest_of_folder_does", shown=shown, name=name))
    for name, info in m["files"].items():
        p = src / name
        if not p.is_file() or p.stat().st_size != info.get("size") or _sha256(p) != info.get("sha256"):
            raise OutputFolderError(
                *both("files.in_folder_does_not_match", shown=shown, name=name))
    return m


# ---------------------------------------------------------------------------------------- checks

def _is_scenario(folder: Path) -> bool:
    """An input folder: a scenario (``scenario.yaml``) or a region (``region.yaml``)."""
    return (folder / "scenario.yaml").exists() or (folder / "region.yaml").exists()


def check_output_target(path: str | os.PathLike[str], kind: str = "file", force: bool = False) -> Path:
    """Refuse, before any work, an output ``path`` that cannot or must not be written; return it.

    ``kind`` is ``"file"`` or ``"folder"``. Refused always: a scenario or region folder (or a file inside one)
    that vetsim did not write unchanged, a missing parent folder, an unwritable place, a folder where
    a file is wanted and the reverse, a symlink as output folder. Refused unless ``force``: a non-empty
    folder that is not an unchanged vetsim output. An existing file is replaced (atomically).
    """
    if kind not in ("file", "folder"):
        raise ValueError(f"kind must be 'file' or 'folder', not {kind!r}")
    p = Path(path)
    shown = display_path(p)
    parent = p.parent
    if p.name in ("", ".", ".."):
        raise OutputPathError(*both("files.invalid_output_path_give_a", shown=shown))
    if not parent.is_dir():
        ps = display_path(parent)
        if parent.exists():
            raise OutputPathError(*both("files.cannot_write_is_not_a", shown=shown, ps=ps))
        raise OutputPathError(*both("files.cannot_write_the_parent_folder", shown=shown, ps=ps))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(*both("files.cannot_write_no_permission_to", shown=shown, display_path_parent=display_path(parent)))
    if _is_scenario(parent) and not _untouched(parent):
        raise OutputPathError(*both("files.will_not_write_into_the", display_path_parent=display_path(parent)))
    if kind == "file":
        if p.is_dir():
            raise OutputPathError(*both("files.cannot_write_file_a_folder", shown=shown))
        if p.exists() and not p.is_file():
            raise OutputPathError(*both("files.cannot_write_file_it_is", shown=shown))
        return p
    if p.is_symlink():
        raise OutputPathError(*both("files.will_not_write_it_is", shown=shown))
    if p.exists() and not p.is_dir():
        raise OutputPathError(*both("files.cannot_write_folder_a_file", shown=shown))
    if p.is_dir():
        if _untouched(p):
            return p
        if _is_scenario(p):
            raise OutputPathError(*both("files.will_not_write_into_the_2", shown=shown))
        if any(p.iterdir()) and not force:
            raise OutputPathError(*both("files.folder_exists_and_is_not", shown=shown))
    return p


# ---------------------------------------------------------------------------------------- folders

def _fsync_path(path: Path) -> None:
    """Flush a file or folder entry to disk (best effort: some file systems refuse it on folders)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_manifest(folder: Path, kind: str, extra: dict[str, Any] | None) -> None:
    from ._version import __version__  # lazy: only writers of manifests need it

    doc = {"kind": kind, "vetsim_version": __version__, **(extra or {}), "files": _listing(folder)}
    atomic_write_text(folder / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def atomic_folder(path: str | os.PathLike[str], kind: str, *, force: bool = False,
                  meta: dict[str, Any] | None = None) -> Iterator[Path]:
    """Yield a temp folder to fill; on success it becomes ``path`` as a whole, with a manifest.

    ``path`` is checked with :func:`check_output_target` (again: minutes may have passed since the
    command checked it). A new or unchanged vetsim output folder is replaced whole: the temp sibling
    is renamed into place and the old folder removed after the swap (if the swap fails, the old one is
    put back). A foreign non-empty folder (only with ``force``) keeps its own files: vetsim's files
    are moved in one by one, the manifest last, and files a previous vetsim run listed are dropped.
    On any error the temp folder is removed and ``path`` is as it was.
    """
    target = Path(path)
    check_output_target(target, "folder", force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        for p in tmp.iterdir():
            if p.is_file():
                os.chmod(p, file_mode())
                _fsync_path(p)  # the data is on disk before the folder is renamed into place
        check_output_target(target, "folder", force)
        if target.is_dir() and any(target.iterdir()) and not _untouched(target):
            _merge_into(tmp, target, kind, meta)
        else:
            _write_manifest(tmp, kind, meta)
            _swap_into_place(tmp, target)
        _fsync_path(target.parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    moved = old / target.name
    os.rename(target, moved)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(moved, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _merge_into(tmp: Path, target: Path, kind: str, meta: dict[str, Any] | None) -> None:
    """``--force`` into a foreign folder: drop the old manifest first, move files in, manifest last."""
    old = read_manifest(target)
    (target / MANIFEST).unlink(missing_ok=True)
    new_names = {p.name for p in tmp.iterdir()}
    for p in sorted(tmp.iterdir()):
        os.replace(p, target / p.name)
    for name in (old or {}).get("files", {}):  # what an earlier vetsim run wrote there and this one did not
        stale = target / str(name)
        if (name not in new_names and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", str(name))
                and stale.is_file() and not stale.is_symlink()):
            stale.unlink()
    listing = _listing(target)
    doc_files = {n: listing[n] for n in new_names if n in listing}
    from ._version import __version__  # lazy: only writers of manifests need it

    doc = {"kind": kind, "vetsim_version": __version__, **(meta or {}), "files": doc_files}
    atomic_write_text(target / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------------------------------- formulas

def excel_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading ``'``; anything else is returned as is.

    Numbers stay numbers: only ``str`` values starting with ``= + - @``, tab or CR are changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def excel_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are :func:`excel_safe` (for CSV writers)."""
    import pandas as pd  # lazy: writers of plain files do not load pandas

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [excel_safe(v) for v in out[col]]
    out.columns = [excel_safe(c) for c in out.columns]
    return out


def excel_safe_cell(cell: Any) -> None:
    """Make an openpyxl cell holding text that starts like a formula a plain, quote-prefixed string.

    openpyxl stores any text starting with ``=`` as a formula; here it is stored as text instead and
    marked quote-prefixed, so Excel shows it as written and does not turn it into a formula on edit.
    """
    v = cell.value
    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
