"""Attributes of a package imported on first use (PEP 562), so that light callers stay light."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any

__all__ = ["lazy_attributes"]


class _PinnedNames(ModuleType):
    """A package whose exported name is also the name of one of its modules (``vetsim.fiscal.budget``,
    the function, in module ``vetsim.fiscal.budget``). When the import system binds that module on the
    package, the package keeps the exported attribute instead, as an eager ``from .budget import budget``
    would have left it."""

    _pinned: dict[str, str]  # exported name -> its attribute in the same-named module

    def __setattr__(self, name: str, value: Any) -> None:
        attr = self._pinned.get(name)
        if attr is not None and isinstance(value, ModuleType) and value.__name__ == f"{self.__name__}.{name}":
            value = getattr(value, attr)
        super().__setattr__(name, value)


def lazy_attributes(namespace: dict[str, Any], exports: dict[str, tuple[str, str]]
                    ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose ``exports`` map a public name to
    (module, attribute); ``namespace`` is the package's ``globals()``, where each value is cached."""
    package = namespace["__name__"]
    pinned = {name: attr for name, (module, attr) in exports.items() if module == f"{package}.{name}"}
    if pinned and package in sys.modules:
        sys.modules[package].__class__ = _PinnedNames
        namespace["_pinned"] = pinned

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
