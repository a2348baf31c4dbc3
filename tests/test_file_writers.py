"""One atomic writer (issue 14, item 3): every file vetsim writes goes through ``vetsim/files.py``.

Guards: a scan of the package finds no file written another way (``open(..., "w")``, ``to_csv(path)``,
``savefig(path)``, ``write_text``, temp files ...) outside ``files.py``, except inside an
``atomic_folder`` block (whose files ``files.py`` fsyncs and gives ordinary permissions) and a short
list of reasoned exceptions; files of every writer are 0644 under umask 022; a failed write leaves
neither a temp file nor a changed target.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

import vetsim
from vetsim.files import atomic_folder, atomic_write, atomic_write_text

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "vetsim"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# attribute calls that write a file when given a path
WRITERS = {"write_text", "write_bytes", "to_csv", "to_excel", "to_parquet", "to_json", "to_pickle", "savefig",
           "NamedTemporaryFile", "mkstemp", "mkdtemp", "TemporaryDirectory", "os.replace", "os.rename", "shutil.move",
           "shutil.copyfile", "shutil.copy"}
# (module, call) -> why it may stay
ALLOWED = {
    ("vetsim/ui/voila.py", "open"): "the Voila server's log: a stream a child process appends to, not an output",
    ("vetsim/cache.py", "mkdtemp"): "scratch folder of the cache; the entry in it is written by atomic_folder",
    ("vetsim/ui/voila_app.py", "mkdtemp"): "Voila's own kernel-connection folder, made as Voila's start makes it",
    ("vetsim/cache.py", "os.replace"): "publishes a finished atomic_folder entry; the first process to finish wins",
    ("vetsim/commands/budget_run.py", "to_excel"): "dispatch by name to Budget.to_excel / to_csv (files.atomic_write)",
    ("vetsim/commands/budget_run.py", "to_csv"): "dispatch by name to Budget.to_excel / to_csv (files.atomic_write)",
    ("vetsim/commands/simulate_run.py", "to_parquet"): "Results.to_parquet, written with files.atomic_folder",
    ("vetsim/cache.py", "to_parquet"): "Results.to_parquet, written with files.atomic_folder",
    ("vetsim/backtest/report.py", "savefig"): "PdfPages over the file handle of files.atomic_write (multi-page PDF report)",
    ("vetsim/brief/brief.py", "savefig"): "PdfPages into an in-memory buffer (two-page brief); Brief.save writes it atomically",
    ("vetsim/bulletin/pdf.py", "savefig"): "PdfPages over the file handle of files.atomic_write (multi-page bulletin)",
}
# these names are vetsim's own writers that go through files.py
OWN = {("vetsim/fiscal/budget.py", "to_excel"), ("vetsim/fiscal/budget.py", "to_csv")}


def _writes(path: Path) -> list[tuple[int, str]]:
    """(line, call) of every call in ``path`` that may write a file, outside ``with atomic_folder`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    safe: set[int] = set()
    for node in ast.walk(tree):  # calls inside `with atomic_folder(...) as tmp:` write into files.py's temp folder
        if isinstance(node, ast.With) and any(
                isinstance(i.context_expr, ast.Call) and getattr(i.context_expr.func, "id", "") == "atomic_folder"
                for i in node.items):
            safe |= {id(n) for b in node.body for n in ast.walk(b)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in safe:
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in {"os", "shutil"}:
            name = f"{f.value.id}.{f.attr}"
        if name == "open":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
                found.append((node.lineno, name))
        elif name in {"to_csv", "to_json", "to_excel", "to_parquet", "to_pickle"} and not node.args and not node.keywords:
            continue  # to_csv() returns the text: nothing is written
        elif name in {"to_csv", "to_json"} and not node.args and all(k.arg != "path_or_buf" for k in node.keywords):
            continue
        elif name in {"savefig", "to_parquet", "to_excel"} and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in {"fh", "buf", "xw"}:
            continue  # into a file handle (or an ExcelWriter over it) of files.atomic_write / files.written_bytes
        elif name in WRITERS:
            found.append((node.lineno, name))
    return found


def test_no_file_is_written_outside_files_py() -> None:
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "vetsim/files.py":
            continue
        for line, call in _writes(path):
            if (rel, call) not in ALLOWED and (rel, call) not in OWN:
                bad.append(f"{rel}:{line} {call}")
    assert bad == [], "write through vetsim.files (atomic_write*, atomic_folder, written_bytes):\n" + "\n".join(bad)


def test_the_scan_finds_a_plain_write(tmp_path) -> None:
    p = tmp_path / "m.py"
    p.write_text("from pathlib import Path\nPath('x').write_text('y')\nopen('z', 'w')\ndf.to_csv('a.csv')\n"
                 "with atomic_folder(o, 'k') as tmp:\n    (tmp / 'f').write_text('ok')\n", encoding="utf-8")
    assert [c for _l, c in _writes(p)] == ["write_text", "open", "to_csv"]


@pytest.fixture()
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_every_writer_gives_0644_under_umask_022(sample, tmp_path, umask022, monkeypatch) -> None:
    from charts_fakes import fake_budget, fake_pair

    from vetsim.brief import BriefInputs, make_brief
    from vetsim.charts import budget_by_tier
    from vetsim.charts.frame import save_figure
    from vetsim.ui.overlay import save_overlay
    from vetsim.work import site_costs

    b = vetsim.budget(sample)
    site = sample.sites_at("township")[0]
    files = [b.to_excel(tmp_path / "b.xlsx"), b.to_csv(tmp_path / "b.csv"),
             save_figure(budget_by_tier(b), tmp_path / "chart.png")]
    base, prop = fake_pair(sample, sample)
    brief = make_brief(BriefInputs(sample, base, site_costs(sample), fake_budget(sample), sample, prop,
                                   site_costs(sample)), "zh")
    files += [brief.save(tmp_path / "brief.html"), brief.save(tmp_path / "brief.svg")]
    files += [p for p in save_overlay(sample, {site.site_id: {"funded_staff": site.funded_staff + 1}},
                                                tmp_path / "proposal").iterdir()]
    # the results cache: an entry and its "done" marker
    import vetsim.cache as cache

    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    from vetsim.sim import simulate, star_network

    tiny = star_network(2, 2, volume_per_village=50, simulation={"days": 10})
    cache._store(tiny, 1, 7, simulate(tiny, replications=1, seed=7))
    files += [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(files) > 10
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {f.name: oct(0o644) for f in files}
    assert {oct(d.stat().st_mode & 0o777) for d in (tmp_path / "cache").rglob("*") if d.is_dir()} == {oct(0o755)}


def test_a_failed_write_leaves_no_temp_file_and_the_old_file(tmp_path) -> None:
    target = atomic_write_text(tmp_path / "out.txt", "old")

    def broken(fh) -> None:
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    with pytest.raises(RuntimeError):
        with atomic_folder(tmp_path / "folder", "test") as tmp:
            (tmp / "a.csv").write_text("x", encoding="utf-8")
            raise RuntimeError("interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
