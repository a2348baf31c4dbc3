"""The dashboard server against misuse (issue 11, item 11): a Voilà server on a free 127.0.0.1 port
serving a one-cell notebook, probed with plain HTTP.

Guards: a Host header that is not a loopback name is refused (DNS rebinding; plain Voilà accepts
any); a page view beyond the kernel cap gets a Chinese message and 503 instead of one more 270-360 MB
kernel; a kernel whose page is gone is culled when idle, so the server serves again.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import time
from pathlib import Path

import pytest

from vetsim.ui.voila import is_loopback, start_voila, stop_voila, voila_command, wait_ready

NOTEBOOK = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                       "source": ["print('仪表板 ok')"]},
                      {"cell_type": "code", "execution_count": None, "id": "c2", "metadata": {}, "outputs": [],
                       "source": ["from IPython.display import HTML, display\n",
                                  "display(HTML(\"<div class='vetsim-static'>预览 ok</div>\"))"]}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
CULL_IDLE = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    nb = folder / "tiny.ipynb"
    nb.write_text(json.dumps(NOTEBOOK, ensure_ascii=False), encoding="utf-8")
    log = folder / "voila.log"
    proc, url = start_voila(nb, log=log, cull_idle=CULL_IDLE, cull_interval=1, max_kernels=1)
    try:
        wait_ready(url, timeout=60, proc=proc)
        yield int(url.rstrip("/").rsplit(":", 1)[1]), log
    finally:
        stop_voila(proc)


def _get(port: int, host: str, path: str = "/") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": host})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_the_server_command_binds_loopback_and_culls() -> None:
    cmd = " ".join(voila_command(Path("x.ipynb")))
    assert "--Voila.ip=127.0.0.1" in cmd and "cull_idle_timeout=" in cmd and "max_kernels=" in cmd
    assert "allow_remote=True" not in cmd
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("evil.example.com")
    # issue 21 item 7: host names match as DNS does, case-insensitively and with a trailing dot
    for name in ("LOCALHOST", "Localhost.", "localhost.", "127.0.0.1.", "[::1]", "127.9.9.9"):
        assert is_loopback(name), name
    for name in ("localhost..", "localhost.evil.com", "127.0.0.1.nip.io", "evil.localhost", ""):
        assert not is_loopback(name), name


def test_make_dashboard_and_the_tests_start_the_server_one_way(tmp_path, monkeypatch) -> None:
    """Issue 20 item 1: `python -m vetsim.ui.voila` (make dashboard) ran Voila without vetsim's template on
    JUPYTER_PATH (HTTP 500, TemplateNotFound), while start_voila did. Both now run `launch`: same command,
    environment and folder, whatever JUPYTER_PATH held before."""
    import subprocess

    from vetsim.ui import voila

    seen: dict[str, object] = {}

    def fake_call(cmd, env=None, cwd=None):
        seen.update(cmd=cmd, env=env, cwd=cwd)
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "stale"))
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    monkeypatch.delenv("VETSIM_LANG", raising=False)
    assert voila.main([str(nb), "--port", "9123"]) == 0
    how = voila.launch(nb, "127.0.0.1", 9123, {"VETSIM_LANG": "zh"})  # the page speaks the command's language
    assert seen == {"cmd": how.cmd, "env": how.env, "cwd": how.cwd}
    assert voila.main([str(nb), "--port", "9123", "--lang", "en"]) == 0
    assert seen["env"]["VETSIM_LANG"] == "en"
    assert how.env["JUPYTER_PATH"].split(os.pathsep) == [str(voila.TEMPLATE_ROOT), str(tmp_path / "stale")]
    assert (voila.TEMPLATE_ROOT / "voila" / "templates" / voila.TEMPLATE / "index.html.j2").is_file()


def test_host_check_kernel_cap_and_culling(server) -> None:
    port, log = server
    for host in (f"evil.example.com:{port}", f"127.0.0.1.nip.io:{port}", "192.168.1.10"):
        status, _ = _get(port, host)
        assert status == 403, f"Host {host!r} was served ({status}): DNS rebinding is possible"
        # issue 27 item 6: every route, not only the page and the websockets
        for path in ("/voila/static/voila.js", "/voila/templates/lab/static/voila.js", "/api/kernels",
                     "/api/kernels/00000000-0000-0000-0000-000000000000", "/voila/render/tiny.ipynb",
                     "/voila/files/tiny.ipynb", "/voila/labextensions/x", "/voila/api/shutdown/x", "/nothing"):
            status, _ = _get(port, host, path)
            assert status == 403, f"Host {host!r} was served {path} ({status})"
    for host in (f"LOCALHOST:{port}", f"localhost.:{port}", f"127.0.0.1.:{port}", f"[::1]:{port}"):
        status, _ = _get(port, host, "/voila/static/voila.js")
        assert status == 200, f"the loopback name {host!r} was refused ({status})"
    status, body = _get(port, f"localhost:{port}")
    assert status == 200 and "仪表板 ok" in body
    # the only kernel is taken by that page: the next view is refused with a readable message
    status, body = _get(port, f"127.0.0.1:{port}")
    assert status == 503, f"a page view beyond the cap was served ({status})"
    assert "页面过多" in body and "Traceback" not in body
    # nobody is connected to that kernel: it is culled when idle, and the server serves again
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, body = _get(port, f"127.0.0.1:{port}")
        if status == 200:
            break
        time.sleep(1)
    assert status == 200, f"the idle kernel was not culled:\n{log.read_text(errors='replace')[-2000:]}"
    assert "Culling" in log.read_text(errors="replace")


def test_a_static_preview_is_written_into_the_page_as_html(server) -> None:
    """Issue 11 item 14: the dashboard's cards of a repeated view are in the page's HTML itself (vetsim's Voilà
    template), so the browser shows them before Voilà's scripts have loaded (0.9 s instead of 5.2 s in
    benchmarks/bench_dashboard.py); other outputs stay JSON for the scripts."""
    port, _log = server
    deadline = time.monotonic() + 60
    status, page = _get(port, "127.0.0.1")
    # 503: the one kernel allowed is still held, wait for the cull. A page cut short (no </html>): with this
    # fixture's 2-second cull, a loaded machine can cull the page's kernel while it still renders; ask again
    while (status == 503 or (status == 200 and "</html>" not in page)) and time.monotonic() < deadline:
        time.sleep(1)
        status, page = _get(port, "127.0.0.1")
    assert status == 200 and "</html>" in page
    assert "<div class='vetsim-static'>预览 ok</div>" in page
    assert "--template=vetsim" in " ".join(voila_command(Path("x.ipynb")))


# A page that renders for at least SLOW_S seconds, so that a request dropped after DROP_AFTER_S is dropped while the
# page still loads (the kernel runs the cell); 1.5 s is enough for that and keeps 20 views short (3 s made the
# test the slowest of the suite: 7 full page loads of 3 s and 7 drops after 1 s; now 26 s instead of 36 s).
SLOW_S, DROP_AFTER_S = 1.5, 0.75
SLOW = {**NOTEBOOK, "cells": [{"cell_type": "code", "execution_count": None, "id": "s1", "metadata": {}, "outputs": [],
                               "source": ["import time\n", f"time.sleep({SLOW_S})\n", "print('慢页面 ok')"]}]}


def _kernels(proc) -> int:
    """Kernels the server runs now (its child processes running ipykernel)."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    out = 0
    for child in children:
        try:
            out += any("ipykernel" in part for part in child.cmdline())
        except psutil.Error:
            continue
    return out


def _abort_mid_load(port: int, path: str = "/", after: float = DROP_AFTER_S) -> None:
    """A page request the browser drops while the page is still loading (reload, closed tab)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        time.sleep(after)


def _wait_kernels(proc, most: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    n = _kernels(proc)
    while n > most and time.monotonic() < deadline:
        time.sleep(1)
        n = _kernels(proc)
    return n


def test_pages_dropped_failed_or_left_release_their_kernels(tmp_path) -> None:
    """Issue 20 item 2: 20 page views of a slow page, dropped mid-load, failed or loaded and left, leave at most
    2 kernels (the preheated one included) within seconds; the cap never locks a new viewer out."""
    nb = tmp_path / "slow.ipynb"
    nb.write_text(json.dumps(SLOW, ensure_ascii=False), encoding="utf-8")
    log = tmp_path / "voila.log"
    proc, url = start_voila(nb, log=log, max_kernels=4, connect_grace=4, disconnect_grace=2)
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    try:
        wait_ready(url, timeout=60, proc=proc)
        codes = []
        for i in range(20):
            if i % 3 == 0:
                _abort_mid_load(port)
            elif i % 3 == 1:  # a page that fails to render: it ends with a message (it used to hang for ever)
                status, body = _get(port, "127.0.0.1", "/?template=no-such-template")
                codes.append(status)
                assert status == 500 or "页面未能生成" in body, (status, body[-500:])
            else:
                status, body = _get(port, "127.0.0.1")  # loaded, never connected (no scripts run): left
                codes.append(status)
                assert status == 200 and "慢页面 ok" in body, (status, body[-500:])
        assert 503 not in codes, f"a page view was locked out: {codes}"
        assert all(c in (200, 500) for c in codes), codes
        n = _wait_kernels(proc, 2, timeout=30)
        text = log.read_text(errors="replace")
        assert n <= 2, f"{n} kernels left after 20 page views:\n{text[-3000:]}"
        assert "request was dropped" in text and "its page is gone" in text
        status, body = _get(port, "localhost")  # a new viewer gets the page
        assert status == 200 and "慢页面 ok" in body and "</html>" in body
    finally:
        stop_voila(proc)


def test_a_server_whose_page_fails_leaves_no_kernels(tmp_path) -> None:
    """The failure of issue 20: Voila started without vetsim's template on JUPYTER_PATH answers 500; each
    failed view must not keep a kernel (8 such views filled the cap for 15 minutes). Here 5 failed views against
    a cap of 3: a view that kept its kernel would leave 5 kernels (and the fourth view would meet the cap)."""
    import subprocess

    from vetsim.ui.voila import free_port, voila_command

    nb = tmp_path / "tiny.ipynb"
    nb.write_text(json.dumps(NOTEBOOK, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_PATH"}
    log = tmp_path / "voila.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(voila_command(nb, port=port, max_kernels=3), stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=tmp_path, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/", timeout=60, proc=proc)
        for _ in range(5):  # the page fails (the template is missing): 500, or a page that says so; never 503
            status, body = _get(port, "127.0.0.1")
            assert status == 500 or (status == 200 and "页面未能生成" in body), (status, body[-500:])
        n = _wait_kernels(proc, 1, timeout=20)
        assert n <= 1, f"{n} kernels kept by failed pages:\n{log.read_text(errors='replace')[-3000:]}"
    finally:
        stop_voila(proc)


def test_which_kernels_serve_a_page_that_is_gone() -> None:
    """The rules of PageKernels on a clock of our own: rendering and pooled kernels are kept; a page that never
    connected is gone after connect_grace, one that left after disconnect_grace; an open page never is; at the
    cap ("urgent") a page that left is gone at once and one that never connected after 5 s."""
    from vetsim.ui.voila_app import PageKernels

    class Pool:
        def __init__(self, kid):
            self.kid = kid

        def done(self):
            return True

        def cancelled(self):
            return False

        def exception(self):
            return None

        def result(self):
            return {"kernel_id": self.kid}

    class KM:
        def __init__(self):
            self._kernel_connections = {"open": 1, "left": 0, "never": 0, "busy": 0, "pool": 0}
            self._pools = {"nb": [Pool("pool")]}

        def list_kernel_ids(self):
            return list(self._kernel_connections)

    pages, km = PageKernels(connect_grace=30, disconnect_grace=20), KM()
    pages.render_started("busy")
    for kid in ("open", "left", "never"):
        pages.render_started(kid)
        pages.render_ended(kid, 0.0)
    km._kernel_connections["left"] = 1
    assert pages.sweep(km, 1.0) == []
    km._kernel_connections["left"] = 0  # that page was reloaded or closed at t = 2
    assert pages.sweep(km, 2.0) == []
    assert pages.sweep(km, 21.0) == []
    assert pages.sweep(km, 22.5) == ["left"]
    assert pages.sweep(km, 30.5) == ["left", "never"]
    assert pages.sweep(km, 10_000.0) == ["left", "never"]  # never the open, rendering or pooled ones
    fresh = PageKernels(connect_grace=30, disconnect_grace=20)
    fresh.render_started("never")
    fresh.render_ended("never", 0.0)
    km._kernel_connections["left"] = 1
    assert fresh.sweep(km, 3.0, urgent=True) == []
    km._kernel_connections["left"] = 0
    assert fresh.sweep(km, 4.0, urgent=True) == ["left"]  # it left a moment ago: gone at once at the cap
    assert fresh.sweep(km, 5.0, urgent=True) == ["left", "never"]


class _Lines(logging.Handler):
    """The records one logger emits, whatever other tests did to propagation and levels."""

    def __init__(self, name: str) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.logger = logging.getLogger(name)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> _Lines:
        self.logger.addHandler(self)
        self.level_before, self.logger.level = self.logger.level, logging.DEBUG
        self.disabled_before, self.logger.disabled = self.logger.disabled, False
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.level, self.logger.disabled = self.level_before, self.disabled_before

    @property
    def text(self) -> str:
        return "\n".join(r.getMessage() for r in self.records)


def test_a_write_to_a_closed_page_is_one_line_not_a_traceback() -> None:
    """CI found it: during reloads a kernel's message is written to a websocket its page just closed; the write's
    task fails with WebSocketClosedError that no one awaits, and asyncio printed two tracebacks in the server's
    window. With the server's handler that is one debug line, while any other lost exception still reaches
    asyncio's default handler."""
    import asyncio
    import gc

    import tornado.websocket

    from vetsim.ui.voila_app import closed_page_handler

    async def fails(exc: BaseException) -> None:
        raise exc

    def lose_a_task(exc: BaseException, log: logging.Logger) -> list[dict]:
        loop = asyncio.new_event_loop()
        to_default: list[dict] = []
        loop.default_exception_handler = to_default.append  # what asyncio would print, with its traceback
        loop.set_exception_handler(closed_page_handler(log))
        task = loop.create_task(fails(exc))
        loop.run_until_complete(asyncio.sleep(0.01))
        assert task.done()
        del task
        gc.collect()  # the never-retrieved exception is reported when the task is collected
        loop.close()
        return to_default

    with _Lines("vetsim-test-server") as lines:
        to_default = lose_a_task(tornado.websocket.WebSocketClosedError(), lines.logger)
    assert to_default == [] and "closed its connection" in lines.text and not any(r.exc_info for r in lines.records)
    with _Lines("vetsim-test-server") as lines:
        to_default = lose_a_task(ValueError("a real fault"), lines.logger)
    assert [c for c in to_default if "a real fault" in str(c.get("exception"))] and not lines.records


def test_a_render_that_fails_after_its_page_left_is_one_line() -> None:
    """A page dropped mid-load (a reload) makes its render fail (its kernel is shut down): tornado printed
    "Uncaught exception" with a traceback in the server's window. Now that is one line; a failure while
    the browser still waits is raised as before, so tornado reports it in full."""
    import asyncio
    from types import SimpleNamespace

    from voila.tornado.handler import TornadoVoilaHandler

    from vetsim.ui.voila_app import _PageHandler

    async def failing_get(self, path=None):
        raise RuntimeError("kernel gone")

    def page(dropped: bool, closed: bool, log: logging.Logger) -> _PageHandler:
        h = object.__new__(_PageHandler)
        h._dropped, h._page_kernel = dropped, None
        h.request = SimpleNamespace(connection=SimpleNamespace(stream=SimpleNamespace(closed=lambda: closed)))
        h.application = SimpleNamespace(settings={})
        h.__dict__["log"] = log
        return h

    orig = TornadoVoilaHandler.get
    TornadoVoilaHandler.get = failing_get
    _PageHandler.log = property(lambda self: self.__dict__["log"])
    try:
        with _Lines("vetsim-test-pages") as lines:
            for dropped, closed in ((True, False), (False, True)):
                asyncio.run(page(dropped, closed, lines.logger).get("x"))
            assert lines.text.count("left while it loaded") == 2 and not any(r.exc_info for r in lines.records)
            with pytest.raises(RuntimeError, match="kernel gone"):
                asyncio.run(page(False, False, lines.logger).get("x"))
    finally:
        TornadoVoilaHandler.get = orig
        del _PageHandler.log


def test_a_kernel_socket_closed_during_its_handshake_is_not_an_error() -> None:
    """CI found it too: a reload closes the kernel's websocket while tornado is still accepting it;
    jupyter_server had already dropped the connection and failed choosing the subprotocol (AttributeError,
    two tracebacks). The server's socket handler, which serves the kernels' route, opens nothing then."""
    import asyncio

    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from vetsim.ui.voila_app import VetsimVoila, _KernelSocket

    sock = object.__new__(_KernelSocket)
    sock.connection = None
    assert sock.select_subprotocol(["v1.kernel.websocket.jupyter.org"]) is None
    sock.on_close()  # no AttributeError on a connection already gone
    with _Lines("vetsim-test-socket") as lines:
        sock.__dict__["log"] = lines.logger
        _KernelSocket.log = property(lambda self: self.__dict__["log"])
        try:
            asyncio.run(sock.open("k"))
        finally:
            del _KernelSocket.log
    assert "left while its kernel's socket opened" in lines.text
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    voila_routes = [("/api/kernels/(?P<kernel_id>.*)/channels", VoilaKernelWebsocketHandler),
                    ("/voila/render/(.*)", TornadoVoilaHandler, {})]
    orig = Voila.init_handlers
    Voila.init_handlers = lambda self: list(voila_routes)
    try:
        routes = [spec[1] for spec in VetsimVoila().init_handlers()]
    finally:
        Voila.init_handlers = orig
    assert routes[0] is _KernelSocket and issubclass(routes[1], TornadoVoilaHandler) and routes[1] is not TornadoVoilaHandler


def test_a_kernel_being_shut_down_does_not_count_against_the_cap() -> None:
    """CI found it: under load a page's kernel, released a moment ago, was still listed while its shutdown ran,
    and the next viewer got 503 at the cap. A kernel is counted until its shutdown starts, not until it ends."""
    import asyncio

    from vetsim.ui.voila_app import PageKernels, _shutdown

    class KM:
        def __init__(self):
            self.ids = ["a", "b", "c"]
            self._kernel_connections = {k: 0 for k in self.ids}
            self._pools = {}
            self.seen_live: list[int] = []

        def list_kernel_ids(self):
            return list(self.ids)

        async def shutdown_kernel(self, kid, now=False):
            self.seen_live.append(pages.live(self))  # while the shutdown runs
            await asyncio.sleep(0.01)
            self.ids.remove(kid)

    pages, km = PageKernels(connect_grace=30, disconnect_grace=20), KM()
    assert pages.live(km) == 3
    asyncio.run(_shutdown(km, pages, "b", logging.getLogger("vetsim-test-cap"), "test"))
    assert km.seen_live == [2] and pages.live(km) == 2 and pages.closing == set()
    pages.closing.add("c")  # a shutdown in flight is neither counted nor swept again
    assert pages.live(km) == 1 and "c" not in pages.sweep(km, 10_000.0)
