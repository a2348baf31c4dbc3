"""The Voilà server vetsim runs: loopback Host names only, kernels of gone pages released, a cap on live kernels.

Why not plain ``voila``: every page view starts a Python kernel (270-360 MB with the dashboard) that
Voilà keeps until the server stops, so page loads alone exhaust the machine's memory, and a page
that failed or was abandoned while loading keeps its kernel too; and Voilà's standalone server
turns off jupyter_server's Host check (``allow_remote_access=True``), so a web page on another site
could reach the dashboard through DNS rebinding. This subclass

* checks the ``Host`` header of every request, on every route (pages, static files, kernel API,
  websockets), against the loopback names and addresses (:func:`vetsim.ui.voila.is_loopback`:
  case-insensitive, a trailing dot allowed): other names get 403;
* releases the kernel of a page that is gone (:class:`PageKernels`): at once when the page's
  request fails or the browser drops it while it loads; ``connect_grace`` s after the page was sent
  when the page's scripts never connect to the kernel (a page that failed in the browser, or was
  left before its scripts ran); ``disconnect_grace`` s after the page's last connection closed
  (reloaded, closed, crashed). An open page stays connected, so it keeps its kernel for the whole
  meeting; jupyter_server's idle culler (``cull_idle_timeout``) stays on as a backstop;
* refuses a new page view while ``max_kernels`` kernels serve pages, with a Chinese (and English)
  message and HTTP 503, instead of starting one more kernel; before refusing, kernels of pages
  that are gone are released (preheated kernels waiting in Voilà's pool, ``--pool_size``, are not
  counted: they make the next page appear at once).

Started as ``python -m vetsim.ui.voila_app NOTEBOOK [voila options]`` by :mod:`vetsim.ui.voila`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import sys
import tempfile
import time
from typing import Any

import tornado.iostream
import tornado.web
import tornado.websocket
import voila.handler
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Bool, Float, Int
from voila.app import Voila
from voila.notebook_renderer import NotebookRenderer
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..wording import both, tr
from .voila import LOOPBACK_NAMES, is_loopback

__all__ = ["VetsimVoila", "PageKernels", "host_allowed", "LOOPBACK_NAMES", "BUSY_MESSAGE", "main"]

BUSY_MESSAGE = both("ui.server_busy")
FAILED_MESSAGE = both("ui.page_failed_to_render")
REAP_INTERVAL_S = 2.0  # how often kernels of gone pages are looked for


def host_allowed(host_header: str) -> bool:
    """True if a request's ``Host`` header (``name[:port]``, ``[v6][:port]``) names this machine's loopback."""
    host, port = host_header.strip(), ""
    if host.startswith("[") and "]" in host:
        host, port = host[: host.index("]") + 1], host[host.index("]") + 1:].removeprefix(":")
    elif host.count(":") == 1:
        host, port = host.split(":")
    return bool(host) and (port == "" or port.isdigit()) and is_loopback(host)


def _pooled_kernel_ids(km: Any) -> set[str]:
    """Kernels waiting, ready, in Voilà's preheated pool (not serving a page). Reads Voilà's pool
    (``_pools``: notebook -> futures of ``{"kernel_id": ...}``); without a pool, none."""
    out: set[str] = set()
    for futures in getattr(km, "_pools", {}).values():
        for fut in futures:
            try:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    out.add(str(fut.result()["kernel_id"]))
            except (AttributeError, KeyError, TypeError):
                continue
    return out


class PageKernels:
    """Which kernels serve a page that is gone, from what the server sees of each kernel's page.

    A kernel is *rendering* while its page's request runs; once the page is sent, the page's scripts
    connect to the kernel by websocket (``connections`` of jupyter_server's kernel manager). A kernel
    is gone-for when no page is connected and either a page was connected before and left more than
    ``disconnect_grace`` s ago, or none ever connected within ``connect_grace`` s of the page being
    sent (or of the kernel being first seen, for a kernel no page request started). Pooled kernels
    are never gone-for: they wait for the next page.
    """

    def __init__(self, connect_grace: float, disconnect_grace: float) -> None:
        self.connect_grace = float(connect_grace)
        self.disconnect_grace = float(disconnect_grace)
        self.rendering: dict[str, int] = {}  # kernel id -> page requests rendering it
        self.sent_at: dict[str, float] = {}  # kernel id -> when its page was sent, or the kernel first seen
        self.connected: set[str] = set()  # kernels a page has connected to
        self.left_at: dict[str, float] = {}  # kernel id -> when its last connection closed
        self.closing: set[str] = set()  # kernels being shut down now (still listed by the kernel manager)

    def render_started(self, kernel_id: str) -> None:
        self.rendering[kernel_id] = self.rendering.get(kernel_id, 0) + 1

    def render_ended(self, kernel_id: str, now: float) -> None:
        left = self.rendering.get(kernel_id, 1) - 1
        if left > 0:
            self.rendering[kernel_id] = left
        else:
            self.rendering.pop(kernel_id, None)
        self.sent_at[kernel_id] = now

    def released(self, now: float) -> None:
        """Note that a kernel was shut down on purpose now (its render, if any, then fails: see :class:`_QuietDeadKernels`)."""
        self.last_release = now

    last_release: float = float("-inf")

    def forget(self, kernel_id: str) -> None:
        for table in (self.rendering, self.sent_at, self.left_at):
            table.pop(kernel_id, None)
        self.connected.discard(kernel_id)

    def observe(self, kernel_id: str, connections: int, now: float) -> None:
        """Note what is seen of ``kernel_id`` now: how many pages are connected to it."""
        self.sent_at.setdefault(kernel_id, now)
        if connections > 0:
            self.connected.add(kernel_id)
            self.left_at.pop(kernel_id, None)
        elif kernel_id in self.connected:
            self.left_at.setdefault(kernel_id, now)

    def gone(self, kernel_id: str, now: float, *, urgent: bool = False) -> bool:
        """True if the page of ``kernel_id`` is gone (``urgent``: the cap is reached, so a page that
        left is gone at once and one that never connected after a few seconds)."""
        if kernel_id in self.rendering:
            return False
        if kernel_id in self.connected:
            left = self.left_at.get(kernel_id)
            return left is not None and (urgent or now - left >= self.disconnect_grace)
        wait = min(self.connect_grace, 5.0) if urgent else self.connect_grace
        return now - self.sent_at.get(kernel_id, now) >= wait

    def live(self, km: Any) -> int:
        """Kernels that count against the cap: alive, not pooled, and not already being shut down (a
        shutdown takes a moment, and a page released a second ago must not lock the next viewer out)."""
        return len(set(km.list_kernel_ids()) - _pooled_kernel_ids(km) - self.closing)

    def sweep(self, km: Any, now: float, *, urgent: bool = False) -> list[str]:
        """The kernels of ``km`` (Voilà's kernel manager) whose page is gone, having observed them all."""
        pooled = _pooled_kernel_ids(km)
        alive = set(km.list_kernel_ids())
        for kid in set(self.sent_at) - alive:
            self.forget(kid)
        out = []
        for kid in sorted(alive - pooled - self.closing):
            self.observe(kid, int(getattr(km, "_kernel_connections", {}).get(kid, 0)), now)
            if self.gone(kid, now, urgent=urgent):
                out.append(kid)
        return out


async def _shutdown(km: Any, pages: PageKernels, kernel_id: str, log: Any, why: str) -> None:
    """Shut down ``kernel_id`` (if still alive), saying why in the server log."""
    pages.forget(kernel_id)
    if kernel_id not in set(km.list_kernel_ids()):
        return
    if kernel_id in pages.closing:
        return
    log.info("Shutting down kernel %s: %s", kernel_id, why)
    pages.released(time.monotonic())
    pages.closing.add(kernel_id)
    try:
        await km.shutdown_kernel(kernel_id, now=True)
    except Exception as exc:  # noqa: BLE001 - a kernel already gone, or one that died: nothing left to do
        log.warning("Could not shut down kernel %s: %s", kernel_id, exc)
    finally:
        pages.closing.discard(kernel_id)


class _GuardedRenderer(NotebookRenderer):
    """Voilà's notebook renderer, whose failure ends the page instead of hanging it.

    Voilà renders a page in a background task that feeds the page's request; when the template or the
    kernel fails there, the task dies, the request waits forever (sending a heartbeat every few seconds)
    and the kernel is kept. Here a failure is logged, the page ends with a readable message, and its
    request handler is told (it releases the kernel at once)."""

    def generate_content_generator(self, kernel_id: str | None = None, kernel_future: Any = None) -> Any:
        return self._guarded(super().generate_content_generator(kernel_id, kernel_future))

    async def _guarded(self, inner: Any) -> Any:
        try:
            async for item in inner:
                yield item
        except Exception as exc:  # noqa: BLE001 - any failure of a page's render ends that page, nothing more
            handler = self.request_handler
            if handler is None:  # a preheated render: the page that takes the kernel sees the failure
                raise
            handler.log.error("The page failed to render: %s", exc, exc_info=True)
            if hasattr(handler, "render_failed"):
                handler.render_failed()
            zh, en = FAILED_MESSAGE
            yield (f"<div class='vetsim-error' style='font-family:sans-serif;font-size:18px;margin:40px'>"
                   f"<p>{html.escape(zh)}</p><p style='color:#555'>{html.escape(en)}</p></div></body></html>", None)


class _RecordingKernelManager:
    """The kernel manager as one page request sees it: notes which kernel serves the page."""

    def __init__(self, km: Any, on_kernel: Any) -> None:
        self._km = km
        self._on_kernel = on_kernel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._km, name)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await self._km.start_kernel(*args, **kwargs)
        self._on_kernel(str(kernel_id))
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        render_task, cache, kernel_id = await self._km.get_rendered_notebook(*args, **kwargs)
        self._on_kernel(str(kernel_id))
        return render_task, cache, kernel_id


class _PageHandler(TornadoVoilaHandler):
    """Voilà's page handler: refuses to start a kernel beyond the server's cap, and releases the kernel
    of a page whose request fails or is dropped by the browser while it loads."""

    max_kernels: int = 0
    _page_kernel: str | None = None
    _dropped: bool = False

    @property
    def kernel_manager(self) -> Any:  # type: ignore[override]
        return _RecordingKernelManager(self.settings["kernel_manager"], self._took_kernel)

    @property
    def pages(self) -> PageKernels:
        return self.settings["vetsim_pages"]

    def _took_kernel(self, kernel_id: str) -> None:
        self._page_kernel = kernel_id
        self.pages.render_started(kernel_id)
        if self._dropped:  # the browser left while the kernel started
            self._release("the page's request was dropped while it loaded")

    def _release(self, why: str) -> None:
        kid = self._page_kernel
        if kid is not None:
            self._page_kernel = None
            self.pages.render_ended(kid, time.monotonic())
            asyncio.ensure_future(_shutdown(self.settings["kernel_manager"], self.pages, kid, self.log, why))

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        await super().prepare(*args, **kwargs)
        if self._finished or self.max_kernels <= 0:
            return
        km = self.settings["kernel_manager"]
        n = self.pages.live(km)
        if n >= self.max_kernels:  # first release the kernels of pages that are gone, then count again
            for kid in self.pages.sweep(km, time.monotonic(), urgent=True):
                await _shutdown(km, self.pages, kid, self.log, "the kernel cap is reached and its page is gone")
            n = self.pages.live(km)
        if n >= self.max_kernels:
            zh, en = (m.format(n=n) for m in BUSY_MESSAGE)
            self.log.warning("refusing a page view: %d kernels alive (max %d)", n, self.max_kernels)
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Retry-After", "60")
            self.finish(f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>{html.escape(tr('ui.busy_page_title', 'zh'))}</title>"
                        f"<body style='font-family:sans-serif;font-size:18px;margin:40px'>"
                        f"<p>{html.escape(zh)}</p><p style='color:#555'>{html.escape(en)}</p></body></html>")

    async def get(self, path: str | None = None) -> None:
        try:
            await super().get(path)
        except BaseException as exc:
            self._release("its page failed to render")
            if not isinstance(exc, Exception) or not self._gone():
                raise  # a real failure of a page someone is waiting for: tornado logs it in full
            # the browser left (reload, closed tab) and the render failed with it: one line, no traceback
            self.log.info("A page left while it loaded; its render stopped: %s", type(exc).__name__)
            return
        if self._dropped:
            self._release("the page's request was dropped while it loaded")
        elif self._page_kernel is not None:
            self.pages.render_ended(self._page_kernel, time.monotonic())
            self._page_kernel = None

    def _gone(self) -> bool:
        """Whether the browser has left this page's request (dropped, or its connection closed)."""
        stream = getattr(self.request.connection, "stream", None)
        return self._dropped or (stream is not None and stream.closed())

    def render_failed(self) -> None:
        """Told by :class:`_GuardedRenderer` that this page's render failed: its kernel goes at once."""
        self._release("its page failed to render")

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if not self._finished:
            self._dropped = True
            self._release("the page's request was dropped while it loaded")


class _KernelSocket(VoilaKernelWebsocketHandler):
    """Voilà's kernel websocket, safe against a page that closes its socket during the handshake (a reload):
    jupyter_server then drops the connection before choosing the subprotocol and fails with an
    ``AttributeError`` that tornado prints as an uncaught exception with two tracebacks. Here the socket of
    a page that already left is simply not opened."""

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        if self.connection is None:  # the page left during the handshake
            return None
        return super().select_subprotocol(subprotocols)

    async def open(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if self.connection is None:
            self.log.info("A page left while its kernel's socket opened")
            return
        await super().open(*args, **kwargs)

    def on_close(self) -> None:
        if self.connection is not None:
            super().on_close()


class _QuietDeadKernels(logging.Filter):
    """Drops Voilà's "kernel died" errors (with a traceback) of a render whose kernel this server shut down
    on purpose a moment ago (its page was dropped or gone): the server's window, which people see in a
    meeting, keeps the one line saying why the kernel was shut down."""

    WINDOW_S = 30.0

    def __init__(self, pages: PageKernels) -> None:
        super().__init__()
        self.pages = pages

    def filter(self, record: logging.LogRecord) -> bool:
        if time.monotonic() - self.pages.last_release > self.WINDOW_S:
            return True
        exc = record.exc_info[1] if record.exc_info else None
        died = type(exc).__name__ == "DeadKernelError" or "Kernel died" in record.getMessage()
        return not died


def closed_page_handler(log: Any) -> Any:
    """The event loop's exception handler of this server: a message written to a page's websocket after the
    page closed it (a reload, a closed tab) fails with ``WebSocketClosedError`` in a task no one awaits, and
    asyncio would print it with two tracebacks. It is logged as one debug line; anything else goes to asyncio's
    default handler, traceback and all."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, (tornado.websocket.WebSocketClosedError, tornado.iostream.StreamClosedError)):
            log.debug("a page closed its connection while the server wrote to it")
            return
        loop.default_exception_handler(context)

    return handler


class _ForbiddenHost(tornado.web.RequestHandler):
    """The answer to any request whose Host header is not a loopback name (DNS rebinding)."""

    def prepare(self) -> None:
        self.set_status(403)
        self.finish("Forbidden: Host")


class _HostCheckedApplication(tornado.web.Application):
    """Tornado's application with the Host header checked before any route (pages, files, API, websockets)."""

    def find_handler(self, request: Any, **kwargs: Any) -> Any:
        if not self.settings.get("vetsim_allow_remote") and not host_allowed(request.host or ""):
            return self.get_handler_delegate(request, _ForbiddenHost)
        return super().find_handler(request, **kwargs)


class VetsimVoila(Voila):
    """Voilà with the Host check on every route, kernels of gone pages released and a cap on live kernels."""

    max_kernels = Int(8, config=True, help="Most kernels alive at once (0: no cap); each page view uses one.")
    allow_remote = Bool(False, config=True, help="Accept any Host header (only when serving beyond loopback).")
    connect_grace = Float(30.0, config=True,
                          help="Seconds after its page was sent before a kernel no page connected to is shut down.")
    disconnect_grace = Float(20.0, config=True,
                             help="Seconds after its page disconnected before a kernel is shut down.")

    def init_settings(self) -> dict[str, Any]:
        settings = super().init_settings()
        # one Host rule for every route (_HostCheckedApplication); jupyter_server's own check, on some routes only
        # and with exact names, is off
        settings["allow_remote_access"] = True
        settings["vetsim_allow_remote"] = bool(self.allow_remote)
        settings["vetsim_pages"] = PageKernels(self.connect_grace, self.disconnect_grace)
        return settings

    def init_handlers(self) -> list[Any]:
        page = type("VetsimPageHandler", (_PageHandler,), {"max_kernels": int(self.max_kernels)})
        out = []
        for spec in super().init_handlers():
            if isinstance(spec, tuple) and len(spec) > 1 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], page, *spec[2:])
            elif isinstance(spec, tuple) and len(spec) > 1 and spec[1] is VoilaKernelWebsocketHandler:
                spec = (spec[0], _KernelSocket, *spec[2:])
            out.append(spec)
        return out

    def start(self) -> None:
        """Voilà's ``start``, with the Host-checked application and the reaper of gone pages' kernels."""
        voila.handler.NotebookRenderer = _GuardedRenderer  # the renderer of every page this server serves
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = _HostCheckedApplication(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        quiet = _QuietDeadKernels(settings["vetsim_pages"])
        for name in {self.log.name, "traitlets", "NotebookRenderer", "nbclient"}:
            logging.getLogger(name).addFilter(quiet)
        PeriodicCallback(self._reap, REAP_INTERVAL_S * 1000).start()
        handler = closed_page_handler(self.log)
        IOLoop.current().add_callback(lambda: asyncio.get_running_loop().set_exception_handler(handler))
        self.listen()

    async def _reap(self) -> None:
        pages: PageKernels = self.app.settings["vetsim_pages"]
        for kid in pages.sweep(self.kernel_manager, time.monotonic()):
            await _shutdown(self.kernel_manager, pages, kid, self.log, "its page is gone")


def main(argv: list[str] | None = None) -> int:
    """Serve like ``voila`` (same options), with the protections of :class:`VetsimVoila`."""
    VetsimVoila.launch_instance(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
