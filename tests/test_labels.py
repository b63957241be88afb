"""Each rule label names the identity its step uses (regressions of the issue "No silent wrong
answer": labels that named the wrong identity)."""

from __future__ import annotations

import pytest

import matdiff_magic as md
from matdiff_magic.rules.rule import REGISTRY
from matdiff_magic.tree import nodes as N

CORPUS = [
    ("x' A x", "x", "differential"),
    ("2 tr(A X)", "X", "differential"),
    ("exp(A x)", "x", "vectorization"),
    ("x x'", "x", "vectorization"),
    ("X' a", "X", "vectorization"),
    ("A X B", "X", "vectorization"),
    ("diag(x)", "x", "vectorization"),
    ("(X θ - y)' (X θ - y)", "θ", "chain"),
    ("sum(exp(A X))", "X", "chain"),
    ("logdet(S' S)", "S", "chain"),
    ("sigmoid(S x)", "x", "chain"),
    ("tr(X' X)", "X", "definition"),
    ("x' A x", "x", "definition"),
    ("sum(x .* y .* x)", "x", "definition"),
]


def _keys(step) -> set[str]:
    return {r.key for r in step.rules}


@pytest.mark.parametrize("expr, wrt, method", CORPUS)
def test_labels_match_their_steps(expr, wrt, method):
    r = md.derive(expr, wrt, method=method)
    steps = r.steps
    for i, step in enumerate(steps):
        keys = _keys(step)
        assert keys, f"step {i} has no rule:\n{steps.text()}"
        previous = steps[i - 1] if i else None
        # "commutation matrix" only where a K appears
        if "vec.transpose" in keys:
            assert any(isinstance(n, N.Commutation) for n in step.expr.walk()), steps.text()
        # "vectorize both sides" only where vec is taken of a matrix differential
        if "vec.apply" in keys:
            assert step.new_lhs and "vec(" in step.text.split("=")[0], steps.text()
        # a step that only repeats the line before names nothing
        if previous is not None and not step.new_lhs:
            assert step.text != previous.text, steps.text()
        # "collect like terms" only where terms were added up
        if "def.collect" in keys:
            assert len(str(step.expr)) < len(str(previous.expr)), steps.text()
        # never the same substitution twice in a row
        if previous is not None and keys & {"chain.substitute", "chain.substitute_gradient"}:
            assert not (keys & _keys(previous) & {"chain.substitute"}), steps.text()


def test_a_scalar_multiple_of_a_trace_is_not_the_trace_of_a_scalar():
    # Regression: α tr(A) = tr(α A) was labelled "trace of a scalar" (标量的迹 is tr(c) = c).
    rule = REGISTRY["tr.trace"]
    assert rule.name_en == "scalar multiple of a trace" and rule.name_zh == "迹的数乘"
    r = md.derive("2 tr(A X)", "X", method="differential")
    assert any("tr.trace" in _keys(s) for s in r.steps)
    r = md.derive("x' A x", "x", method="differential")
    assert any("tr.scalar" in _keys(s) for s in r.steps)  # a = tr(a)


def test_vectorize_both_sides_only_for_a_matrix_function():
    # Regression: named on a line that did not change, for a column function.
    r = md.derive("exp(A x)", "x", method="vectorization")
    assert not any("vec.apply" in _keys(s) for s in r.steps)
    r = md.derive("A X B", "X", method="vectorization")
    assert any("vec.apply" in _keys(s) for s in r.steps)


def test_no_commutation_matrix_without_a_k():
    # Regression: vec(dxᵀ) = dx for a column was labelled "commutation matrix".
    r = md.derive("x x'", "x", method="vectorization")
    assert not any("vec.transpose" in _keys(s) for s in r.steps)
    r = md.derive("X' a", "X", method="vectorization")
    assert any("vec.transpose" in _keys(s) for s in r.steps)


def test_chain_multiplies_then_substitutes():
    # Regression: two "substitute" in a row; the first multiplied the local derivatives.
    r = md.derive("(X θ - y)' (X θ - y)", "θ", method="chain")
    keys = [_keys(s) for s in r.steps]
    assert any("chain.multiply" in k for k in keys)
    assert sum("chain.substitute" in k for k in keys) == 1


def test_affine_maps_are_called_affine():
    for key in ("chain.linear_left", "chain.linear_right", "chain.linear_vector"):
        assert REGISTRY[key].name_en.startswith("affine map"), key
        assert REGISTRY[key].name_zh.startswith("仿射变换"), key


def test_d_diag_is_not_diagonalisation():
    assert "对角化" not in REGISTRY["d.diag_mat"].name_zh
