"""``--code numpy``: the generated function is run here (never by the library) and checked
against central finite differences of the function, in every layout."""

from __future__ import annotations

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic.check import check_result, random_values
from matdiff_magic.dims import ONE, symbol
from matdiff_magic.printing.numpy_printer import NumpyPrinter, python_name
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N

n = symbol("n")

CASES = [
    ("x: vector(n); A: matrix(n, n)\nx' A x", "x"),
    ("(X θ - y)^T (X θ - y)", "θ"),
    ("A X B", "X"),
    ("A X^T B", "X"),
    ("sum(log(1 + exp(-y .* (X w))))", "w"),
    ("logdet(X) + tr(inv(X))", "X"),
    ("det(X)", "X"),
    ("norm(x) + sqrt(x' x)", "x"),
    ("logsumexp(x)", "x"),
    ("-y' log(softmax(W x))", "W"),
    ("diag(x) A", "x"),
    ("diag(X)", "X"),
    ("X .^ 3", "X"),
    ("X ./ A", "X"),
    ("sum(A ./ X)", "X"),
    ("tanh(W x) .* sigmoid(W x)", "W"),
    ("sin(x) .* cos(x)", "x"),
    ("X^3", "X"),
    ("kron(X, A)", "X"),
    ("vec(X)", "X"),
    ("c: scalar\nexp(c) X + c^2 X", "c"),
    ("1/(x' x)", "x"),
]


def numpy_code(r: md.Result, **kwargs: str) -> str:
    return r.numpy_code(**kwargs)


def run_generated(source: str, values: dict[str, np.ndarray], r: md.Result) -> np.ndarray:
    namespace: dict[str, object] = {}
    exec(compile(source, "<matdiff generated>", "exec"), namespace)  # the test runs it
    func = namespace["derivative"]
    variables = dict(r.problem.variables)
    variables.setdefault(r.wrt.name, r.wrt)
    args = [values[name] for name in variables]
    return np.asarray(func(*args))


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
@pytest.mark.parametrize(("expr", "wrt"), CASES)
def test_generated_code_matches_finite_differences(expr, wrt, layout):
    r = md.derive(expr, wrt, layout=layout)
    source = numpy_code(r)
    report = check_result(r, seed=1)
    got = run_generated(source, report.values, r)
    want = report.finite_difference
    assert got.shape == np.shape(want), source
    scale = max(1.0, float(np.max(np.abs(want))))
    assert np.max(np.abs(got - want)) / scale < 1e-5, source
    assert np.allclose(got, r.evaluate(report.values), rtol=1e-10, atol=1e-12), source


@pytest.mark.parametrize(
    ("expr", "wrt"),
    [("x: vector(n); A: matrix(n, n)\nx' A x", "x"), ("logdet(X) + x' X x", "X")],
)
def test_generated_hessian_code(expr, wrt):
    r = md.derive(expr, wrt, order=2)
    report = check_result(r, seed=2)
    got = run_generated(numpy_code(r), report.values, r)
    assert np.allclose(got, report.finite_difference, rtol=1e-4, atol=1e-5)


def test_every_node_class_of_the_cases_is_printed():
    seen = set()
    for expr, wrt in CASES:
        seen |= {type(n).__name__ for n in md.derive(expr, wrt).expr.walk()}
    expected = {
        "Add", "Mul", "MatMul", "Transpose", "Inverse", "MatPow", "Power", "Det", "Norm",
        "Softmax", "Elementwise", "Hadamard", "HadamardDiv", "HadamardPow", "DiagMat", "Kron",
        "Commutation", "Identity", "Ones", "Vec", "Var", "Const",
    }  # fmt: skip
    assert expected <= seen, expected - seen


def test_code_reads_like_numpy():
    source = numpy_code(md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x"))
    assert "import numpy as np" in source
    assert "def derivative(x, A):" in source
    assert "return (A + A.T) @ x" in source
    numerator = numpy_code(
        md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x", layout="numerator")
    )
    assert "return x.T @ (A + A.T)" in numerator


def test_repeated_subexpressions_become_temporaries():
    A, x = N.Var("A", n, n), N.Var("x", n, ONE)
    Ax = B.matmul(A, x)
    e = B.add(B.elementwise("exp", Ax), B.elementwise("sin", Ax))
    printer = NumpyPrinter({"A": "A", "x": "x"}, {n: "n"})
    assert printer.doprint(e) == "np.exp(t1) + np.sin(t1)"
    assert printer.assignments == [("t1", "A @ x")]


def test_products_are_parenthesized_for_reading():
    source = numpy_code(md.derive("(X θ - y)^T (X θ - y)", "θ"))
    assert "return 2 * (X.T @ (X @ θ - y))" in source


def test_names_that_are_not_python_names():
    assert python_name("lambda") == "lambda_"
    assert python_name("np") == "np_"
    assert python_name("θ") == "θ"
    r = md.derive("lambda: scalar\nlambda x' x", "lambda")
    source = numpy_code(r)
    assert "def derivative(lambda_, x):" in source
    report = check_result(r, seed=0)
    got = run_generated(source, report.values, r)
    assert got.shape == ()
    assert np.isclose(got, report.finite_difference)


def test_vectors_may_be_one_dimensional():
    r = md.derive("(X θ - y)^T (X θ - y)", "θ")
    namespace: dict[str, object] = {}
    exec(numpy_code(r), namespace)
    X = np.arange(6.0).reshape(3, 2)
    theta, y = np.array([1.0, -1.0]), np.array([0.5, 0.0, 2.0])
    got = namespace["derivative"](X, theta, y)
    assert np.allclose(got, 2 * X.T @ (X @ theta - y)[:, None])


def test_chinese_docstring_and_custom_name():
    source = numpy_code(md.derive("x' x", "x"), name="grad", lang="zh")
    assert "def grad(x):" in source
    assert "分母布局" in source
    with pytest.raises(md.MatDiffError):
        numpy_code(md.derive("x' x", "x"), name="not a name")


def test_values_follow_random_values_convention():
    # The generated function accepts the same values check.random_values produces.
    r = md.derive("A X B", "X")
    variables = dict(r.problem.variables)
    values = random_values(variables, np.random.default_rng(0))
    got = run_generated(numpy_code(r), values, r)
    assert np.allclose(got, np.kron(values["B"].T, values["A"]))


def test_an_inverse_diagonal_is_not_inverted_densely():
    # The textbook form prints diag(x)⁻¹; the code must still be O(n), not np.linalg.inv.
    r = md.derive("x: vector(n)\nlog(x)", "x")
    assert r.text == "diag(x)⁻¹"
    for source in (numpy_code(r), r.code("numpy")):
        assert "linalg.inv" not in source
    report = check_result(r, seed=3)
    got = run_generated(r.code("numpy"), report.values, r)
    assert np.allclose(got, report.finite_difference, rtol=1e-4, atol=1e-5)
