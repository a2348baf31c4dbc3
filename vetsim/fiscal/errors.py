"""User-facing errors of the fiscal model (Chinese and English)."""

from __future__ import annotations

from ..errors import VetsimError

__all__ = ["FiscalError"]


class FiscalError(VetsimError, ValueError):
    """A bad argument to ``budget()`` or the ``vetsim budget`` command (raise with zh, en texts)."""
