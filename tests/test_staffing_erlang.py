"""Erlang B / C / A against independent truth.

Truth used here (published tables give 2-4 digits, so the 1e-9 checks use exact arithmetic):
- Erlang B and C from the defining sums in exact rationals (``fractions.Fraction``);
- closed forms from the textbooks: M/M/1 P(wait) = rho, Wq = rho s / (1 - rho); M/M/2 P(wait) = a^2 / (2 + a);
- Erlang A from its birth-death chain in 50-digit decimals (truncated where the tail is < 1e-40), and
  the service level from the tagged customer's absorbing Markov chain (matrix exponential), which
  does not use the incomplete-gamma formulas of the implementation;
- a published Erlang B table point (30 trunks carry 24.80 Erlangs at 5% blocking, the standard
  Erlang B table) to the table's precision.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetsim.staffing import erlang_a, erlang_b, erlang_c


def exact_b(a: F, c: int) -> F:
    terms = [F(1)]
    for k in range(1, c + 1):
        terms.append(terms[-1] * a / k)
    return terms[-1] / sum(terms)


def exact_c(a: F, c: int) -> F:
    b = exact_b(a, c)
    return c * b / (c - a * (1 - b))


@pytest.mark.parametrize("a,c", [(F(1, 2), 1), (F(2), 3), (F(48), 55), (F(25), 30), (F(9, 10), 1), (F(280), 300),
                                 (F(7, 3), 4), (F(1, 1000), 200)])
def test_erlang_b_c_match_exact_rationals(a: F, c: int) -> None:
    s, t = 4.0, 0.25
    r = erlang_c(float(a), c, s, t)
    cx = exact_c(a, c)
    assert abs(erlang_b(float(a), c) - float(exact_b(a, c))) < 1e-9
    assert abs(r["p_wait"] - float(cx)) < 1e-9
    assert abs(r["mean_wait"] - float(cx * F(s) / (c - a))) < 1e-9
    assert abs(r["service_level"] - (1 - float(cx) * math.exp(-float(c - a) * t / s))) < 1e-9
    assert abs(r["occupancy"] - float(a / c)) < 1e-12


def test_textbook_closed_forms() -> None:
    rho = np.array([0.1, 0.5, 0.9, 0.99])
    r = erlang_c(rho, 1, 2.0)
    assert np.allclose(r["p_wait"], rho, atol=1e-12)
    assert np.allclose(r["mean_wait"], rho * 2.0 / (1 - rho), rtol=1e-12)
    a = np.array([0.3, 1.0, 1.9])
    assert np.allclose(erlang_c(a, 2)["p_wait"], a ** 2 / (2 + a), atol=1e-12)


def test_published_erlang_b_table_point() -> None:
    # Erlang B table: 30 circuits, 24.80 Erlangs offered at grade of service 0.05 (table precision 0.01 E)
    assert erlang_b(24.80, 30) == pytest.approx(0.05, abs=5e-4)
    assert erlang_b(24.80 - 0.05, 30) < 0.05 < erlang_b(24.80 + 0.05, 30)


def test_edge_cases_zero_load_and_overload() -> None:
    r = erlang_c([0.0, 0.0, 5.0, 6.0, 3.0], [2, 0, 5, 5, 0], 10.0, 30.0)
    assert list(r["p_wait"]) == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert list(r["mean_wait"][:2]) == [0.0, 0.0]
    assert np.all(np.isinf(r["mean_wait"][2:])) and np.all(r["mean_wait"] >= 0)
    assert list(r["service_level"]) == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert list(r["stable"]) == [True, True, False, False, False]
    ra = erlang_a([0.0, 5.0], [1, 0], 10.0, 60.0, 30.0)  # zero load; visitors but no staff: all leave
    assert ra["p_wait"][0] == 0.0 and ra["mean_wait"][0] == 0.0 and ra["service_level"][0] == 1.0
    assert ra["p_abandon"][1] == pytest.approx(1.0) and ra["service_level"][1] == 0.0
    assert ra["mean_wait"][1] == pytest.approx(60.0)
    with pytest.raises(ValueError):
        erlang_c(-1.0, 1)


def test_large_c_is_stable() -> None:
    r = erlang_c(4800.0, 5000, 1.0, 0.1)
    assert np.isfinite(r["p_wait"]) and 0 < r["p_wait"] < 1
    ra = erlang_a(4800.0, 4700, 1.0, 2.0, 0.1)  # overloaded but stable thanks to abandonment; w = lambda x patience = 9600
    assert 0 < ra["p_abandon"] < 1 and np.isfinite(ra["mean_wait"])
    # in overload, abandonment must take the excess: lambda P(ab) ~ lambda - c mu (fluid limit)
    assert ra["p_abandon"] == pytest.approx((4800 - 4700) / 4800, rel=0.05)


def _erlang_a_chain(lam: float, mu: float, theta: float, c: int) -> tuple[Decimal, Decimal, list[Decimal]]:
    """Stationary distribution of M/M/c+M in 50-digit decimals, truncated once terms drop below 1e-40.

    Returns P(wait), P(abandon) = theta E[queue] / lambda, and pi.
    """
    with localcontext() as ctx:
        ctx.prec = 50
        lam_d, mu_d, th_d = Decimal(lam), Decimal(mu), Decimal(theta)
        p = [Decimal(1)]
        k = 0
        while True:
            k += 1
            p.append(p[-1] * lam_d / (min(k, c) * mu_d + max(k - c, 0) * th_d))
            if k > c and p[-1] < Decimal("1e-40") * p[c]:
                break
        z = sum(p)
        pi = [q / z for q in p]
        p_wait = sum(pi[c:])
        lq = sum((k - c) * pi[k] for k in range(c, len(pi)))
        return p_wait, th_d * lq / lam_d, pi


def _expm(m: np.ndarray) -> np.ndarray:
    """Matrix exponential by scaling and squaring with a Taylor series (no scipy needed)."""
    norm = np.abs(m).sum(axis=1).max()
    k = max(0, int(np.ceil(np.log2(max(norm, 1e-300)))) + 1)
    a = m / 2 ** k
    out, term = np.eye(len(m)), np.eye(len(m))
    for i in range(1, 30):
        term = term @ a / i
        out = out + term
    for _ in range(k):
        out = out @ out
    return out


def _served_within(pi: list[Decimal], lam: float, mu: float, theta: float, c: int, t: float, j_max: int = 60) -> float:
    """P(served and waited <= t): a tagged arrival with j ahead; states = customers ahead (0..j) + served + gone."""
    total = float(sum(pi[:c]))
    for j in range(0, min(j_max, len(pi) - c)):
        n = j + 3
        q = np.zeros((n, n))
        served, gone = j + 1, j + 2
        for i in range(j + 1):  # i customers ahead of the tagged one
            out_rate = c * mu + i * theta
            q[i, i - 1 if i > 0 else served] += out_rate
            q[i, gone] += theta  # the tagged customer's own patience
            q[i, i] -= out_rate + theta
        p_t = _expm(q * t)
        total += float(pi[c + j]) * p_t[j, served]
    return total


@pytest.mark.parametrize("lam,mu,theta,c,t", [(2.0, 1.0, 0.5, 3, 0.5), (1.5, 1 / 20, 1 / 60, 40, 10.0),
                                              (0.05, 1 / 15, 1 / 60, 1, 30.0), (3.0, 1.0, 2.0, 2, 0.2)])
def test_erlang_a_matches_exact_chain(lam: float, mu: float, theta: float, c: int, t: float) -> None:
    p_wait, p_ab, pi = _erlang_a_chain(lam, mu, theta, c)
    r = erlang_a(lam / mu, c, 1 / mu, 1 / theta, t)
    assert abs(r["p_wait"] - float(p_wait)) < 1e-9
    assert abs(r["p_abandon"] - float(p_ab)) < 1e-9
    assert abs(r["mean_wait"] - float(p_ab) / theta) < 1e-9
    assert abs(r["service_level"] - _served_within(pi, lam, mu, theta, c, t)) < 1e-9


def test_erlang_a_tends_to_erlang_c_with_long_patience() -> None:
    a, c, s, t = 3.2, 5, 10.0, 5.0
    rc = erlang_c(a, c, s, t)
    ra = erlang_a(a, c, s, 1e5, t)  # patience 10^5 minutes: the difference is O(mean wait / patience)
    assert ra["p_wait"] == pytest.approx(rc["p_wait"], abs=1e-4)
    assert ra["offered_wait_ok"] == pytest.approx(rc["service_level"], abs=1e-4)
    assert erlang_a(a, c, s, np.inf, t)["p_wait"] == rc["p_wait"]


def test_vectorized_over_sites_and_periods() -> None:
    rng = np.random.default_rng(1)
    load = rng.uniform(0, 4, size=(7, 24))
    c = rng.integers(0, 6, size=(7, 1))
    r = erlang_a(load, c, 12.0, 45.0, 20.0)
    assert r["p_wait"].shape == (7, 24)
    for i, j in [(0, 0), (3, 5), (6, 23)]:
        one = erlang_a(load[i, j], int(c[i, 0]), 12.0, 45.0, 20.0)
        for key in ("p_wait", "p_abandon", "service_level"):
            assert r[key][i, j] == pytest.approx(float(one[key]), abs=1e-14)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.01, 30.0), c=st.integers(1, 40), patience=st.floats(1.0, 500.0))
def test_more_servers_never_hurt(a: float, c: int, patience: float) -> None:
    r1 = erlang_a(a, c, 10.0, patience, 15.0)
    r2 = erlang_a(a, c + 1, 10.0, patience, 15.0)
    assert r2["p_wait"] <= r1["p_wait"] + 1e-12
    assert r2["service_level"] >= r1["service_level"] - 1e-12
    for key in ("p_wait", "p_abandon", "service_level"):
        assert 0.0 <= r1[key] <= 1.0
