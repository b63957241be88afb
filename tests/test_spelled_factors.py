"""The language's spellings of the factors results print (so that every result reads back as
an answer): polar(X) = U Vᵀ of the thin SVD, eigvecs(S) and F_exp(S), F_log(S), F_sqrt(S),
F_pow(S, p) of the Daleckii–Krein form, K_exp(X), K_log(X), K_sqrt(X), K_pow(X, p) of the
vectorization method. Each typed form is checked against NumPy / SciPy / mpmath computed here,
not against matdiff's own evaluation; misuse is a clear MatDiffError."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.linalg as sl

import matdiff_magic as md
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import bind, evaluate
from matdiff_magic.printing.text import text

N = 4
RNG = np.random.default_rng(11)
_G = RNG.normal(size=(N, N))
S0 = _G @ _G.T / N + np.eye(N)  # symmetric positive definite, distinct eigenvalues
X0 = 0.4 * RNG.normal(size=(N, N)) + np.eye(N) * 1.5  # eigenvalues near 1.5, off the cut
Y0 = RNG.normal(size=(N + 2, N))
E0 = RNG.normal(size=(N, N))
VALUES = {"S": S0, "X": X0, "Y": Y0, "E": E0}
DECLARED = "S: spd(n); X: matrix(n, n); Y: matrix(m, n); E: matrix(n, n)\n"


def _value(text: str) -> np.ndarray:
    problem = parse_problem(DECLARED + text)
    return evaluate(problem.expr, bind(problem.variables, VALUES))


def _vec(a: np.ndarray) -> np.ndarray:
    return a.reshape(-1, 1, order="F")


THIRD = mpmath.mpf(1) / 3
SCALAR = {  # f and f′
    "exp": (mpmath.exp, mpmath.exp),
    "log": (mpmath.log, lambda x: 1 / x),
    "sqrt": (mpmath.sqrt, lambda x: 1 / (2 * mpmath.sqrt(x))),
    "pow": (lambda x: x**THIRD, lambda x: THIRD * x ** (THIRD - 1)),
}
MATRIX = {
    "exp": sl.expm,
    "log": lambda x: sl.logm(x).real,
    "sqrt": lambda x: sl.sqrtm(x).real,
    "pow": lambda x: sl.fractional_matrix_power(x, 1 / 3).real,
}
WRITTEN = {"exp": "F_exp(S)", "log": "F_log(S)", "sqrt": "F_sqrt(S)", "pow": "F_pow(S, 1/3)"}


def _divided(f: str, lam: np.ndarray) -> np.ndarray:
    """F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), F_ii = f′(λ_i), in 30 digits."""
    value, slope = SCALAR[f]
    with mpmath.workdps(30):
        out = np.empty((len(lam), len(lam)))
        for i, a in enumerate(map(mpmath.mpf, lam)):
            for j, b in enumerate(map(mpmath.mpf, lam)):
                out[i, j] = float(slope(a) if i == j else (value(a) - value(b)) / (a - b))
    return out


def _frechet(f: str, x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_f(X, E) by SciPy: the upper right block of f([[X, E], [0, X]])."""
    block = np.block([[x, e], [np.zeros_like(x), x]])
    return MATRIX[f](block)[: len(x), len(x) :]


def test_polar_is_u_vt_of_the_thin_svd():
    u, _, vt = np.linalg.svd(Y0, full_matrices=False)
    np.testing.assert_allclose(_value("polar(Y)"), u @ vt, atol=1e-10)
    np.testing.assert_allclose(_value("polar(Y)'"), (u @ vt).T, atol=1e-10)
    assert _value("polar(Y)").shape == Y0.shape


def test_eigvecs_diagonalize_a_symmetric_matrix_with_ascending_eigenvalues():
    q = _value("eigvecs(S)")
    np.testing.assert_allclose(q.T @ q, np.eye(N), atol=1e-12)
    np.testing.assert_allclose(q.T @ S0 @ q, np.diag(np.linalg.eigvalsh(S0)), atol=1e-10)


@pytest.mark.parametrize("f", list(WRITTEN))
def test_divided_differences_against_high_precision(f):
    lam = np.linalg.eigvalsh(S0)
    np.testing.assert_allclose(_value(WRITTEN[f]), _divided(f, lam), rtol=1e-9)


@pytest.mark.parametrize("f", list(WRITTEN))
def test_the_daleckii_krein_form_typed_is_scipys_frechet_derivative(f):
    q = "eigvecs(S)"
    got = _value(f"{q} ({WRITTEN[f]} ⊙ ({q}' E {q})) {q}'")
    np.testing.assert_allclose(got, _frechet(f, S0, E0), atol=1e-9)


@pytest.mark.parametrize(
    "typed, f",
    [("K_exp(X)", "exp"), ("K_log(X)", "log"), ("K_sqrt(X)", "sqrt"), ("K_pow(X, 1/3)", "pow")],
)
def test_k_f_is_the_matrix_of_the_frechet_derivative(typed, f):
    """vec L_f(X, E) = K_f(X) vec E, L_f from SciPy (expm_frechet for exp)."""
    got = _value(typed)
    assert got.shape == (N * N, N * N)
    want = sl.expm_frechet(X0, E0, compute_expm=False) if f == "exp" else _frechet(f, X0, E0)
    np.testing.assert_allclose(got @ _vec(E0), _vec(want), atol=1e-8)


@pytest.mark.parametrize(
    "typed",
    [
        "polar(Y)' + Y' polar(Y) polar(Y)'",
        "v_max(S) v_min(S)' + v1(Y) v1(Y)' + (u1(Y)' u1(Y)) X",
        "eigvecs(S) (F_pow(S, 1/3) ⊙ (eigvecs(S)' (E + E') eigvecs(S))) eigvecs(S)'/2",
        "unvec(K_exp(X)' vec(E), n, n) + L_log(X, E') + L_pow(X, E, 2/3)",
        "unvec(K_pow(X, 1/3) vec(E) + K_sqrt(X) vec(E), n, n) + F_sqrt(S) + F_exp(S)",
    ],
)
def test_the_text_and_ascii_of_every_factor_parse_back_to_the_same_value(typed):
    e = parse_problem(DECLARED + typed).expr
    for written in (text(e), text(e, ascii_only=True)):
        np.testing.assert_allclose(_value(written), _value(typed), atol=1e-9, err_msg=written)


def test_a_half_power_is_the_square_root():
    np.testing.assert_allclose(_value("F_pow(S, 1/2)"), _value("F_sqrt(S)"), atol=1e-14)
    np.testing.assert_allclose(_value("K_pow(X, 0.5)"), _value("K_sqrt(X)"), atol=1e-10)


@pytest.mark.parametrize(
    "typed, error, words",
    [
        ("sum(eigvecs(Y))", md.ShapeError, "not square"),
        ("sum(F_exp(Y))", md.ShapeError, "not square"),
        ("sum(K_log(Y))", md.ShapeError, "not square"),
        ("sum(F_pow(S, 2))", md.ShapeError, "F_pow(X, p) must be a number that is not whole"),
        ("sum(K_pow(X, 3))", md.ShapeError, "K_pow(X, p) must be a number that is not whole"),
        ("sum(F_pow(S, tr(S)))", md.ShapeError, "must be a number"),
        ("sum(K_pow(X))", md.ParseError, "K_pow takes 2 arguments, got 1"),
        ("sum(polar(Y, Y))", md.ParseError, "polar takes 1 argument, got 2"),
        ("tr(polar(Y))", md.ShapeError, "not square"),
    ],
)
def test_misuse_is_a_clear_error(typed, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        md.derive(DECLARED + typed, "E")


@pytest.mark.parametrize(
    "expr, wrt, shown",
    [
        ("S: symmetric(n)\nsum(v_max(S))", "S", "v_max(S)"),
        ("X: matrix(m, n)\nsum(u1(X))", "X", "u₁(X)"),
        ("X: matrix(m, n)\nsum(polar(X))", "X", "polar(X)"),
        ("S: spd(n)\ntr(eigvecs(S))", "S", "eigvecs(S)"),
        ("S: spd(n)\nsum(F_log(S))", "S", "F_log(S)"),
    ],
)
def test_differentiating_a_spectral_factor_says_what_is_unsupported(expr, wrt, shown):
    """A first derivative, not a Hessian: the message names the factor as written and says
    that derivatives of eigenvectors (and the other spectral factors) are missing."""
    with pytest.raises(md.NotSupportedYetError) as info:
        md.derive(expr, wrt)
    en, zh = info.value.message_in("en"), info.value.message_in("zh")
    assert shown in en and "derivatives of eigenvectors" in en and "Hessian" not in en, en
    assert shown in zh and "特征向量" in zh and "黑塞" not in zh, zh


def test_a_typed_frechet_derivative_differentiated_in_x_does_not_speak_of_a_hessian():
    with pytest.raises(md.NotSupportedYetError) as info:
        md.derive("X: matrix(n, n); A: matrix(n, n)\ntr(L_exp(X, A))", "X")
    assert "second Fréchet derivative" in info.value.message_in("en")
    assert "this Hessian" not in info.value.message_in("en")


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_the_definition_method_writes_an_all_equal_delta_as_diag_vec_i(layout):
    """d vec(diag(diag X))/d vec(X)ᵀ has the entry δ_ij δ_ik δ_il at row (i, j), column (k, l):
    diag(vec I), in matrix notation rather than a four-index δ formula."""
    r = md.derive("X: matrix(n, n)\ndiag(diag(X))", "X", method="definition", layout=layout)
    assert "δ" not in r.text and "diag(vec(I_n))" in r.text, r.text
    np.testing.assert_allclose(r.evaluate({"X": X0}), np.diag(_vec(np.eye(N)).ravel()))
