"""The case flow's state as numba struct references, for the compiled loop (:mod:`vetsim.sim.flow`).

The loop's functions take the network's tables and the run's state as two objects with named fields.
Plain Python gets named tuples; compiled code would copy a tuple of ~50 arrays into every call (a quarter
of a microsecond each, some 100 ms a county-year), so the compiled entry :func:`run` wraps the same fields
in struct references (``numba.experimental.structref``: one pointer per call). Only the engine's compiled
path imports this module (it imports numba).
"""

from __future__ import annotations

from numba.core import types
from numba.experimental import structref

from .flow import State, Tables, run_flow

__all__ = ["run"]


@structref.register
class _TablesType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


@structref.register
class _StateType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


class TablesRef(structref.StructRefProxy):
    """:class:`vetsim.sim.flow.Tables` as a struct reference."""


class StateRef(structref.StructRefProxy):
    """:class:`vetsim.sim.flow.State` as a struct reference."""


structref.define_proxy(TablesRef, _TablesType, list(Tables._fields))
structref.define_proxy(StateRef, _StateType, list(State._fields))


def run(tables: tuple, state: tuple) -> int:
    """:func:`vetsim.sim.flow.run_flow` on the fields of ``tables`` and ``state`` (tuples in the order of
    :class:`~vetsim.sim.flow.Tables` and :class:`~vetsim.sim.flow.State`); compile with :func:`vetsim._jit.compiled`."""
    return run_flow(TablesRef(*tables), StateRef(*state))
