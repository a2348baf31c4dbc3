"""Run widget callbacks safely: readable Chinese messages inside the app, details in the log, no tracebacks.

Why: a widget callback that raises shows a traceback (or silently dies) in JupyterLab and Voilà.
Every app routes its callbacks through one ``SafeRunner`` that owns a status line: a
``VetsimError`` shows its ``user_message(lang)``; a pydantic validation error is translated field
by field; anything else shows the generic "internal error" sentence and is logged with its
traceback for the maintainers (logger ``vetsim.ui``). Debouncing coalesces bursts of changes
(e.g. arrow clicks on a number box) into one model call.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel, ValidationError

from ..errors import Problem, VetsimError
from ..files import private_dir
from ..scenario.problems import from_validation_error
from ..wording import tr

__all__ = ["SafeRunner", "message_for", "LOG", "log_path"]

LOG = logging.getLogger("vetsim.ui")
ENV_LOG = "VETSIM_UI_LOG"


def log_path() -> Path:
    """Where the apps log error details: ``$VETSIM_UI_LOG``, else ``vetsim-ui.log`` in the user's own
    vetsim folder (``~/.cache/vetsim/logs``, mode 0700; :func:`vetsim.files.private_dir`)."""
    env = os.environ.get(ENV_LOG)
    return Path(env) if env else private_dir("logs") / "vetsim-ui.log"


def _setup_log() -> None:
    """Send details (tracebacks) to the log file once, never to the page (no stderr fallback)."""
    # a library's logging.config.dictConfig (traitlets applications use one) disables every logger that
    # exists at that moment, ours included: the traceback of an unexpected error would then be lost
    LOG.disabled = False
    if any(getattr(h, "_vetsim", False) for h in LOG.handlers):
        return
    try:
        handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    handler._vetsim = True  # type: ignore[attr-defined]
    LOG.addHandler(handler)
    if LOG.level == logging.NOTSET:
        LOG.setLevel(logging.INFO)

_ERROR_STYLE = ("color:#8a1c1c;background:#fdecea;border:1px solid #f5c2c0;border-radius:4px;"
                "padding:6px 10px;white-space:pre-wrap;font-size:14px")
_INFO_STYLE = "color:#1f4e79;padding:4px 2px;font-size:14px"


def message_for(exc: BaseException, lang: str = "zh") -> str:
    """The text a user sees for ``exc``: never a traceback, always in ``lang`` (Chinese by default)."""
    if isinstance(exc, VetsimError):
        return exc.user_message(lang)
    if isinstance(exc, ValidationError):
        problems: list[Problem] = from_validation_error(
            exc, BaseModel, lambda loc: ("", ".".join(map(str, loc)), ".".join(map(str, loc))))
        head = tr("ui.correct_input_head", lang)
        return "\n".join([head, *("  - " + p.text(lang) for p in problems)])
    return tr("ui.error_with_name", lang, error=tr('error.internal', lang), name=type(exc).__name__)


class SafeRunner:
    """Owns an app's status line and runs its callbacks so that errors become messages.

    ``delay`` (seconds) debounces :meth:`debounced` callbacks when an event loop is running (in a
    kernel); without a running loop (plain Python, tests) calls run at once, which keeps tests
    deterministic. ``last_error`` holds the last message shown (``""`` when the last call succeeded).
    """

    def __init__(self, lang: str = "zh", delay: float = 0.15, logger: logging.Logger = LOG):
        _setup_log()
        self.lang = lang
        self.delay = delay
        self.log = logger
        self.status = widgets.HTML(value="", layout=widgets.Layout(width="100%"))
        self.last_error = ""
        self.last_duration = 0.0
        self._pending: dict[int, asyncio.TimerHandle] = {}
        self._depth = 0

    # ---- status line ----------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.last_error = text
        self.status.value = f'<div class="vetsim-error" style="{_ERROR_STYLE}">{html.escape(text)}</div>'

    def show_info(self, text: str) -> None:
        self.status.value = f'<div class="vetsim-info" style="{_INFO_STYLE}">{html.escape(text)}</div>' if text else ""

    def clear(self) -> None:
        self.last_error = ""
        self.status.value = ""

    # ---- running --------------------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``fn``; on error show a readable message, log the details and return ``None``.

        The status line is cleared when an outermost call starts, so a message raised by a nested
        call (e.g. the estimate refreshed from inside an edit) stays visible after the edit ends.
        """
        if self._depth == 0:
            self.clear()
        self._depth += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except (VetsimError, ValidationError) as exc:
            self.log.info("input rejected in %s: %s", getattr(fn, "__qualname__", fn), exc)
            self.show_error(message_for(exc, self.lang))
            return None
        except Exception as exc:  # noqa: BLE001 - last line of defence: users never see a traceback
            self.log.exception("callback %s failed", getattr(fn, "__qualname__", fn))
            self.show_error(message_for(exc, self.lang))
            return None
        finally:
            self._depth -= 1
            self.last_duration = time.perf_counter() - t0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` as a widget callback (``observe`` / ``on_click``) that never raises."""

        def callback(*args: Any, **kwargs: Any) -> Any:
            return self.run(fn, *args, **kwargs)

        callback.__wrapped__ = fn  # type: ignore[attr-defined]
        return callback

    def debounced(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Like :meth:`wrap`, but bursts of calls within ``delay`` seconds collapse into the last one."""
        key = id(fn)

        def callback(*args: Any, **kwargs: Any) -> None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is None or self.delay <= 0:
                self.run(fn, *args, **kwargs)
                return
            old = self._pending.pop(key, None)
            if old is not None:
                old.cancel()
            self._pending[key] = loop.call_later(self.delay, lambda: self._fire(key, fn, args, kwargs))

        return callback

    def _fire(self, key: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._pending.pop(key, None)
        self.run(fn, *args, **kwargs)
