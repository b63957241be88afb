"""The chain-rule method: the seed's examples and rules, automatic intermediates."""

from __future__ import annotations

import pytest
from helpers import assert_derivative, assert_formula

import matdiff_magic as md


def lines(r: md.Result) -> list[str]:
    return [step.text for step in r.steps]


def rules(r: md.Result) -> set[str]:
    return {rule.key for step in r.steps for rule in step.rules}


def test_least_squares_exactly_as_the_seed():
    # 设 Xθ - y = e, 则 l = e^T e;  ∂l/∂θ = (∂e/∂θ)^T ∂l/∂e;  ∂e/∂θ = X;  ∂l/∂e = 2e
    r = assert_derivative("e = X θ - y\nl = e' e", "θ", method="chain")["mixed"]
    text = lines(r)
    assert text[0] == "e = X θ - y"
    assert text[1] == "l = eᵀ e"
    assert "∂l/∂θ = (∂e/∂θᵀ)ᵀ ∂l/∂e" in text
    assert "(∂l/∂θ)ᵀ = (∂l/∂e)ᵀ ∂e/∂θᵀ" in text
    assert "∂e/∂θᵀ = X" in text and "∂l/∂e = 2 e" in text
    assert r.text == "2 Xᵀ e"  # the seed: ∂l/∂θ = Xᵀ ∂l/∂e = 2 Xᵀ e, where e = X θ - y
    assert {"chain.scalar_form1", "chain.scalar_form2", "chain.local"} <= rules(r)
    # each local derivative is shown with its shape
    local = [s for s in r.steps if s.rule is not None and s.rule.key == "chain.local"]
    assert [dict(s.params)["text"] for s in local] == ["m×n", "m×1"]


def test_least_squares_intermediate_is_found_automatically():
    r = assert_derivative("l = (X θ - y)^T (X θ - y)", "θ", method="chain")["mixed"]
    assert lines(r)[0] == "e = X θ - y"
    assert r.text == "2 Xᵀ (X θ - y)"


def test_vector_to_vector_jacobians_multiply():
    r = assert_derivative("W: matrix(m, n); x: vector(n)\nsigmoid(W x)", "x", method="chain")[
        "mixed"
    ]
    assert "chain.vector" in rules(r)
    assert r.text == "diag(σ(W x) ⊙ (𝟏 - σ(W x))) W"


@pytest.mark.parametrize(
    "expr,wrt,rule,formula",
    [
        (
            "A: matrix(p, m); X: matrix(m, n)\nY = A X\nf = sum(exp(Y))",
            "X",
            "chain.linear_left",
            lambda A, X: A.T @ __import__("numpy").exp(A @ X),
        ),
        (
            "A: matrix(n, p); X: matrix(m, n)\nY = X A\nf = sum(exp(Y))",
            "X",
            "chain.linear_right",
            lambda A, X: __import__("numpy").exp(X @ A) @ A.T,
        ),
        (
            "X: matrix(m, n); a: vector(n)\ny = X a\nf = sum(exp(y))",
            "X",
            "chain.linear_outer",
            lambda X, a: __import__("numpy").exp(X @ a) @ a.T,
        ),
        (
            "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nY = A X B\nf = sum(exp(Y))",
            "X",
            "chain.sandwich",
            lambda A, X, B: A.T @ __import__("numpy").exp(A @ X @ B) @ B.T,
        ),
    ],
)
def test_linear_map_rules(expr, wrt, rule, formula):
    r = assert_derivative(expr, wrt, method="chain")["mixed"]
    assert rule in rules(r)
    assert_formula(r, formula)


def test_linear_vector_rule_when_a_matrix_follows():
    r = assert_derivative(
        "S: matrix(n, n); x: vector(n)\nu = S x\nM = u u'\nf = tr(M)", "x", method="chain"
    )["mixed"]
    assert {"chain.linear_vector", "chain.differential"} <= rules(r)
    assert_formula(r, lambda S, x: 2 * S.T @ S @ x)


def test_seed_composite_Y_equals_AXB_gives_A_T_dfdY_B_T():
    r = md.derive(
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, p)\ntr(A X B)", "X", method="chain"
    )
    assert "∂f/∂X = Aᵀ ∂f/∂Y Bᵀ" in lines(r)
    assert r.text == "Aᵀ Bᵀ"


def test_through_differentials_when_no_closed_rule_applies():
    r = assert_derivative(
        "X: matrix(m, n)\nlogdet(X' X)", "X", method="chain", sizes={"m": 5, "n": 3}
    )["mixed"]
    assert "chain.differential" in rules(r)
    assert any(line.startswith("df = tr((∂f/∂Y)ᵀ dY)") for line in lines(r))
    assert r.text == "2 X (Xᵀ X)⁻¹"


def test_chain_on_vec_for_matrix_valued_functions():
    r = assert_derivative(
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nexp(A X B)", "X", method="chain"
    )["mixed"]
    assert "chain.vec" in rules(r)


def test_longer_user_chains():
    assert_derivative("u = A x\nv = tanh(u)\nf = v' v", "x", method="chain")
    assert_derivative("u = A x\nv = tanh(u)\nf = sum(v)", "A", method="chain")
    assert_derivative("h = tanh(W x + b)\nz = V h", "W", method="chain")
    assert_derivative("t: scalar\nu = t a\nf = u' u", "t", method="chain")


def test_ml_losses_by_the_chain_rule():
    r = assert_derivative("sum(log(1 + exp(-y .* (X w))))", "w", method="chain")["mixed"]
    assert r.text == "-Xᵀ (y ⊙ σ(-y ⊙ (X w)))"
    r = assert_derivative("logsumexp(W x) - y' W x", "x", method="chain")["mixed"]
    assert r.text == "Wᵀ (softmax(W x) - y)"


def test_constant_definitions_are_inlined():
    r = assert_derivative("C = A B\ne = C x - b\nf = e' e", "x", method="chain")["mixed"]
    assert lines(r)[0] == "e = C x - b" or lines(r)[0] == "e = A B x - b"


def test_where_the_chain_rule_does_not_apply():
    with pytest.raises(md.UnsupportedError, match='method="differential"'):
        md.derive("x' A x", "x", method="chain")
    with pytest.raises(md.UnsupportedError, match="do not form a chain"):
        md.derive("u = A x\nf = u' x", "x", method="chain")


# -- a sum that is not one chain: term by term -------------------------------------------------

RIDGE = "X: matrix(m, n); w: vector(n); y: vector(m); lam: scalar\n"


@pytest.mark.parametrize(
    "expr",
    [
        "norm(X w - y)^2 + lam * norm(w)^2",
        "e = X w - y\ne' e + lam * w' w",
        "e = X w - y\nf = e' e + lam * w' w",
    ],
)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_ridge_by_the_chain_rule_term_by_term(expr, layout):
    import numpy as np

    r = md.derive(RIDGE + expr, "w", method="chain", layout=layout)
    keys = [s.rule.key for s in r.steps if s.rule is not None]
    assert keys[0] == "chain.terms" and "chain.terms_add" in keys
    assert "chain.scalar_form1" in keys  # the composition went through the chain rule
    rng = np.random.default_rng(0)
    X, w, y = rng.normal(size=(4, 3)), rng.normal(size=(3, 1)), rng.normal(size=(4, 1))
    lam = 0.7
    want = 2 * X.T @ (X @ w - y) + 2 * lam * w  # the closed form
    got = r.evaluate({"X": X, "w": w, "y": y, "lam": lam})
    assert np.allclose(got if layout != "numerator" else got.T, want)
    assert r.verify().ok


def test_term_by_term_names_do_not_collide():
    r = md.derive(RIDGE + "e = X w - y\ne' e + lam * w' w", "w", method="chain")
    from matdiff_magic.tree import nodes as N

    defined = [s.lhs.name for s in r.steps if isinstance(s.lhs, N.Var)]
    assert defined == ["f", "e", "f_1", "u", "f_2"]  # the second term's intermediate is not e


def test_compare_includes_the_chain_rule_for_ridge():
    report = md.compare(RIDGE + "norm(X w - y)^2 + lam * norm(w)^2", "w")
    assert "chain" in report.results and not report.failed and report.agree_numeric


# -- numerator layout: the numerator chain rule itself, not a gradient transposed ---------------


def test_numerator_layout_uses_the_numerator_chain_rule_in_the_chains_order():
    import numpy as np

    r = assert_derivative(
        "X: matrix(m, n); θ: vector(n); y: vector(m)\ne = X θ - y\nl = e' e",
        "θ",
        method="chain",
        layouts=("numerator",),
    )["numerator"]
    text = lines(r)
    # ∂l/∂θᵀ = ∂l/∂eᵀ ∂e/∂θᵀ: the outer factor first, the inner last, as for scalars
    assert "∂l/∂θᵀ = ∂l/∂eᵀ ∂e/∂θᵀ" in text
    assert "∂e/∂θᵀ = X" in text and "∂l/∂eᵀ = 2 eᵀ" in text
    assert "chain.numerator" in rules(r)
    # no gradient derived and transposed at the end
    assert not {"chain.scalar_form1", "chain.scalar_form2", "layout.transpose"} & rules(r)
    assert r.shape[0] == 1  # a row: 1×n
    rng = np.random.default_rng(3)
    X, θ, y = rng.normal(size=(5, 3)), rng.normal(size=(3, 1)), rng.normal(size=(5, 1))
    got = r.evaluate({"X": X, "θ": θ, "y": y})
    np.testing.assert_allclose(np.reshape(got, (1, 3)), 2 * (X @ θ - y).T @ X, rtol=1e-10)


def test_numerator_chain_of_three_links_multiplies_outer_to_inner():
    r = assert_derivative(
        "A: matrix(m, n); x: vector(n)\nu = A x\nv = tanh(u)\nf = v' v",
        "x",
        method="chain",
        layouts=("numerator",),
    )["numerator"]
    assert lines(r)[3] == "∂f/∂xᵀ = ∂f/∂vᵀ ∂v/∂uᵀ ∂u/∂xᵀ"
    assert lines(r)[4] == "∂u/∂xᵀ = A"


def test_every_layout_of_a_chain_result_is_verified_and_with_layout_switches_narration():
    src = "X: matrix(m, n); θ: vector(n); y: vector(m)\ne = X θ - y\nl = e' e"
    mixed = md.derive(src, "θ", method="chain")
    assert "chain.scalar_form1" in rules(mixed)
    numerator = mixed.with_layout("numerator")
    assert "chain.numerator" in rules(numerator)
    assert "chain.scalar_form1" in rules(numerator.with_layout("denominator"))
    for r in (numerator, numerator.with_layout("denominator")):
        v = r.verify()
        assert v.ok and all(s.ok for s in v.steps)


def test_the_numerator_narration_is_made_only_when_asked_for():
    src = "X: matrix(m, n); θ: vector(n); y: vector(m)\ne = X θ - y\nl = e' e"
    mixed = md.derive(src, "θ", method="chain")
    told = mixed.source.numerator
    assert told.cache_info().currsize == 0  # a mixed-layout result does not pay for it
    mixed.with_layout("numerator")
    assert told.cache_info().currsize == 1


def test_a_wrong_numerator_narration_is_an_error_when_it_would_be_shown():
    from dataclasses import replace

    from matdiff_magic.errors import VerificationError
    from matdiff_magic.result import Result
    from matdiff_magic.tree import build as B
    from matdiff_magic.verify import verified

    src = "X: matrix(m, n); θ: vector(n); y: vector(m)\ne = X θ - y\nl = e' e"
    good = md.derive(src, "θ", method="chain")
    told = good.source.numerator()
    steps = list(told.steps)
    # a local derivative twice what it is: ∂e/∂θᵀ = X + X
    i = next(k for k, s in enumerate(steps) if s.text == "∂e/∂θᵀ = X")
    steps[i] = replace(steps[i], expr=B.add(steps[i].expr, steps[i].expr))
    bad = replace(good.source, numerator=lambda: replace(told, steps=type(told.steps)(steps)))
    mixed = verified(Result(good.problem, bad, "mixed"))  # its own lines are right
    with pytest.raises(VerificationError):
        mixed.with_layout("numerator")
    with pytest.raises(VerificationError):
        verified(Result(good.problem, bad, "numerator"))
    # unverified results stay unverified (derive(..., verify=False)): nothing is checked
    assert not Result(good.problem, bad, "mixed").with_layout("numerator").checked


@pytest.mark.parametrize(
    "expr,wrt,rule,line,formula",
    [
        (
            "A: matrix(p, m); X: matrix(m, n)\nY = A X\nf = sum(exp(Y))",
            "X",
            "chain.linear_left_numerator",
            "∂f/∂Xᵀ = ∂f/∂Yᵀ A",
            lambda A, X: __import__("numpy").exp(A @ X).T @ A,
        ),
        (
            "A: matrix(n, p); X: matrix(m, n)\nY = X A\nf = sum(exp(Y))",
            "X",
            "chain.linear_right_numerator",
            "∂f/∂Xᵀ = A ∂f/∂Yᵀ",
            lambda A, X: A @ __import__("numpy").exp(X @ A).T,
        ),
        (
            "X: matrix(m, n); a: vector(n)\ny = X a\nf = sum(exp(y))",
            "X",
            "chain.linear_outer_numerator",
            "∂f/∂Xᵀ = a ∂f/∂yᵀ",
            lambda X, a: a @ __import__("numpy").exp(X @ a).T,
        ),
        (
            "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nY = A X B\nf = sum(exp(Y))",
            "X",
            "chain.sandwich_numerator",
            "∂f/∂Xᵀ = B ∂f/∂Yᵀ A",
            lambda A, X, B: B @ __import__("numpy").exp(A @ X @ B).T @ A,
        ),
    ],
)
def test_numerator_layout_through_matrices_reads_as_the_numerator_chain_rule(
    expr, wrt, rule, line, formula
):
    r = assert_derivative(expr, wrt, method="chain", layouts=("numerator",))["numerator"]
    assert rule in rules(r) and line in lines(r)
    assert "layout.transpose" not in rules(r)
    assert_formula(r, formula)


def test_numerator_layout_through_differentials_has_no_transposed_derivative():
    r = assert_derivative(
        "A: matrix(p, m); X: matrix(m, m); B: matrix(m, q)\nY = A inv(X) B\nz = sum(sin(Y))",
        "X",
        method="chain",
        layouts=("numerator",),
    )["numerator"]
    text = lines(r)
    assert "dz = tr(∂z/∂Yᵀ dY)" in text
    assert {"chain.differential_numerator", "read.numerator"} <= rules(r)
    assert "layout.transpose" not in rules(r)
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    X = np.eye(3) + 0.3 * rng.normal(size=(3, 3))
    Xi = np.linalg.inv(X)
    expected = -Xi @ B @ np.cos(A @ Xi @ B).T @ A @ Xi  # ∂z/∂Xᵀ, the transpose of the gradient
    np.testing.assert_allclose(r.evaluate({"A": A, "X": X, "B": B}), expected, rtol=1e-10)
