"""Every worked example of the three seed articles, step for step and numerically."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_derivative, assert_formula

import matdiff_magic as md


def lines(r: md.Result) -> list[str]:
    return [step.text.split(" = ", 1)[1] for step in r.steps]


def rules(r: md.Result) -> list[str]:
    return [rule.key for step in r.steps for rule in step.rules]


# -- 矩阵求导没你想的那么难 (001): the matrix differential method -------------------------------

QUADRATIC = "x: vector(n); A: matrix(n, n)\ny = x' A x"


def test_quadratic_form_wrt_A_follows_the_seed():
    # dy = x^T dA x = tr(x^T dA x) = tr(x x^T dA)  =>  ∂y/∂A = x x^T
    r = assert_derivative(QUADRATIC, "A")["mixed"]
    assert lines(r)[:4] == ["d(xᵀ A x)", "xᵀ dA x", "tr(xᵀ dA x)", "tr(x xᵀ dA)"]
    assert "tr.cyclic" in rules(r)
    assert r.text == "x xᵀ"
    assert_formula(r, lambda x: x @ x.T)


def test_quadratic_form_wrt_x_follows_the_seed():
    # dy = d(x^T) A x + x^T A dx = tr(x^T A^T dx) + tr(x^T A dx) = tr(x^T (A^T + A) dx)
    r = assert_derivative(QUADRATIC, "x")["mixed"]
    steps = lines(r)
    assert steps[1] == "d(xᵀ) A x + xᵀ A dx"
    assert "tr(xᵀ Aᵀ dx) + tr(xᵀ A dx)" in steps
    assert "tr(xᵀ (Aᵀ + A) dx)" in steps
    assert r.text == "(A + Aᵀ) x"
    assert r.latex == "(A + A^{T}) x"
    assert_formula(r, lambda A, x: (A + A.T) @ x)


def test_quadratic_form_shapes_in_each_layout():
    rs = assert_derivative(QUADRATIC, "x")
    assert rs["denominator"].text == "(A + Aᵀ) x"
    assert rs["numerator"].text == "xᵀ (A + Aᵀ)"
    assert rs["numerator"].symbol.text == "∂y/∂xᵀ"
    assert rs["denominator"].symbol.text == "∂y/∂x"
    values = {"x": np.arange(3.0), "A": np.arange(9.0).reshape(3, 3)}
    assert rs["numerator"].evaluate(values).shape == (1, 3)
    assert rs["denominator"].evaluate(values).shape == (3, 1)


def test_scalar_by_vector_rules_of_the_seed():
    # linearity, product and quotient rules for real-valued f, g of a vector
    d = "x: vector(n); a: vector(n); b: vector(n); c1: scalar; c2: scalar\n"
    r = assert_derivative(d + "c1 a' x + c2 b' x", "x")["mixed"]
    assert_formula(r, lambda a, b, c1, c2: c1 * a + c2 * b)
    r = assert_derivative(d + "(a' x) (b' x)", "x")["mixed"]
    assert_formula(r, lambda a, b, x: a * (b.T @ x) + b * (a.T @ x))
    r = assert_derivative(d + "(a' x) / (b' x)", "x")["mixed"]
    assert_formula(r, lambda a, b, x: (a * (b.T @ x) - (a.T @ x) * b) / (b.T @ x) ** 2)
    r = assert_derivative(d + "c1", "x")["mixed"]
    assert r.text == "0"


def test_least_squares_gives_the_seed_result():
    # l = (Xθ - y)^T (Xθ - y)  =>  ∂l/∂θ = 2 X^T (Xθ - y)
    r = assert_derivative("l = (X θ - y)^T (X θ - y)", "θ")["mixed"]
    assert r.latex == r"2 X^{T} (X \theta - y)"
    assert "tr((X θ - y)ᵀ X dθ) + tr((X θ - y)ᵀ X dθ)" in lines(r)
    assert_formula(r, lambda X, θ, y: 2 * X.T @ (X @ θ - y))


def test_least_squares_through_the_seed_intermediate():
    # with e = Xθ - y written as a definition, the result is the same function of θ
    r = assert_derivative("e = X θ - y\nl = e' e", "θ")["mixed"]
    assert r.text == "2 Xᵀ e" and r.where_text() == "where e = X θ - y"  # the seed's 2Xᵀe
    assert md.derive("e = X θ - y\nl = e' e", "θ", names="expand").text == "2 Xᵀ (X θ - y)"
    # and differentiating with respect to the intermediate gives ∂l/∂e = 2e
    r = assert_derivative("e = X θ - y\nl = e' e", "e")["mixed"]
    assert r.text == "2 e"


def test_nine_kinds_have_the_seed_shapes():
    decl = "t: scalar; u: scalar; x: vector(n); y: vector(p); X: matrix(m, k); Y: matrix(p, k)\n"
    cases = {  # expression, wrt, numerator shape as (rows, cols) in terms of the sizes below
        ("t u", "t"): (1, 1),
        ("t x", "t"): (3, 1),
        ("t X", "t"): (4, 2),
        ("x' x", "x"): (1, 3),
        ("y x'", "x"): (5 * 3, 3),
        ("tr(X' X)", "X"): (2, 4),
        ("X' X (x' x)", "x"): (2 * 2, 3),
        ("sum(X) y", "X"): (5, 4 * 2),
        ("X Y'", "X"): (4 * 5, 4 * 2),
    }
    sizes = {"n": 3, "m": 4, "k": 2, "p": 5, "q": 2}
    for (expr, wrt), shape in cases.items():
        assert_derivative(decl + expr, wrt, sizes=sizes, seeds=(0,))
        r = md.derive(decl + expr, wrt, layout="numerator")
        rng = np.random.default_rng(0)
        values = {
            "t": 0.7,
            "u": 1.3,
            "x": rng.normal(size=3),
            "y": rng.normal(size=5),
            "X": rng.normal(size=(4, 2)),
            "Y": rng.normal(size=(5, 2)),
        }
        got = r.evaluate(values)
        expected = () if shape == (1, 1) and r.f_kind == "scalar" == r.wrt_kind else shape
        assert got.shape == expected, (expr, wrt, got.shape)
        den = r.with_layout("denominator").evaluate(values)
        assert den.shape == (expected[::-1] if expected else ())


def test_mixed_layout_is_the_machine_learning_convention():
    decl = "t: scalar; x: vector(n); y: vector(p); X: matrix(m, k)\n"
    assert md.derive(decl + "x' x", "x").orientation == "denominator"
    assert md.derive(decl + "tr(X' X)", "X").orientation == "denominator"
    assert md.derive(decl + "t x", "t").orientation == "numerator"
    assert md.derive(decl + "y x' x", "x").orientation == "numerator"


# -- 标量对矩阵的求导 (000): rules, trace tricks, the composite Y = AXB ---------------------------


def test_every_differential_rule_of_the_seed_table():
    d = "X: matrix(n, n); Y: matrix(n, n); A: matrix(n, n)\n"
    for expr in [
        "tr(A (X + Y))",
        "tr(A X Y)",
        "tr(A X')",
        "tr(X)",
        "tr(A inv(X))",
        "det(X)",
        "tr(A (X .* Y))",
        "sum(sin(X))",
    ]:
        assert_derivative(d + expr, "X")


def test_sin_of_a_matrix_is_cos_hadamard_dX():
    r = md.derive("X: matrix(m, n)\nsin(X)", "X")
    assert lines(r)[1] == "cos(X) ⊙ dX"
    assert r.text == "diag(vec(cos(X)))"
    assert_derivative("X: matrix(m, n)\nsin(X)", "X")


def test_determinant_both_forms():
    r = assert_derivative("X: matrix(n, n)\ndet(X)", "X")["mixed"]
    assert r.latex == r"\left|X\right| X^{-T}"
    assert "d.det" in rules(r)
    assert_formula(r, lambda X: np.linalg.det(X) * np.linalg.inv(X).T)


def test_composite_Y_equals_AXB_moves_A_and_B_across():
    # df = tr(G^T dY), Y = A X B  =>  ∂f/∂X = A^T G B^T, with G standing for ∂f/∂Y
    r = assert_derivative(
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q); G: matrix(p, q)\ntr(G' A X B)", "X"
    )["mixed"]
    assert lines(r)[2] == "tr(Gᵀ A dX B)"
    assert r.text == "Aᵀ G Bᵀ"


def test_hadamard_trace_exchange():
    r = assert_derivative(
        "X: matrix(m, n); A: matrix(m, n); B: matrix(m, n)\ntr(A' (B .* X))", "X"
    )["mixed"]
    assert "tr.hadamard" in rules(r)
    assert_formula(r, lambda A, B: A * B)


# -- 矩阵求导（四）(002): vec, Kronecker products, f(X) = ABX -------------------------------------

ABX = "A: matrix(p, n); B: matrix(n, m); X: matrix(m, q)\nF = A B X"


def test_ABX_gives_I_kron_AB_with_the_seed_sizes():
    rs = assert_derivative(ABX, "X", sizes={"p": 2, "n": 3, "m": 4, "q": 5})
    num, den = rs["numerator"], rs["denominator"]
    assert num.text == "I_q ⊗ (A B)"
    assert num.latex == r"I_{q} \otimes (A B)"
    # numerator layout pq × mq, denominator layout mq × pq
    assert [str(d) for d in num.shape] == ["p*q", "m*q"]
    assert [str(d) for d in den.shape] == ["m*q", "p*q"]
    values = {"A": np.ones((2, 3)), "B": np.ones((3, 4)), "X": np.ones((4, 5))}
    assert num.evaluate(values).shape == (10, 20)
    assert den.evaluate(values).shape == (20, 10)
    assert_formula(
        num, lambda A, B: np.kron(np.eye(5), A @ B), sizes={"p": 2, "n": 3, "m": 4, "q": 5}
    )


def test_ABX_steps_are_the_seed_sandwich():
    r = md.derive(ABX, "X", layout="numerator")
    assert lines(r)[2:6] == [
        "vec(A B dX)",
        "vec(A B dX I)",
        "(I_qᵀ ⊗ (A B)) vec(dX)",
        "(I_q ⊗ (A B)) vec(dX)",
    ]
    assert {"vec.sandwich", "vec.kron"} <= set(rules(r))


def test_vec_identities_of_the_seed():
    # vec(AB) = (B^T ⊗ I) vec(A) and vec(ABXC) = (C^T ⊗ (AB)) vec(X)
    r = assert_derivative("A: matrix(m, n); B: matrix(n, p)\nA B", "A")["mixed"]
    assert r.text == "Bᵀ ⊗ I_m"
    r = assert_derivative(
        "A: matrix(p, n); B: matrix(n, m); X: matrix(m, q); C: matrix(q, r)\nA B X C", "X"
    )["mixed"]
    assert r.text == "Cᵀ ⊗ (A B)"


def test_vec_is_column_major():
    r = md.derive("X: matrix(2, 3)\nvec(X)", "X")
    assert np.allclose(r.evaluate({"X": np.arange(6.0).reshape(2, 3)}), np.eye(6))
    value = md.derive("X: matrix(2, 3); a: vector(6)\na' vec(X)", "X")
    # ∂(a^T vec X)/∂X reshapes a column-major into X's shape
    got = value.evaluate({"X": np.zeros((2, 3)), "a": np.arange(6.0)})
    assert np.allclose(got, np.arange(6.0).reshape(2, 3, order="F"))


# -- every worked example by every applicable method, in every layout ----------------------------

SEED_EXAMPLES = {
    "001 definition/differential: x'Ax wrt x": (QUADRATIC, "x", {"definition", "differential"}),
    "001 differential: x'Ax wrt A": (QUADRATIC, "A", {"definition", "differential"}),
    "001 chain: least squares": ("e = X θ - y\nl = e' e", "θ", {"chain", "differential"}),
    "001 chain: vector to vector": ("W: matrix(m, n); x: vector(n)\ny = sigmoid(W x)", "x",
                                    {"chain", "vectorization", "definition"}),
    "001 linear map Y = AX + B": ("A: matrix(p, m); X: matrix(m, n); B: matrix(p, n)\n"
                                  "Y = A X + B\nz = sum(exp(Y))", "X", {"chain", "differential"}),
    "001 linear map y = Xa + b": ("X: matrix(m, n); a: vector(n); b: vector(m)\n"
                                  "y = X a + b\nz = sum(exp(y))", "X", {"chain", "differential"}),
    "000 composite Y = AXB": ("A: matrix(p, m); X: matrix(m, n); B: matrix(n, q); "
                              "G: matrix(p, q)\ntr(G' A X B)", "X", {"differential"}),
    "000 determinant": ("X: matrix(n, n)\ndet(X)", "X", {"differential", "vectorization"}),
    "000 sin(X)": ("X: matrix(m, n)\nsin(X)", "X", {"vectorization", "definition"}),
    "002 ABX": (ABX, "X", {"vectorization", "definition"}),
}


@pytest.mark.parametrize("name", sorted(SEED_EXAMPLES))
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_seed_examples_by_every_method(name, layout):
    expr, wrt, expected = SEED_EXAMPLES[name]
    report = md.compare(expr, wrt, layout=layout)
    assert expected <= set(report.results), (name, report.skipped)
    assert report.ok, f"{name}: {report.verdict()}"
    assert report.agree_symbolic or len(report.results) == 1, {
        m: r.text for m, r in report.results.items()}
    for r in report.results.values():
        assert r.layout == layout
