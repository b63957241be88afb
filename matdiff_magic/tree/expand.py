"""Full expansion (products distributed over sums), used to compare results symbolically."""

from __future__ import annotations

from itertools import product

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform

MAX_TERMS = 512


class TooLarge(Exception):  # noqa: N818 - internal signal, not an error users see
    pass


def _terms(e: Expr) -> list[Expr]:
    return list(e.terms) if isinstance(e, N.Add) else [e]


def expand(e: Expr, entrywise: bool = True) -> Expr:
    """``e`` with every product of sums multiplied out (raises TooLarge past MAX_TERMS).
    ``entrywise=False`` leaves Hadamard products alone (σ ⊙ (𝟏 - σ) reads better factored)."""
    products = (N.MatMul, N.Hadamard, N.Kron, N.Mul) if entrywise else (N.MatMul, N.Kron, N.Mul)

    def post(out: Expr) -> Expr:
        if isinstance(out, products):
            parts = [_terms(f) for f in _factors(out)]
            count = 1
            for p in parts:
                count *= len(p)
            if count > MAX_TERMS:
                raise TooLarge
            if count > 1:
                return B.add(*[_rebuild_product(out, combo) for combo in product(*parts)])
        elif isinstance(out, N.Transpose) and isinstance(out.arg, N.Add):
            return B.add(*[B.transpose(t) for t in out.arg.terms])
        elif isinstance(out, N.Trace | N.Sum | N.Vec | N.DiagMat | N.DiagVec) and isinstance(
            out.arg, N.Add
        ):
            return B.add(*[B.rebuild(out, (t,)) for t in out.arg.terms])
        return out

    return transform(e, post=post)


def _factors(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, N.Kron):
        return (e.left, e.right)
    return e.factors if not isinstance(e, N.Mul) else e.factors


def _rebuild_product(template: Expr, factors: tuple[Expr, ...]) -> Expr:
    if isinstance(template, N.MatMul):
        return B.matmul(*factors)
    if isinstance(template, N.Hadamard):
        return B.hadamard(*factors)
    if isinstance(template, N.Kron):
        return B.kron(*factors)
    assert isinstance(template, N.Mul)
    if template.body is None:
        return B.make_mul(template.coeff, factors, None)
    return B.make_mul(template.coeff, factors[:-1], factors[-1])
