"""Serve a notebook as a web app with Voilà on the loopback interface, code cells hidden.

Used by ``make dashboard`` (``python -m vetsim.ui.voila notebooks/03_dashboard.ipynb``) and by the
browser test, so that both start the server the same way. Voilà hides code cells by default
(``strip_sources``); we pass it explicitly, never show tracebacks to the page, and bind to
127.0.0.1 only, because the dashboard runs code on the machine that serves it. The server is
:class:`vetsim.ui.voila_app.VetsimVoila`: Voilà plus a Host-header check, idle-kernel culling and a
cap on live kernels (each page view costs a Python kernel).
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from ..cliparser import VetsimArgumentParser, bi, detect_lang
from ..wording import both, tr

__all__ = ["voila_command", "free_port", "start_voila", "stop_voila", "wait_ready", "main", "is_loopback",
           "CULL_IDLE_S", "CULL_INTERVAL_S", "MAX_KERNELS", "POOL_SIZE", "CONNECT_GRACE_S",
           "DISCONNECT_GRACE_S", "LOOPBACK_NAMES", "Launch", "launch", "CHROMIUM", "CHROMIUM_ARGS"]

CULL_IDLE_S = 900  # a kernel idle this long (its page closed) is shut down
CULL_INTERVAL_S = 60  # how often the culler looks
MAX_KERNELS = 8  # page views served at once (270-365 MB each with the dashboard, see README)
POOL_SIZE = 1  # kernels kept ready with the notebook already run, so a page view shows at once
CONNECT_GRACE_S = 30  # a page whose scripts never connect to its kernel this long after it was sent: gone
DISCONNECT_GRACE_S = 20  # a page disconnected this long (reloaded, closed, crashed): its kernel is shut down
# Debian's Chromium, driven headless by the browser tests and benchmarks (never `playwright install`)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: addresses only this machine can reach.

    Host names match as DNS does: case-insensitively and with or without one trailing dot
    (``LOCALHOST``, ``localhost.``, ``127.0.0.1.``); IPv6 may be written in brackets (``[::1]``)."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    elif name.endswith(".") and not name.endswith(".."):
        name = name[:-1]
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name in LOOPBACK_NAMES


TEMPLATE = "vetsim"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "voila_template"


def voila_command(notebook: str | Path, host: str = "127.0.0.1", port: int = 8866, *,
                  cull_idle: int = CULL_IDLE_S, cull_interval: int = CULL_INTERVAL_S,
                  max_kernels: int = MAX_KERNELS, pool_size: int = POOL_SIZE,
                  connect_grace: int = CONNECT_GRACE_S, disconnect_grace: int = DISCONNECT_GRACE_S) -> list[str]:
    """The command line that serves ``notebook`` (sources stripped, no browser, no tracebacks),
    with idle kernels culled after ``cull_idle`` s, at most ``max_kernels`` page views at once,
    ``pool_size`` kernels preheated (Voilà runs the notebook in them before anyone asks), and the
    kernel of a page that is gone shut down: ``connect_grace`` s after its page was sent if the page
    never connected, ``disconnect_grace`` s after its page disconnected (see :mod:`vetsim.ui.voila_app`)."""
    cmd = [sys.executable, "-m", "vetsim.ui.voila_app", str(notebook), "--no-browser", f"--Voila.ip={host}",
           f"--port={port}", "--strip_sources=True", "--show_tracebacks=False",
           "--Voila.root_dir=" + str(Path(notebook).parent),
           f"--MappingKernelManager.cull_idle_timeout={int(cull_idle)}",
           f"--MappingKernelManager.cull_interval={int(cull_interval)}",
           "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel during a meeting
           f"--VetsimVoila.max_kernels={int(max_kernels)}",
           f"--VetsimVoila.connect_grace={int(connect_grace)}",
           f"--VetsimVoila.disconnect_grace={int(disconnect_grace)}"]
    # front-end extensions a dashboard does not use (code highlighting, JupyterLab's preview button): less to load
    cmd += [f"--VoilaConfiguration.extension_denylist={name}"  # one item each (a JSON list is deprecated)
            for name in ("jupyterlab_pygments", "@voila-dashboards/jupyterlab-preview")]
    cmd.append(f"--template={TEMPLATE}")  # lab, with the dashboard's static preview written as HTML
    if pool_size > 0:
        cmd += ["--preheat_kernel=True", f"--pool_size={int(pool_size)}"]
    if not is_loopback(host):  # served to the network on purpose: names other than loopback are expected
        cmd.append("--VetsimVoila.allow_remote=True")
    return cmd


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Launch(NamedTuple):
    """How the dashboard server is started: its command line, environment and working folder."""

    cmd: list[str]
    env: dict[str, str]
    cwd: Path


def launch(notebook: str | Path, host: str = "127.0.0.1", port: int = 8866,
           env: Mapping[str, str] | None = None, **options: int) -> Launch:
    """The one way vetsim starts Voilà, used by ``make dashboard``, ``python -m vetsim.ui.voila``,
    the tests and the benchmarks alike: the command of :func:`voila_command`, run in the notebook's
    folder, with vetsim's page template (``voila_template/voila/templates/vetsim``) first on
    ``JUPYTER_PATH`` whatever the environment already holds there (a template of the same name
    elsewhere, or none, cannot be picked up instead)."""
    notebook = Path(notebook).resolve()
    full_env = {**os.environ, **(env or {})}
    full_env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), full_env.get("JUPYTER_PATH", "")) if p)
    return Launch(voila_command(notebook, host, port, **options), full_env, notebook.parent)


def start_voila(notebook: str | Path, host: str = "127.0.0.1", port: int | None = None,
                env: Mapping[str, str] | None = None, log: Path | None = None,
                **options: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start Voilà (:func:`launch`) as a child process in its own process group; return it and the page URL.

    ``options`` go to :func:`voila_command` (``cull_idle``, ``cull_interval``, ``max_kernels``, ``pool_size``,
    ``connect_grace``, ``disconnect_grace``)."""
    port = port or free_port(host)
    how = launch(notebook, host, port, env, **options)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(how.cmd, stdout=out, stderr=subprocess.STDOUT, env=how.env, cwd=how.cwd,
                            start_new_session=True)
    return proc, f"http://{host}:{port}/"


def stop_voila(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server from :func:`start_voila` and its kernels (its own process group), politely first."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


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
    lang = detect_lang(argv)
    parser = VetsimArgumentParser(prog="python -m vetsim.ui.voila", lang=lang,
                                  description=bi(*both("ui.serve.description")))
    parser.add_argument("notebook", help=bi(*both("ui.serve.arg.notebook")))
    parser.add_argument("--host", default="127.0.0.1",
                        help=bi(*both("ui.serve.arg.host")))
    parser.add_argument("--port", type=int, default=8866, help=bi(*both("ui.serve.arg.port")))
    parser.add_argument("--cull-idle", type=int, default=CULL_IDLE_S,
                        help=bi(*both("ui.serve.arg.cull_idle", CULL_IDLE_S=CULL_IDLE_S)))
    parser.add_argument("--max-kernels", type=int, default=MAX_KERNELS,
                        help=bi(*both("ui.serve.arg.max_kernels", MAX_KERNELS=MAX_KERNELS)))
    parser.add_argument("--lang", choices=("zh", "en"), default=lang,
                        help=bi(*both("ui.serve.arg.lang")))
    args = parser.parse_args(argv)
    nb = Path(args.notebook)
    if not nb.is_file():
        print(tr("ui.notebook_not_found", lang, nb=nb), file=sys.stderr)
        return 2
    url = f"http://{args.host}:{args.port}/"
    print(tr("ui.dashboard_served_at", args.lang, url=url), flush=True)
    if not is_loopback(args.host):
        print(tr("ui.dashboard_not_loopback", args.lang, host=args.host), flush=True)
    # the page speaks the language of this command (--lang, else the locale) unless VETSIM_LANG says otherwise
    page_lang = {} if os.environ.get("VETSIM_LANG") else {"VETSIM_LANG": args.lang}
    how = launch(nb, args.host, args.port, page_lang, cull_idle=args.cull_idle, max_kernels=args.max_kernels)
    try:
        return subprocess.call(how.cmd, env=how.env, cwd=how.cwd)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
