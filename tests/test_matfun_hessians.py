"""Second derivatives through matrix and spectral functions: where the gradient is itself a
matrix function (tr(expm(X)) -> expm(X)ᵀ, tr(logm(S)) -> S⁻¹, tr(X^p) -> p X^(p-1)ᵀ) the Hessian
is derived and checked here against the second directional derivative of the expression by
central differences, vec(E)ᵀ H vec(E) = d²/dt² f(X + t E) (the same in every layout); where it
would need the second Fréchet derivative or the derivative of an eigenvector, a clear
NotSupportedYetError says so."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import matdiff_magic as md
from matdiff_magic.errors import NotSupportedYetError

N = 3
RNG = np.random.default_rng(7)
X0 = RNG.standard_normal((N, N)) / 2
S0 = (lambda a: a @ a.T / N + np.eye(N))(RNG.standard_normal((N, N)))


def _second_directional(f, x: np.ndarray, e: np.ndarray, h: float = 1e-3) -> float:
    return (f(x + h * e) - 2 * f(x) + f(x - h * e)) / h**2


def _power(x: np.ndarray, p: float) -> np.ndarray:
    return sl.fractional_matrix_power(x, p).real


CASES = [
    ("X: matrix(n, n)\ntr(expm(X))", "X", X0, lambda x: np.trace(sl.expm(x))),
    ("S: spd(n)\ntr(logm(S))", "S", S0, lambda s: np.trace(sl.logm(s).real)),
    ("X: matrix(n, n)\ntr(sqrtm(X))", "X", S0, lambda x: np.trace(sl.sqrtm(x).real)),
    (
        "X: matrix(n, n)\ntr(X^(1/3))",
        "X",
        S0,
        lambda x: np.trace(sl.fractional_matrix_power(x, 1 / 3).real),
    ),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize(
    ("expr", "wrt", "at", "f"), CASES, ids=[c[0].split("\n")[1] for c in CASES]
)
def test_hessian_through_a_matrix_function(expr, wrt, at, f, layout):
    r = md.derive(expr, wrt, order=2, layout=layout)
    assert r.verify().ok
    h = np.asarray(r.evaluate({wrt: at}), dtype=float)
    assert h.shape == (N * N, N * N)
    for _ in range(3):
        e = RNG.standard_normal((N, N))
        if wrt == "S":
            e = (e + e.T) / 2  # a symmetric direction for a symmetric variable
        v = e.reshape(-1, order="F")
        want = _second_directional(f, at, e)
        assert abs(v @ h @ v - want) < 1e-4 * max(1.0, abs(want))


@pytest.mark.parametrize(
    ("expr", "wrt", "says"),
    [
        ("X: matrix(n, n); A: matrix(n, n)\ntr(A expm(X))", "X", "second Fréchet derivative"),
        ("S: symmetric(n)\nlambda_max(S)", "S", "eigenvectors"),
        ("X: matrix(m, n)\nnorm(X, 2)", "X", "singular"),
        ('X: matrix(m, n)\nnorm(X, "nuc")', "X", "singular"),
    ],
)
def test_hessians_beyond_the_rules_say_what_is_missing(expr, wrt, says):
    with pytest.raises(NotSupportedYetError) as info:
        md.derive(expr, wrt, order=2)
    assert says in str(info.value)
    assert info.value.render("zh") != str(info.value)
