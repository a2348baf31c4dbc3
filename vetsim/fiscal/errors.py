"""User-facing errors of the fiscal model (Chinese and English)."""

from __future__ import annotations

from ..errors import VetsimError

__all__ = ["FiscalError"]


class FiscalError(VetsimError, ValueError):
    """A bad argument to ``budget()`` or the ``vetsim budget`` command."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(en)

    def user_message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en
