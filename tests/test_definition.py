"""The definition method (定义法): entrywise, as the seed article does for y = xᵀ A x."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_derivative, assert_formula

import matdiff_magic as md
from matdiff_magic.index.node import IndexFormula

QUADRATIC = "x: vector(n); A: matrix(n, n)\ny = x' A x"

D = (
    "x: vector(n); a: vector(n); A: matrix(n, n); X: matrix(m, n); Y: matrix(m, n); "
    "b: vector(m); B: matrix(n, p); C: matrix(p, m); W: matrix(m, n); theta: vector(n); "
    "y: vector(m); w: vector(n); t: scalar; P: matrix(m, m); Q: matrix(m, m); S: matrix(n, n)\n"
)


def texts(r: md.Result) -> list[str]:
    return [s.text for s in r.steps]


def keys(r: md.Result) -> list[list[str]]:
    return [[rule.key for rule in s.rules] for s in r.steps]


# -- the seed, step for step ----------------------------------------------------------------


def test_quadratic_form_follows_the_seed_step_for_step():
    r = assert_derivative(QUADRATIC, "x", method="definition")["mixed"]
    assert r.method == "definition"
    assert texts(r) == [
        "y = xᵀ A x",
        "y = ∑_i ∑_j x_i A_ij x_j",
        "y|x_k = ∑_j x_k A_kj x_j + ∑_i x_i A_ik x_k",
        "∂y/∂x_k = ∑_j A_kj x_j + ∑_i A_ik x_i",
        "∂y/∂x_k = (A x)_k + (Aᵀ x)_k",
        "∂y/∂x = A x + Aᵀ x",
        "∂y/∂x = (A + Aᵀ) x",
    ]
    assert keys(r) == [
        ["def.function"],
        ["def.index"],
        ["def.select"],
        ["def.partial"],
        ["def.read"],
        ["def.assemble"],
        ["simplify", "simplify.factor"],  # A x + Aᵀ x = (A + Aᵀ) x, cited
    ]
    assert r.text == "(A + Aᵀ) x"
    assert_formula(r, lambda A, x: (A + A.T) @ x)


def test_quadratic_form_latex_and_the_sentence_in_both_languages():
    r = md.derive(QUADRATIC, "x", method="definition")
    latex = [s.latex for s in r.steps]
    assert latex[1] == r"y = \sum_{i=1}^{n} \sum_{j=1}^{n} x_{i} A_{ij} x_{j}"
    assert latex[2] == (
        r"\left.y\right|_{x_{k}} = \sum_{j=1}^{n} x_{k} A_{kj} x_{j} + "
        r"\sum_{i=1}^{n} x_{i} A_{ik} x_{k}"
    )
    assert latex[3] == (
        r"\frac{\partial y}{\partial x_{k}} = \sum_{j=1}^{n} A_{kj} x_{j} + "
        r"\sum_{i=1}^{n} A_{ik} x_{i}"
    )
    read = r.steps[4]
    assert read.note == "def.read"
    words = dict(read.params)
    assert words["en"] == (
        "∂y/∂x_k is the k-th row of A times x plus the k-th column of A times x."
    )
    assert words["zh"] == "y 对 x_k 的偏导数，等于 A 的第 k 行乘以 x，加上 A 的第 k 列乘以 x。"
    assert r.steps[-1].explanation("zh") and r.steps[1].rule.name("zh") == "写成分量形式"


def test_the_seed_in_every_layout():
    rs = assert_derivative(QUADRATIC, "x", method="definition")
    assert rs["denominator"].text == "(A + Aᵀ) x"
    assert rs["numerator"].text == "xᵀ (A + Aᵀ)"
    assert rs["numerator"].symbol.text == "∂y/∂xᵀ"


def test_quadratic_form_wrt_the_matrix():
    r = assert_derivative(QUADRATIC, "A", method="definition")["mixed"]
    assert "y|A_kl = x_k A_kl x_l" in texts(r)
    assert "∂y/∂A_kl = x_k x_l" in texts(r)
    assert r.text == "x xᵀ"
    read = next(s for s in r.steps if s.note == "def.read")
    assert dict(read.params)["en"] == ("∂y/∂A_kl is the k-th entry of x times the l-th entry of x.")


# -- examples through finite differences ----------------------------------------------------

FAMOUS = [
    ("a' X' b", "X", "b aᵀ"),
    ("b' X a", "X", "b aᵀ"),
    ("tr(C X B)", "X", "Cᵀ Bᵀ"),
    ("tr(X' X)", "X", "2 X"),
    ("tr(S^2)", "S", "2 Sᵀ"),
    ("(X theta - y)' (X theta - y)", "theta", "2 Xᵀ (X θ - y)"),
    ("norm(x)^2", "x", "2 x"),
    ("x' x", "x", "2 x"),
    ("sum(exp(X))", "X", "exp(X)"),
    ("sum(log(1 + exp(X w)))", "X", "σ(X w) wᵀ"),
    ("A x", "x", "A"),
    ("t A", "t", "A"),
    ("exp(t) a", "t", "exp(t) a"),
    ("X'", "X", "K_(m,n)"),
    ("X .* Y", "X", "diag(vec(Y))"),
    ("x x'", "x", "x ⊗ I_n + I_n ⊗ x"),
    ("Q P X", "X", "I_n ⊗ (Q P)"),
    ("x", "x", "I"),
    ("sum(X .^ 3)", "X", "3 X∘²"),
    ("norm(X)", "X", "X/‖X‖_F"),
    ("sqrt(x' x)", "x", "x/‖x‖"),
    ("(x' x) x", "x", "2 x xᵀ + (xᵀ x) I"),
    ("X' X", "X", "(K_(n,n) + I_(n²)) (I_n ⊗ Xᵀ)"),
    ("sum(X) X", "X", "vec(X) 𝟏ᵀ + sum(X) I_(mn)"),
    ("tr(diag(x) A)", "x", "diag(A)"),
]


@pytest.mark.parametrize("expr,wrt,expected", FAMOUS)
def test_famous_results(expr, wrt, expected):
    r = assert_derivative(D + expr, wrt, method="definition")["mixed"]
    assert r.text == expected


MORE = [
    ("sum(X)", "X"),
    ("sigmoid(W x)", "x"),
    ("logsumexp(x)", "x"),
    ("softmax(x)", "x"),
    ("X ./ Y", "X"),
    ("x' A", "x"),  # a row-valued function
    ("X w", "X"),  # vector by matrix
    ("t^2 + sin(t)", "t"),  # scalar by scalar
    ("diag(x) A x", "x"),
    ("diag(S)' x", "S"),
    ("sum((X w) .* (X w))", "w"),
    ("tr(X' P X)", "X"),
    ("x' inv(A) x", "x"),  # a constant the method keeps whole
    ("(x a') .* A'", "x"),
    ("diag(A x)", "A"),
    ("(b' X w) (b' X w)", "w"),  # one squared sum: its indices are used twice
    ("(sum(x) (A x))' ((A a) .* (A x))", "x"),  # three products meet at one index
]


@pytest.mark.parametrize("expr,wrt", MORE)
def test_more_derivatives(expr, wrt):
    r = assert_derivative(D + expr, wrt, method="definition")["mixed"]
    assert not isinstance(r.expr, IndexFormula), r.text


def test_softmax_reads_as_diagonal_minus_outer_product():
    r = assert_derivative(D + "softmax(x)", "x", method="definition")["mixed"]
    assert_formula(
        r,
        lambda x: (
            np.diag(np.exp(x[:, 0])) / np.exp(x).sum()
            - np.exp(x) @ np.exp(x).T / np.exp(x).sum() ** 2
        ),
    )


def test_sigmoid_of_a_linear_map():
    r = md.derive(D + "h = sigmoid(W x)", "x", method="definition")
    assert texts(r)[0] == "h_i = (σ(W x))_i"
    assert texts(r)[2] == "∂h_i/∂x_k = (1 - σ(∑_j W_ij x_j)) σ(∑_j W_ij x_j) W_ik"
    assert r.text.startswith("diag(")


def test_the_variable_inside_a_constant_and_index_names_avoid_clashes():
    # a variable called k and dimensions called p, q: the indices pick other names
    d = "k: vector(p); M: matrix(p, q); v: vector(q)\n"
    r = assert_derivative(d + "k' M v", "k", method="definition")["mixed"]
    assert r.text == "M v"
    assert texts(r)[1] == "f = ∑_i ∑_j k_i M_ij v_j"
    assert texts(r)[2].startswith("f|k_r = ")


def test_symmetric_matrices_and_greek_names():
    d = "S: symmetric(n); theta: vector(n); x1: vector(n)\n"
    assert (
        assert_derivative(d + "theta' S theta", "theta", method="definition")["mixed"].text
        == "2 S θ"
    )
    r = assert_derivative(d + "x1' S theta", "x1", method="definition")["mixed"]
    assert r.text == "S θ"
    assert r.steps[1].latex == r"f = \sum_{i=1}^{n} \sum_{j=1}^{n} {x_{1}}_{i} S_{ij} \theta_{j}"


def test_a_function_without_the_variable_has_zero_derivative():
    r = assert_derivative(D + "a' a", "x", method="definition")["mixed"]
    assert r.text == "0"


# -- where the entries do not assemble ------------------------------------------------------


def test_an_entrywise_result_that_has_no_matrix_form():
    # ∂ softmax(X X)_ij/∂X_kl has the term exp((X X)_ij) exp((X X)_kj) X_lj/(Σ_p ...)²: three
    # factors on j, k, l with no δ, which no product of the matrices at hand says
    r = assert_derivative("X: matrix(n, n)\nsoftmax(X X)", "X", method="definition")["mixed"]
    assert isinstance(r.expr, IndexFormula)
    last = r.steps[-1]
    assert [rule.key for rule in last.rules] == ["def.entrywise"]
    assert last.note == "def.entrywise"
    assert "do not combine into a matrix expression" in dict(last.params)["en"]
    assert "无法组合成矩阵表达式" in dict(last.params)["zh"]
    assert r.text.startswith("[(δ_ik exp(∑_q X_iq X_qj) X_lj)/") and r.text.endswith("]_ijkl")
    x = np.random.default_rng(0).normal(size=(3, 3)) / 2
    want = np.zeros((9, 9))  # row i + 3 j, column k + 3 l: central differences of softmax(X X)
    for k in range(3):
        for el in range(3):
            h = np.zeros((3, 3))
            h[k, el] = 1e-6
            up, down = np.exp((x + h) @ (x + h)), np.exp((x - h) @ (x - h))
            diff = up / up.sum(axis=0) - down / down.sum(axis=0)
            want[:, k + 3 * el] = diff.reshape(-1, order="F") / 2e-6
    assert np.allclose(r.evaluate({"X": x}), want, atol=1e-6)


def test_an_all_equal_delta_is_diag_vec_i():
    # ∂ diag(diag(S))_ij/∂S_kl = δ_ij δ_ik δ_il: the deltas drawn along the Kronecker factors'
    # pairs, δ_ik δ_jl δ_ij, read diag(vec I) (I ⊗ I) = diag(vec(I_n)); was the δ formula
    r = assert_derivative(D + "diag(diag(S))", "S", method="definition")["mixed"]
    assert "δ" not in r.text and "diag(vec(I_n))" in r.text, r.text


def test_a_column_by_column_function_reads_as_khatri_rao_products():
    # ∂ softmax(X)_ij/∂X_kl = δ_jl (δ_ik s_ij − s_ij s_kj): the second term is
    # Σ_j (e_j ⊗ s_j)(e_j ⊗ s_j)ᵀ = (I ∗ S)(I ∗ S)ᵀ, with ∗ the Khatri–Rao product
    for expr in ("softmax(X)", "softmax(X')"):
        r = assert_derivative("X: matrix(m, n)\n" + expr, "X", method="definition")["mixed"]
        assert not isinstance(r.expr, IndexFormula) and "∗" in r.text, r.text


def test_a_column_wise_kronecker_product():
    # ∂(A diag(x) B)_ij/∂x_k = A_ik B_kj: column k is b^k ⊗ a_k, the Khatri–Rao product Bᵀ ∗ A
    r = assert_derivative(D + "A diag(x) B", "x", method="definition")["mixed"]
    assert r.text == "Bᵀ ∗ A"
    rng = np.random.default_rng(0)
    a, b, x = rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), rng.normal(size=(3, 1))
    want = np.einsum("ik,kj->jik", a, b).reshape(6, 3)  # row i + 3 j, column k
    assert np.allclose(r.evaluate({"A": a, "B": b, "x": x}), want)
    # the other layouts transpose it
    assert np.allclose(r.with_layout("denominator").evaluate({"A": a, "B": b, "x": x}), want.T)


def test_kronecker_commutation_and_diagonal_forms():
    r = assert_derivative(D + "S .* S'", "S", method="definition")["mixed"]
    assert r.text == "diag(vec(Sᵀ)) + diag(vec(S)) K_(n,n)"
    r = assert_derivative(D + "exp(Q X)", "X", method="definition")["mixed"]
    assert r.text == "diag(vec(exp(Q X))) (I_n ⊗ Q)"
    r = assert_derivative(D + "(X .* X) w", "X", method="definition")["mixed"]
    assert r.text == "2 (wᵀ ⊗ I_m) diag(vec(X))"
    read = next(s for s in r.steps if s.note == "def.read")
    assert dict(read.params)["en"].endswith("where i = k (0 elsewhere).")


# -- where the method does not apply --------------------------------------------------------


@pytest.mark.parametrize(
    "expr,wrt,method",
    [
        ("det(S)", "S", "differential"),
        ("logdet(S)", "S", "differential"),
        ("x' inv(A) x", "A", "differential"),
        ("inv(S)", "S", "vectorization"),
        ("kron(A, X)", "X", "vectorization"),
        ("vec(X)", "X", "vectorization"),
    ],
)
def test_no_index_form_names_the_method_that_applies(expr, wrt, method):
    with pytest.raises(md.UnsupportedError, match=f'method="{method}"'):
        md.derive(D + expr, wrt, method="definition")
