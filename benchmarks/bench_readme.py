"""The README's timing table, measured: every command of the table run as the README writes it.

Why one script: the README's timings were typed in by hand from different runs and contradicted each
other and later measurements. This script times each command of the table from a fresh process (in a
temporary folder laid out like a clone: ``data/`` and ``.venv/`` linked, ``out/`` empty, an empty
results cache), prints the machine (CPU model, cores, memory), the load average before and after each
command, its wall time and its CPU time (the children's rusage: the command and every worker process
it waited for), and writes the markdown table that goes into the README. ``--write-readme`` puts it
between the README's ``<!-- bench-readme:start -->`` and ``<!-- bench-readme:end -->`` lines.

    .venv/bin/python benchmarks/bench_readme.py [--only NAME ...] [--no-dashboard] [--make-test] [--write-readme]
    make bench-readme        # the same, niced, and --write-readme

The dashboard's first and later openings come from ``benchmarks/bench_dashboard.py`` (run by this
script with the scenario's own replications, as ``make dashboard`` serves it). ``make test`` is timed
only with ``--make-test`` (it runs the quick suite). Figures, not pass/fail; a busy machine reads
slower, which is why the load is printed beside each figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- bench-readme:start -->", "<!-- bench-readme:end -->"
VETSIM = ".venv/bin/vetsim"


@dataclass(frozen=True)
class Row:
    """One line of the README's table: a name (for ``--only``), what it times, the shell commands."""

    name: str
    what: str
    commands: tuple[str, ...]
    cwd_root: bool = False  # run in the checkout itself (make), not in the temporary clone layout


ROWS = (
    Row("help", f"`{VETSIM} --help`", (f"{VETSIM} --help",)),
    Row("validate", f"`{VETSIM} validate data/sample_county`", (f"{VETSIM} validate data/sample_county",)),
    Row("show", f"`{VETSIM} show data/sample_county`", (f"{VETSIM} show data/sample_county",)),
    Row("simulate", f"`{VETSIM} simulate data/sample_county --replications 20 --workers 2 --out out/sim`",
        (f"{VETSIM} simulate data/sample_county --replications 20 --workers 2 --out out/sim",)),
    Row("budget", f"`{VETSIM} budget data/sample_county --draws 1000 --xlsx out/budget.xlsx`",
        (f"{VETSIM} budget data/sample_county --draws 1000 --xlsx out/budget.xlsx",)),
    Row("report", f"`{VETSIM} report data/sample_county --compare data/proposal_more_staff --out brief.pdf`: "
                  "first time (empty results cache) / again (cached)",
        (f"{VETSIM} report data/sample_county --compare data/proposal_more_staff --out brief.pdf",) * 2),
    Row("staff", f"`{VETSIM} staff data/sample_county --out out/plan` / "
                 f"`{VETSIM} staff data/sample_county --headcount 226`",
        (f"{VETSIM} staff data/sample_county --out out/plan", f"{VETSIM} staff data/sample_county --headcount 226")),
    Row("sensitivity", f"`{VETSIM} sensitivity data/sample_county --out out/tornado.png` / `... --fiscal-only`",
        (f"{VETSIM} sensitivity data/sample_county --out out/tornado.png",
         f"{VETSIM} sensitivity data/sample_county --out out/tornado.png --fiscal-only")),
)
MAKE_TEST = Row("make-test", "`make test` (the quick suite: browser and statistical tests skipped; 2 workers)",
                ("make test",), cwd_root=True)


@dataclass(frozen=True)
class Timing:
    command: str
    wall_s: float
    cpu_s: float
    load_before: float
    load_after: float
    exit_code: int


def machine() -> str:
    """CPU model, cores, memory and system, in one line."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kib / 2**20:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    return f"{model}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _clone_layout(tmp: Path) -> dict[str, str]:
    """A folder laid out like a fresh clone (data/ and .venv/ linked, out/ made) and its environment."""
    for name in ("data", ".venv"):
        (tmp / name).symlink_to(ROOT / name)
    (tmp / "out").mkdir()
    env = dict(os.environ)
    env["VETSIM_CACHE"] = str(tmp / "cache")  # report's "first time" is a real first time
    env["PYTHONPATH"] = str(ROOT)  # the vetsim of this checkout, whatever the venv's editable install points to
    return env


def time_command(command: str, cwd: Path, env: dict[str, str], log) -> Timing:
    """Run ``command`` in a shell from a fresh process: wall and CPU seconds, load before and after."""
    load0 = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(command, shell=True, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(command, wall, cpu, load0, os.getloadavg()[0], proc.returncode)


def _seconds(s: float) -> str:
    return f"{s / 60:.1f} min" if s >= 120 else f"{s:.1f} s" if s < 10 else f"{s:.0f} s"


def _cell(timings: list[Timing]) -> tuple[str, str, str]:
    wall = " / ".join(_seconds(t.wall_s) for t in timings)
    cpu = " / ".join(_seconds(t.cpu_s) for t in timings)
    load = " / ".join(f"{t.load_before:.1f} → {t.load_after:.1f}" for t in timings)
    codes = {t.exit_code for t in timings}
    if codes - {0}:
        wall += " (exit " + " / ".join(str(t.exit_code) for t in timings) + ")"
    return wall, cpu, load


def _dashboard(log) -> tuple[str, str, str] | None:
    """First and later opening of the dashboard, from bench_dashboard.py: (wall cell, cpu cell, load cell)."""
    load0 = os.getloadavg()[0]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_dashboard.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    log.write(proc.stdout + proc.stderr)
    log.flush()
    cards = re.findall(r"KPI cards after\s+([\d.]+) s", proc.stdout)
    estimate = re.findall(r"estimate cards after\s+([\d.]+) s", proc.stdout)
    if proc.returncode != 0 or len(cards) < 2:
        print(f"  dashboard benchmark failed (exit {proc.returncode}); see the log", flush=True)
        return None
    first, later = (float(c) for c in cards[:2])
    est = f"{_seconds(float(estimate[0]))} (estimate) / " if estimate else "— (estimate) / "
    return f"{est}{_seconds(first)} / {_seconds(later)}", "—", f"{load0:.1f} → {os.getloadavg()[0]:.1f}"


_LOADS: list[float] = []  # every load average read during the run


def _load_note() -> str:
    """What the load average during the run means for the figures: a quiet machine or a shared one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if max(_LOADS, default=0.0) < cores:
        return (f"The machine was quiet (the load average, beside each figure, stayed below its {cores} cores): "
                "these are the figures of an otherwise idle computer of this size.")
    return ("The machine was shared with other jobs (load average beside each figure): with the load above the "
            "number of cores, wall time grows with the load and CPU time hardly does, so an ordinary office PC is "
            "usually faster.")


def table(lines: list[tuple[str, str, str, str]], header: str) -> str:
    out = [header, "", "| command | wall time | CPU time | load average before → after |", "|---|---|---|---|"]
    out += [f"| {what} | {wall} | {cpu} | {load} |" for what, wall, cpu, load in lines]
    return "\n".join(out)


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no {START} ... {END} lines")
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=[r.name for r in ROWS] + ["dashboard"], default=None,
                        help="time only these rows")
    parser.add_argument("--no-dashboard", action="store_true", help="leave out bench_dashboard.py")
    parser.add_argument("--make-test", action="store_true", help="also time `make test` (the quick suite)")
    parser.add_argument("--write-readme", action="store_true", help="replace the table between the README's markers")
    parser.add_argument("--log", default=None, help="the commands' own output (default: a file in the temp folder)")
    args = parser.parse_args()
    if args.write_readme and args.only:
        parser.error("--write-readme writes the whole table: leave out --only")
    rows = [r for r in ROWS if args.only is None or r.name in args.only] + ([MAKE_TEST] if args.make_test else [])
    started = dt.datetime.now().astimezone()
    print(f"machine: {machine()}", flush=True)
    lines: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="vetsim-bench-readme-") as tmp:
        log_path = Path(args.log) if args.log else Path(tmp) / "commands.log"
        env = _clone_layout(Path(tmp))
        with open(log_path, "a", encoding="utf-8") as log:
            for row in rows:
                timings = []
                for command in row.commands:
                    log.write(f"\n$ {command}\n")
                    log.flush()
                    t = time_command(command, ROOT if row.cwd_root else Path(tmp), env, log)
                    print(f"  {command}: {t.wall_s:.1f} s wall, {t.cpu_s:.1f} s CPU, exit {t.exit_code}, "
                          f"load {t.load_before:.2f} → {t.load_after:.2f}", flush=True)
                    timings.append(t)
                    _LOADS.extend((t.load_before, t.load_after))
                lines.append((row.what, *_cell(timings)))
            if not args.no_dashboard and (args.only is None or "dashboard" in args.only):
                dash = _dashboard(log)
                if dash is not None:
                    print(f"  dashboard: {dash[0]}, load {dash[2]}", flush=True)
                    lines.append(("dashboard page until the KPI cards show (`benchmarks/bench_dashboard.py`, at most the "
                                  "scenario's replications): first opening of a scenario pair, the instant estimate's "
                                  "cards / the simulated cards; later opening", *dash))
    header = (f"Measured by `make bench-readme` (`benchmarks/bench_readme.py`) on {started:%Y-%m-%d}: {machine()}. "
              "Each command ran as written here, from a fresh process, in a clone layout with an empty results "
              "cache; CPU time counts the command and its worker processes. " + _load_note())
    text = table(lines, header)
    print("\n" + text)
    if args.write_readme:
        write_readme(text)
        print(f"\nwritten into {README}")


if __name__ == "__main__":
    main()
