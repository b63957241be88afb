"""L_f(X, E) = f′(X) E where E commutes with X by its form: E built from X alone (X, I,
inverses, powers, matrix functions of X, sums, products, scalar multiples), as in the gradient
of tr(logm(X)²), 2 L_log(X, logm(X))ᵀ = 2 (X⁻¹ logm(X))ᵀ. From the Cauchy integral
L_f(X, E) = (1/2πi) ∮ f(z) (z − X)⁻¹ E (z − X)⁻¹ dz, E passing through (z − X)⁻¹. For a symmetric
X this is the Daleckii–Krein form's Qᵀ E Q = diag(g(λ)), whose product with F keeps only the
diagonal F_ii = f′(λ_i)."""

from __future__ import annotations

import sympy

from matdiff_magic.operations.matrix_function_nodes import (
    HALF,
    Frechet,
    MatrixFunction,
    derivative_of,
    function_of,
    matrix_power,
)
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import transform

RULE = table("structure")(
    "matfun.commuting_direction",
    "direction commuting with X",
    "与 X 可交换的方向",
    r"L_f(X, E) = f'(X)\, E \quad (E X = X E)",
    "E is built from X alone (powers, inverses and functions of X), so it commutes with X, "
    "and then L_f(X, E) = f′(X) E (E passes through (z − X)⁻¹ in the Cauchy integral of "
    "L_f); f′ is e^X for expm, X⁻¹ for logm, ½ X^{-1/2} for sqrtm, p X^{p−1} for X^p. For a "
    "symmetric X = Q diag(λ) Qᵀ: Qᵀ E Q is diagonal, so only F_ii = f′(λ_i) acts on it.",
    "E 只由 X 构成（X 的幂、逆和矩阵函数），所以与 X 可交换，于是 L_f(X, E) = f′(X) E"
    "（在 L_f 的 Cauchy 积分中 E 可穿过 (z − X)⁻¹）；expm 的 f′ 为 e^X，logm 为 X⁻¹，"
    "sqrtm 为 ½ X^{-1/2}，X^p 为 p X^{p−1}。对称的 X = Q diag(λ) Qᵀ 时，Qᵀ E Q 是对角矩阵，"
    "只有 F_ii = f′(λ_i) 作用于它。",
)


def of(e: Expr, x: Expr) -> bool:
    """Whether ``e`` is a function of ``x`` by its form (so it commutes with ``x``; and is
    symmetric where ``x`` is)."""
    if isinstance(e, N.Identity) or ckey(e) == ckey(x):
        return True
    if isinstance(e, N.Transpose):  # g(X)ᵀ = g(Xᵀ)
        return of(e.arg, B.transpose(x))
    if isinstance(e, MatrixFunction | N.Inverse | N.MatPow):
        return of(e.arg, x)  # a primary function of g(X) is a polynomial in g(X)
    if isinstance(e, N.Add):
        return all(of(t, x) for t in e.terms)
    if isinstance(e, N.MatMul):
        return all(of(f, x) for f in e.factors)
    if isinstance(e, N.Mul):  # scalars commute with everything
        return e.body is not None and of(e.body, x)
    return False


def _exponent(e: Expr, x: Expr) -> sympy.Expr | None:
    """k for e = X^k (X, I, X⁻¹, X^m, X^{1/2}, X^p), else None."""
    if isinstance(e, N.Identity):
        return sympy.Integer(0)
    if ckey(e) == ckey(x):
        return sympy.Integer(1)
    if isinstance(e, N.Inverse | N.MatPow | MatrixFunction) and ckey(e.arg) == ckey(x):
        if isinstance(e, N.Inverse):
            return sympy.Integer(-1)
        if isinstance(e, N.MatPow):
            return sympy.Integer(e.k)
        return {"sqrtm": HALF, "power": e.p}.get(e.func)
    return None


def _product(a: Expr, b: Expr, x: Expr) -> Expr:
    """a b, with its neighbouring powers of X gathered: ½ X^{-1/2} · 2 X^{1/2} = I."""
    factors: list[Expr] = []
    coeff = sympy.Integer(1)
    scalars: list[Expr] = []
    for t in (a, b):
        if isinstance(t, N.Mul) and t.body is not None:
            coeff, scalars, t = coeff * t.coeff, [*scalars, *t.scalars], t.body
        factors.extend(t.factors if isinstance(t, N.MatMul) else (t,))
    merged: list[Expr] = []
    for f in factors:
        k = _exponent(f, x)
        before = _exponent(merged[-1], x) if merged else None
        if k is not None and before is not None:
            merged[-1] = matrix_power(x, k + before)
        else:
            merged.append(f)
    merged = [f for f in merged if not isinstance(f, N.Identity)] or [B.identity(x.rows)]
    return B.make_mul(coeff, tuple(scalars), B.matmul(*merged))


def _rewrite(node: Expr) -> Expr | None:
    if isinstance(node, Frechet) and of(node.e, node.x):
        fprime = derivative_of(function_of(node.func, node.x, node.p))
        return _product(fprime, node.e, node.x)
    return None


def commuting(e: Expr) -> Expr:
    """``e`` with every L_f(X, E) whose E commutes with X by its form written f′(X) E."""
    if not any(isinstance(n, Frechet) and of(n.e, n.x) for n in e.walk()):
        return e
    return transform(e, post=lambda n: _rewrite(n) or n)
