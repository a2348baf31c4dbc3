"""Serve a notebook as a web app with Voilà on the loopback interface, code cells hidden.

Used by ``make dashboard`` (``python -m vetsim.ui.voila notebooks/03_dashboard.ipynb``) and by the
browser test, so that both start the server the same way. Voilà hides code cells by default
(``strip_sources``); we pass it explicitly, never show tracebacks to the page, and bind to
127.0.0.1 only, because the dashboard runs code on the machine that serves it.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

__all__ = ["voila_command", "free_port", "start_voila", "wait_ready", "main"]


def voila_command(notebook: str | Path, host: str = "127.0.0.1", port: int = 8866) -> list[str]:
    """The command line that serves ``notebook`` (sources stripped, no browser, no tracebacks)."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--Voila.ip={host}", f"--port={port}",
            "--strip_sources=True", "--show_tracebacks=False", "--Voila.root_dir=" + str(Path(notebook).parent)]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_voila(notebook: str | Path, host: str = "127.0.0.1", port: int | None = None,
                env: Mapping[str, str] | None = None, log: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start Voilà as a child process in its own process group; return it and the page URL."""
    notebook = Path(notebook).resolve()
    port = port or free_port(host)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(voila_command(notebook, host, port), stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, cwd=Path(notebook).parent, start_new_session=True)
    return proc, f"http://{host}:{port}/"


def wait_ready(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Block until ``url`` answers HTTP (any status below 500), or raise ``TimeoutError`` after ``timeout`` s.

    Only the server's answering is awaited (a static file of Voilà), not the page, so a
    slow notebook cannot make readiness look like failure.
    """
    deadline = time.monotonic() + timeout
    probe = url.rstrip("/") + "/voila/static/extension.js"
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 - loopback URL we built
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as err:
            if err.code < 500:
                return
            last = err
        except (urllib.error.URLError, OSError) as err:
            last = err
        time.sleep(0.25)
    raise TimeoutError(f"voila did not answer at {url} within {timeout:.0f} s ({last})")


def main(argv: list[str] | None = None) -> int:
    """``python -m vetsim.ui.voila NOTEBOOK [--host H] [--port P]``: print the URL, then serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="serve a vetsim notebook with Voilà (code hidden)")
    parser.add_argument("notebook")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8866)
    args = parser.parse_args(argv)
    nb = Path(args.notebook)
    if not nb.is_file():
        print(f"找不到笔记本 / notebook not found: {nb}", file=sys.stderr)
        return 2
    url = f"http://{args.host}:{args.port}/"
    print(f"会议仪表板 / meeting dashboard: {url}  (Ctrl-C 停止 / to stop)", flush=True)
    try:
        return subprocess.call(voila_command(nb.resolve(), args.host, args.port), cwd=nb.resolve().parent)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
