"""The Voilà server vetsim runs: loopback Host names only, idle kernels culled, a cap on live kernels.

Why not plain ``voila``: every page view starts a Python kernel (~265 MB with the dashboard) that
Voilà keeps until the server stops, so page loads alone exhaust the machine's memory; and Voilà's
standalone server turns off jupyter_server's Host check (``allow_remote_access=True``), so a web
page on another site could reach the dashboard through DNS rebinding. This subclass

* checks the ``Host`` header against the loopback names (jupyter_server's ``check_host`` with
  ``allow_remote_access=False`` and ``local_hostnames``): other names get 403;
* culls kernels idle longer than ``cull_idle_timeout`` (jupyter_server's ``MappingKernelManager``
  culler; a kernel whose page is still open is kept unless ``cull_connected``);
* refuses a new page view while ``max_kernels`` kernels serve pages, with a Chinese (and English)
  message and HTTP 503, instead of starting one more kernel (preheated kernels waiting in Voilà's
  pool, ``--pool_size``, are not counted: they make the next page appear at once).

Started as ``python -m vetsim.ui.voila_app NOTEBOOK [voila options]`` by :mod:`vetsim.ui.voila`.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from ..wording import both

__all__ = ["VetsimVoila", "LOOPBACK_NAMES", "BUSY_MESSAGE", "main"]

LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
BUSY_MESSAGE = both("ui.too_many_dashboard_pages_are")


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


class _CappedVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, refusing to start a kernel beyond the server's cap."""

    max_kernels: int = 0

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        await super().prepare(*args, **kwargs)
        if self._finished or self.max_kernels <= 0:
            return
        km = self.kernel_manager
        n = len(set(km.list_kernel_ids()) - _pooled_kernel_ids(km))
        if n >= self.max_kernels:
            zh, en = (m.format(n=n) for m in BUSY_MESSAGE)
            self.log.warning("refusing a page view: %d kernels alive (max %d)", n, self.max_kernels)
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Retry-After", "60")
            self.finish(f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>服务器繁忙</title>"
                        f"<body style='font-family:sans-serif;font-size:18px;margin:40px'>"
                        f"<p>{html.escape(zh)}</p><p style='color:#555'>{html.escape(en)}</p></body></html>")


class VetsimVoila(Voila):
    """Voilà with the Host check on, idle kernels culled and a cap on live kernels (see the module doc)."""

    max_kernels = Int(8, config=True, help="Most kernels alive at once (0: no cap); each page view uses one.")
    local_hostnames = List(Unicode(), list(LOOPBACK_NAMES), config=True,
                           help="Host names accepted in the Host header besides loopback IP addresses.")
    allow_remote = Bool(False, config=True, help="Accept any Host header (only when serving beyond loopback).")

    def init_settings(self) -> dict[str, Any]:
        settings = super().init_settings()
        settings["allow_remote_access"] = bool(self.allow_remote)  # Voilà sets True; we check the Host header
        settings["local_hostnames"] = list(self.local_hostnames)
        return settings

    def init_handlers(self) -> list[Any]:
        capped = type("CappedVoilaHandler", (_CappedVoilaHandler,), {"max_kernels": int(self.max_kernels)})
        out = []
        for spec in super().init_handlers():
            if isinstance(spec, tuple) and len(spec) > 1 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], capped, *spec[2:])
            out.append(spec)
        return out


def main(argv: list[str] | None = None) -> int:
    """Serve like ``voila`` (same options), with the protections of :class:`VetsimVoila`."""
    VetsimVoila.launch_instance(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
