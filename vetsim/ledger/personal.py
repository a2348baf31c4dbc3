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
  (32 random bytes, mode 0600) at ``$VETSIM_KEY`` or ``~/.config/vetsim/ledger.key``, and refused
  inside the project folder or the output folder, so it is never committed or shipped with outputs.
"""

from __future__ import annotations

import datetime as dt
import hmac
import operator
import os
import secrets
from pathlib import Path

from ..errors import VetsimError
from ..wording import tr

__all__ = ["LedgerKeyError", "check_digit", "normalise_id", "id_facts", "key_path", "check_key_location", "load_key",
           "pseudonym", "PROJECT_DIR"]

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
    from .records import SEXES  # the schema's values: male, female

    return int(id18[6:10]), (SEXES[0] if int(id18[16]) % 2 else SEXES[1])


def key_path() -> Path:
    """Where the key lives: ``$VETSIM_KEY`` or ``~/.config/vetsim/ledger.key``."""
    env = os.environ.get("VETSIM_KEY")
    return Path(env).expanduser() if env else Path.home() / ".config" / "vetsim" / "ledger.key"


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def check_key_location(path: Path | None = None, forbidden: tuple[Path, ...] = (),
                       ledgers: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Where the key is (``path`` or :func:`key_path`), refused inside the project or a ``forbidden`` folder
    (the output folder), by the one write rule (:func:`vetsim.files.check_write_location`: never in a
    scenario, region or data folder, at any depth or through symlinks), and beside one of ``ledgers``
    (in the folder of a ledger file). Called before any work, and again when the key is read or created."""
    from ..files import OutputPathError, check_write_location  # lazy: files is a leaf, this keeps start-up small

    p = key_path() if path is None else Path(path)
    shown = str(p)
    for folder, where in ((PROJECT_DIR, "ledger.key_where_project"),
                          *((f, "ledger.key_where_output") for f in forbidden)):
        if _inside(p, folder):
            raise LedgerKeyError(tr("ledger.key_inside", "zh", path=shown, where=tr(where, "zh")),
                                 tr("ledger.key_inside", "en", path=shown, where=tr(where, "en")))
    try:
        check_write_location(p, inputs=tuple(forbidden) + tuple(Path(f).expanduser().parent for f in ledgers if _beside(p, f)))
    except OutputPathError as err:
        raise LedgerKeyError(*(tr("ledger.key_location", lang, reason=err.user_message(lang))
                               for lang in ("zh", "en"))) from None
    return p


def _beside(key: Path, ledger: str | os.PathLike[str]) -> bool:
    """The key would lie in the folder of the ledger file ``ledger``."""
    try:
        return key.expanduser().resolve().parent == Path(ledger).expanduser().resolve().parent
    except (OSError, RuntimeError):
        return False


def load_key(path: Path | None = None, forbidden: tuple[Path, ...] = (),
             ledgers: tuple[str | os.PathLike[str], ...] = ()) -> bytes:
    """The secret key (created on first use, mode 0600); refused where :func:`check_key_location` refuses
    it, or when others can read it."""
    p = check_key_location(path, forbidden, ledgers)
    shown = str(p)
    try:
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
        if p.stat().st_mode & 0o077:
            raise LedgerKeyError.of("ledger.key_mode", path=shown)
        text = p.read_text(encoding="ascii", errors="replace").strip()
    except FileExistsError:  # another import created it at the same moment
        text = p.read_text(encoding="ascii", errors="replace").strip()
    except OSError as exc:
        raise LedgerKeyError.of("ledger.key_io", path=shown, detail=exc.strerror or type(exc).__name__) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise LedgerKeyError.of("ledger.key_bad", path=shown)
    return key


def pseudonym(key: bytes, what: str) -> str:
    """16 hex characters of HMAC-SHA256(key, what): ``what`` is "id:<ID>" or "nb:<name>|<birth date>"."""
    return hmac.digest(key, what.encode("utf-8"), "sha256").hex()[:16]
