"""The function evaluated at many values of one variable in one pass (matdiff_magic/batched.py,
what central differences use) against evaluating it at each value on its own, and the
differences it gives against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic.batched import values_at
from matdiff_magic.check import random_values
from matdiff_magic.finite import jacobian
from matdiff_magic.numeric import Env, Evaluator, bind

CASES = [
    # every rule: sums, products by numbers and scalars, matrix products, transposes, traces,
    # entrywise products, quotients, powers and functions, definitions kept by name
    ("A: matrix(n, n); X: matrix(n, n)\ntr(A X Xᵀ) + 2 tr(X)", "X"),
    ("x: vector(n); A: matrix(n, n)\n(x' A x) x + 3 x", "x"),
    ("x: vector(n); b: vector(n)\nexp(x) .* b ./ (1 + x .^ 2)", "x"),
    ("x: vector(n); t: scalar\n(t^3 + t) sin(t x)", "t"),
    ("x: vector(n)\ny = tanh(x)\nsum(y .* y)", "x"),
    # node types with no rule of their own: one point at a time, children handed over
    ("X: matrix(n, n); A: matrix(n, n)\ninv(X) A + logdet(X) A", "X"),
    ("x: vector(n); A: matrix(n, n)\nkron(A x, x) + vec(x xᵀ)", "x"),
    ("x: vector(n)\nnorm(x) x", "x"),
    # the variable absent from the function: one value for every point
    ("A: matrix(n, n); x: vector(n)\nA", "x"),
]


@pytest.mark.parametrize(("text", "wrt"), CASES)
def test_one_pass_equals_each_point_alone(text, wrt):
    problem = md.parse_problem(text)
    var = problem.variables[wrt]
    rng = np.random.default_rng(3)
    values = random_values(problem.variables, rng, f=problem.expr)
    env = bind(problem.variables, values)
    x0 = np.asarray(values[wrt], dtype=float)
    points = [x0 + 0.1 * rng.normal(size=x0.shape) for _ in range(5)]
    got = values_at(problem.expr, var, env, points)
    for k, p in enumerate(points):
        alone = Evaluator(Env({**env.values, wrt: p}, env.sizes))(problem.expr)
        value = got[k] if got.ndim == 3 else got
        np.testing.assert_allclose(value, alone, rtol=1e-12, atol=1e-12)


def test_batches_larger_than_the_limit_are_cut_into_parts(monkeypatch):
    import matdiff_magic.batched as batched

    problem = md.parse_problem("A: matrix(n, n); X: matrix(n, n)\nA X Xᵀ")
    values = random_values(problem.variables, np.random.default_rng(0), f=problem.expr)
    env = bind(problem.variables, values)
    x0 = np.asarray(values["X"], dtype=float)
    points = [x0 + k for k in range(7)]
    whole = values_at(problem.expr, problem.variables["X"], env, points)
    monkeypatch.setattr(batched, "MAX_BATCH_ENTRIES", 1)  # one point per pass
    parts = values_at(problem.expr, problem.variables["X"], env, points)
    np.testing.assert_array_equal(whole, parts)


def test_central_differences_match_closed_forms():
    # d tr(A X)/d vec(X)ᵀ = vec(Aᵀ)ᵀ; d (A x)/d xᵀ = A; d exp(x)/d xᵀ = diag(exp(x))
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 3))
    x = rng.normal(size=(3, 1))
    problem = md.parse_problem("A: matrix(3, 3); X: matrix(3, 3)\ntr(A X)")
    env = bind(problem.variables, {"A": a, "X": rng.normal(size=(3, 3))})
    jac, noise = jacobian(problem.expr, problem.variables["X"], env)
    np.testing.assert_allclose(jac, a.T.reshape(1, -1, order="F"), rtol=1e-8)
    assert 0 < noise < 1e-6
    problem = md.parse_problem("A: matrix(3, 3); x: vector(3)\nA x")
    env = bind(problem.variables, {"A": a, "x": x})
    np.testing.assert_allclose(jacobian(problem.expr, problem.variables["x"], env)[0], a, rtol=1e-8)
    problem = md.parse_problem("x: vector(3)\nexp(x)")
    env = bind(problem.variables, {"x": x})
    np.testing.assert_allclose(
        jacobian(problem.expr, problem.variables["x"], env)[0], np.diag(np.exp(x[:, 0])), rtol=1e-8
    )
