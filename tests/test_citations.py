"""A simplify step cites only the rewrites that changed its expression.

A rewrite pass rebuilds the nodes above a merged copy of an equal subexpression through the
smart constructors, which may tidy them; that change is no rewrite's, and citing the pass's
rewrite for it told the reader an identity was used that has nothing to act on (an inverse of
a product in an expression without an inverse).
"""

from __future__ import annotations

import pytest

import matdiff_magic as md


def _cited(r: md.Result) -> set[str]:
    return {rule.name_en for step in r.steps for rule in step.rules}


@pytest.mark.parametrize("layout", ["mixed", "numerator", "denominator"])
@pytest.mark.parametrize(
    "expr, wrt",
    [
        ("x: vector(n); s: vector(p); A: matrix(n, p); W: symmetric(n)\n(x - A s)' W (x - A s)",
         "s"),
        ("x: vector(n); s: vector(n); W: symmetric(n)\n(x - s)' W (x - s)", "x"),
    ],
)
def test_no_inverse_cited_without_an_inverse(expr: str, wrt: str, layout: str) -> None:
    for method in ("definition", "differential", "vectorization", "chain"):
        r = md.derive(expr, wrt, method=method, layout=layout)
        assert "inverse of a product" not in _cited(r), (method, r.text)


def test_no_hadamard_identity_cited_without_a_hadamard_product() -> None:
    expr = "X: matrix(m, n); b: vector(n); c: vector(m); D: matrix(m, m)\n(X b + c)' D (X b + c)"
    for layout in ("mixed", "numerator", "denominator"):
        r = md.derive(expr, "X", method="vectorization", layout=layout)
        assert "transpose of a Hadamard product" not in _cited(r), r.text
