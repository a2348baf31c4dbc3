"""Bad-input corpus (issue 11, acceptance): every case ends in a Chinese message, no traceback, < 10 s, < 1 GB.

The cases are in ``tests/bad_input_cases.py`` (YAML, CSV, overlays, command-line arguments,
widget fields). They run in two worker subprocesses side by side (``tests/bad_input_worker.py``,
each runs its half of the cases one after another: starting Python per case would cost more
than the cases), started with ``RLIMIT_AS`` = 1 GB, so a case that needs more memory fails with
an internal error instead of taking the machine down; each case has a 10 s alarm and its time
is measured. The corpus runs once per test session even under xdist (a lock file in pytest's
shared temp folder); each case is then one parametrised test.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .bad_input_cases import CASES, Case

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_county"
WORKER = Path(__file__).with_name("bad_input_worker.py")
MEMORY_BYTES = 1 << 30
CASE_SECONDS = 10
PROCESSES = 2  # worker processes run side by side (one per core of the reference machine)
HAN = re.compile(r"[\u4e00-\u9fff]")
INTERNAL = "程序内部错误"


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _text(content: object, case_dir: Path) -> bytes:
    value = content() if callable(content) else content
    if isinstance(value, str):
        value = value.replace("{sample}", str(SAMPLE)).replace("{dir}", str(case_dir)).encode("utf-8")
    assert isinstance(value, bytes)
    return value


def _materialise(case: Case, root: Path) -> dict:
    case_dir = root / case.id
    for name, content in case.files.items():
        path = case_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_text(content, case_dir))
    case_dir.mkdir(parents=True, exist_ok=True)
    if case.setup is not None:
        case.setup(case_dir)
    if case.field is not None:
        return {"id": case.id, "field": list(case.field)}
    fill = lambda a: a.replace("{sample}", str(SAMPLE)).replace("{dir}", str(case_dir))  # noqa: E731
    return {"id": case.id, "argv": [fill(a) for a in case.argv], "env": {k: fill(v) for k, v in case.env.items()}}


def _run_all(root: Path) -> dict[str, dict]:
    """Every case, split over ``PROCESSES`` workers started side by side; results by case id."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MALLOC_ARENA_MAX": "2", "PYTHONPATH": str(ROOT),
           "VETSIM_KEY": str(root / "key" / "ledger.key")}  # the ledger cases' key: a scratch one, never the user's
    procs = []
    for n in range(PROCESSES):
        jobs = [_materialise(c, root / "cases") for c in CASES[n::PROCESSES]]
        spec = root / f"batch{n}.json"
        spec.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
        out = open(root / f"batch{n}.out", "w+", encoding="utf-8")
        err = open(root / f"batch{n}.err", "w+", encoding="utf-8")
        procs.append((subprocess.Popen([sys.executable, str(WORKER), str(spec)], stdout=out, stderr=err, env=env,
                                       preexec_fn=_limit_memory, cwd=root), out, err, len(jobs)))
    results: dict[str, dict] = {}
    for proc, out, err, n_jobs in procs:
        try:
            rc = proc.wait(timeout=60 + CASE_SECONDS * n_jobs)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        out.seek(0), err.seek(0)
        text = out.read()
        assert rc == 0 and text, f"a corpus worker failed (exit {rc}):\n{err.read()[-3000:]}"
        results.update({r["id"]: r for r in json.loads(text)})
        out.close(), err.close()
    return results


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by all xdist workers of this session (keyed by the corpus definition)."""
    key = hashlib.sha256((Path(__file__).with_name("bad_input_cases.py")).read_bytes()).hexdigest()[:12]
    root = tmp_path_factory.getbasetemp().parent / f"bad_input_corpus_{key}"
    root.mkdir(exist_ok=True)
    return root


def _results(root: Path) -> dict[str, dict]:
    """Results of the whole corpus: run by the first test that asks (under a lock), then read from disk."""
    done = root / "results.json"
    with open(root / "run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(json.dumps(_run_all(root), ensure_ascii=False), encoding="utf-8")
    return json.loads(done.read_text(encoding="utf-8"))


def test_corpus_is_large_and_varied():
    kinds = {c.id.split("-")[0] for c in CASES}
    assert len(CASES) >= 200 and {"yaml", "csv", "cli", "field", "overlay", "ledger", "key"} <= kinds


# an English fragment in a Chinese message: two English words in a row (a word holding a lower-case
# letter: "CSV UTF-8" and key names such as horizon_years pass), or a Python error name
ENGLISH = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*\b[ ,:'()]+\b[A-Za-z]*[a-z][A-Za-z]*\b|\w+Error\b")
PATHLIKE = re.compile(r"\S*[/\\.]\S*")


def english_fragment(text: str) -> str | None:
    """The first English fragment of ``text`` once paths and file names are left out, or None."""
    m = ENGLISH.search(PATHLIKE.sub(" ", text))
    return m.group() if m else None


def test_the_english_check_can_fail():
    assert english_fragment("sites.csv：CSV 格式错误：field larger than field limit (131072)") == "field larger"
    assert english_fragment("YAML 内容无法读取：ValueError: day is out of range").startswith("ValueError")
    assert english_fragment("d/scenario.yaml 第 2 行：“values”的日期“2027-02-30”不存在；另存为“CSV UTF-8”") is None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_a_message(case: Case, corpus_root: Path) -> None:
    r = _results(corpus_root)[case.id]
    output = r["stdout"] + r["stderr"]
    assert "Traceback" not in output, output
    assert INTERNAL not in output and r["rc"] not in ("timeout", "exception"), output
    assert r["seconds"] < CASE_SECONDS, f"{r['seconds']:.1f} s"
    assert r["peak_rss_mb"] < MEMORY_BYTES / 2**20
    if case.warn is not None:
        assert r["rc"] == 0 and case.warn in r["stderr"], output
    elif case.rc is not None:
        assert r["rc"] == case.rc, output
    else:
        assert r["rc"] not in (0, None), f"accepted: {output}"
        assert HAN.search(r["stderr"]), f"no Chinese message: {r['stderr']}"
    _check_wording(case, r["stderr"], output)


def _check_wording(case: Case, stderr: str, output: str) -> None:
    """What the message must name (``expect``), never show (``forbid``), and its language (``chinese_only``)."""
    for text in case.expect:
        assert text in stderr, f"{text!r} not named: {stderr}"
    leaked = [text for text in case.forbid if text in output]
    assert not leaked, f"{leaked} shown: {output}"
    if case.chinese_only:
        assert english_fragment(stderr) is None, f"English in the message: {stderr}"
