"""Rewrites that use a fact declared about a vector, as a book uses it without a word: for y
one-hot or a probability vector (``onehot(k)``, ``simplex(k)``/``prob(k)``) 𝟏ᵀ y = yᵀ 𝟏 =
sum(y) = 1 (also written uᵀ (y ⊙ v) with u ⊙ v = 𝟏), so the softmax cross-entropy gradient
reads (softmax(W x) - y) xᵀ; for y one-hot
also y∘ᵖ = y (entries 0 or 1) and yᵀ y = 1; for y with entries ±1 (``pm1(k)``) y ⊙ y = y∘² = 𝟏
(even powers 𝟏, odd ones y) and yᵀ y = k.

One named rewrite of the final polish (tree/tidy.py REWRITES). Each identity holds only where
the fact does: the fact is read from the variable (``Var.fact``), and every check samples such
a variable with its fact true (check.random_value). :func:`facts_used` tells a simplify step
which variables' facts it used (rules/simplifications.py), so the step can say so.
"""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.rewrite import transform

SUM_TO_ONE = ("onehot", "simplex")  # 𝟏ᵀ y = 1


def _fact_var(e: Expr, facts: tuple[str, ...]) -> N.Var | None:
    """The variable ``e`` if it is declared with one of ``facts``."""
    return e if isinstance(e, N.Var) and e.fact in facts else None


def _ones_row(e: Expr) -> bool:
    if isinstance(e, N.Transpose):
        return isinstance(e.arg, N.Ones) and e.arg.cols == dims.ONE
    return isinstance(e, N.Ones) and e.rows == dims.ONE


def _ones_column(e: Expr) -> bool:
    return isinstance(e, N.Ones) and e.cols == dims.ONE


def _row_of(e: Expr, facts: tuple[str, ...]) -> N.Var | None:
    """y for yᵀ, y declared with one of ``facts``."""
    return _fact_var(e.arg, facts) if isinstance(e, N.Transpose) else None


def _pair(a: Expr, b: Expr) -> tuple[N.Var, Expr] | None:
    """The fact variable and the value of the 1×1 product ``a b`` when a fact fixes it:
    𝟏ᵀ y = yᵀ 𝟏 = 1 (one-hot, simplex), yᵀ y = 1 (one-hot), yᵀ y = k (±1 entries)."""
    if _ones_row(a) and (y := _fact_var(b, SUM_TO_ONE)) is not None:
        return y, B.const(1)
    if (y := _row_of(a, SUM_TO_ONE)) is not None and _ones_column(b):
        return y, B.const(1)
    if (y := _row_of(a, ("onehot", "pm1"))) is not None and b == y:
        return y, B.const(1) if y.fact == "onehot" else N.Const(y.rows)
    if isinstance(a, N.Transpose) and isinstance(b, N.Hadamard) and b.cols == dims.ONE:
        return _weighted_sum(a.arg, b) if a.arg.shape == b.shape else None
    return None


def _weighted_sum(u: Expr, h: N.Hadamard) -> tuple[N.Var, Expr] | None:
    """uᵀ (y ⊙ v) = yᵀ (u ⊙ v) = 𝟏ᵀ y = 1 when u ⊙ v is 𝟏 entrywise (exp(s)ᵀ (y ⊙ exp(-s)),
    the definition method's way of writing 𝟏ᵀ y)."""
    for k, f in enumerate(h.factors):
        y = _fact_var(f, SUM_TO_ONE)
        if y is None:
            continue
        rest = B.hadamard(u, *h.factors[:k], *h.factors[k + 1 :])
        if isinstance(simplify_entrywise(rest), N.Ones):
            return y, B.const(1)
    return None


def _power(base: Expr, k: sympy.Expr) -> tuple[N.Var, Expr] | None:
    """y∘ᵏ for a positive whole k: y when y is one-hot; 𝟏 (k even) or y (k odd) for ±1."""
    if not (k.is_Integer and k > 0):
        return None
    inner = base.arg if isinstance(base, N.Transpose) else base
    y = _fact_var(inner, ("onehot", "pm1"))
    if y is None:
        return None
    if y.fact == "pm1" and k % 2 == 0:
        return y, N.Ones(*base.shape)
    return y, base


def _site(e: Expr) -> tuple[tuple[N.Var, ...], Expr] | None:
    """``e`` rewritten by a declared fact, with the variables whose facts it used; None when
    no fact applies at the top of ``e``."""
    if isinstance(e, N.Sum) and (y := _fact_var(e.arg, SUM_TO_ONE)) is not None:
        return (y,), B.const(1)
    if isinstance(e, N.HadamardPow):
        found = _power(e.base, e.exponent)
        return ((found[0],), found[1]) if found else None
    if isinstance(e, N.Hadamard):
        return _hadamard(e)
    if isinstance(e, N.MatMul):
        return _product(e)
    return None


def _product(e: N.MatMul) -> tuple[tuple[N.Var, ...], Expr] | None:
    factors, used = list(e.factors), []
    k = 0
    while k < len(factors) - 1:
        found = _pair(factors[k], factors[k + 1])
        if found is None:
            k += 1
            continue
        used.append(found[0])
        factors[k : k + 2] = [found[1]]
    if not used:
        return None
    return tuple(used), B.matmul(*factors)


def _hadamard(e: N.Hadamard) -> tuple[tuple[N.Var, ...], Expr] | None:
    """y ⊙ y ⊙ z = z for y ±1 and y ⊙ y = y for y one-hot (the smart constructor usually
    writes y ⊙ y as y∘², but an operand may be a power already: y∘² ⊙ y)."""
    counts: dict[Expr, sympy.Expr] = {}
    for f in e.factors:
        base, k = (f.base, f.exponent) if isinstance(f, N.HadamardPow) else (f, sympy.Integer(1))
        whole = k.is_Integer and k > 0 and counts.get(base, 0) is not None
        counts[base] = counts.get(base, 0) + k if whole else None  # y∘⁻¹ ⊙ y: left alone
    used, kept = [], []
    for f in e.factors:
        base = f.base if isinstance(f, N.HadamardPow) else f
        total = counts[base]
        found = _power(base, total) if total is not None and total > 1 else None
        if found is None:
            kept.append(f)
            continue
        if found[0] not in used:
            used.append(found[0])
            kept.append(found[1])
    if not used:
        return None
    return tuple(used), B.hadamard(*kept)


def use_declared_facts(e: Expr) -> Expr:
    """``e`` with every product, sum and power a declared fact fixes written by its value."""
    if not any(isinstance(n, N.Var) and n.fact for n in e.distinct()):
        return e  # no fact declared here: nothing to visit (most results)

    def post(out: Expr) -> Expr:
        found = _site(out)
        return found[1] if found else out

    return transform(e, post=post)


def facts_used(e: Expr) -> tuple[N.Var, ...]:
    """The variables whose declared facts :func:`use_declared_facts` uses on ``e``, in order
    of appearance (all fact variables of ``e`` if a site only appears as it rewrites)."""
    used: list[N.Var] = []

    def post(out: Expr) -> Expr:
        found = _site(out)
        if not found:
            return out
        used.extend(v for v in found[0] if v not in used)
        return found[1]

    transform(e, post=post)
    if not used:
        used = [n for n in e.distinct() if isinstance(n, N.Var) and n.fact]
    return tuple(used)
