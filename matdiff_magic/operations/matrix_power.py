"""X^k, a positive integer power of a square matrix (X X ... X)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.index.convert import summed
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.rules.diffrule import Differentiate, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _entry(c, e, i, j):
    """(X^k)_ij = Σ X_{i p1} X_{p1 p2} ... X_{p(k-1) j}."""
    inner = [(c.space.fresh(e.arg.cols), e.arg.cols) for _ in range(e.k - 1)]
    idx = [i, *[s for s, _ in inner], j]
    return summed(sympy.Mul(*[c.entry(e.arg, idx[t], idx[t + 1]) for t in range(e.k)]), inner)


define(
    N.MatPow,
    evaluate=lambda ev, e: np.linalg.matrix_power(ev(e.arg), e.k),
    latex=lambda p, e: p._base(e.arg) + "^{" + str(e.k) + "}",
    text=lambda p, e: p.sup(p._base(e.arg), str(e.k)),
    code={"*": lambda p, e: p.call(p.fn("linalg.matrix_power"), e.arg, str(e.k))},
    sympy=lambda e, go: sympy.MatPow(go(e.arg), e.k),
    entry=_entry,
    precedence=P.POW,
)


def _d_matpow(node: Expr, d: Differentiate) -> Expr:
    x, k = node.arg, node.k
    dx = d(x)
    return B.add(*[B.matmul(B.matpow(x, i), dx, B.matpow(x, k - 1 - i)) for i in range(k)])


row(
    "d.matpow",
    N.MatPow,
    "matrix power rule",
    "矩阵幂的微分",
    r"\mathrm{d}(X^{k}) = \sum_{i=0}^{k-1} X^{i}\, \mathrm{d}X\, X^{k-1-i}",
    "The product rule applied to X X ... X.",
    "对 X X ... X 应用乘法法则。",
    _d_matpow,
)
