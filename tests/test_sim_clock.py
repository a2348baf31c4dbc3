"""The engine's own clock (issue 25): the compiled loop keeps SimPy's order, and its reruns change nothing.

Calls run in time order, calls due at the same time in the order they were scheduled, a call for a time
already past runs now, nothing is scheduled at or beyond the horizon, and arrivals are fed in between
the scheduled calls in time order. A run that outgrows a buffer (or needs the overflow generators) is
run again with more room: the numbers are those of a run that had the room from the start.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from vetsim.scenario import apply_overlay, load_scenario
from vetsim.sim import engine, flow, simulate, star_network
from vetsim.sim.engine import Engine
from vetsim.sim.runner import _network
from vetsim.sim.streams import draw_streams

from .conftest import ROOT


def _engine(days: int = 2) -> Engine:
    sc = star_network(1, 1, volume_per_village=3000, simulation={"days": days})
    net = _network(sc)
    seq = np.random.SeedSequence(3)
    arrivals, backlog = draw_streams(net, seq)
    return Engine(net, arrivals, backlog, seq)


def _clock(slots: int, horizon: float) -> tuple[SimpleNamespace, SimpleNamespace]:
    """The parts of the loop's tables and state the clock reads (plain Python: attribute access only)."""
    tables = SimpleNamespace(horizon=horizon)
    state = SimpleNamespace(clock=np.zeros(1), h_t=np.zeros(slots), h_seq=np.zeros(slots, dtype=np.int64),
                            h_kind=np.zeros(slots, dtype=np.int64), h_b=np.zeros(slots, dtype=np.int64),
                            heap=np.zeros(slots, dtype=np.int64), cnt=np.zeros(len(flow.CNT_ROWS), dtype=np.int64))
    return tables, state


def _pop(state: SimpleNamespace) -> int:
    slot = flow.heap_pop(state.heap, state.cnt[flow.N_HEAP], state.h_t, state.h_seq)
    state.cnt[flow.N_HEAP] -= 1
    state.clock[0] = state.h_t[slot]
    return slot


def test_calls_run_by_time_then_by_scheduling_order() -> None:
    tables, state = _clock(8, horizon=2 * 1440.0)
    for slot, t in enumerate((30.0, 10.0, 20.0, 20.0, 2 * 1440.0, 2 * 1440.0 + 1)):
        flow._at(tables, state, t, flow.K_VISIT, slot, 0)
    assert state.cnt[flow.N_HEAP] == 4  # nothing at or beyond the horizon
    seen = [(state.h_t[s], s) for s in (_pop(state), _pop(state))]
    assert seen == [(10.0, 1), (20.0, 2)]
    flow._at(tables, state, state.clock[0] - 5.0, flow.K_VISIT, 6, 0)  # a time already past runs now ...
    seen = [(state.h_t[s], s) for s in (_pop(state), _pop(state), _pop(state))]
    assert seen == [(20.0, 3), (20.0, 6), (30.0, 0)]  # ... after what was due now, scheduled before it
    assert state.cnt[flow.N_HEAP] == 0


@pytest.mark.parametrize("seed", range(4))
def test_the_heap_pops_in_time_then_sequence_order(seed: int) -> None:
    """Random times with many ties, pushed and popped interleaved: always the least (time, sequence)."""
    rng = np.random.default_rng(seed)
    n = 300
    h_t, h_seq = rng.integers(0, 20, n).astype(float), rng.permutation(n).astype(np.int64)
    heap, size, out, live = np.zeros(n, dtype=np.int64), 0, [], set()
    for slot in range(n):
        size = flow.heap_push(heap, size, slot, h_t, h_seq)
        live.add(slot)
        if rng.random() < 0.4:
            top = flow.heap_pop(heap, size, h_t, h_seq)
            size -= 1
            assert top == min(live, key=lambda s: (h_t[s], h_seq[s]))
            live.remove(top)
            out.append(top)
    while size:
        out.append(flow.heap_pop(heap, size, h_t, h_seq))
        size -= 1
    assert sorted(out) == list(range(n))


def test_a_run_feeds_every_arrival_in_time_order() -> None:
    eng = _engine(days=5)
    n_arrivals = sum(int((s.times < eng.horizon).sum()) for s in eng.arrivals)
    n_backlog = sum(len(s.age_days) for s in eng.backlog)
    eng.run()
    new = eng.case_f[flow.F_T_ARR, eng.case_i[flow.C_BACKLOG] == 0]
    assert len(new) == n_arrivals > 20 and eng.case_i.shape[1] == n_backlog + n_arrivals
    assert np.all(np.diff(new) >= 0)
    assert eng.snap.shape[0] == 5 and eng.now == eng.horizon


def test_a_run_with_too_little_room_is_run_again_with_the_same_numbers(monkeypatch) -> None:
    """Buffers sized far too small (visits, casework items, paths) and no overflow generators at first: the
    engine runs again until it has the room, and the tables are those of a run with room to spare."""
    short = apply_overlay(load_scenario(ROOT / "data" / "sample_county"), {"simulation": {"days": 60}})
    engine._ROOM.clear()
    ample = simulate(short, replications=1, seed=5)
    runs: list[int] = []
    original = engine._run_flow

    def counting(tables, state):
        status = original(tables, state)
        runs.append(status)
        return status

    engine._ROOM.clear()
    monkeypatch.setattr(engine, "_run_flow", counting)
    monkeypatch.setattr(engine, "ROOM_START", {"visits": 0.0, "items": 0.0, "path": 1, "gens": False})
    again = simulate(short, replications=1, seed=5)
    assert set(runs[:-1]) >= {flow.NEED_VISITS, flow.NEED_ITEMS, flow.NEED_PATH} and runs[-1] == flow.OK
    for name in ("cases", "visits", "site_days", "work", "per_replication"):
        assert getattr(ample, name).equals(getattr(again, name)), name


def test_visits_past_the_pre_drawn_numbers_use_the_sites_overflow_generators(monkeypatch) -> None:
    """A crowded desk with abandonment: some cases make more visits than they have pre-drawn numbers for.
    The first run stops for the overflow generators and runs again; the numbers are those of a run that had
    the generators from the start."""
    sc = star_network(1, 2, volume_per_village=6000, staff=(1, 1, 1), simulation={
        "calendar": "official", "service_time_distribution": "gamma", "abandonment": True, "days": 40})
    runs: list[int] = []
    original = engine._run_flow

    def counting(tables, state):
        runs.append(original(tables, state))
        return runs[-1]

    engine._ROOM.clear()
    monkeypatch.setattr(engine, "_run_flow", counting)
    first = simulate(sc, replications=1, seed=8)
    assert runs == [flow.NEED_GENS, flow.OK] and (first.cases["visits"] > flow.VISIT_DRAWS).any()
    engine._ROOM.clear()
    monkeypatch.setattr(engine, "ROOM_START", {**engine.ROOM_START, "gens": True})
    again = simulate(sc, replications=1, seed=8)
    assert runs[2:] == [flow.OK]
    assert first.cases.equals(again.cases) and first.visits.equals(again.visits)
