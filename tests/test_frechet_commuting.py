"""L_f(X, E) = f′(X) E where E is built from X alone (it commutes with X): the gradients of
tr(logm(X)²), tr(sqrtm(P)²) = tr(P), tr(expm(X)²) read as the textbook's closed forms rather than
as a Fréchet derivative or its Daleckii–Krein form (for a symmetric X, Qᵀ g(X) Q is diagonal).
Checked against the closed forms by SciPy and against central differences (``derive`` verifies
every step); a direction that does not commute with X keeps L_f."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import matdiff_magic as md
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.operations.frechet_commuting import of

N = 4
RNG = np.random.default_rng(9)
X0 = np.eye(N) + 0.2 * RNG.normal(size=(N, N))  # eigenvalues near 1: logm, sqrtm defined
P0 = (lambda g: g @ g.T / N + np.eye(N))(RNG.normal(size=(N, N)))
A0 = RNG.normal(size=(N, N))
VALUES = {"X": X0, "P": P0, "A": A0}
D = "X: matrix(n, n); P: spd(n); A: matrix(n, n)\n"
inv = np.linalg.inv

CASES = [  # (expression, wrt, the gradient in denominator layout)
    ("tr(logm(P) logm(P))", "P", lambda: 2 * inv(P0) @ sl.logm(P0).real),
    ("tr(sqrtm(P) sqrtm(P))", "P", lambda: np.eye(N)),
    ("tr(P^(1/3) P^(1/3))", "P", lambda: 2 / 3 * sl.fractional_matrix_power(P0, -1 / 3).real),
    ("tr(sqrtm(P) P)", "P", lambda: 1.5 * sl.sqrtm(P0).real),
    ("tr(logm(X) logm(X))", "X", lambda: 2 * (inv(X0) @ sl.logm(X0).real).T),
    ("tr(expm(X) expm(X))", "X", lambda: 2 * sl.expm(2 * X0).T),
    ("tr(X expm(X))", "X", lambda: (sl.expm(X0) + X0 @ sl.expm(X0)).T),
]


@pytest.mark.parametrize("method", ["differential", "chain", "vectorization"])
@pytest.mark.parametrize(("expr", "wrt", "want"), CASES, ids=[c[0] for c in CASES])
def test_a_direction_built_from_x_gives_the_closed_form(expr, wrt, want, method):
    r = md.derive(D + expr, wrt, method=method)
    assert r.verify().ok
    assert "L_" not in r.text and "Q_" not in r.text, r.text
    keys = {rule.key for s in r.steps for rule in s.rules}
    assert "matfun.commuting_direction" in keys
    np.testing.assert_allclose(r.evaluate(VALUES), want(), atol=1e-8)


def test_the_closed_form_matches_finite_differences():
    r = md.derive(D + "tr(logm(X) logm(X))", "X")
    grad = r.evaluate(VALUES)
    f = lambda x: np.trace(sl.logm(x).real @ sl.logm(x).real)
    for _ in range(3):
        e, h = RNG.normal(size=(N, N)), 1e-6
        slope = (f(X0 + h * e) - f(X0 - h * e)) / (2 * h)
        assert np.isclose(np.sum(grad * e), slope, rtol=1e-6)


def test_a_direction_not_built_from_x_keeps_the_frechet_derivative():
    r = md.derive(D + "tr(A logm(X) logm(X))", "X")
    assert "L_log" in r.text, r.text


def _expr(text: str):
    return parse_problem(D + text).expr


@pytest.mark.parametrize(
    ("e", "x", "holds"),
    [
        ("logm(X) inv(X) + 2 X^2", "X", True),
        ("expm(logm(X) + X)", "X", True),
        ("logm(X)'", "X'", True),
        ("I + sqrtm(X)", "X", True),
        ("A X", "X", False),
        ("logm(X)'", "X", False),
        ("X'", "X", False),
    ],
)
def test_built_from_x(e, x, holds):
    assert of(_expr(e), _expr(x)) is holds
