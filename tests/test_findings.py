"""Regressions: the silently wrong answers found by random compositions (issue "No silent wrong
answer"). Each is checked against central finite differences of the function, in every layout,
with every step verified."""

from __future__ import annotations

import pytest
from helpers import LAYOUTS, assert_derivative

import matdiff_magic as md

METHODS = ("differential", "chain", "vectorization", "definition")

# Every method was wrong: the simplification turned sum(exp(u)) inside the result into
# sum(softmax(u)) (exp(u) inside a function or a single term counted as a factor).
WRONG_EVERYWHERE = [("u: vector(p)\nsum(exp(u / sum(exp(u))))", "u")]
# Wrong in chain, vectorization, auto.
WRONG_SOME = [("exp(u / sum(exp(u)))", "u"), ("softmax(u / sum(exp(P x)))", "x")]
# Wrong by the definition method, softmax/logsumexp inside other functions.
WRONG_DEFINITION = [
    ("sqrt(softmax(θ))", "θ"),
    ("softmax(u) .^ (3/2)", "u"),
    ("logsumexp(softmax(u))", "u"),
    ("norm(softmax(softmax(C x)))", "x"),
    ("tr(tanh(diag(softmax(A x))^2))", "x"),
    ("logsumexp(sin(diag(x)) x) * 0.5", "x"),
]


@pytest.mark.parametrize("expr, wrt", WRONG_EVERYWHERE + WRONG_SOME)
@pytest.mark.parametrize("method", ("auto", *METHODS))
def test_softmax_recognition_only_for_factors(expr, wrt, method):
    try:
        assert_derivative(expr, wrt, method=method)
    except md.UnsupportedError:
        assert method in ("differential", "definition", "chain")


@pytest.mark.parametrize("expr, wrt", WRONG_DEFINITION)
def test_definition_method_with_softmax_inside_functions(expr, wrt):
    assert_derivative(expr, wrt, method="definition")


def test_hessian_through_a_softmax_denominator():
    assert_derivative(
        "c: scalar; P: matrix(p, n); y: vector(n)\ntanh(c / sum(exp(P y)))", "P", order=2
    )


def test_terms_containing_the_entry_keep_both_occurrences():
    # The step showed one of the two occurrences of θ_k, and the next line did not follow.
    r = assert_derivative("(X θ - y)' (X θ - y)", "θ", method="definition")["mixed"]
    select = next(s for s in r.steps if s.rule.key == "def.select")
    assert len(select.expr.terms) == 2
    assert str(select.expr).count("θ_k") == 2
    # x_i x_i selected twice is one term, x_k x_k (differentiated at both occurrences)
    r = assert_derivative("x' x", "x", method="definition")["mixed"]
    select = next(s for s in r.steps if s.rule.key == "def.select")
    assert len(select.expr.terms) == 1


@pytest.mark.parametrize("method", METHODS)
def test_sizes_in_the_entrywise_algebra(method):
    # KeyError 'n': tr(I_n) = n reached the entrywise algebra as a coefficient.
    assert_derivative("B: matrix(n, n)\ntr(tanh(B) + I)^2", "B", method=method)


def test_a_scalar_size_factor_in_the_definition_method():
    # KeyError 'm': sum(z + 1) = m + 𝟏ᵀ z.
    assert_derivative("x: vector(n); z: vector(m)\nsin(x) sum(z + 1)", "x", method="definition")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_of_a_finding(layout):
    r = md.derive("u: vector(p)\nsum(exp(u / sum(exp(u))))", "u", layout=layout)
    assert "softmax" not in r.text or "exp(u)" in r.text
    assert r.verify().ok
