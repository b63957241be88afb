"""The public API contract of ``derive`` and its result."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from helpers import LAYOUTS, assert_derivative

import matdiff_magic as md


def test_exceptions_are_value_errors():
    for cls in (md.ParseError, md.ShapeError, md.UnsupportedError, md.EvaluationError):
        assert issubclass(cls, md.MatDiffError)
    assert issubclass(md.MatDiffError, ValueError)


def test_variables_argument_and_inline_declarations_agree():
    a = md.derive("x' A x", "x", {"x": "vector(n)", "A": "matrix(n, n)"})
    b = md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x")
    assert a.latex == b.latex == "(A + A^{T}) x"


def test_result_attributes():
    r = md.derive("A: matrix(m, n); x: vector(n)\nnorm(A x)^2", "x")
    assert r.latex == "2 A^{T} A x"
    assert r.text == "2 Aᵀ A x"
    assert [str(d) for d in r.shape] == ["n", "1"]
    assert r.steps and all(step.latex and step.rule is not None for step in r.steps)
    from matdiff_magic.tree.base import Expr

    assert isinstance(r.expr, Expr)
    assert r.method == "differential"
    assert "∂f/∂x" in repr(r)
    assert r._repr_latex_().startswith("$$")


def test_steps_have_latex_rule_and_explanations_in_two_languages():
    r = md.derive("x' A x", "x")
    step = r.steps[1]
    assert step.rule.name("en") == "product rule"
    assert step.rule.name("zh") == "乘法法则"
    assert step.explanation("zh")
    assert r.steps.latex().startswith(r"\begin{aligned}")
    assert "乘法法则" in r.steps.latex(lang="zh")


def test_layouts_are_transposes_and_not_rederived():
    rs = {layout: md.derive("A: matrix(m, n)\nx' A y", "A", layout=layout) for layout in LAYOUTS}
    assert rs["denominator"].text == "x yᵀ"
    assert rs["numerator"].text == "y xᵀ"
    assert rs["mixed"].text == "x yᵀ"
    r = rs["mixed"]
    assert r.with_layout("numerator").outcome is r.outcome
    assert r.with_layout("numerator").text == "y xᵀ"


@pytest.mark.parametrize("method", ["differential", "vectorization"])
def test_methods_agree(method):
    assert_derivative("tr(A X B X')", "X", method=method)


def test_auto_picks_the_method():
    assert md.derive("x' x", "x").method == "differential"
    assert md.derive("A x", "x").method == "vectorization"
    assert md.derive("t: scalar\nt A", "t").method == "differential"


def test_every_method_is_available_and_every_step_names_its_rule():
    for method in ("differential", "vectorization", "chain", "definition"):
        r = md.derive("norm(A x - b)^2", "x", method=method)
        assert r.method == method
        assert all(step.rule is not None and step.latex for step in r.steps), method


def test_differential_method_needs_a_scalar_function():
    with pytest.raises(md.UnsupportedError, match="vectorization"):
        md.derive("A x", "x", method="differential")


def test_bad_arguments():
    with pytest.raises(md.MatDiffError, match="layout"):
        md.derive("x' x", "x", layout="upside-down")
    with pytest.raises(md.MatDiffError, match="method"):
        md.derive("x' x", "x", method="magic")
    with pytest.raises(md.MatDiffError, match="order"):
        md.derive("x' x", "x", order=3)
    with pytest.raises(md.ParseError):
        md.derive("x' x", "not a name")


def test_zero_derivative_for_a_declared_variable_the_function_does_not_use():
    r = md.derive("x: vector(n); A: matrix(n, n); B: matrix(m, p)\nx' A x", "B")
    assert r.text == "0"
    got = r.evaluate({"x": np.ones(3), "A": np.eye(3), "B": np.ones((2, 4))})
    assert got.shape == (2, 4) and not got.any()
    r = md.derive("x: vector(n); z: vector(m)\nx", "z", layout="numerator")
    got = r.evaluate({"x": np.ones(3), "z": np.ones(5)})
    assert got.shape == (3, 5) and not got.any()


def test_an_unknown_variable_is_an_error_naming_the_nearest():
    # Regression: `--wrt X` for an expression in lowercase x printed ∂f/∂X = 0.
    with pytest.raises(md.MatDiffError) as info:
        md.derive("x' x", "X")
    assert "no variable X" in str(info.value) and "did you mean 'x'?" in str(info.value)
    with pytest.raises(md.MatDiffError) as info:
        md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "B")
    assert "x and A" in str(info.value)
    assert "表达式中没有变量 B" in info.value.render("zh")


def test_greek_variables_by_either_spelling():
    assert md.derive("(X θ - y)' (X θ - y)", "theta").text == "2 Xᵀ (X θ - y)"
    assert md.derive("(X theta - y)' (X theta - y)", "θ").text == "2 Xᵀ (X θ - y)"


def test_a_variable_that_cancels_keeps_its_size():
    # Regression: c (x - x) wrt c could not be evaluated ("the size n is not known").
    r = md.derive("c: scalar\nc (x - x)", "c")
    got = r.evaluate({"c": 2.0, "x": np.ones(4)})
    assert got.shape == (4, 1) and not got.any()
    # z (x' (x - x)) is the zero vector of z's size, whatever x's size is.
    r = md.derive("z (x' (x - x))", "z", layout="numerator")
    got = r.evaluate({"z": np.ones(3), "x": np.ones(5)})
    assert got.shape == (3, 3) and not got.any()


def test_derivative_with_respect_to_a_definition():
    # Regression: sum(g) wrt e returned 0 (the lines above e were substituted into it), and
    # the chain method refused. The lines below e are functions of e: the answer is 2e.
    text = "x: vector(n)\ne = 2 x\ng = e .* e\nsum(g)"
    for method in ("auto", "differential", "chain", "vectorization", "definition"):
        r = md.derive(text, "e", method=method)
        e = np.array([1.0, -2.0, 3.0])
        assert np.allclose(r.evaluate({"e": e, "x": np.zeros(3)}).ravel(), 2 * e), method
    c = md.compare(text, "e")
    assert c.ok and all(err < 1e-6 for err in c.fd_error.values())
    # A line above e that a later line uses directly is a constant there.
    text = "x: vector(n)\na = sin(x)\ne = 2 x\ng = e .* a\nsum(g)"
    r = md.derive(text, "e")
    assert (r.text, r.where_text()) == ("a", "where a = sin(x)")  # a is defined: kept by name
    assert md.derive(text, "e", names="expand").text == "sin(x)"


def test_evaluate_shapes_and_vector_inputs():
    r = md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x", layout="numerator")
    a = np.arange(9.0).reshape(3, 3)
    x = np.array([1.0, 2.0, 3.0])
    assert np.allclose(r.evaluate({"x": x, "A": a}), (x @ (a + a.T))[None, :])
    assert np.allclose(r.evaluate({"x": x.reshape(3, 1), "A": a}), (x @ (a + a.T))[None, :])
    scalar = md.derive("t: scalar\nsin(t) t", "t")
    assert scalar.evaluate({"t": 0.5}).shape == ()
    assert np.isclose(scalar.evaluate({"t": 0.5}), np.cos(0.5) * 0.5 + np.sin(0.5))


def test_evaluate_rejects_contradicting_values():
    r = md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x")
    with pytest.raises(md.ShapeError, match="n is 3"):
        r.evaluate({"x": np.ones(3), "A": np.ones((4, 4))})
    with pytest.raises(md.ShapeError):
        r.evaluate({"x": np.ones((3, 2)), "A": np.ones((3, 3))})
    with pytest.raises(md.EvaluationError, match="no value"):
        r.evaluate({"x": np.ones(3)})
    fixed = md.derive("A: matrix(2, 3)\nsum(A)", "A")
    with pytest.raises(md.ShapeError, match="declared"):
        fixed.evaluate({"A": np.ones((3, 2))})
    sym = md.derive("S: symmetric(n); x: vector(n)\nx' S x", "x")
    with pytest.raises(md.ShapeError, match="symmetric"):
        sym.evaluate({"S": np.arange(9.0).reshape(3, 3), "x": np.ones(3)})
    with pytest.raises(md.EvaluationError):
        r.evaluate({"x": np.array([1.0, np.nan, 2.0]), "A": np.eye(3)})


def test_sympy_conversion():
    r = md.derive("x: vector(n); A: matrix(n, n)\nx' A x", "x")
    expr = r.sympy()
    assert isinstance(expr, sympy.MatrixExpr)
    n = sympy.Symbol("n", integer=True, positive=True)
    x = sympy.MatrixSymbol("x", n, 1)
    a = sympy.MatrixSymbol("A", n, n)
    assert sympy.simplify(expr - (a + a.T) * x) == sympy.ZeroMatrix(n, 1)
    with pytest.raises(md.UnsupportedError):
        md.derive("X: matrix(m, n)\nX'", "X").sympy()


def test_hessians():
    r = assert_derivative("x: vector(n); A: matrix(n, n)\nx' A x", "x", order=2)["mixed"]
    assert r.text == "A + Aᵀ"
    r = assert_derivative("logdet(X)", "X", order=2)["mixed"]
    assert "K" in r.text and "⊗" in r.text
    values = {"X": np.eye(3) + 0.1 * np.arange(9.0).reshape(3, 3)}
    for layout in LAYOUTS:
        assert md.derive("logdet(X)", "X", order=2, layout=layout).evaluate(values).shape == (9, 9)
    logistic = "-y' log(sigmoid(X w)) - (1 - y)' log(1 - sigmoid(X w))"
    r = assert_derivative(logistic, "w", order=2)["mixed"]
    assert r.text == "Xᵀ diag(σ(X w) ⊙ (𝟏 - σ(X w))) X"
    with pytest.raises(md.UnsupportedError):
        md.derive("A x", "x", order=2)


def test_symmetric_declaration_is_used_in_simplification():
    r = assert_derivative("S: symmetric(n); x: vector(n)\nx' S x", "x")["mixed"]
    assert r.text == "2 S x"
    r = assert_derivative("S: symmetric(n)\nlogdet(S)", "S")["mixed"]
    assert r.text == "S⁻¹"


def test_derivative_with_respect_to_an_intermediate():
    r = md.derive("e = X θ - y\nl = e' e", "e")
    assert r.text == "2 e"
