"""Every writer on a full file system and with a name of 300 bytes: one Chinese sentence naming the place
and the cause, exit code 2 (input refused), no traceback, nothing half-written left behind.

The full file system is real where it can be: a 256 KiB tmpfs, mounted for the test and filled to the
last block (needs root and ``mount``). Elsewhere the disk fills in ``vetsim.files`` itself: the temp
file's writer and the folder's final flush raise ENOSPC, which is what the kernel would do.
"""

from __future__ import annotations

import errno
import os
import subprocess
import uuid

import pytest

from tests.ledger_support import ledger_key, rendered  # noqa: F401 - autouse fixture: the key in a scratch folder
from tests.patch_support import patch_everywhere
from vetsim import files
from vetsim.cli import main

LONG = "长" * 100  # 300 bytes in UTF-8: above the 255 of ext4, XFS, tmpfs


def _enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullWriter:
    """A file handle whose writes fail as on a full disk (for machines where no tmpfs can be mounted)."""

    def __init__(self, fd: int):
        self.fh = os.fdopen(fd, "wb")

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def write(self, data):
        return _enospc() if len(data) else 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


@pytest.fixture()
def full_dir(tmp_path, monkeypatch):
    """A folder on a file system with no free byte left."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
                                                   capture_output=True).returncode == 0
    if mounted:
        try:
            with open(mnt / "filler", "wb") as fh:
                while True:
                    fh.write(b"\0" * 4096)
                    fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    else:  # only writes under ``mnt`` fail (the results cache elsewhere still works)
        real_open, real_fsync = files._open_temp, files._fsync_path

        def open_temp(fd):
            full = os.readlink(f"/proc/self/fd/{fd}").startswith(str(mnt))
            return _FullWriter(fd) if full else real_open(fd)

        def fsync(path):
            return _enospc() if str(path).startswith(str(mnt)) else real_fsync(path)

        monkeypatch.setattr(files, "_open_temp", open_temp)
        monkeypatch.setattr(files, "_fsync_path", fsync)
    yield mnt
    if mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _writers(sample_path, ledger, out):
    s = str(sample_path)
    return {
        "budget --xlsx": ["budget", s, "--xlsx", f"{out}.xlsx"],
        "budget --csv": ["budget", s, "--csv", f"{out}.csv"],
        "tasks --excel": ["tasks", s, "--excel", f"{out}.xlsx", "--replications", "2"],
        "simulate --out": ["simulate", s, "--out", str(out), "--replications", "2"],
        "ledger import": ["ledger", "import", str(ledger), "--scenario", s, "--out", str(out)],
        "report --out": ["report", s, "--out", f"{out}.pdf", "--replications", "2", "--draws", "0"],
    }


WRITERS = ["budget --xlsx", "budget --csv", "tasks --excel", "simulate --out", "ledger import", "report --out"]


def _check(capsys, code, cause_zh):
    cap = capsys.readouterr()
    err = cap.err
    assert code == 2, err
    for bad in ("Traceback", "Exception ignored", "内部错误", "Errno", "OSError", "No space"):
        assert bad not in err, err
    assert cause_zh in err
    return err


@pytest.fixture()
def ledger(sample, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledger")
    return rendered(sample, "visits", folder / "v.csv", n=40)[1].path


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_on_a_full_disk(writer, sample_path, ledger, full_dir, capsys):
    out = full_dir / f"out-{uuid.uuid4().hex[:6]}"
    before = sorted(os.listdir(full_dir))
    err = _check(capsys, main(_writers(sample_path, ledger, out)[writer]), "磁盘空间不足")
    assert full_dir.name in err  # the folder is named
    assert sorted(os.listdir(full_dir)) == before  # no partial file, no temp sibling


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_with_a_name_of_300_bytes(writer, sample_path, ledger, tmp_path, capsys, monkeypatch):
    def no_work(*_a, **_k):
        raise AssertionError("work started before the name was checked")

    patch_everywhere(monkeypatch, "vetsim.sim", "simulate", no_work)
    out = tmp_path / LONG
    err = _check(capsys, main(_writers(sample_path, ledger, out)[writer]), "文件名过长")
    assert "255" in err and os.listdir(tmp_path) == [] or set(os.listdir(tmp_path)) <= {"ledger"}


def test_other_causes_are_named_in_chinese(tmp_path):
    for code, zh in [(errno.EROFS, "只读"), (errno.EACCES, "没有访问权限"), (errno.ENOTDIR, "不是文件夹"),
                     (errno.ENAMETOOLONG, "文件名过长"), (errno.ENOSPC, "磁盘空间不足"), (errno.EXDEV, "EXDEV")]:
        e = files.write_error(OSError(code, os.strerror(code)), tmp_path / "x" / "y.csv")
        assert zh in e.user_message("zh") and "x" in e.user_message("zh") and os.strerror(code) not in e.user_message("zh")
    assert "磁盘空间不足" in files.os_cause(OSError("IOError: [Errno 28] No space left on device"))  # pyarrow's form


def test_a_read_only_folder_and_a_file_as_folder(tmp_path, sample_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["budget", str(sample_path), "--csv", str(blocker / "b.csv")]) == 2
    assert "不是文件夹" in capsys.readouterr().err


def test_a_read_only_file_system_is_named(tmp_path, sample_path, capsys):
    """A read-only mount (a write-protected USB stick): the cause said, nothing else tried."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        e = files.write_error(OSError(errno.EROFS, os.strerror(errno.EROFS)), mnt / "b.csv")
        assert "只读" in e.user_message("zh")
        return
    try:
        code = main(["budget", str(sample_path), "--csv", str(mnt / "b.csv")])
        err = _check(capsys, code, "只读")
        assert "ro" in err and os.listdir(mnt) == []
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
