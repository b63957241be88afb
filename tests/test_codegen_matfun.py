"""Generated code for the matrix functions (expm, logm, sqrtm, X^p, their Fréchet node) and the
spectral functions (λ_max, λ_min, σ_max, ‖·‖_*) in every installed target, run here and checked
against central finite differences of the expression; where a target has no such function the
generator raises a clear NotSupportedYetError naming the function and the target. Of a
symmetric argument, logm, sqrtm and X^p (and their Fréchet derivatives) have code in every
target, through eigh."""

from __future__ import annotations

import numpy as np
import pytest
from test_codegen_targets import INSTALLED, arguments, as_numpy, compiled

import matdiff_magic as md
from matdiff_magic.check import check_result
from matdiff_magic.errors import NotSupportedYetError

TARGETS = [pytest.param(t, id=t) for t in INSTALLED]
EVERY_TARGET = [  # (expression, wrt): code in NumPy, torch and JAX
    ("X: matrix(n, n)\ntr(expm(X))", "X"),
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A expm(X))", "X"),  # the Fréchet node
    ("X: matrix(n, n)\nexpm(X)", "X"),  # its n²×n² Kronecker form
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A expm(X')) + tr(expm(2 X))", "X"),
    ("S: symmetric(n)\nlambda_max(S)", "S"),
    ("S: symmetric(n)\nlambda_min(S)", "S"),
    ("X: matrix(n, n)\nlambda_max(X)", "X"),
    ("X: matrix(m, n)\nnorm(X, 2)", "X"),
    ('X: matrix(m, n)\nnorm(X, "nuc")', "X"),
    ("X: matrix(n, n)\ntr(logm(X))", "X"),  # the gradient needs no logm
    # a symmetric argument: f(P) = U diag(f(λ)) Uᵀ, L_f(P, E) in the Daleckii–Krein form (eigh)
    ("P: spd(n); A: matrix(n, n)\ntr(A logm(P))", "P"),
    ("P: spd(n); A: matrix(n, n)\ntr(A sqrtm(P))", "P"),
    ("P: spd(n); A: matrix(n, n)\ntr(A P^(1/3))", "P"),
    ("P: spd(n)\ntr(logm(P) logm(P))", "P"),  # logm(P) itself in the result
    ("P: spd(n)\nsqrtm(P)", "P"),  # (U ⊗ U) diag(vec F) (U ⊗ U)ᵀ
    ("S: symmetric(n); A: matrix(n, n)\ntr(A expm(S))", "S"),
    # symmetric by its form: the Daleckii–Krein form (eigh), not L_f
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A logm(X' X + I))", "X"),
    ("A: matrix(n, n); B: matrix(n, n)\ntr(B expm(A + A'))", "A"),
    ("X: matrix(n, n); S: spd(n); B: matrix(n, n)\ntr(B sqrtm(S + X X'))", "X"),
]
NUMPY_ONLY = [  # (expression, wrt, the function torch and JAX lack at a general X)
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A logm(X))", "X", "logm"),
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A sqrtm(X))", "X", "sqrtm"),
    ("X: matrix(n, n); A: matrix(n, n)\ntr(A X^(1/3))", "X", "X^p"),
    ("X: matrix(n, n)\nsqrtm(X)", "X", "sqrtm"),
]


def _check(expr: str, wrt: str, target: str, layout: str = "numerator") -> None:
    r = md.derive(expr, wrt, layout=layout)
    report = check_result(r, seed=2)
    source = r.code(target)
    got = as_numpy(compiled(source, target)(*arguments(r, report.values)))
    want = report.finite_difference
    assert got.shape == np.shape(want), source
    scale = max(1.0, float(np.max(np.abs(want))))
    assert np.max(np.abs(got - want)) / scale < 1e-6, source


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize(("expr", "wrt"), EVERY_TARGET)
def test_matrix_and_spectral_code_matches_finite_differences(target, expr, wrt, layout):
    _check(expr, wrt, target, layout)


@pytest.mark.parametrize(("expr", "wrt", "func"), NUMPY_ONLY)
def test_numpy_code_for_logm_sqrtm_and_powers(expr, wrt, func):
    _check(expr, wrt, "numpy")


@pytest.mark.parametrize("target", TARGETS)
def test_hessian_through_a_frechet_derivative_at_a_symmetric_point(target):
    """The Hessian of tr(P^(1/2)) is the matrix of L at P of x^(-1/2)/2: on torch and JAX the
    Daleckii–Krein form by eigh (P symmetric), against finite differences of the gradient."""
    r = md.derive("P: spd(n)\ntr(sqrtm(P))", "P", order=2)
    report = check_result(r, seed=2)
    got = as_numpy(compiled(r.code(target), target)(*arguments(r, report.values)))
    want = report.finite_difference
    assert np.max(np.abs(got - want)) / max(1.0, float(np.max(np.abs(want)))) < 1e-6


@pytest.mark.parametrize("target", ["torch", "jax"])
@pytest.mark.parametrize(("expr", "wrt", "func"), NUMPY_ONLY)
def test_missing_functions_raise_naming_function_and_target(target, expr, wrt, func):
    r = md.derive(expr, wrt)
    with pytest.raises(NotSupportedYetError) as info:
        r.code(target)  # decided before the target is imported: no import needed
    assert func in str(info.value) and target in str(info.value)
