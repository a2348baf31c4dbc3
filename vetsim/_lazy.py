"""Attributes of a package imported on first use (PEP 562), so that light callers stay light."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(namespace: dict[str, Any], exports: dict[str, tuple[str, str]]
                    ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose ``exports`` map a public name to
    (module, attribute); ``namespace`` is the package's ``globals()``, where each value is cached."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            module, attr = exports[name]
            value = getattr(import_module(module), attr)
            namespace[name] = value
            return value
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
