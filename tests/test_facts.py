"""Declared facts about a vector (issue 12): ``onehot(k)``, ``simplex(k)`` / ``prob(k)``,
``pm1(k)``. A result may use the fact (𝟏ᵀ y = 1, y ⊙ y = 𝟏) and says so in a step; every
check samples the variable with its fact true. References are closed forms evaluated with
NumPy at points where the fact holds, and finite differences."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import assert_steps_equal

import matdiff_magic as md
from matdiff_magic.check import fact_value, random_value
from matdiff_magic.errors import MatDiffError
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.textbook_facts import use_declared_facts

METHODS = ("differential", "definition", "chain", "vectorization")
LAYOUTS = ("numerator", "denominator", "mixed")
CROSS_ENTROPY = "W: matrix(k, n); x: vector(n)\n-y' log(softmax(W x))"
K, N_ = 4, 3


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def sigmoid(t: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-t))


def _cross_entropy_point(y: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(size=(K, N_)), "x": rng.normal(size=(N_, 1)), "y": y}


def _onehot(i: int) -> np.ndarray:
    return np.eye(K)[:, [i]]


def _simplex(seed: int) -> np.ndarray:
    w = np.random.default_rng(seed).uniform(0.1, 1.0, size=(K, 1))
    return w / w.sum()


def _gradient_by_w(v: dict[str, np.ndarray]) -> np.ndarray:
    """The closed form of the cross-entropy gradient with respect to W, for y summing to 1:
    (softmax(W x) - y) xᵀ (the general one is ((𝟏ᵀ y) softmax(W x) - y) xᵀ)."""
    return (softmax(v["W"] @ v["x"]) - v["y"]) @ v["x"].T


# -- the softmax cross-entropy gradient in the book's form -------------------------------------


@pytest.mark.parametrize("declared", ["onehot(k)", "simplex(k)", "prob(k)"])
@pytest.mark.parametrize("method", METHODS)
def test_cross_entropy_gradient_reads_as_the_book_in_every_method_and_layout(declared, method):
    points = [_onehot(2), _onehot(0)] if declared == "onehot(k)" else [_simplex(1), _simplex(2)]
    for layout in LAYOUTS:
        r = md.derive(f"y: {declared}; " + CROSS_ENTROPY, "W", method=method, layout=layout)
        book = "x (softmax(W x) - y)ᵀ" if layout == "numerator" else "(softmax(W x) - y) xᵀ"
        assert r.text.split(" = ")[-1] == book, (method, layout, r.text)
        for seed, y in enumerate(points):
            v = _cross_entropy_point(y, seed)
            want = _gradient_by_w(v)
            got = r.evaluate(v)
            np.testing.assert_allclose(got, want.T if layout == "numerator" else want, atol=1e-10)
        assert_steps_equal(r)


def test_the_variables_argument_declares_a_fact_too():
    r = md.derive(
        "-y' log(softmax(W x))", "W", variables={"y": "onehot(k)", "W": "matrix(k, n)",
                                                 "x": "vector(n)"},
    )
    assert r.text == "(softmax(W x) - y) xᵀ"
    v = _cross_entropy_point(_onehot(3))
    np.testing.assert_allclose(r.evaluate(v), _gradient_by_w(v), atol=1e-10)


def test_a_plain_vector_keeps_the_factor_one_transpose_y():
    # 𝟏ᵀ y = 1 is not true of a general y: the result must keep it, and be right at any y
    r = md.derive("y: vector(k); " + CROSS_ENTROPY, "W")
    assert "𝟏ᵀ y" in r.text
    rng = np.random.default_rng(4)
    v = _cross_entropy_point(rng.normal(size=(K, 1)))
    s = softmax(v["W"] @ v["x"])
    want = (v["y"].sum() * s - v["y"]) @ v["x"].T
    np.testing.assert_allclose(r.evaluate(v), want, atol=1e-10)
    assert not any(rule.key.startswith("simplify.fact.") for s in r.steps for rule in s.rules)


def test_a_step_names_the_fact_it_used():
    r = md.derive("y: onehot(k); " + CROSS_ENTROPY, "W", method="differential")
    cited = [s for s in r.steps if any(rule.key == "simplify.fact.onehot:y" for rule in s.rules)]
    assert len(cited) == 1
    said = cited[0].explanation("en")
    assert "𝟏ᵀ y = 1 because y is one-hot (declared onehot(k))" in said
    assert "独热" in cited[0].explanation("zh")
    assert "y is one-hot (declared onehot(k))" in r.steps.text()
    # the chain method finds softmax(e) - y in its local step: that step cites the fact
    chain = md.derive("y: prob(k); " + CROSS_ENTROPY, "W", method="chain")
    keys = [rule.key for s in chain.steps for rule in s.rules]
    assert "simplify.fact.simplex:y" in keys
    assert "probability vector (declared simplex(k))" in chain.steps.text()


# -- ±1 labels -----------------------------------------------------------------------------------

PM1 = "y: pm1(m); X: matrix(m, n); w: vector(n)\n"


def _pm1_point(seed: int = 0, m: int = 5, n: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"X": rng.normal(size=(m, n)), "w": rng.normal(size=(n, 1)),
            "y": rng.choice([-1.0, 1.0], size=(m, 1))}


@pytest.mark.parametrize("method", METHODS)
def test_squares_of_plus_minus_one_labels_are_ones(method):
    # ‖y ⊙ (X w)‖² = ‖X w‖² for y ∈ {±1}ᵐ: the gradient is 2 Xᵀ X w, no y left
    r = md.derive(PM1 + "(X w .* y)' (X w .* y)", "w", method=method)
    assert r.text == "2 Xᵀ X w", r.text
    for seed in range(2):
        v = _pm1_point(seed)
        np.testing.assert_allclose(r.evaluate(v), 2 * v["X"].T @ v["X"] @ v["w"], atol=1e-10)
    assert any(rule.key == "simplify.fact.pm1:y" for s in r.steps for rule in s.rules)
    assert_steps_equal(r)


def test_logistic_loss_with_plus_minus_one_labels():
    r = md.derive(PM1 + "sum(log(1 + exp(-y .* (X w))))", "w")
    v = _pm1_point(3)
    margin = v["y"] * (v["X"] @ v["w"])
    want = -v["X"].T @ (v["y"] * sigmoid(-margin))
    np.testing.assert_allclose(r.evaluate(v), want, atol=1e-10)


def test_a_plain_vector_of_labels_keeps_its_square():
    r = md.derive("y: vector(m); X: matrix(m, n); w: vector(n)\n(X w .* y)' (X w .* y)", "w")
    assert "y" in r.text
    rng = np.random.default_rng(5)
    v = {"X": rng.normal(size=(5, 3)), "w": rng.normal(size=(3, 1)), "y": rng.normal(size=(5, 1))}
    want = 2 * v["X"].T @ (v["y"] ** 2 * (v["X"] @ v["w"]))
    np.testing.assert_allclose(r.evaluate(v), want, atol=1e-10)


# -- the identities, one by one, at points where the fact holds ----------------------------------


def _var(fact: str, k: int = 4) -> N.Var:
    return md.parse_problem(f"y: {fact}({k})\ny").variables["y"]


@pytest.mark.parametrize("fact", ["onehot", "simplex", "pm1"])
def test_each_identity_holds_where_the_fact_does(fact):
    from matdiff_magic.numeric import Evaluator, bind
    from matdiff_magic.tree import build as B

    y = _var(fact)
    ones = N.Ones(y.rows, y.cols)
    exprs = [B.matmul(B.transpose(ones), y), B.matmul(B.transpose(y), ones), B.total(y),
             B.matmul(B.transpose(y), y), B.hadamard_pow(y, 2), B.hadamard_pow(y, 3),
             B.hadamard(y, y, B.hadamard_pow(y, 2))]
    rng = np.random.default_rng(0)
    for e in exprs:
        after = use_declared_facts(e)
        for _ in range(3):
            value = random_value(y, {}, rng)
            env = bind({"y": y}, {"y": value})
            np.testing.assert_allclose(Evaluator(env)(after), Evaluator(env)(e), atol=1e-12)
    # what each fact says, as a book says it
    assert isinstance(use_declared_facts(exprs[2]), N.Const) == (fact != "pm1")
    assert isinstance(use_declared_facts(exprs[4]), N.Ones) == (fact == "pm1")
    assert use_declared_facts(exprs[4]) == (y if fact == "onehot" else use_declared_facts(exprs[4]))


def test_a_plain_vector_gets_no_identity():
    from matdiff_magic.tree import build as B

    y = md.parse_problem("y: vector(k)\ny").variables["y"]
    for e in (B.total(y), B.hadamard_pow(y, 2), B.matmul(B.transpose(y), y)):
        assert use_declared_facts(e) is e


def test_random_values_have_the_fact():
    rng = np.random.default_rng(1)
    for _ in range(20):
        h = fact_value("onehot", 5, rng)
        assert h.shape == (5, 1) and sorted(h.ravel()) == [0, 0, 0, 0, 1]
        p = fact_value("simplex", 5, rng)
        assert np.all(p > 0) and abs(p.sum() - 1) < 1e-12
        s = fact_value("pm1", 5, rng)
        assert np.all(np.abs(s) == 1)


# -- bad declarations and bad values ---------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["onehot(k, m)", "prob(3, 4)", "pm1()"])
def test_a_fact_takes_one_size(spelling):
    with pytest.raises(MatDiffError) as info:
        md.derive(f"y: {spelling}; x: vector(n)\nx' x + sum(y)", "x")
    if "()" not in spelling:
        assert "takes one size, its length" in str(info.value)


@pytest.mark.parametrize("fact", ["onehot", "pm1"])
def test_a_discrete_variable_cannot_be_differentiated(fact):
    with pytest.raises(MatDiffError) as info:
        md.derive(f"y: {fact}(k); " + CROSS_ENTROPY, "y")
    text = str(info.value)
    assert "cannot differentiate with respect to y" in text and "discrete" in text
    assert f"declared {fact}" in text


def test_a_probability_vector_gets_its_gradient_in_r_k():
    # with respect to y itself the fact is not used before differentiating: -log(softmax(W x))
    r = md.derive("y: prob(k); " + CROSS_ENTROPY, "y")
    v = _cross_entropy_point(_simplex(3))
    np.testing.assert_allclose(r.evaluate(v), -np.log(softmax(v["W"] @ v["x"])), atol=1e-10)
    r2 = md.derive("y: prob(k); x: vector(k)\nsum(y) * (x' y)", "y")
    y, x = _simplex(4), np.random.default_rng(4).normal(size=(K, 1))
    np.testing.assert_allclose(r2.evaluate({"y": y, "x": x}), (x.T @ y) + y.sum() * x, atol=1e-10)


def test_a_value_without_the_fact_is_refused():
    r = md.derive("y: onehot(k); " + CROSS_ENTROPY, "W")
    v = _cross_entropy_point(np.full((K, 1), 0.25))
    with pytest.raises(MatDiffError, match="not one-hot"):
        r.evaluate(v)
    r = md.derive(PM1 + "(X w .* y)' (X w .* y)", "w")
    v = _pm1_point()
    v["y"] = v["y"] * 0.5
    with pytest.raises(MatDiffError, match="±1"):
        r.evaluate(v)


def test_a_matrix_cannot_be_one_hot():
    with pytest.raises(MatDiffError):
        N.Var("Y", *md.parse_problem("A: matrix(m, n)\nA").expr.shape, "onehot")


# -- checking answers and hand derivations -----------------------------------------------------


def test_check_answer_and_check_derivation_sample_the_fact():
    variables = {"y": "onehot(k)", "W": "matrix(k, n)", "x": "vector(n)"}
    f = "-y' log(softmax(W x))"
    assert md.check_answer(f, "W", "(softmax(W x) - y) x'", variables).verdict == "correct"
    assert md.check_answer(f, "W", "(softmax(W x) - 2 y) x'", variables).verdict == "wrong"
    plain = dict(variables, y="vector(k)")
    assert md.check_answer(f, "W", "(softmax(W x) - y) x'", plain).verdict == "wrong"
    text = (
        "df = d(-y' log(softmax(W x)))\n"
        "   = -y' (I - 𝟏 softmax(W x)') dW x\n"
        "   = (softmax(W x)' - y') dW x\n"
        "∂f/∂W = (softmax(W x) - y) x'"
    )
    assert md.check_derivation(text, "W", variables).ok
    # the third line uses 𝟏ᵀ y = 1: false for a plain vector
    assert md.check_derivation(text, "W", plain).first_error == 3


# -- the front ends ------------------------------------------------------------------------------


def test_the_command_line_takes_a_fact():
    out = subprocess.run(
        [sys.executable, "-m", "matdiff_magic",
         "y: onehot(k); W: matrix(k, n); x: vector(n); -y' log(softmax(W x))", "--wrt", "W"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "(softmax(W x) - y) xᵀ" in out


def test_the_magic_takes_a_fact():
    from IPython.testing import globalipapp

    ip = globalipapp.get_ipython()
    ip.run_line_magic("load_ext", "matdiff_magic")
    try:
        ip.run_cell("%%matdiff --static --wrt W --lang en -o facts_result\n"
                    "y: onehot(k); W: matrix(k, n); x: vector(n)\n-y' log(softmax(W x))")
        r = ip.user_ns.pop("facts_result")
        assert r.text == "(softmax(W x) - y) xᵀ"
        v = _cross_entropy_point(_onehot(1))
        np.testing.assert_allclose(r.evaluate(v), _gradient_by_w(v), atol=1e-10)
    finally:
        ip.run_line_magic("unload_ext", "matdiff_magic")


def test_the_generated_code_refuses_a_value_without_the_fact():
    r = md.derive("y: onehot(k); " + CROSS_ENTROPY, "W")
    namespace: dict = {}
    exec(r.numpy_code(), namespace)  # the code matdiff generated, not user text
    v = _cross_entropy_point(_onehot(1))
    np.testing.assert_allclose(namespace["derivative"](v["y"], v["W"], v["x"]), _gradient_by_w(v))
    with pytest.raises(ValueError, match="onehot"):
        namespace["derivative"](np.full((K, 1), 0.25), v["W"], v["x"])
