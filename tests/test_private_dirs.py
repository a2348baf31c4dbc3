"""Logs and scratch space go to the user's own folder (issue 20 item 7, issue 21 item 5): never a fixed
name in the shared temp folder, never the working folder."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from vetsim.files import private_dir, user_cache_root
from vetsim.ui.safe import log_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_ui_log_is_in_the_users_cache_folder_mode_0700(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("VETSIM_UI_LOG", raising=False)
    log = log_path()
    assert log == tmp_path / "cache" / "vetsim" / "logs" / "vetsim-ui.log"
    assert _mode(log.parent) == 0o700 and _mode(log.parent.parent) == 0o700
    assert not str(log).startswith(tempfile.gettempdir() + os.sep + "vetsim-ui")
    monkeypatch.setenv("VETSIM_UI_LOG", str(tmp_path / "mine.log"))
    assert log_path() == tmp_path / "mine.log"


def test_a_cache_folder_that_cannot_be_made_falls_back_to_a_new_private_temp_folder(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    first, second = private_dir("logs"), private_dir("logs")
    assert first != second  # a fresh name each time, never a fixed shared one
    for folder in (first, second):
        assert folder.is_dir() and _mode(folder) == 0o700 and folder.parent == Path(tempfile.gettempdir())
        folder.rmdir()


def test_a_loose_mode_of_the_users_folder_is_tightened(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "vetsim" / "dask-scratch").mkdir(parents=True, mode=0o777)
    os.chmod(tmp_path / "vetsim" / "dask-scratch", 0o777)
    assert user_cache_root() == tmp_path / "vetsim"
    assert _mode(private_dir("dask-scratch")) == 0o700


def test_dask_scratch_space_is_the_users_private_folder(tmp_path, monkeypatch) -> None:
    import dask

    from vetsim.region.runner import local_cluster

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    with local_cluster(1) as client:
        dirs = client.run(lambda dask_worker: dask_worker.local_directory)
        seen = client.run(lambda: dask.config.get("temporary-directory"))
    scratch = tmp_path / "cache" / "vetsim" / "dask-scratch"
    assert dirs and all(str(d).startswith(str(scratch)) for d in dirs.values()), dirs
    assert all(str(v) == str(scratch) for v in seen.values()), seen
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]  # nothing in the working folder
