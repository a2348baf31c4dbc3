"""The pseudonym key: refused in every place it would travel with inputs or outputs, refused unless it is
a regular file of a key's size, created only with a message saying where, read without blocking.

Each case must answer within 2 seconds (a FIFO once hung until killed, a 3 GB sparse file raised
MemoryError), and the scenario folder is never changed.
"""

from __future__ import annotations

import os
import shutil
import stat
import time

import pytest

from tests.ledger_support import ledger_key, rendered  # noqa: F401 - autouse fixture: the key in a scratch folder
from vetsim.cli import main
from vetsim.ledger import import_ledger
from vetsim.ledger.personal import LedgerKeyError, load_key
from vetsim.scenario import load_scenario


def _refused(capsys, match_zh: str, **kw) -> str:
    t = time.perf_counter()
    with pytest.raises(LedgerKeyError) as err:
        load_key(**kw)
    assert time.perf_counter() - t < 2
    zh = err.value.user_message("zh")
    assert match_zh in zh and "Traceback" not in zh and "Errno" not in zh
    return zh


@pytest.fixture()
def scenario_copy(tmp_path, sample_path):
    folder = tmp_path / "scn"
    shutil.copytree(sample_path, folder)
    return folder


@pytest.mark.parametrize("depth", ["key", "keys/key", "a/b/key"])
def test_a_key_inside_a_scenario_folder_is_refused_and_the_scenario_unchanged(scenario_copy, tmp_path, monkeypatch,
                                                                              capsys, depth):
    (tmp_path / "in").mkdir()
    _, r = rendered(load_scenario(scenario_copy), "visits", tmp_path / "in" / "v.csv", n=20)
    before = load_scenario(scenario_copy).hash()
    listing = sorted(p.relative_to(scenario_copy) for p in scenario_copy.rglob("*"))
    monkeypatch.setenv("VETSIM_KEY", str(scenario_copy / depth))
    _refused(capsys, "情景（或区域）文件夹")
    assert main(["ledger", "import", str(r.path), "--scenario", str(scenario_copy), "--out", str(tmp_path / "o")]) == 2
    assert "情景" in capsys.readouterr().err
    assert sorted(p.relative_to(scenario_copy) for p in scenario_copy.rglob("*")) == listing
    assert load_scenario(scenario_copy).hash() == before


def test_a_key_through_a_symlink_into_a_scenario_is_refused(scenario_copy, tmp_path, monkeypatch, capsys):
    link = tmp_path / "keys"
    link.symlink_to(scenario_copy, target_is_directory=True)
    monkeypatch.setenv("VETSIM_KEY", str(link / "ledger.key"))
    _refused(capsys, "情景")
    assert not (scenario_copy / "ledger.key").exists()


def test_a_key_beside_the_ledger_is_refused(sample, tmp_path, monkeypatch):
    _, r = rendered(sample, "visits", tmp_path / "v.csv", n=20)  # (its label uses the scratch key)
    monkeypatch.setenv("VETSIM_KEY", str(tmp_path / "ledger.key"))
    with pytest.raises(LedgerKeyError, match="ledger's folder"):
        import_ledger(r.path, sample)
    assert not (tmp_path / "ledger.key").exists()


def test_a_new_key_is_announced_with_its_place_and_private(tmp_path, monkeypatch, capsys):
    path = tmp_path / "not" / "yet" / "ledger.key"
    monkeypatch.setenv("VETSIM_KEY", str(path))
    key = load_key()
    err = capsys.readouterr().err
    assert str(path) in err and "已新建化名密钥" in err and "文件夹也已新建" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 32
    assert load_key() == key and capsys.readouterr().err == ""  # said once, when created


def test_a_fifo_is_refused_at_once(tmp_path, monkeypatch, capsys):
    fifo = tmp_path / "k.fifo"
    os.mkfifo(fifo, 0o600)
    monkeypatch.setenv("VETSIM_KEY", str(fifo))
    _refused(capsys, "不是普通文件")


def test_a_symlink_to_a_device_or_a_folder_is_refused(tmp_path, monkeypatch, capsys):
    for target in ("/dev/zero", str(tmp_path / "d")):
        (tmp_path / "d").mkdir(exist_ok=True)
        link = tmp_path / f"k{len(target)}"
        link.symlink_to(target)
        monkeypatch.setenv("VETSIM_KEY", str(link))
        _refused(capsys, "不是普通文件")


def test_a_3_gb_sparse_file_is_refused_without_reading_it(tmp_path, monkeypatch, capsys):
    big = tmp_path / "big.key"
    with open(big, "wb") as fh:
        fh.truncate(3 * 2 ** 30)
    os.chmod(big, 0o600)
    monkeypatch.setenv("VETSIM_KEY", str(big))
    zh = _refused(capsys, "不是密钥")
    assert "3221225472" in zh


@pytest.mark.parametrize("content", [b"", b"abc\n", b"0" * 63 + b"\n", b"0" * 200, b"z" * 64 + b"\n"])
def test_a_key_of_the_wrong_size_or_content_is_refused(tmp_path, monkeypatch, capsys, content):
    p = tmp_path / "k"
    p.write_bytes(content)
    os.chmod(p, 0o600)
    monkeypatch.setenv("VETSIM_KEY", str(p))
    _refused(capsys, "密钥文件")
