"""Matrix functions (expm, logm, sqrtm, X^p) and spectral functions (λ_max, λ_min, σ_max, the
nuclear norm): derivatives against closed forms computed independently (SciPy's expm_frechet,
the integral forms by Gauss–Legendre quadrature, eigenvector and SVD formulas) and against
finite differences in every layout, every step verified."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl
from helpers import assert_derivative

import matdiff_magic as md
from matdiff_magic.domain_edges import well_posed
from matdiff_magic.errors import EvaluationError, MatDiffError
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import bind

D = "X: matrix(n, n); A: matrix(n, n); S: symmetric(n); Y: matrix(m, n)\n"
RNG = np.random.default_rng(7)
N = 4
X0 = np.eye(N) + 0.3 * RNG.normal(size=(N, N))  # non-symmetric, eigenvalues near 1
A0 = RNG.normal(size=(N, N))
S0 = (lambda g: g + g.T)(RNG.normal(size=(N, N)))
Y0 = RNG.normal(size=(3, N))
VALUES = {"X": X0, "A": A0, "S": S0, "Y": Y0}


def _quadrature(integrand, points: int = 40) -> np.ndarray:
    """∫₀¹ integrand(s) ds by Gauss–Legendre."""
    nodes, weights = np.polynomial.legendre.leggauss(points)
    return sum(w / 2 * integrand((t + 1) / 2) for t, w in zip(nodes, weights, strict=True))


def _derive(expr: str, wrt: str, **kw) -> md.Result:
    r = md.derive(D + expr, wrt, **kw)
    assert r.verify().ok
    return r


def test_trace_of_a_times_expm_is_the_frechet_derivative_at_the_transpose():
    """∂ tr(A e^X)/∂X (denominator layout) = L_exp(Xᵀ, Aᵀ): the adjoint is L at the transpose."""
    r = _derive("tr(A expm(X))", "X", method="differential")
    want = sl.expm_frechet(X0.T, A0.T, compute_expm=False)
    assert np.allclose(r.evaluate(VALUES), want, atol=1e-9)
    rules = {rule.key for step in r.steps for rule in step.rules}
    assert {"d.expm", "tr.frechet"} <= rules
    assert np.allclose(r.with_layout("numerator").evaluate(VALUES), want.T, atol=1e-9)


@pytest.mark.parametrize(
    "expr, closed_form",
    [
        ("tr(expm(X))", lambda x: sl.expm(x).T),
        ("tr(logm(X))", lambda x: np.linalg.inv(x).T),
        ("tr(sqrtm(X))", lambda x: 0.5 * np.linalg.inv(sl.sqrtm(x)).T),
        ("tr(X^(1/3))", lambda x: sl.fractional_matrix_power(x, -2 / 3).T / 3),
    ],
)
def test_trace_of_a_matrix_function_is_its_derivative_transposed(expr, closed_form):
    """d tr f(X) = tr(f′(X) dX): ∂ tr(e^X)/∂X = e^{Xᵀ}, ∂ tr(log X)/∂X = X⁻ᵀ."""
    r = _derive(expr, "X", method="differential")
    assert np.allclose(r.evaluate(VALUES), np.real(closed_form(X0)), atol=1e-8)
    assert any(rule.key == "tr.frechet_identity" for step in r.steps for rule in step.rules)


def test_expm_jacobian_is_the_kronecker_integral():
    """vec d e^X = ∫₀¹ e^{(1−s)Xᵀ} ⊗ e^{sX} ds vec dX, the integral by quadrature."""
    r = _derive("expm(X)", "X", method="vectorization")
    want = _quadrature(lambda s: np.kron(sl.expm((1 - s) * X0.T), sl.expm(s * X0)))
    assert np.allclose(r.with_layout("numerator").evaluate(VALUES), want, atol=1e-8)
    # the integral in LaTeX; in text K_exp(X), the language's spelling (the integral is not)
    assert r"\int_{0}^{1}" in r.steps.latex() and "K_exp(X)" in r.steps.text()


def test_logm_jacobian_is_its_integral_and_sqrtm_the_sylvester_inverse():
    r = _derive("logm(X)", "X", method="vectorization")
    inv = lambda s, m: np.linalg.inv(s * (m - np.eye(N)) + np.eye(N))
    want = _quadrature(lambda s: np.kron(inv(s, X0.T), inv(s, X0)), 60)
    assert np.allclose(r.with_layout("numerator").evaluate(VALUES), want, atol=1e-7)
    r = _derive("sqrtm(X)", "X", method="vectorization")
    root, eye = sl.sqrtm(X0).real, np.eye(N)
    want = np.linalg.inv(np.kron(eye, root) + np.kron(root.T, eye))
    assert np.allclose(r.with_layout("numerator").evaluate(VALUES), want, atol=1e-8)


@pytest.mark.parametrize(
    "expr",
    [
        "tr(A expm(X))",
        "sum(logm(X' X + I))",
        "tr(A sqrtm(X))",
        "y' X^(1/3) y",
        "tr(expm(2 X) A) + tr(logm(X))",
        "norm(expm(X' / 4))",
    ],
)
def test_matrix_function_derivatives_against_finite_differences(expr):
    """Every method that applies, every layout, every step verified (helpers)."""
    for method in ("differential", "vectorization", "chain"):
        assert_derivative(D + "y: vector(n)\n" + expr, "X", method=method, seeds=(0,))


def test_definition_method_says_why_not_and_second_frechet_derivatives_are_refused():
    report = md.compare(D + "tr(A expm(X))", "X")
    assert "definition" in report.skipped and not report.failed
    assert {"differential", "vectorization"} <= set(report.results)
    # The Hessian of tr(e^X) is the matrix of L_exp (its gradient e^{Xᵀ} is a matrix function);
    # L_f has no differential rule of its own (second Fréchet derivatives are not built).
    hessian = _derive("tr(expm(X))", "X", order=2)
    # K_exp(X) in text (the language's spelling), the integral in LaTeX
    assert "K_exp(X" in hessian.text and r"\int_{0}^{1}" in hessian.latex
    with pytest.raises(MatDiffError):
        md.derive(D + "tr(A expm(X))", "X", order=2)


def test_powers_parse_to_the_principal_functions():
    x = parse_problem(D + "X^(1/2)").expr
    assert type(x).__name__ == "MatrixFunction" and x.func == "sqrtm"
    cube = md.derive(D + "tr(X^(1/3) X^(1/3) X^(1/3))", "X")
    assert np.allclose(cube.evaluate(VALUES), np.eye(N), atol=1e-8)  # ∂ tr(X)/∂X = I
    assert md.derive(D + "tr(X^0.5)", "X").text == md.derive(D + "tr(sqrtm(X))", "X").text


def test_logm_keeps_clear_of_the_negative_real_axis():
    """No real principal logarithm with an eigenvalue on (-∞, 0]: an error, never a number;
    random points keep clear of the axis (domain_edges.EDGES)."""
    problem = parse_problem(D + "tr(logm(X))")
    r = md.derive(D + "tr(logm(X))", "X")
    with pytest.raises(EvaluationError, match="negative real axis"):
        r.function_value({**VALUES, "X": np.diag([1.0, 2.0, -1.0, 3.0])})
    near = bind(problem.variables, {**VALUES, "X": np.diag([1.0, 2.0, 1e-4, 3.0])})
    assert not well_posed(problem.expr, near)
    assert well_posed(problem.expr, bind(problem.variables, VALUES))


def test_numpy_code_of_a_frechet_gradient_runs():
    r = _derive("tr(A logm(X))", "X")
    namespace: dict[str, object] = {}
    exec(r.numpy_code(), namespace)  # our own generated source
    got = namespace["derivative"](X0, A0, S0, Y0)
    assert np.allclose(got, r.evaluate(VALUES), atol=1e-8)


# -- spectral functions -------------------------------------------------------------------------


def test_eigenvalue_gradients_are_v_vt():
    lam, vecs = np.linalg.eigh(S0)
    for name, k in (("lambda_max", -1), ("lambda_min", 0)):
        r = _derive(f"{name}(S)", "S")
        v = vecs[:, [k]]
        assert np.allclose(r.evaluate(VALUES), v @ v.T, atol=1e-10)
        assert "v_" in r.text and "unit eigenvector" in r.steps[1].explanation()


def test_singular_value_gradients():
    u, s, vt = np.linalg.svd(Y0, full_matrices=False)
    r = _derive("sigma_max(Y)", "Y")
    assert np.allclose(r.evaluate(VALUES), np.outer(u[:, 0], vt[0]), atol=1e-10)
    assert _derive("norm(Y, 2)", "Y").text == r.text
    r = _derive('norm(Y, "nuc")', "Y")
    assert np.allclose(r.evaluate(VALUES), u @ vt, atol=1e-10)
    assert r.text == _derive("norm_nuc(Y)", "Y").text


@pytest.mark.parametrize(
    "expr, wrt",
    [
        ("lambda_max(X' X)", "X"),
        ("lambda_min(A + A')", "A"),
        ("sigma_max(Y X)", "X"),
        ("norm_nuc(Y) + sigma_max(Y)", "Y"),
        ("lambda_max(S) - lambda_min(S)", "S"),
    ],
)
def test_spectral_derivatives_against_finite_differences(expr, wrt):
    for method in ("differential", "vectorization"):
        assert_derivative(D + expr, wrt, method=method, seeds=(0,))


def test_spectral_factors_do_not_depend_on_the_sign_the_routine_picks():
    r = _derive("sigma_max(Y)", "Y")
    flipped = md.derive(D + "sigma_max(-Y)", "Y")
    # σ(−Y) = σ(Y): the same gradient, though u₁(−Y) v₁(−Y)ᵀ is evaluated factor by factor
    assert np.allclose(flipped.evaluate(VALUES), r.evaluate(VALUES), atol=1e-10)


def test_a_matrix_function_of_a_symmetric_matrix_is_symmetric():
    """f(S)ᵀ = f(S) and L_f(S, E)ᵀ = L_f(S, E) for symmetric S and E, so the sym(G) of a
    symmetric variable drops the transposes: tr(S^(1/3)) gives S^(-2/3)/3, not
    (S^(-2/3) + (S^(-2/3))ᵀ)/6, and tr(logm(S)²) gives 2 L_log(S, logm(S))."""
    P = "P: spd(n)\n"
    p0 = S0 @ S0 / N + np.eye(N)
    r = md.derive(P + "tr(P^(1/3))", "P")
    assert r.verify().ok and "ᵀ" not in r.text
    np.testing.assert_allclose(
        r.evaluate({"P": p0}), sl.fractional_matrix_power(p0, -2 / 3).real / 3, atol=1e-9
    )
    r = md.derive(P + "tr(logm(P) logm(P))", "P")
    # the line before the Daleckii–Krein form (tests/test_daleckii_krein.py): 2 L_log(P, logm(P))
    assert r.verify().ok and "ᵀ" not in r.steps[-2].text and "L_log" in r.steps[-2].text
    log_p = sl.logm(p0).real
    block = sl.logm(np.block([[p0, log_p], [np.zeros((N, N)), p0]])).real
    np.testing.assert_allclose(r.evaluate({"P": p0}), 2 * block[:N, N:], atol=1e-8)
    # A general X keeps its transpose: expm(X)ᵀ is not expm(X).
    assert _derive("tr(expm(X))", "X").text == "expm(X)ᵀ"


@pytest.mark.parametrize(
    ("expr", "closed_form"),
    [
        ("tr(expm(X))", lambda x: sl.expm(x).T),
        ("tr(logm(X))", lambda x: np.linalg.inv(x).T),
        ("tr(sqrtm(X))", lambda x: np.linalg.inv(sl.sqrtm(x).real).T / 2),
    ],
)
def test_the_chain_rule_reads_l_f_at_the_identity_as_f_prime(expr, closed_form):
    """The chain rule substitutes ∂f/∂Y = I into L_f(X, (∂f/∂Y)ᵀ): L_f(X, I) = f′(X), since I
    commutes with X, so the result is the closed form, not L_exp(X, I)ᵀ."""
    r = _derive(expr, "X", method="chain")
    assert "L_" not in r.text
    np.testing.assert_allclose(r.evaluate(VALUES), closed_form(X0), atol=1e-9)


# -- where the spectral derivatives do not exist --------------------------------------------------

TIES = [  # (function, variable, a value at which the derivative does not exist)
    ("lambda_max(S)", "S", np.diag([1.0, 3.0, 3.0, 2.0])),
    ("lambda_max(S)", "S", np.diag([1.0, 3.0, 3.0 + 1e-12, 2.0])),  # a near-tie
    ("lambda_min(S)", "S", np.diag([1.0, 1.0, 3.0, 2.0])),
    ("sigma_max(Y)", "Y", np.array([[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 1.0, 0]])),
    ("sigma_max(Y)", "Y", np.zeros((3, N))),
    ("norm_nuc(Y)", "Y", np.array([[2.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 0]])),  # rank 2
]


@pytest.mark.parametrize(("expr", "wrt", "value"), TIES)
def test_no_derivative_at_a_repeated_eigenvalue_or_singular_value(expr, wrt, value):
    """evaluate and verify at such a point raise NotDifferentiableError (en and zh), never
    return the gradient of an arbitrary eigenvector; the function value itself is fine."""
    r = _derive(expr, wrt)
    values = {**VALUES, wrt: value}
    with pytest.raises(md.NotDifferentiableError) as info:
        r.evaluate(values)
    assert "no derivative" in str(info.value) and "不可导" in info.value.message_in("zh")
    with pytest.raises(md.NotDifferentiableError):
        r.verify(values)
    assert np.isfinite(r.function_value(values)).all()
    problem = parse_problem(D + expr)  # random points keep away from ties (domain_edges.EDGES)
    assert not well_posed(problem.expr, bind(problem.variables, values))


def test_repeated_positive_singular_values_keep_the_nuclear_norm_differentiable():
    """‖X‖_* = Σ σ_i is smooth where X has full rank, even with σ_1 = σ_2: U Vᵀ is then the
    polar factor, determined. Against central differences."""
    q1, _ = np.linalg.qr(RNG.normal(size=(3, 3)))
    q2, _ = np.linalg.qr(RNG.normal(size=(N, N)))
    y = q1 @ np.diag([2.0, 2.0, 1.0]) @ q2[:3, :]
    got = _derive("norm_nuc(Y)", "Y").evaluate({**VALUES, "Y": y})
    nuc = lambda m: np.linalg.svd(m, compute_uv=False).sum()
    h, e = 1e-6, RNG.normal(size=y.shape)
    slope = (nuc(y + h * e) - nuc(y - h * e)) / (2 * h)
    assert np.isclose(np.sum(got * e), slope, rtol=1e-6)


def test_spectral_steps_state_their_assumption():
    for expr, wrt, words in (
        ("lambda_max(S)", "S", "simple eigenvalue"),
        ("lambda_min(S)", "S", "simple eigenvalue"),
        ("sigma_max(Y)", "Y", "simple singular value"),
        ("norm_nuc(Y)", "Y", "full rank"),
    ):
        r = _derive(expr, wrt, method="differential")
        said = " ".join(s.explanation() for s in r.steps)
        assert words in said, (expr, said)


# -- printed forms ----------------------------------------------------------------------------


def test_nuclear_norm_steps_name_v_ut_rather_than_transposes_of_u_vt():
    """d‖X‖_* = tr(V Uᵀ dX): the transpose of the factor U Vᵀ is the factor V Uᵀ, so the
    steps never show ((U Vᵀ)ᵀ)ᵀ; the value of V Uᵀ is (U Vᵀ)ᵀ of NumPy's thin SVD."""
    for method in ("differential", "vectorization"):
        r = _derive("norm_nuc(Y)", "Y", method=method)
        text, latex = r.steps.text(), r.steps.latex()
        assert "V_{Y} U_{Y}^{T}" in latex and "((U_{Y} V_{Y}^{T})^{T})^{T}" not in latex
        assert r"\operatorname{tr}((U_{Y}" not in latex
        # in text U_Y V_Yᵀ is polar(Y) and V_Y U_Yᵀ polar(Y)ᵀ, the language's spellings
        assert "tr(polar(Y)ᵀ dY)" in text
        assert r.text == "polar(Y)"
    u, _, vt = np.linalg.svd(Y0, full_matrices=False)
    r = _derive("norm_nuc(Y)", "Y", layout="numerator")
    np.testing.assert_allclose(r.evaluate(VALUES), (u @ vt).T, atol=1e-10)


def test_the_subscript_of_l_for_a_real_power_is_bracketed_in_text():
    """L_pow(X, dX, 1/3) and K_pow(X, 1/3) (the language's spellings: they read back), not
    L_x^(1/3)(X, dX), which reads as a power of L_x."""
    r = _derive("X^(1/3)", "X", method="vectorization")
    assert "L_pow(X, dX, 1/3)" in r.steps.text() and "K_pow(X, 1/3)" in r.text
    assert "L_x^" not in r.steps.text()
    assert r"L_{x^{\frac{1}{3}}}" in r.steps.latex()


@pytest.mark.parametrize(
    ("expr", "closed_form"),
    [
        ("tr(X^(1/3))", lambda: sl.fractional_matrix_power(X0, -2 / 3).real.T / 3),
        ("y' logm(X) y", lambda: sl.logm(np.block([[X0.T, Y0[:1].T @ Y0[:1]],
                                                   [np.zeros((N, N)), X0.T]])).real[:N, N:]),
    ],
)  # fmt: skip
def test_the_vectorization_method_reads_the_frechet_matrix_back(expr, closed_form):
    """vec⁻¹(K_f(X)ᵀ vec(E)) = L_f(Xᵀ, E): the vectorization method ends in L_f (or f′), not
    in vec⁻¹ of an n²×n² matrix times a vector; the value against SciPy."""
    r = _derive("w: vector(n)\n" + expr.replace("y", "w"), "X", method="vectorization")
    assert "unvec" not in r.text and "J_" not in r.text
    values = {**VALUES, "w": Y0[:1].T}
    np.testing.assert_allclose(r.evaluate(values), closed_form(), atol=1e-8)


def test_a_typed_frechet_direction_takes_the_shape_of_its_point():
    # fuzz seed 312000+: L_sqrt(θ θᵀ + I, X) with X undeclared built X of another size and
    # crashed SciPy's Sylvester solver (a ValueError traceback); X now takes θ θᵀ's size
    r = md.derive("θ: prob(m)\ntr(L_sqrt(θ θ' + I, X))", "X")
    theta = np.full((4, 1), 0.25)
    m = theta @ theta.T + np.eye(4)
    w, q = np.linalg.eigh(m)
    expected = q @ np.diag(0.5 / np.sqrt(w)) @ q.T  # sqrt′(M) = M^(-1/2)/2
    np.testing.assert_allclose(r.evaluate({"θ": theta, "X": np.eye(4)}), expected, atol=1e-10)
    with pytest.raises(md.ShapeError, match="direction E of X's shape"):
        md.derive("A: matrix(n, n); B: matrix(m, m)\ntr(L_exp(A, B))", "B")
