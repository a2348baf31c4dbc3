"""Bad-input corpus (issue 11, acceptance): every case ends in a Chinese message, no traceback, < 10 s, < 1 GB.

The cases are in ``tests/bad_input_cases.py`` (YAML, CSV, overlays, command-line arguments,
widget fields). They run in batches, each batch in one subprocess (``tests/bad_input_worker.py``)
started with ``RLIMIT_AS`` = 1 GB, so a case that needs more memory fails with an internal error
instead of taking the machine down; each case has a 10 s alarm and its time is measured. A batch
runs once per test session even under xdist (a lock file in pytest's shared temp folder).
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
BATCH = 12
HAN = re.compile(r"[\u4e00-\u9fff]")
INTERNAL = "程序内部错误"

BATCHES = [CASES[i:i + BATCH] for i in range(0, len(CASES), BATCH)]
BATCH_OF = {c.id: n for n, batch in enumerate(BATCHES) for c in batch}


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
    if case.field is not None:
        return {"id": case.id, "field": list(case.field)}
    argv = [a.replace("{sample}", str(SAMPLE)).replace("{dir}", str(case_dir)) for a in case.argv]
    return {"id": case.id, "argv": argv}


def _run_batch(n: int, root: Path) -> dict[str, dict]:
    jobs = [_materialise(c, root) for c in BATCHES[n]]
    spec = root / f"batch{n}.json"
    spec.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MALLOC_ARENA_MAX": "2", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(WORKER), str(spec)], capture_output=True, text=True, env=env,
                          preexec_fn=_limit_memory, timeout=30 + CASE_SECONDS * len(jobs), cwd=root)
    assert proc.returncode == 0, f"worker of batch {n} failed:\n{proc.stderr[-3000:]}"
    return {r["id"]: r for r in json.loads(proc.stdout)}


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by all xdist workers of this session (keyed by the corpus definition)."""
    key = hashlib.sha256((Path(__file__).with_name("bad_input_cases.py")).read_bytes()).hexdigest()[:12]
    root = tmp_path_factory.getbasetemp().parent / f"bad_input_corpus_{key}"
    root.mkdir(exist_ok=True)
    return root


def _batch_results(n: int, root: Path) -> dict[str, dict]:
    done = root / f"batch{n}.result.json"
    with open(root / f"batch{n}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            results = _run_batch(n, root / f"batch{n}")
            done.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def test_corpus_is_large_and_varied():
    kinds = {c.id.split("-")[0] for c in CASES}
    assert len(CASES) >= 100 and {"yaml", "csv", "cli", "field", "overlay"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_a_message(case: Case, corpus_root: Path) -> None:
    n = BATCH_OF[case.id]
    root = corpus_root / f"batch{n}"
    root.mkdir(exist_ok=True)
    r = _batch_results(n, corpus_root)[case.id]
    output = r["stdout"] + r["stderr"]
    assert "Traceback" not in output, output
    assert INTERNAL not in output and r["rc"] not in ("timeout", "exception"), output
    assert r["seconds"] < CASE_SECONDS, f"{r['seconds']:.1f} s"
    assert r["peak_rss_mb"] < MEMORY_BYTES / 2**20
    if case.warn is not None:
        assert r["rc"] == 0 and case.warn in r["stderr"], output
    else:
        assert r["rc"] not in (0, None), f"accepted: {output}"
        assert HAN.search(r["stderr"]), f"no Chinese message: {r['stderr']}"
