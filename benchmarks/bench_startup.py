"""Fixed costs before and after issue 25: ``vetsim --help``, ``import vetsim`` and ``vetsim staff``.

Run: ``.venv/bin/python benchmarks/bench_startup.py [--old REF] [--repeat 5] [--no-staff]``.

The old code is commit ``REF`` (default: where this branch left ``main``: ``git merge-base HEAD main``),
taken from git into a temporary folder (``git archive``) and run by the same Python with that folder
first on the path; the new code is this checkout. Each figure is from fresh processes: the median of
``--repeat`` runs for ``--help`` and ``import vetsim`` (wall and CPU seconds), one run of ``vetsim staff
data/sample_county`` for each (an empty results cache each), and for the new code a second ``staff`` run
that reads the confirmation's runs from the cache; ``staff`` must print the same text each time. Prints the machine, its load before each figure, and
which heavy modules (matplotlib, pandas, scipy.stats) ``--help`` loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "pandas", "scipy.stats")
CLI = "import sys; from vetsim.cli import main; sys.exit(main())"
PROBE = ("import json, sys; sys.argv = ['vetsim', '--help']; from vetsim.cli import main; main(); "  # noqa: UP031 - a code template: its own braces stay as they are
         "print('PROBE', json.dumps(sorted({h for h in %r for n in sys.modules if n == h or n.startswith(h + '.')})))"
         % (HEAVY,))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(code: str, tree: Path, *args: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, stdout) of ``python -c code args`` run in ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=tree, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tree), **(env or {})}, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode not in (0, 1):
        raise SystemExit(f"failed in {tree}: {out.stderr[-2000:]}")
    return wall, cpu, out.stdout


def median_of(n: int, code: str, tree: Path, *args: str) -> tuple[float, float]:
    runs = [timed(code, tree, *args)[:2] for _ in range(n)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def old_tree(ref: str, into: Path) -> Path:
    """Commit ``ref`` of this repository, unpacked into ``into`` (nothing in the checkout changes)."""
    archive = into / "old.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=f, check=True)
    tree = into / "old"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def measure(name: str, tree: Path, repeat: int, staff: bool, warm: bool) -> dict[str, object]:
    found = timed("import vetsim; print(vetsim.__file__)", tree)[2].strip()
    assert found.startswith(str(tree)), f"{name}: imported {found}, not the code in {tree}"
    heavy = json.loads(timed(PROBE, tree)[2].split("PROBE ", 1)[1])
    row: dict[str, object] = {"code": name, "help_loads": heavy}
    print(f"[{name}] load {load()}: vetsim --help ...", flush=True)
    row["help"] = median_of(repeat, CLI, tree, "--help")
    row["import"] = median_of(repeat, "import vetsim", tree)
    if staff:
        with tempfile.TemporaryDirectory(prefix="vetsim-bench-cache-") as cache:
            env = {"VETSIM_CACHE": cache}
            print(f"[{name}] load {load()}: vetsim staff (empty cache) ...", flush=True)
            wall, cpu, row["staff_out"] = timed(CLI, tree, "staff", "data/sample_county", env=env)
            row["staff"] = (wall, cpu)
            if warm:
                print(f"[{name}] load {load()}: vetsim staff (cached runs) ...", flush=True)
                wall, cpu, again = timed(CLI, tree, "staff", "data/sample_county", env=env)
                row["staff_warm"] = (wall, cpu)
                row["staff_warm_same"] = again == row["staff_out"]
    return row


def fmt(pair: object) -> str:
    return "—" if pair is None else f"{pair[0]:.2f} s wall, {pair[1]:.2f} s CPU"  # type: ignore[index]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default=None, help="commit of the old code (default: git merge-base HEAD main)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-staff", action="store_true", help="skip the two `vetsim staff` runs (about a minute each)")
    args = ap.parse_args()
    ref = args.old or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], capture_output=True,
                                     text=True, check=True).stdout.strip()
    print(f"machine: {machine()}; load average at start {load()}")
    with tempfile.TemporaryDirectory(prefix="vetsim-bench-old-") as tmp:
        old = measure(f"old {ref[:7]}", old_tree(ref, Path(tmp)), args.repeat, not args.no_staff, warm=False)
        new = measure("new (this checkout)", ROOT, args.repeat, not args.no_staff, warm=True)
    print(f"\nload average at the end {load()}")
    for key, label in (("help", f"vetsim --help (median of {args.repeat})"),
                       ("import", f"import vetsim (median of {args.repeat})"),
                       ("staff", "vetsim staff data/sample_county, empty cache"),
                       ("staff_warm", "vetsim staff again, runs read from the cache")):
        print(f"{label:48s} old: {fmt(old.get(key)):30s} new: {fmt(new.get(key))}")
    if "staff_out" in new:
        print(f"vetsim staff prints the same plan and confirmation, old and new: {old['staff_out'] == new['staff_out']}; "
              f"new, from the cache: {new['staff_warm_same']}")
    for row in (old, new):
        print(f"{row['code']}: --help loaded {', '.join(row['help_loads']) or 'none of ' + ', '.join(HEAVY)}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
