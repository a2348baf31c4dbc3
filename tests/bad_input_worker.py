"""Run a batch of bad-input cases in this process and print one JSON result per case (for the corpus test).

Why a worker: starting Python and importing vetsim takes about as long as most cases, so one
process (started by ``tests/test_bad_input_corpus.py`` with ``RLIMIT_AS`` of 1 GB) runs a batch
of cases one after another. Each case gets a 10 s alarm; its output is captured; anything that
escapes (a traceback) is printed into the captured error text, where the test looks for it.

Usage: ``python tests/bad_input_worker.py CASES.json`` (a list of
``{"id", "argv"}`` or ``{"id", "field": [collection, name, value]}``).
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

CASE_SECONDS = 10


class CaseTimeout(BaseException):
    """Raised by the alarm; a BaseException so that the CLI's last line of defence does not catch it."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise CaseTimeout()


def _field_spec(collection: str, name: str) -> Any:
    from vetsim import ui
    from vetsim.ui.staff import STAFF_FIELDS

    specs = {"budget": ui.BUDGET_FIELDS, "sim": ui.SIM_FIELDS, "dashboard": ui.DASHBOARD_FIELDS,
             "staff": tuple(STAFF_FIELDS.values()), "save": (ui.SAVE_FIELD,)}[collection]
    return next(s for s in specs if s.name == name)


def _run_field(collection: str, name: str, value: Any) -> int:
    from vetsim.ui.fields import InputError, read_field

    spec = _field_spec(collection, name)
    if isinstance(value, dict) and "float" in value:  # JSON has no nan/inf: {"float": "nan"}
        value = float(value["float"])
    try:
        read_field(spec, value)
    except InputError as err:
        print(err.user_message("zh"), file=sys.stderr)
        return 2
    print(f"accepted: {value!r}")
    return 0


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    from vetsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    rc: Any = None
    saved = {k: os.environ.get(k) for k in case.get("env", {})}
    os.environ.update(case.get("env", {}))
    start = time.perf_counter()
    signal.alarm(CASE_SECONDS)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                rc = _run_field(*case["field"]) if "field" in case else main(case["argv"])
            except SystemExit as exc:
                rc = exc.code
            except CaseTimeout:
                rc = "timeout"
            except BaseException:  # noqa: BLE001 - the test fails on the traceback printed here
                traceback.print_exc()
                rc = "exception"
    finally:
        signal.alarm(0)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    seconds = time.perf_counter() - start
    status = open("/proc/self/status", encoding="ascii").read()
    peak_kb = int(status.split("VmHWM:")[1].split()[0]) if "VmHWM:" in status else 0
    return {"id": case["id"], "rc": rc, "stdout": out.getvalue()[-4000:], "stderr": err.getvalue()[-4000:],
            "seconds": seconds, "peak_rss_mb": peak_kb / 1024}


def main() -> int:
    signal.signal(signal.SIGALRM, _alarm)
    import vetsim.cli  # noqa: F401 - import once, before the first case is timed
    import vetsim.ui.fields  # noqa: F401

    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = [run_case(c) for c in cases]
    sys.__stdout__.write(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
