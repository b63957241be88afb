"""The Daleckii–Krein form for an argument that is symmetric by its form, not declared so:
logm(Xᵀ X + I), expm(A + Aᵀ), sqrtm(S + X Xᵀ) with S spd. The derivation ends with the eigen
form, citing why the argument is symmetric; its value is checked against SciPy's Fréchet
derivatives (``expm_frechet``, the block-triangular formula) taken direction by direction, and
against central differences of the function. An argument whose symmetry is not provable from
its form (Xᵀ A X + I with A general) keeps L_f."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import matdiff_magic as md

N = 3
RNG = np.random.default_rng(5)
X0 = RNG.normal(size=(N, N)) / 2
A0 = RNG.normal(size=(N, N)) / 2
B0 = RNG.normal(size=(N, N))
S0 = (lambda g: g @ g.T / N + np.eye(N))(RNG.normal(size=(N, N)))
VALUES = {"X": X0, "A": A0, "B": B0, "S": S0}
F = {"logm": lambda m: sl.logm(m).real, "sqrtm": lambda m: sl.sqrtm(m).real, "expm": sl.expm}


def _frechet(func: str, m: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_f(M, E) by SciPy: expm_frechet, or the upper right block of f([[M, E], [0, M]])."""
    if func == "expm":
        return sl.expm_frechet(m, e, compute_expm=False)
    return F[func](np.block([[m, e], [np.zeros_like(m), m]]))[:N, N:]


D = "X: matrix(n, n); A: matrix(n, n); B: matrix(n, n); S: spd(n)\n"
CASES = {  # name: (expression, wrt, f, M(values), dM(values, direction E))
    "logm(XᵀX+I)": (
        "tr(B logm(X' X + I))",
        "X",
        "logm",
        lambda v: v["X"].T @ v["X"] + np.eye(N),
        lambda v, e: e.T @ v["X"] + v["X"].T @ e,
    ),
    "expm(A+Aᵀ)": (
        "tr(B expm(A + A'))",
        "A",
        "expm",
        lambda v: v["A"] + v["A"].T,
        lambda v, e: e + e.T,
    ),
    "sqrtm(S+XXᵀ)": (
        "tr(B sqrtm(S + X X'))",
        "X",
        "sqrtm",
        lambda v: v["S"] + v["X"] @ v["X"].T,
        lambda v, e: e @ v["X"].T + v["X"] @ e.T,
    ),
}


def _unit(k: int) -> np.ndarray:
    e = np.zeros(N * N)
    e[k] = 1
    return e.reshape(N, N, order="F")  # vec stacks columns


def _gradient(case: str) -> np.ndarray:
    """∂ tr(B f(M))/∂W (denominator layout) by SciPy's L_f, one entry per direction."""
    _, _, func, m, dm = CASES[case]
    g = np.zeros((N, N))
    for k in range(N * N):
        e = _unit(k)
        g += e * np.trace(B0 @ _frechet(func, m(VALUES), dm(VALUES, e)))
    return g


def _keys(r: md.Result) -> list[str]:
    """The rules of the Daleckii–Krein step (in numerator layout a transpose may follow it)."""
    keys = [[rule.key for rule in s.rules] for s in r.steps]
    return next((k for k in keys if "matfun.daleckii_krein" in k), [])


@pytest.mark.parametrize("method", ["differential", "chain", "vectorization"])
@pytest.mark.parametrize("layout", ["denominator", "numerator"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_symmetric_form_ends_in_the_daleckii_krein_form(case, layout, method):
    expr, wrt, *_ = CASES[case]
    r = md.derive(D + expr, wrt, layout=layout, method=method)
    assert r.verify().ok
    assert _keys(r) == ["structure.symmetric_argument", "matfun.daleckii_krein"], r.steps
    assert "L_" not in r.text and "eigvecs(" in r.text and "F_" in r.text, r.text
    assert "Q_{" in r.latex, r.latex
    want = _gradient(case)
    got = r.evaluate(VALUES)
    np.testing.assert_allclose(got, want if layout == "denominator" else want.T, atol=1e-8)


@pytest.mark.parametrize("case", list(CASES))
def test_the_eigen_form_matches_finite_differences(case):
    expr, wrt, func, m, _ = CASES[case]
    r = md.derive(D + expr, wrt)
    grad = r.evaluate(VALUES)
    f = lambda w: np.trace(B0 @ F[func](m({**VALUES, wrt: w})))
    h = 1e-6
    for _ in range(3):
        e = RNG.normal(size=(N, N))
        slope = (f(VALUES[wrt] + h * e) - f(VALUES[wrt] - h * e)) / (2 * h)
        assert np.isclose(np.sum(grad * e), slope, rtol=1e-6, atol=1e-9)


def test_the_jacobian_of_a_symmetric_form_is_the_kronecker_eigen_form():
    """∂vec sqrtm(S + X Xᵀ)/∂vec(X)ᵀ: (Q ⊗ Q) diag(vec F) (Q ⊗ Q)ᵀ times the inner Jacobian,
    column by column against SciPy's L_sqrt."""
    r = md.derive(D + "sqrtm(S + X X')", "X", method="vectorization", layout="numerator")
    assert r.verify().ok and "matfun.daleckii_krein" in _keys(r)
    m = S0 + X0 @ X0.T
    cols = [
        _frechet("sqrtm", m, _unit(k) @ X0.T + X0 @ _unit(k).T).reshape(-1, order="F")
        for k in range(N * N)
    ]
    np.testing.assert_allclose(r.evaluate(VALUES), np.stack(cols, axis=1), atol=1e-8)


def test_the_step_says_why_the_argument_is_symmetric():
    r = md.derive(D + "tr(B logm(X' X + I))", "X")
    assert _keys(r) == ["structure.symmetric_argument", "matfun.daleckii_krein"]
    said = r.steps[-1].explanation()
    assert "equals its transpose by its form" in said and "eigenvectors" in said
    assert "等于自身的转置" in r.steps[-1].explanation("zh")


@pytest.mark.parametrize(
    "expr",
    [
        "tr(B logm(X' A X + I))",  # Xᵀ A X is symmetric only for a symmetric A
        "tr(B expm(A + A' B))",
        "tr(B sqrtm(S + X))",
    ],
)
def test_a_form_not_provably_symmetric_keeps_the_frechet_derivative(expr):
    r = md.derive(D + expr, "X" if "X" in expr else "A")
    assert "L_" in r.text, r.text
    assert all(rule.key != "matfun.daleckii_krein" for s in r.steps for rule in s.rules)


def test_a_declared_symmetric_argument_is_not_cited_as_symmetric_by_form():
    r = md.derive(D + "tr(B logm(S))", "S")
    assert _keys(r) == ["matfun.daleckii_krein"]
