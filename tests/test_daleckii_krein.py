"""The Daleckii–Krein form of L_f(X, E) for a symmetric X = U diag(λ) Uᵀ: chosen when the
variable is declared symmetric or spd, shown as a step, evaluated by eigh; checked against
SciPy's Fréchet derivatives (expm_frechet, the block-triangular formula), against finite
differences along symmetric directions, and its divided differences against high-precision
ones where eigenvalues nearly coincide."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.linalg as sl

import matdiff_magic as md
from matdiff_magic.operations import daleckii_krein_numeric as DK

N = 4
RNG = np.random.default_rng(3)
_G = RNG.normal(size=(N, N))
P0 = _G @ _G.T / N + np.eye(N)  # symmetric positive definite
A0 = RNG.normal(size=(N, N))
F = {"expm": sl.expm, "logm": lambda x: sl.logm(x).real, "sqrtm": lambda x: sl.sqrtm(x).real,
     "power": lambda x: sl.fractional_matrix_power(x, 1 / 3).real}  # fmt: skip
WRITTEN = {"expm": "expm(P)", "logm": "logm(P)", "sqrtm": "sqrtm(P)", "power": "P^(1/3)"}


def _frechet(func: str, x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_f(X, E) by SciPy: expm_frechet, or the upper right block of f([[X, E], [0, X]])."""
    if func == "expm":
        return sl.expm_frechet(x, e, compute_expm=False)
    block = np.block([[x, e], [np.zeros_like(x), x]])
    return F[func](block)[:N, N:]


def _sym(g: np.ndarray) -> np.ndarray:
    return (g + g.T) / 2


@pytest.mark.parametrize("func", list(F))
@pytest.mark.parametrize("convention", ["sym", "entries", "free"])
def test_symmetric_argument_ends_in_the_daleckii_krein_form(func, convention):
    """∂ tr(A f(P))/∂P for an spd P: G = L_f(P, A)ᵀ = L_f(P, Aᵀ), then the convention; the
    last step is the eigen form, and its value is SciPy's."""
    r = md.derive(f"P: spd(n); A: matrix(n, n)\ntr(A {WRITTEN[func]})", "P", symmetric=convention)
    assert r.verify().ok
    assert r.steps[-1].rule.key == "matfun.daleckii_krein"
    assert "L_" not in r.text and "eigvecs(P)" in r.text and "F_" in r.text
    g = _frechet(func, P0, A0.T)
    want = {"sym": _sym(g), "entries": g + g.T - np.diag(np.diag(g)), "free": g}[convention]
    got = r.evaluate({"P": P0, "A": A0})
    np.testing.assert_allclose(got, want, atol=1e-8)


def test_sym_gradient_matches_finite_differences_along_symmetric_directions():
    r = md.derive("S: symmetric(n); A: matrix(n, n)\ntr(A expm(S))", "S")
    s0 = _sym(RNG.normal(size=(N, N)))
    grad = r.evaluate({"S": s0, "A": A0})
    f = lambda s: np.trace(A0 @ sl.expm(s))
    for _ in range(3):
        e = _sym(RNG.normal(size=(N, N)))
        h = 1e-6
        slope = (f(s0 + h * e) - f(s0 - h * e)) / (2 * h)
        assert np.isclose(np.sum(grad * e), slope, rtol=1e-6)


def test_the_explanation_says_what_u_lambda_and_f_are():
    r = md.derive("P: spd(n); A: matrix(n, n)\ntr(A logm(P))", "P")
    step = r.steps[-1]
    assert "eigenvectors" in step.explanation() and "divided differences" in step.explanation()
    assert "特征向量" in step.explanation("zh") and "差商" in step.explanation("zh")
    assert r"\odot" in r.steps.latex() and "Q_{P}" in r.steps.latex()


@pytest.mark.parametrize("func", list(F))
def test_jacobian_is_the_kronecker_form(func):
    """vec L_f(P, E) = (U ⊗ U) diag(vec F) (U ⊗ U)ᵀ vec E: against SciPy's L_f column by
    column, times the sym convention's (I + K)/2."""
    r = md.derive(f"P: spd(n)\n{WRITTEN[func]}", "P", method="vectorization", layout="numerator")
    assert r.verify().ok and r.steps[-1].rule.key == "matfun.daleckii_krein"
    cols = []
    for k in range(N * N):
        e = np.zeros(N * N)
        e[k] = 1
        cols.append(_frechet(func, P0, e.reshape(N, N, order="F")).reshape(-1, order="F"))
    k_mat = np.zeros((N * N, N * N))
    for i in range(N):
        for j in range(N):
            k_mat[i * N + j, j * N + i] = 1  # vec(Eᵀ) = K vec(E)
    want = np.stack(cols, axis=1) @ (np.eye(N * N) + k_mat) / 2
    np.testing.assert_allclose(r.evaluate({"P": P0}), want, atol=1e-8)


def _mp_divided(func: str, a: float, b: float) -> float:
    """The divided difference at 50 digits (the reference for close eigenvalues)."""
    mpmath.mp.dps = 50
    f = {"expm": mpmath.exp, "logm": mpmath.log, "sqrtm": mpmath.sqrt,
         "power": lambda t: t ** (mpmath.mpf(1) / 3)}[func]  # fmt: skip
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if a == b:
        return float(mpmath.diff(f, a))
    return float((f(a) - f(b)) / (a - b))


@pytest.mark.parametrize("func", list(F))
@pytest.mark.parametrize("gap", [1e-3, 1e-9, 1e-14, 0.0])
def test_divided_differences_of_close_eigenvalues_keep_their_digits(func, gap):
    lam = np.array([0.7, 1.3, 1.3 + gap, 2.5])
    got = DK.divided_differences(func, lam, 1 / 3 if func == "power" else None)
    for i in range(4):
        for j in range(4):
            assert np.isclose(got[i, j], _mp_divided(func, lam[i], lam[j]), rtol=1e-12, atol=0)
    naive = (np.exp(lam[2]) - np.exp(lam[1])) / (lam[2] - lam[1]) if gap else None
    if func == "expm" and gap == 1e-14:  # the quotient as written has lost its digits
        assert not np.isclose(naive, _mp_divided(func, lam[2], lam[1]), rtol=1e-6)


def test_close_eigenvalues_in_a_derivation():
    """P with two eigenvalues 1e-13 apart: the eigen form still equals SciPy's L_log."""
    q, _ = np.linalg.qr(RNG.normal(size=(N, N)))
    p = q @ np.diag([0.5, 1.0, 1.0 + 1e-13, 3.0]) @ q.T
    r = md.derive("P: spd(n); A: matrix(n, n)\ntr(A logm(P))", "P", symmetric="free")
    np.testing.assert_allclose(r.evaluate({"P": p, "A": A0}), _frechet("logm", p, A0.T), atol=1e-7)


def test_a_general_matrix_keeps_the_frechet_derivative():
    r = md.derive("X: matrix(n, n); A: matrix(n, n)\ntr(A expm(X))", "X")
    assert "L_exp" in r.text and all(
        rule.key != "matfun.daleckii_krein" for s in r.steps for rule in s.rules
    )


def test_the_eigenbasis_is_not_named_like_the_singular_vectors():
    # U_S V_Sᵀ (the nuclear norm's thin SVD) and the Daleckii–Krein eigenbasis in one result:
    # two different matrices need two names (Q_S for the eigenvectors); in text, polar(S) and
    # eigvecs(S), the language's spellings
    r = md.derive("S: spd(n); A: matrix(n, n)\ntr(A logm(S)) + norm_nuc(S)", "S")
    assert "U_{S} V_{S}^{T}" in r.latex and r"Q_{S} (F_{\log}" in r.latex, r.latex
    assert "polar(S)" in r.text and "eigvecs(S) (F_log(S)" in r.text, r.text
