"""exp(z)/(𝟏ᵀ exp(z)) recognised as softmax(z) in a result."""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform


def exp_total(s: Expr) -> Expr | None:
    """z when s is 𝟏ᵀ exp(z) or sum(exp(z)) for a column z, else None."""
    if isinstance(s, N.Sum):
        inner = s.arg
    elif isinstance(s, N.MatMul) and len(s.factors) == 2 and isinstance(s.factors[0], N.Ones):
        inner = s.factors[1]
    else:
        return None
    if isinstance(inner, N.Elementwise) and inner.func == "exp" and inner.arg.is_column:
        return inner.arg
    return None


def _swap_factors(e: Expr, old: Expr, new: Expr, budget: list[int]) -> Expr:
    """``e`` with at most budget[0] occurrences of ``old`` replaced by ``new``, only where
    ``old`` is a factor of the whole of ``e`` (reached through products, transposes and linear
    reshapes, never through a sum, a function or a power): there, scaling ``old`` scales ``e``.
    Each occurrence is counted (no memo: equal subtrees are separate occurrences here)."""
    if budget[0] <= 0:
        return e
    if e == old:
        budget[0] -= 1
        return new
    if isinstance(e, N.MatMul | N.Hadamard | N.Kron):
        args = tuple(_swap_factors(a, old, new, budget) for a in e.args)
    elif isinstance(e, N.HadamardDiv):
        args = (_swap_factors(e.num, old, new, budget), e.den)
    elif isinstance(e, N.Transpose | N.Vec | N.DiagMat | N.DiagVec):
        args = (_swap_factors(e.arg, old, new, budget),)
    elif isinstance(e, N.Mul) and e.body is not None:
        args = (*e.scalars, _swap_factors(e.body, old, new, budget))
    else:
        return e
    return e if all(x is y for x, y in zip(args, e.args, strict=True)) else B.rebuild(e, args)


def recognise_softmax(e: Expr) -> Expr:
    """exp(z)/(𝟏ᵀ exp(z)) -> softmax(z): each factor (𝟏ᵀ exp(z))⁻¹ of a product turns one
    exp(z) of the same product into softmax(z)."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Mul) or out.body is None:
            return out
        scalars = list(out.scalars)
        body = out.body
        for i, s in enumerate(scalars):
            if not (isinstance(s, N.Power) and isinstance(s.exponent, N.Const)):
                continue
            k = -s.exponent.value
            z = exp_total(s.base)
            if z is None or not (k.is_integer and k > 0):
                continue
            budget = [int(k)]
            body = _swap_factors(body, B.elementwise("exp", z), B.softmax(z), budget)
            used = int(k) - budget[0]
            if used:
                remaining = -(k - used)
                scalars[i] = B.power(s.base, B.const(remaining))
        if body is out.body:
            return out
        return B.make_mul(out.coeff, scalars, body)

    return transform(e, post=post)
