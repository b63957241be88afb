"""The matrix differential rules, one row per operation.

Each row says how d passes through one kind of node: ``apply(node, d)`` builds the differential
of ``node`` from ``d(child)`` for its children. The methods push d through a tree with these rows,
the narrator names them, and the tests check each row numerically. Here are the algebra's rows;
the entrywise functions' rows are made from their table (``differential_functions.py``), and
each other function's (tr, det, norm, vec, diag, kron, softmax ...) is in its module under
``matdiff_magic/operations``. :func:`rule_for` finds the row of any node.
"""

from __future__ import annotations

import functools

from matdiff_magic.rules import differential_functions  # noqa: F401 - registers its rows
from matdiff_magic.rules.diffrule import RULES, Differentiate, DiffRule, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _product(node: Expr, d: Differentiate) -> Expr:
    factors = node.factors
    terms = []
    for i, f in enumerate(factors):
        df = d(f)
        if isinstance(df, N.Zero):
            continue
        terms.append(B.matmul(*factors[:i], df, *factors[i + 1 :]))
    return B.add(*terms) if terms else B.zero_like(node)


def _scaled(node: Expr, d: Differentiate) -> Expr:
    assert isinstance(node, N.Mul)
    terms = []
    factors = node.factors
    for i, f in enumerate(factors):
        df = d(f)
        if isinstance(df, N.Zero):
            continue
        terms.append(B.make_mul(node.coeff, (), B.matmul(*factors[:i], df, *factors[i + 1 :])))
    return B.add(*terms) if terms else B.zero_like(node)


def _hadamard(node: Expr, d: Differentiate) -> Expr:
    factors = node.factors
    terms = []
    for i, f in enumerate(factors):
        df = d(f)
        if isinstance(df, N.Zero):
            continue
        terms.append(B.hadamard(*factors[:i], df, *factors[i + 1 :]))
    return B.add(*terms) if terms else B.zero_like(node)


def _power(node: Expr, d: Differentiate) -> Expr:
    base, exponent = node.base, node.exponent
    db, de = d(base), d(exponent)
    terms = []
    if not isinstance(db, N.Zero):
        terms.append(B.mul(B.mul(exponent, B.power(base, B.sub(exponent, B.const(1)))), db))
    if not isinstance(de, N.Zero):
        terms.append(B.mul(B.mul(node, B.elementwise("log", base)), de))
    return B.add(*terms) if terms else B.zero_like(node)


def _hadamard_div(node: Expr, d: Differentiate) -> Expr:
    a, b = node.num, node.den
    da, db = d(a), d(b)
    terms = []
    if not isinstance(da, N.Zero):
        terms.append(B.hadamard_div(da, b))
    if not isinstance(db, N.Zero):
        terms.append(B.neg(B.hadamard(B.hadamard_div(a, B.hadamard_pow(b, 2)), db)))
    return B.add(*terms) if terms else B.zero_like(node)


row(
    "d.definition",
    N.Named,
    "differential of a definition",
    "定义的微分",
    r"e = g(x) \Rightarrow \mathrm{d}e = \mathrm{d}g(x)",
    "A name stands for its definition: take the differential of the definition.",
    "名字代表它的定义：对定义求微分。",
    lambda e, d: d(e.body),
)
row(
    "d.constant",
    None,
    "constant rule",
    "常量的微分",
    r"\mathrm{d}C = 0",
    "Everything that does not depend on the variable is a constant: its differential is 0.",
    "与自变量无关的量是常量，其微分为 0。",
    None,
)
row(
    "d.sum",
    N.Add,
    "sum rule",
    "加减法则",
    r"\mathrm{d}(X \pm Y) = \mathrm{d}X \pm \mathrm{d}Y",
    "The differential of a sum is the sum of the differentials.",
    "和的微分等于微分的和。",
    lambda e, d: B.add(*[d(t) for t in e.terms]),
)
row(
    "d.scale",
    N.Mul,
    "scalar product rule",
    "数乘法则",
    r"\mathrm{d}(\alpha X) = (\mathrm{d}\alpha) X + \alpha\, \mathrm{d}X",
    "A product with scalar factors: differentiate one factor at a time.",
    "含标量因子的乘积：逐个因子求微分再相加。",
    _scaled,
)
row(
    "d.product",
    N.MatMul,
    "product rule",
    "乘法法则",
    r"\mathrm{d}(XY) = (\mathrm{d}X) Y + X\, \mathrm{d}Y",
    "Differentiate one factor at a time, keeping the order of the factors.",
    "逐个因子求微分，保持因子的先后次序不变。",
    _product,
)
row(
    "d.transpose",
    N.Transpose,
    "transpose rule",
    "转置法则",
    r"\mathrm{d}(X^{T}) = (\mathrm{d}X)^{T}",
    "The differential of a transpose is the transpose of the differential.",
    "转置的微分等于微分的转置。",
    lambda e, d: B.transpose(d(e.arg)),
)
row(
    "d.power",
    N.Power,
    "power rule",
    "幂函数的微分",
    r"\mathrm{d}(a^{k}) = k a^{k-1}\, \mathrm{d}a",
    "The scalar power rule (with d(a^b) = a^b (log a db + b da / a) for a variable exponent).",
    "标量的幂法则（指数也含变量时 d(a^b) = a^b (log a db + b da / a)）。",
    _power,
)
row(
    "d.hadamard",
    N.Hadamard,
    "Hadamard product rule",
    "逐元素乘法的微分",
    r"\mathrm{d}(X \odot Y) = \mathrm{d}X \odot Y + X \odot \mathrm{d}Y",
    "The product rule, entry by entry.",
    "逐元素地应用乘法法则。",
    _hadamard,
)
row(
    "d.hadamard_div",
    N.HadamardDiv,
    "entrywise quotient rule",
    "逐元素除法的微分",
    r"\mathrm{d}(X \oslash Y) = \mathrm{d}X \oslash Y - (X \oslash Y^{\circ 2}) \odot \mathrm{d}Y",
    "The quotient rule, entry by entry.",
    "逐元素地应用除法法则。",
    _hadamard_div,
)
row(
    "d.hadamard_pow",
    N.HadamardPow,
    "entrywise power rule",
    "逐元素幂的微分",
    r"\mathrm{d}(X^{\circ k}) = k X^{\circ (k-1)} \odot \mathrm{d}X",
    "The power rule, entry by entry.",
    "逐元素地应用幂法则。",
    lambda e, d: B.hadamard(B.scale(e.exponent, B.hadamard_pow(e.base, e.exponent - 1)), d(e.base)),
)
__all__ = ["RULES", "DiffRule", "Differentiate", "row", "rule_for"]


def _by_node(node_type: type) -> DiffRule | None:
    """The row registered for a node type or its nearest base class (rows may be added after
    import: a node type defined in its own module registers its rule there)."""
    return _lookup(node_type, len(RULES))


@functools.cache
def _lookup(node_type: type, rows: int) -> DiffRule | None:  # rows: a new row renews the cache
    for cls in node_type.__mro__:
        for rule in RULES.values():
            if rule.node is cls and cls is not N.Elementwise:
                return rule
    return None


def rule_for(node: Expr) -> DiffRule | None:
    """The differential rule for a node's type (entrywise functions by name; a few compositions,
    such as log ∘ softmax, have a row of their own because the composed rule reads better)."""
    if isinstance(node, N.Softmax | N.LogSumExp) and N.batched(node.arg):
        return RULES["d.softmax.columns" if isinstance(node, N.Softmax) else "d.logsumexp.columns"]
    if (
        isinstance(node, N.Elementwise)
        and node.func == "log"
        and isinstance(node.arg, N.Softmax)
        and not N.batched(node.arg.arg)
    ):
        return RULES["d.log_softmax"]
    if isinstance(node, N.Elementwise):
        return RULES.get(f"d.elementwise.{node.func}")
    return _by_node(type(node))
