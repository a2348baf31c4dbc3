"""Personal data at the import step: ID number checks, the local key, keyed pseudonyms.

Why here and only here: ledgers hold names, ID numbers (身份证号), phone numbers and addresses. The
import keeps of a person only what planning needs (a pseudonym that links repeat visits, the birth
year band and the sex) and drops the rest while reading; nothing personal leaves this module.

* ID numbers (GB 11643-1999): 18 characters, 17 digits and a check character (0-9 or X) computed
  with the ISO 7064 MOD 11-2 weights; the embedded birth date must be a real date. Old 15-digit
  numbers (before 1999) are converted (century 19 inserted, check character added).
* The pseudonym is HMAC-SHA256 of the normalised 18-digit ID with a local secret key (16 hex
  characters kept). Without the key a pseudonym cannot be turned back into an ID by trying all
  IDs (a plain hash could: there are only ~10^10 plausible IDs). The key is created on first use
  (32 random bytes, mode 0600, with a message saying where) at ``$VETSIM_KEY`` or
  ``~/.config/vetsim/ledger.key``, and refused inside the project, any scenario folder, the output
  folder or the ledger's folder (so it is never committed, shipped with outputs or mailed with the
  ledger), and unless it is a regular file of a key's size (read without blocking, bounded).
* File and sheet names are never kept (staff name them after the person): a file is named by its
  keyed label (:func:`file_label`), a sheet by its place (:func:`sheet_label`); :class:`Scrubber`
  removes ID and phone patterns and the names met from every text the import keeps or prints.
"""

from __future__ import annotations

import datetime as dt
import hmac
import operator
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import VetsimError
from ..files import OutputPathError, check_write_location, os_cause
from ..wording import tr
from .records import SEXES

__all__ = ["LedgerKeyError", "check_digit", "normalise_id", "id_facts", "key_path", "check_key_location", "load_key",
           "pseudonym", "PROJECT_DIR", "file_label", "sheet_label", "Scrubber", "REDACTED"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
PROJECT_DIR = Path(__file__).resolve().parents[2]  # the checkout holding the vetsim package


class LedgerKeyError(VetsimError):
    """The pseudonym key cannot be used (inside the project or output folder, readable by others, damaged)."""


def check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _CHECK[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def _birth(digits8: str) -> dt.date | None:
    try:
        return dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def normalise_id(text: str) -> tuple[str | None, bool]:
    """(18-character ID, was_old_15) when ``text`` (already NFKC-normalised, no spaces) is a valid ID,
    else (None, False). Lower-case x is accepted as X."""
    t = text.upper()
    if len(t) == 15 and t.isdigit():
        born = _birth("19" + t[6:12])
        if born is None:
            return None, False
        body = t[:6] + "19" + t[6:]
        return body + check_digit(body), True
    if len(t) != 18 or not t[:17].isdigit() or not (t[17].isdigit() or t[17] == "X"):
        return None, False
    if check_digit(t[:17]) != t[17] or _birth(t[6:14]) is None:
        return None, False
    return t, False


def id_facts(id18: str) -> tuple[int, str]:
    """(birth year, sex "男"/"女") of a valid 18-character ID (17th digit odd: male)."""
    return int(id18[6:10]), (SEXES[0] if int(id18[16]) % 2 else SEXES[1])


def key_path() -> Path:
    """Where the key lives: ``$VETSIM_KEY`` or ``~/.config/vetsim/ledger.key``."""
    env = os.environ.get("VETSIM_KEY")
    return Path(env).expanduser() if env else Path.home() / ".config" / "vetsim" / "ledger.key"


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


_KEY_SIZES = (64, 65, 66)  # 64 hex characters, with or without a line end (LF or CRLF)


def _scenario_above(p: Path) -> Path | None:
    """The nearest folder above ``p`` (the real place, symlinks followed) that is a scenario or region folder."""
    try:
        real = p.resolve()
    except (OSError, RuntimeError):
        return None
    for folder in real.parents:
        if (folder / "scenario.yaml").exists() or (folder / "region.yaml").exists():
            return folder
    return None


def _refuse_place(p: Path, forbidden: tuple[Path, ...], ledger: Path | None) -> None:
    """The key must not lie where it would travel with the project, a scenario, an output or the ledger."""
    places = [(PROJECT_DIR, "ledger.key_where_project"), *((f, "ledger.key_where_output") for f in forbidden)]
    if ledger is not None:
        places.append((ledger.parent, "ledger.key_where_ledger"))
    scenario = _scenario_above(p)
    if scenario is not None:
        places.append((scenario, "ledger.key_where_scenario"))
    for folder, where in places:
        if _inside(p, folder):
            raise LedgerKeyError(tr("ledger.key_inside", "zh", path=str(p), where=tr(where, "zh")),
                                 tr("ledger.key_inside", "en", path=str(p), where=tr(where, "en")))


def _create_key(p: Path) -> None:
    """Write a new key (32 random bytes as hex, mode 0600) and say where, on standard error."""
    made = not p.parent.exists()
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    os.chmod(p, 0o600)  # whatever the umask
    print(tr("ledger.key_created", "zh", path=str(p)) + (tr("ledger.key_created_folder", "zh") if made else ""),
          file=sys.stderr)


def _read_key(p: Path) -> str:
    """The key file's text, read without blocking (a FIFO or device never hangs) and bounded (at most 66 bytes)."""
    fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LedgerKeyError.of("ledger.key_not_file", path=str(p))
        if st.st_size not in _KEY_SIZES:
            raise LedgerKeyError.of("ledger.key_size", path=str(p), size=st.st_size)
        if st.st_mode & 0o077:
            raise LedgerKeyError.of("ledger.key_mode", path=str(p))
        return os.read(fd, max(_KEY_SIZES) + 1).decode("ascii", errors="replace").strip()
    finally:
        os.close(fd)


def check_key_location(path: Path | None = None, forbidden: tuple[Path, ...] = (),
                       ledgers: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Where the key is (``path`` or :func:`key_path`), refused inside the project, a scenario or region
    folder, a ``forbidden`` folder (the output folder) or the folder of one of ``ledgers``, and by the one
    write rule (:func:`vetsim.files.check_write_location`: never in a scenario, region or data folder, at
    any depth or through symlinks). Called before any work, and again when the key is read or created."""
    p = key_path() if path is None else Path(path)
    for ledger in ledgers or (None,):
        _refuse_place(p, forbidden, None if ledger is None else Path(ledger).expanduser())
    try:
        check_write_location(p, inputs=tuple(forbidden))
    except OutputPathError as err:
        raise LedgerKeyError(*(tr("ledger.key_location", lang, reason=err.user_message(lang))
                               for lang in ("zh", "en"))) from None
    return p


def load_key(path: Path | None = None, forbidden: tuple[Path, ...] = (), ledger: Path | None = None) -> bytes:
    """The secret key (created on first use, with a message saying where, mode 0600).

    Refused where :func:`check_key_location` refuses it (the project, any scenario or region folder, a
    data folder, a ``forbidden`` folder such as the output, the folder of the ``ledger`` file); anything
    but a regular file of 64 hex characters (a FIFO, a device, a folder, a file of another size); a key
    others can read. Each case answers at once: the file is opened without blocking, checked with
    ``fstat`` and read with a bounded read."""
    p = check_key_location(path, forbidden, () if ledger is None else (ledger,))
    shown = str(p)
    try:
        if not os.path.lexists(p):
            try:
                _create_key(p)
            except FileExistsError:  # another import created it at the same moment
                pass
        text = _read_key(p)
    except OSError as exc:
        raise LedgerKeyError(*(tr("ledger.key_io", lang, path=shown, detail=os_cause(exc, lang))
                               for lang in ("zh", "en"))) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise LedgerKeyError.of("ledger.key_bad", path=shown)
    return key


def pseudonym(key: bytes, what: str) -> str:
    """16 hex characters of HMAC-SHA256(key, what): ``what`` is "id:<ID>", "nb:<name>|<birth date>" or
    "file:<file name>"."""
    return hmac.digest(key, what.encode("utf-8"), "sha256").hex()[:16]


_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o: a label read aloud or copied by hand stays unambiguous


def file_label(key: bytes, name: str) -> str:
    """How records, problems, summaries and messages name a ledger file: ``ledger-<8 letters>.<suffix>``.

    Staff name workbooks after the person (``<name>_<ID>_<phone>.xlsx``), so the file name is never
    kept: its keyed pseudonym is (the same file name gives the same label under the same key, so
    records of two imports stay apart and stable; without the key the name cannot be recovered).
    """
    suffix = Path(name).suffix.lower()
    digest = hmac.digest(key, ("file:" + name).encode("utf-8"), "sha256")
    code = "".join(_LETTERS[b % len(_LETTERS)] for b in digest[:8])  # letters only: never read as a number
    return f"ledger-{code}{suffix if suffix in _SUFFIXES else ''}"


def sheet_label(n: int, lang: str = "zh") -> str:
    """The neutral name of the ``n``-th sheet (1-based, Excel's tab order): "工作表 1"; "" for a CSV (n = 0).

    A sheet's own name may be a person's (``<name><ID tail>``) and is never kept."""
    return tr("ledger.sheet_label", lang, n=n) if n else ""


REDACTED = "***"
# what a personal value looks like wherever text is kept: an ID number (18 or 15 characters), a mobile
# or landline phone number, and any run of 9 or more digits (part of an ID or a phone number)
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])"
                       r"|(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"
                       r"|(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"
                       r"|\d{9,}")
_DIGESTS = frozenset({"record_id", "person"})
_HEX = re.compile(r"[0-9a-f]{16,64}")  # a pseudonym, record id or hash: not personal, kept as it is


class Scrubber:
    """Replaces personal values in any text kept or shown by the import: ID and phone patterns, and the
    names and ID numbers met in the ledger's own personal columns (collected with :meth:`learn`).

    The same scan runs over every text field of the records, the problem list, the summary and the
    printed lines (:meth:`text`, :meth:`frame`, :meth:`tree`), so a person's name or number that reached
    a column header, a scenario name or a mapping path is removed too."""

    def __init__(self) -> None:
        self.known: set[str] = set()
        self._re: re.Pattern[str] | None = None
        self._done: dict[str, str] = {}  # messages repeat: each distinct text is scanned once

    def learn(self, values: Iterable[Any]) -> None:
        """Remember the personal values met (names, ID numbers): texts of 2 or more characters."""
        new = {v for v in (str(x).strip() for x in values if x is not None) if len(v) >= 2} - self.known
        if new:
            self.known |= new
            self._re = None
            self._done.clear()

    def _known(self) -> re.Pattern[str] | None:
        if self._re is None and self.known:
            self._re = re.compile("|".join(map(re.escape, sorted(self.known, key=len, reverse=True))))
        return self._re

    def text(self, value: str) -> str:
        """``value`` with every personal value replaced by ``***``."""
        if not value or (_HEX.fullmatch(value) and not value.isdigit()):
            return value
        done = self._done.get(value)
        if done is None:
            done = _PERSONAL.sub(REDACTED, value)
            known = self._known()
            done = known.sub(REDACTED, done) if known is not None else done
            if len(self._done) < 100_000:
                self._done[value] = done
        return done

    def tree(self, value: Any) -> Any:
        """A JSON-like value (dicts, lists, texts) with every text scrubbed (keys too)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.tree(k): self.tree(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.tree(v) for v in value)
        return value

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with every text column scrubbed (each distinct value once); the keyed pseudonyms and
        record ids (hex digests, which may be all digits by chance) are left as they are."""
        for c in df.columns:
            if (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])) and c not in _DIGESTS:
                uniq = pd.unique(df[c])
                fixed = {u: self.text(u) for u in uniq if isinstance(u, str)}
                if any(k != v for k, v in fixed.items()):
                    df[c] = df[c].map(lambda v, fixed=fixed: fixed.get(v, v) if isinstance(v, str) else v)
        return df
