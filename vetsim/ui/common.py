"""Pieces every app shares: the app base class, figures as images, tables, KPI cards, download links."""

from __future__ import annotations

import base64
import html
import os
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..errors import VetsimError
from ..files import written_bytes
from ..i18n import check_lang
from .safe import LOG, SafeRunner, message_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # lazy: the dashboard's first cards need no matplotlib

__all__ = ["App", "ErrorPanel", "figure_png", "frame_html", "download_link", "kpi_card", "CSS", "env_int",
           "strict_mode"]

CSS = """<style>
.vetsim-table {border-collapse:collapse;font-size:14px;margin:4px 0}
.vetsim-table th {background:#eef3f8;padding:4px 8px;border:1px solid #d0d7de;text-align:left}
.vetsim-table td {padding:3px 8px;border:1px solid #d0d7de;text-align:right}
.vetsim-table td:first-child {text-align:left}
.vetsim-cards {display:flex;flex-wrap:wrap;gap:12px;margin:6px 0}
.vetsim-card {border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:200px;background:#fbfcfd}
.vetsim-card .t {font-size:15px;color:#444}
.vetsim-card .v {font-size:30px;font-weight:600;color:#1f4e79}
.vetsim-card .b {font-size:13px;color:#555}
.vetsim-card .good {color:#1a7f37} .vetsim-card .bad {color:#b42318}
.vetsim-flag {color:#9a6700}
</style>"""


ENV_STRICT = "VETSIM_UI_STRICT"  # CI: an app that starts with an error fails the notebook run


def strict_mode() -> bool:
    """True when ``$VETSIM_UI_STRICT`` is set (notebooks run in CI): start-up errors must fail the run."""
    return os.environ.get(ENV_STRICT, "") not in ("", "0")


def env_int(name: str, default: int) -> int:
    """An integer setting from the environment (e.g. few replications for the browser test), else ``default``."""
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class App:
    """Base of the apps: a language, a ``SafeRunner`` (status line, safe callbacks) and a root ``widget``.

    An app object displays itself when it is the last expression of a notebook cell.
    """

    widget: widgets.Widget

    def __init__(self, lang: str = "zh", debounce: float = 0.15):
        self.lang = check_lang(lang)
        self.runner = SafeRunner(lang, delay=debounce)

    def t(self, zh: str, en: str) -> str:
        """Pick the text for the app's language."""
        return zh if self.lang == "zh" else en

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def preview(self) -> None:
        """Display what the app can already show as plain HTML (nothing by default); see MeetingDashboard."""

    @property
    def error(self) -> str:
        """The message shown in the status line after the last action ('' if it succeeded)."""
        return self.runner.last_error

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> App | ErrorPanel:
        """The app, or an ``ErrorPanel`` with a readable message if it cannot start (what notebooks call).

        With ``$VETSIM_UI_STRICT`` set (the notebook runs in CI), a start-up error raises instead.
        """
        strict = strict_mode()
        try:
            app = cls(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown as a message, logged with details
            if strict:
                raise
            return ErrorPanel(exc, kwargs.get("lang", "zh"))
        if strict and app.error:
            raise RuntimeError(f"{cls.__name__} started with an error: {app.error}")
        return app


def figure_png(fig: Figure, dpi: float = 96) -> bytes:
    """PNG bytes of a matplotlib ``Figure`` (no pyplot state involved)."""
    return written_bytes(lambda fh: fig.savefig(fh, format="png", dpi=dpi))


def frame_html(df: pd.DataFrame, formats: dict[str, str] | None = None, index: bool = False) -> str:
    """A DataFrame as a compact HTML table; ``formats`` maps columns to format strings, e.g. '{:,.0f}'."""
    formats = formats or {}
    shown = df.copy()
    for col, fmt in formats.items():
        if col in shown.columns:
            shown[col] = [("" if pd.isna(v) else "∞" if v in (float("inf"), float("-inf")) else fmt.format(v))
                          for v in shown[col]]
    return shown.to_html(index=index, classes="vetsim-table", border=0, na_rep="", escape=True)


def download_link(data: bytes, filename: str, mime: str, text: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` (a data: URI, so it works in Voilà too)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{mime};base64,{b64}" '
            f'style="margin-right:16px;font-size:15px">⬇ {html.escape(text)}</a>')


def kpi_card(title: str, value: str, baseline: str | None = None, good: bool | None = None,
             cls: str = "") -> str:
    """One KPI card: a title, a big value, and optionally the baseline value and a good/bad colour."""
    tone = "" if good is None else (" good" if good else " bad")
    base = f'<div class="b">{html.escape(baseline)}</div>' if baseline else ""
    return (f'<div class="vetsim-card {cls}"><div class="t">{html.escape(title)}</div>'
            f'<div class="v{tone}">{html.escape(value)}</div>{base}</div>')


class ErrorPanel:
    """Shown instead of an app that could not start (e.g. the scenario folder is invalid): the message only."""

    def __init__(self, exc: BaseException, lang: str = "zh"):
        LOG.error("app could not start: %s", exc, exc_info=not isinstance(exc, VetsimError))
        self.lang = lang
        self.runner = SafeRunner(lang)
        self.runner.show_error(message_for(exc, lang))
        self.widget = widgets.VBox([self.runner.status])

    @property
    def error(self) -> str:
        return self.runner.last_error

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def preview(self) -> None:
        """Nothing to preview: the message is in the widget."""
