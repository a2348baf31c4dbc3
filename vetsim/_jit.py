"""Compile plain-Python numeric functions with numba, on first use, for the engine only.

The work rule (:mod:`vetsim.work.policy`) and the engine's day end (:mod:`vetsim.sim.dayend`) are
written once, as plain functions in the subset of Python that numba compiles. Importing them costs
nothing; :func:`compiled` returns a function compiled with ``numba.njit``, and every vetsim function
it calls by a global name is compiled the same way (the original module keeps its plain function, so
callers other than the engine -- the tests, the instant estimate, ``vetsim validate`` -- never import
numba).

The machine code is cached on disk (numba's ``cache=True``), so a machine compiles once (some
seconds) and later processes load it (a fraction of a second). Numba checks a cached function against
its own source file only, not against the files of the functions it calls; so the cache lives in a
folder named after a hash of every source file compiled together, of the vetsim modules they take
constants from (numba freezes those into the code), and of numba's version: any edit starts a fresh folder. The folder is the first writable one of: ``$NUMBA_CACHE_DIR/vetsim``, the
package's ``__pycache__``, the user's cache folder, the system's temporary folder; where none is
writable (a read-only install with no home), the functions are compiled in memory each process,
without a warning.

Every edit leaves the previous folder (some MB) behind, so :func:`compiled` tidies the base folder it uses:
it marks its own folder as used (its modification time) and removes the sibling ``jit-<16 hex digits>``
folders that no process has used for :data:`STALE_AFTER_S` and whose code is no one's today (a note in each
folder names the files and numba version its name hashes: a folder of another compiled function, or of
another install sharing the base, whose files are unchanged, stays). One listing of that base (and the note
of a folder unused that long), no symlink followed, any error ignored: another process may be reading or
removing the same folder; numba re-creates a folder removed under it and treats a missing file as a miss.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import VetsimError
from .files import atomic_write_text

__all__ = ["compiled", "cache_folder", "prune_stale"]

_PACKAGE = Path(__file__).resolve().parent
_done: dict[Callable, Callable] = {}
_pruned: set[Path] = set()  # the bases this process has tidied (prune_stale)
# A developer convenience, not a figure a user sees: a cache folder no process has used for a day goes
# (a day-old folder costs some seconds of compiling if it is ever wanted again; a kept one costs ~4 MB).
STALE_AFTER_S = 24 * 3600
_FOLDER_NAME = re.compile(r"jit-[0-9a-f]{16}")
_MARKER = "vetsim-sources.json"  # in each folder: what its name hashes (see _mark)


def _callees(fn: types.FunctionType) -> dict[str, types.FunctionType]:
    """The vetsim functions ``fn`` calls by a global name (module functions of this package)."""
    out = {}
    for name in fn.__code__.co_names:
        v = fn.__globals__.get(name)
        if isinstance(v, types.FunctionType) and (v.__module__ or "").startswith("vetsim."):
            out[name] = v
    return out


def _tree(fn: types.FunctionType, seen: dict[Callable, None]) -> None:
    """Every function compiled with ``fn``, callees first."""
    if fn in seen:
        return
    for callee in _callees(fn).values():
        _tree(callee, seen)
    seen[fn] = None


@functools.cache
def _imports_from(path: str) -> tuple[tuple[int, str, frozenset[str]], ...]:
    """The ``from ... import`` statements at the top level of the file ``path``: (level, module, names bound);
    read once per process (a module's functions are compiled together, each asking for its file)."""
    return tuple((node.level, node.module or "", frozenset(a.asname or a.name for a in node.names))
                 for node in ast.parse(Path(path).read_text(encoding="utf-8")).body if isinstance(node, ast.ImportFrom))


def _sources(fn: types.FunctionType) -> set[str]:
    """``fn``'s source file and those of the vetsim modules its module imports the names ``fn`` uses from:
    numba freezes a global constant into the machine code, so a constant changed there must start afresh."""
    path = fn.__code__.co_filename
    out = {path}
    package = sys.modules[fn.__module__].__package__
    for level, module_name, names in _imports_from(path):
        if not set(fn.__code__.co_names) & names:
            continue
        name = importlib.util.resolve_name("." * level + module_name, package)
        module = sys.modules.get(name)
        if name.startswith("vetsim") and getattr(module, "__file__", None):
            out.add(module.__file__)
    return out


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _name(sources: list[str], version: str) -> str:
    """``jit-`` and 16 hex digits of a hash of the files ``sources`` and numba's ``version``."""
    h = hashlib.sha256(version.encode())
    for path in sorted(set(sources)):
        h.update(Path(path).read_bytes())
    return "jit-" + h.hexdigest()[:16]


def cache_folder(sources: list[str], version: str) -> Path | None:
    """The folder for the machine code of functions from ``sources`` (see the module notes); None: no cache."""
    name = _name(sources, version)
    bases = []
    if os.environ.get("NUMBA_CACHE_DIR"):
        bases.append(Path(os.environ["NUMBA_CACHE_DIR"]) / "vetsim")
    bases.append(_PACKAGE / "__pycache__")
    home = os.environ.get("XDG_CACHE_HOME") or (os.path.join(os.path.expanduser("~"), ".cache")
                                                if os.path.isabs(os.path.expanduser("~")) else "")
    if home:
        bases.append(Path(home) / "vetsim")
    bases.append(Path(tempfile.gettempdir()) / f"vetsim-{os.getuid() if hasattr(os, 'getuid') else 'user'}")
    return next((base / name for base in bases if _writable(base / name)), None)


def _mark(folder: Path, sources: list[str], version: str) -> None:
    """Note in ``folder`` what its name hashes (the source files, numba's version, this environment), so that
    a later run can tell a folder of today's code (of another compiled function, or another install sharing
    the base) from one of code since edited; never raises."""
    marker = folder / _MARKER
    if marker.is_file():
        return
    try:
        atomic_write_text(marker, json.dumps({"sources": sorted(set(sources)), "numba": version, "prefix": sys.prefix}))
    except (OSError, VetsimError):
        return


def prune_stale(folder: Path, version: str, now: float | None = None) -> None:
    """Mark ``folder`` as used now and remove its stale siblings (see the module notes); never raises."""
    now = time.time() if now is None else now
    try:
        os.utime(folder, (now, now))  # in use: no other process prunes it for a while
        with os.scandir(folder.parent) as entries:
            old = [e for e in entries if e.name != folder.name and _unused(e, now - STALE_AFTER_S)]
    except OSError:
        return
    for entry in old:
        if _outdated(Path(entry.path), version):
            shutil.rmtree(entry.path, ignore_errors=True)  # refuses a symlink put in its place, follows none inside


def _unused(entry: os.DirEntry, cutoff: float) -> bool:
    """A real folder (not a symlink) named as :func:`cache_folder` names them, unchanged since ``cutoff``."""
    try:
        return (_FOLDER_NAME.fullmatch(entry.name) is not None and entry.is_dir(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff)
    except OSError:  # gone meanwhile
        return False


def _outdated(folder: Path, version: str) -> bool:
    """``folder``'s code is no one's today: no note of what it hashes, a source file edited or gone since, or
    numba upgraded in the environment that made it. A folder of unchanged code is kept, whoever uses it."""
    try:
        note = json.loads((folder / _MARKER).read_text(encoding="utf-8"))
        sources = [str(p) for p in note["sources"]]
        if (note["prefix"] == sys.prefix and note["numba"] != version) or \
                not all(p.endswith(".py") and os.path.isfile(p) for p in sources):
            return True
        return _name(sources, str(note["numba"])) != folder.name
    except (OSError, ValueError, TypeError, KeyError):  # no note, an unreadable one, or a source gone
        return True


def compiled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` compiled with numba (``nopython``, cached on disk), with the vetsim functions it calls."""
    if fn in _done:
        return _done[fn]
    import numba  # lazy: numba only where the engine runs (not on --help, validate or the estimate)

    order: dict[Callable, None] = {}
    _tree(fn, order)
    sources = [path for f in order for path in _sources(f)]
    folder = cache_folder(sources, numba.__version__)
    if folder is not None:
        _mark(folder, sources, numba.__version__)
        if folder.parent not in _pruned:  # once a base a process: the siblings of one base are all listed there
            _pruned.add(folder.parent)
            prune_stale(folder, numba.__version__)
    before = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(folder) if folder else ""  # numba's locator reads it when a function is wrapped
    try:
        for f in order:
            if f in _done:
                continue
            glob = dict(f.__globals__)
            glob.update({name: _done[c] for name, c in _callees(f).items()})
            clone = types.FunctionType(f.__code__, glob, f.__name__, f.__defaults__, f.__closure__)
            clone.__qualname__, clone.__module__, clone.__doc__ = f.__qualname__, f.__module__, f.__doc__
            _done[f] = numba.njit(cache=folder is not None)(clone)
    finally:
        numba.config.CACHE_DIR = before
    return _done[fn]
