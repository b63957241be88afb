"""r.verify() and derive(verify=True): every step checked against what it claims, a wrong
result or a false step is an error, never an answer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic.derivation import Derivation
from matdiff_magic.tree import build as B
from matdiff_magic.tree import tidy as T

CASES = [
    ("x' A x", "x", "differential", 1),
    ("(X θ - y)' (X θ - y)", "θ", "definition", 1),
    ("(X θ - y)' (X θ - y)", "θ", "chain", 1),
    ("A X B", "X", "vectorization", 1),
    ("sum(exp(A X))", "X", "chain", 1),
    ("X: matrix(m, n)\nlogdet(X' X)", "X", "chain", 1),
    ("log(det(X))", "X", "auto", 2),
    ("sum(log(1 + exp(-y .* (X w))))", "w", "auto", 2),
    ("exp(A X B)", "X", "chain", 1),
    ("softmax(W x)", "x", "chain", 1),
]


@pytest.mark.parametrize("expr, wrt, method, order", CASES)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_every_step_is_checked_and_holds(expr, wrt, method, order, layout):
    r = md.derive(expr, wrt, method=method, order=order, layout=layout)
    v = r.verify()
    assert isinstance(v, md.Verification)
    assert v.ok and v.result_error < 1e-6
    assert len(v.steps) == len(r.steps)
    for i, (s, step) in enumerate(zip(v.steps, r.steps, strict=True)):
        assert (s.index, s.rule) == (i, step.rule)
        assert s.checked and s.ok and s.error < 1e-5, (i, step.text, s)
        assert isinstance(s.error, float)
    # new left-hand sides are checked against what they mean, not only against the line before
    assert all("claim" in s.against for s in v.steps)


def test_verify_at_given_values():
    r = md.derive("x' A x", "x")
    v = r.verify({"x": np.arange(3.0), "A": np.arange(9.0).reshape(3, 3)})
    assert v.ok and v.values["A"].shape == (3, 3)


def _break(monkeypatch, name: str) -> None:
    """Make one rewrite of the final polish wrong (doubling what it returns)."""
    good = T.REWRITES[name]
    monkeypatch.setitem(T.REWRITES, name, lambda e: B.scale(2, good(e)))


def test_a_wrong_simplification_is_an_error_not_an_answer(monkeypatch):
    _break(monkeypatch, "order sums")
    with pytest.raises(md.VerificationError) as info:
        md.derive("x' A x", "x")
    err = info.value
    text = str(err)
    assert "matrix differential" in text and "simplify" in text and "bug" in text
    assert "step" in text and "两个随机点" in err.render("zh")
    failed = err.verification.failures
    assert failed and failed[0].rule.key == "simplify"
    # verify=False hands back the unverified result; verify() then says what is wrong
    r = md.derive("x' A x", "x", verify=False)
    v = r.verify()
    assert not v.ok and v.result_error > 0.1
    assert [s.index for s in v.failures] == [len(r.steps) - 1]


def test_a_false_step_is_caught_even_when_the_result_is_right():
    r = md.derive("(X θ - y)' (X θ - y)", "θ", verify=False)
    steps = list(r.steps)
    middle = 3
    steps[middle] = replace(steps[middle], expr=B.scale(3, steps[middle].expr))
    r.steps = Derivation(steps)
    v = r.verify()
    assert not v.ok and v.result_error < 1e-6
    # the false line fails against what it claims; the next one no longer follows from it
    assert [s.index for s in v.failures] == [middle, middle + 1]
    assert v.failures[0].against == ("claim", "previous")
    assert v.error() is not None and f"step {middle + 1} " in str(v.error())


def test_a_wrong_derivative_of_a_large_variable_is_caught(monkeypatch):
    # Sizes declared as numbers are checked through random directions, not entry by entry.
    variables = {"A": "matrix(300, 300)"}
    assert md.derive("x' A x", "x", variables).verify().ok
    _break(monkeypatch, "order sums")
    with pytest.raises(md.VerificationError):
        md.derive("x' A x", "x", variables)


def test_random_points_stay_inside_the_domain():
    # X' X is singular when X has fewer rows than columns: other sizes are tried.
    assert md.derive("X: matrix(m, n)\nlogdet(X' X)", "X").verify().ok
    # log and sqrt of expressions: positive inputs are tried
    assert md.derive("sum(log(A x))", "x").verify().ok
    assert md.derive("sum(sqrt(x .* y))", "x").verify().ok


def test_random_points_keep_squashing_functions_off_their_flat_tails():
    # Fuzz seed 520000: (X Y)^∘(3/2) needs positive inputs, and 30 positive entries summed into
    # σ made 1 - σ = 0 in floats; the Hessian's entries (~1e-11) were lost in the differences'
    # noise at every point tried, and a right derivation was refused as "matdiff made a mistake".
    text = "X: matrix(p, r); Y: matrix(r, n); w: vector(p); v: vector(n); e: matrix(m, q)\n"
    text += "sigmoid(sum(e)) * (w' (X Y).^(3/2) exp(v))"
    for method in ("differential", "vectorization"):
        r = md.derive(text, "e", method=method, layout="numerator", order=2)
        assert r.verify().ok
        s = 1.0 / (1.0 + np.exp(-r.verify().values["e"].sum()))
        assert s < 1.0 - 1e-4  # the point chosen is where σ still moves


def test_compare_verifies_every_method(monkeypatch):
    c = md.compare("x' A x", "x")
    assert c.ok and not c.failed
    _break(monkeypatch, "order sums")
    with pytest.raises(md.VerificationError):
        md.compare("x' A x", "x")
