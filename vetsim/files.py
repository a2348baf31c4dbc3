"""The one home for writing files: atomic files and folders, output-target checks, formula-safe cells.

Why one module: every writer of vetsim (simulation results, staffing plans, budget workbooks and
CSVs, briefs, charts, dashboard downloads, saved overlays) must follow the same rules, and a rule
kept in one place cannot drift:

* a file is written to a temp file in the same folder, flushed to disk, given ordinary permissions
  (``0666 & ~umask``, i.e. 0644 under umask 022) and renamed into place: readers never see half a file;
* an output folder is filled as a temp sibling and renamed into place as a whole, with a manifest
  (``.vetsim-output.json``: kind, version, size and SHA-256 of every file) written last; readers check
  the manifest, so an interrupted write can never pass for a complete one;
* one rule says where vetsim may write (:func:`check_write_location`, used by every writer, the
  results cache and the pseudonymisation key): never inside a scenario, region or data folder, nor
  inside a folder or file the command reads, at any depth and through symlinks;
* before any work starts, :func:`check_output_target` refuses a target that would destroy something:
  a place :func:`check_write_location` refuses, a non-empty folder vetsim did not
  write (unless ``--force``), a missing parent, an unwritable place, a file where a folder is wanted
  and the reverse;
* ``--force`` replaces only files vetsim wrote that are unchanged (their hash still matches the
  manifest); a file the user changed or that vetsim never listed is named and kept, unless
  :data:`REPLACE_FOREIGN` is given. A manifest is never a list of files to delete;
* temp siblings of an output (``.NAME.<pid>.….tmp``) left by a killed run are removed by the next run;
* text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is neutralised
  in every Excel and CSV file (:func:`excel_safe`, :func:`excel_safe_frame`, :func:`excel_safe_cell`).
"""

from __future__ import annotations

import errno
import gc
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._version import __version__
from .errors import VetsimError
from .wording import both, tr

if TYPE_CHECKING:
    import pandas as pd  # lazy: writers of plain files do not load pandas

__all__ = [
    "MANIFEST", "REPLACE_FOREIGN", "check_write_location", "foreign_files", "clean_stale_temps", "OutputPathError", "OutputFolderError", "atomic_write", "atomic_write_bytes", "atomic_write_text",
    "written_bytes", "atomic_folder", "check_output_target", "read_manifest", "verify_manifest", "display_path", "file_mode",
    "excel_safe", "excel_safe_frame", "excel_safe_cell", "csv_bytes", "FORMULA_PREFIXES", "OutputWriteError", "os_cause",
    "write_error", "os_failure", "NAME_MAX_BYTES", "user_cache_root", "private_dir",
]

MANIFEST = ".vetsim-output.json"
#: the ``force`` value that also replaces files vetsim did not write (``--replace-foreign``)
REPLACE_FOREIGN = "replace-foreign"
#: folders whose files are never written: the project's sample data (and ``$VETSIM_DATA``)
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"
ENV_DATA = "VETSIM_DATA"
_SHOWN_FILES = 5  # foreign files named in a refusal (then "… and N more")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_HASH_CHUNK = 1 << 20


class OutputPathError(VetsimError):
    """An output path vetsim refuses to write to (checked before the work starts)."""


class OutputFolderError(VetsimError):
    """An output folder that is incomplete, changed by hand or not written by vetsim."""


class OutputWriteError(VetsimError):
    """Writing an output failed for a reason the user can fix (disk full, name too long, no permission,
    read-only file system, a file where a folder should be); nothing half-written is left."""


NAME_MAX_BYTES = 255  # the longest file name (in UTF-8 bytes) of ext4, XFS, tmpfs, NTFS: 85 Chinese characters
_CAUSES = {errno.ENOSPC: "no_space", errno.EDQUOT: "no_space", errno.EFBIG: "too_big",
           errno.ENAMETOOLONG: "name_too_long", errno.EACCES: "permission", errno.EPERM: "permission",
           errno.EROFS: "read_only", errno.ENOTDIR: "not_folder", errno.EISDIR: "is_folder",
           errno.ENOENT: "missing", errno.EIO: "io", errno.ELOOP: "loop", errno.EMFILE: "too_many_open",
           errno.ENFILE: "too_many_open", errno.ENXIO: "no_device", errno.ETXTBSY: "busy", errno.EBUSY: "busy"}


def os_cause(exc: OSError, lang: str = "zh") -> str:
    """The cause of ``exc`` as a user reads it (磁盘空间不足, 文件名过长, ...), in ``lang``; an errno
    vetsim does not name is given by its symbol (e.g. ``EXDEV``), never as Python's English text."""
    code = exc.errno
    if code is None:  # pyarrow and others raise OSError("... [Errno 28] No space left on device") without errno
        m = re.search(r"\[Errno (\d+)\]", str(exc))
        code = int(m.group(1)) if m else None
    key = _CAUSES.get(code or 0)
    if key is not None:
        return tr(f"files.cause.{key}", lang)
    return tr("files.cause.other", lang, code=errno.errorcode.get(code or 0, type(exc).__name__))


def write_error(exc: OSError, path: str | os.PathLike[str]) -> OutputWriteError:
    """The user's message for ``exc`` raised while writing ``path``: the path, its folder and the cause."""
    p = Path(path)
    shown, folder = display_path(p), display_path(p.parent)
    return OutputWriteError(tr("files.write_failed", "zh", shown=shown, folder=folder, cause=os_cause(exc, "zh")),
                            tr("files.write_failed", "en", shown=shown, folder=folder, cause=os_cause(exc, "en")))


def os_failure(exc: OSError, lang: str = "zh") -> str:
    """One sentence for an ``OSError`` no writer turned into a message: the path it names and the cause."""
    path = exc.filename if isinstance(exc.filename, (str, bytes, os.PathLike)) else None
    shown = display_path(os.fsdecode(path)) if path is not None else tr("files.some_place", lang)
    return tr("files.os_failed", lang, shown=shown, cause=os_cause(exc, lang))


def _finalise_quietly(exc: BaseException) -> None:
    """Let go of what a failed writer left half-open (a ``zipfile.ZipFile`` of openpyxl) now, silently.

    Without this, the half-written zip is closed later by ``ZipFile.__del__``, which writes to the
    closed or full file and prints "Exception ignored in ..." with a traceback the user never asked for."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        seen: set[int] = set()
        e: BaseException | None = exc
        while e is not None and id(e) not in seen:  # the exception and those it was raised while handling
            seen.add(id(e))
            traceback.clear_frames(e.__traceback__)
            e = e.__context__ or e.__cause__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _temp_prefix(name: str) -> str:
    """``.<name>.`` with ``name`` cut to 100 bytes: the temp sibling of a long name stays a valid name."""
    cut = os.fsencode(name)[:100].decode("utf-8", errors="ignore")
    return f".{cut}."


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
    _check_name(out)
    clean_stale_temps(out.parent, out.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(out.name), suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise write_error(exc, out) from None
    try:
        with _open_temp(fd) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        _finalise_quietly(exc)
        raise write_error(exc, out) from None
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        _finalise_quietly(exc)
        raise
    return out


def _open_temp(fd: int) -> IO[bytes]:
    """The temp file's writer (one place, so that a test may stand in a full disk where it cannot mount one)."""
    return os.fdopen(fd, "wb")


def _read_only(folder: Path) -> bool:
    """Whether ``folder`` lies on a file system mounted read-only (a write-protected stick, a ro mount)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _check_name(p: Path) -> None:
    """Refuse a file or folder name longer than the file system allows, before any work."""
    if len(os.fsencode(p.name)) > NAME_MAX_BYTES:
        exc = OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
        raise OutputPathError(*(tr("files.name_too_long", lang, shown=display_path(p), n=len(os.fsencode(p.name)),
                                   max=NAME_MAX_BYTES, cause=os_cause(exc, lang)) for lang in ("zh", "en")))


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
            *both("files.error.incomplete_output", shown=shown, MANIFEST=MANIFEST))
    for name in required:
        if name not in m["files"]:
            raise OutputFolderError(*both("files.error.not_in_manifest", shown=shown, name=name))
    for name, info in m["files"].items():
        p = src / name
        if not p.is_file() or p.stat().st_size != info.get("size") or _sha256(p) != info.get("sha256"):
            raise OutputFolderError(
                *both("files.error.manifest_mismatch", shown=shown, name=name))
    return m


# ---------------------------------------------------------------------------------------- checks

def _is_scenario(folder: Path) -> bool:
    """An input folder: a scenario (``scenario.yaml``) or a region (``region.yaml``)."""
    return (folder / "scenario.yaml").exists() or (folder / "region.yaml").exists()


def _data_folders() -> set[Path]:
    out = {PROJECT_DATA}
    env = os.environ.get(ENV_DATA)
    if env:
        try:
            out.add(Path(env).expanduser().resolve())
        except (OSError, RuntimeError):
            pass
    return out


def _is_data_folder(folder: Path) -> bool:
    """A folder of scenarios: the project's ``data/``, ``$VETSIM_DATA``, or a ``data`` folder holding a scenario."""
    if folder in _data_folders():
        return True
    if folder.name != "data":
        return False
    try:
        return any(c.is_dir() and _is_scenario(c) for c in folder.iterdir())
    except OSError:
        return False


def _candidates(p: Path) -> tuple[Path, ...]:
    """The path as written (made absolute, ``..`` folded) and as resolved through symlinks."""
    literal = Path(os.path.abspath(p))
    try:
        real = p.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the literal path is judged alone
        real = literal
    return tuple(dict.fromkeys((literal, real)))


def _input_hit(cands: tuple[Path, ...], inputs: tuple[str | os.PathLike[str], ...]) -> str | None:
    """The first of ``inputs`` (folders or files the command reads) that the target is, or lies inside."""
    for inp in inputs:
        if inp is None or str(inp) == "":
            continue
        for folder in _candidates(Path(inp).expanduser()):
            if any(c == folder or folder in c.parents for c in cands):
                return display_path(inp)
    return None


def check_write_location(path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = (),
                         new_scenario: bool = False) -> Path:
    """Refuse, before any work, a place vetsim must never write; return ``path``.

    The one rule for every writer, the results cache and the pseudonymisation key: nothing is written
    inside a scenario or region folder (``scenario.yaml`` / ``region.yaml``), inside a data folder (the
    project's ``data/``, ``$VETSIM_DATA``, a ``data`` folder of scenarios), or at or inside any of
    ``inputs`` (the folders and files the command reads: the ledger, its folder ...), at any depth; both
    the path as written and the path its symlinks lead to are judged. ``new_scenario``: the writer makes a
    scenario folder (an overlay), which may be a new folder directly in a data folder, or replace an overlay
    vetsim wrote there before and nobody changed since.
    Raises :class:`OutputPathError` naming the path and the folder it lies in.
    """
    p = Path(path).expanduser()
    shown = display_path(p)
    cands = _candidates(p)
    for cand in cands:
        for depth, folder in enumerate((cand, *cand.parents)):
            if _is_scenario(folder) and (depth > 0 or not (new_scenario and _untouched(folder))):
                raise OutputPathError(*both("files.location_in_scenario", shown=shown, folder=display_path(folder)))
            if _is_data_folder(folder) and not (new_scenario and depth == 1):
                raise OutputPathError(*both("files.location_in_data", shown=shown, folder=display_path(folder)))
    hit = _input_hit(cands, inputs)
    if hit is not None:
        raise OutputPathError(*both("files.location_in_input", shown=shown, folder=hit))
    return p


def check_output_target(path: str | os.PathLike[str], kind: str = "file", force: bool | str = False, *,
                        inputs: tuple[str | os.PathLike[str], ...] = (), new_scenario: bool = False,
                        adding: bool = False) -> Path:
    """Refuse, before any work, an output ``path`` that cannot or must not be written; return it.

    ``kind`` is ``"file"`` or ``"folder"``. Refused always: a place :func:`check_write_location` refuses
    (``inputs`` and ``new_scenario`` go to it), a missing parent folder, an unwritable place, a folder where
    a file is wanted and the reverse, a symlink as output folder. Refused unless ``force``: a non-empty
    folder that is not an unchanged vetsim output. With ``force`` (``True``), a folder holding files vetsim
    did not write, or changed since, is refused naming them, unless ``force`` is :data:`REPLACE_FOREIGN`;
    ``adding``: the caller only adds new files beside the folder's others (dated snapshots), so they do not
    matter. An existing file is replaced (atomically).
    """
    if kind not in ("file", "folder"):
        raise ValueError(f"kind must be 'file' or 'folder', not {kind!r}")
    p = Path(path)
    shown = display_path(p)
    parent = p.parent
    if p.name in ("", ".", ".."):
        raise OutputPathError(*both("files.error.invalid_path", shown=shown))
    _check_name(p)
    check_write_location(p, inputs=inputs, new_scenario=new_scenario)
    if not parent.is_dir():
        ps = display_path(parent)
        if parent.exists():
            raise OutputPathError(*both("files.error.parent_not_folder", shown=shown, ps=ps))
        raise OutputPathError(*both("files.error.no_parent_folder", shown=shown, ps=ps))
    if _read_only(parent):
        e = write_error(OSError(errno.EROFS, os.strerror(errno.EROFS)), p)
        raise OutputPathError(e.zh, e.en)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(*both("files.error.no_permission", shown=shown, display_path_parent=display_path(parent)))
    if kind == "file":
        if p.is_dir():
            raise OutputPathError(*both("files.error.folder_in_the_way", shown=shown))
        if p.exists() and not p.is_file():
            raise OutputPathError(*both("files.error.not_regular_file", shown=shown))
        return p
    return _check_folder_target(p, force, adding)


def _check_folder_target(p: Path, force: bool | str, adding: bool) -> Path:
    """The folder part of :func:`check_output_target`: no link, no file, and a non-empty folder only as allowed."""
    shown = display_path(p)
    if p.is_symlink():
        raise OutputPathError(*both("files.error.symlink", shown=shown))
    if p.exists() and not p.is_dir():
        raise OutputPathError(*both("files.error.file_in_the_way", shown=shown))
    if p.is_dir() and not _untouched(p) and any(p.iterdir()):
        if not force:
            raise OutputPathError(*both("files.error.foreign_folder", shown=shown))
        if force != REPLACE_FOREIGN and not adding:
            _refuse_foreign(p, foreign_files(p))
    return p


def foreign_files(folder: str | os.PathLike[str], names: set[str] | None = None) -> list[str]:
    """Entries of ``folder`` (or of ``names`` in it) that vetsim did not write, or that changed since.

    vetsim's own file is one its manifest lists whose size and SHA-256 still match; anything else
    (a file the user added or annotated, a folder, a link, a file a forged manifest lists with another
    hash) is foreign. The manifest itself is vetsim's.
    """
    src = Path(folder)
    listed = (read_manifest(src) or {}).get("files", {})
    out = []
    for p in sorted(src.iterdir()):
        if p.name == MANIFEST or (names is not None and p.name not in names):
            continue
        info = listed.get(p.name)
        try:
            mine = (isinstance(info, dict) and p.is_file() and not p.is_symlink()
                    and p.stat().st_size == info.get("size") and _sha256(p) == info.get("sha256"))
        except OSError:
            mine = False
        if not mine:
            out.append(p.name)
    return out


def _refuse_foreign(folder: Path, names: list[str]) -> None:
    if not names:
        return
    more = len(names) - _SHOWN_FILES

    def text(lang: str) -> str:
        return tr("files.force_foreign", lang, shown=display_path(folder),
                  names=tr("list.sep", lang).join(names[:_SHOWN_FILES]),
                  more=tr("files.and_more", lang, n=more) if more > 0 else "")

    raise OutputPathError(text("zh"), text("en"))


# ---------------------------------------------------------------------------------------- temp siblings

_STALE_UNNAMED_SECONDS = 3600  # a temp sibling of the old form (no process id) older than this is a leftover


def _temp_prefix(name: str) -> str:
    """Prefix of a temp sibling of output ``name``: hidden, with this process's id (see :func:`clean_stale_temps`)."""
    return f".{name}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0 and not isinstance(pid, bool)  # someone else's process: alive
    return True


def clean_stale_temps(parent: str | os.PathLike[str], name: str) -> int:
    """Remove temp siblings of output ``name`` in ``parent`` left by a killed run; return how many.

    A temp sibling is ``.NAME.<pid>.<random>.tmp`` (file or folder, ``.old.`` too): it is a leftover when
    that process is gone. The old form without a process id (``.NAME.<random>.tmp``) is a leftover when it
    is over an hour old. Nothing else is touched; a sibling in use by a live writer stays.
    """
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?(?:old\.)?[A-Za-z0-9_]{{8}}(?:\.tmp)?")
    removed = 0
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(f".{name}.")]
    except OSError:
        return 0
    for e in entries:
        m = pattern.fullmatch(e.name)
        if m is None or (m.group(1) is None and ".old." not in e.name and not e.name.endswith(".tmp")):
            continue
        try:
            stale = (not _pid_alive(int(m.group(1)))) if m.group(1) else \
                time.time() - e.stat(follow_symlinks=False).st_mtime > _STALE_UNNAMED_SECONDS
            if not stale:
                continue
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path)
            else:
                os.unlink(e.path)
            removed += 1
        except OSError:
            continue
    return removed


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
    doc = {"kind": kind, "vetsim_version": __version__, **(extra or {}), "files": _listing(folder)}
    atomic_write_text(folder / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def atomic_folder(path: str | os.PathLike[str], kind: str, *, force: bool | str = False,
                  meta: dict[str, Any] | None = None, new_scenario: bool = False) -> Iterator[Path]:
    """Yield a temp folder to fill; on success it becomes ``path`` as a whole, with a manifest.

    ``path`` is checked with :func:`check_output_target` (again: minutes may have passed since the
    command checked it). A new folder, or an unchanged vetsim output whose files this output all
    writes again, is replaced whole: the temp sibling is renamed into place and the old folder removed
    after the swap (if the swap fails, the old one is put back). Otherwise (a foreign non-empty folder,
    only with ``force``) vetsim's files are moved in one by one and the manifest written last: a file of
    the same name is replaced only when vetsim wrote it and it is unchanged (or with
    :data:`REPLACE_FOREIGN`), and no other file is ever deleted, whatever the old manifest lists.
    Temp siblings left by a killed run are removed first. On any error the temp folder is removed and
    ``path`` is as it was.
    """
    target = Path(path)
    check_output_target(target, "folder", force, new_scenario=new_scenario)
    clean_stale_temps(target.parent, target.name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise write_error(exc, target) from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        for p in tmp.iterdir():
            if p.is_file():
                os.chmod(p, file_mode())
                _fsync_path(p)  # the data is on disk before the folder is renamed into place
        check_output_target(target, "folder", force, new_scenario=new_scenario)
        new_names = {p.name for p in tmp.iterdir()}
        if target.is_dir() and any(target.iterdir()) and not (
                _untouched(target) and set((read_manifest(target) or {}).get("files", {})) <= new_names):
            _merge_into(tmp, target, kind, meta, force)
        else:
            _write_manifest(tmp, kind, meta)
            _swap_into_place(tmp, target)
        _fsync_path(target.parent)
    except OSError as exc:  # a full disk while writing the parts (Parquet, CSV): the temp folder goes
        _finalise_quietly(exc)
        raise write_error(exc, target) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name) + "old.", suffix=".tmp", dir=target.parent))
    moved = old / target.name
    os.rename(target, moved)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(moved, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _merge_into(tmp: Path, target: Path, kind: str, meta: dict[str, Any] | None, force: bool | str) -> None:
    """Into a folder holding other files: replace only vetsim's unchanged files (or any, with
    :data:`REPLACE_FOREIGN`), delete nothing; the old manifest is dropped first, the new one written last."""
    new_names = {p.name for p in tmp.iterdir()}
    if force != REPLACE_FOREIGN:
        _refuse_foreign(target, foreign_files(target, new_names))
    for name in sorted(new_names):  # a folder of the same name is never replaced by a file, not even so
        if (target / name).is_dir() and not (target / name).is_symlink():
            raise OutputPathError(*both("files.error.folder_in_the_way", shown=display_path(target / name)))
    (target / MANIFEST).unlink(missing_ok=True)
    for p in sorted(tmp.iterdir()):
        os.replace(p, target / p.name)
    listing = _listing(target)
    doc_files = {n: listing[n] for n in new_names if n in listing}
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


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as the bytes of a CSV file for people: UTF-8 with a byte-order mark (so that Excel reads
    Chinese), no index, text cells and headers made formula-safe by :func:`excel_safe_frame`."""
    return excel_safe_frame(df).to_csv(index=False).encode("utf-8-sig")
