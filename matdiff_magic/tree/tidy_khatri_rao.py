"""Khatri–Rao products with the identity, read as masked Kronecker products (a named rewrite of
the final polish, tree/tidy.py): column j of (diag(x) M) ∗ I is (x ⊙ m_j) ⊗ e_j, which is
vec(Mᵀ) ⊙ (x ⊗ e_j); so (diag(x) M) ∗ I = diag(vec(Mᵀ)) (x ⊗ I) and, likewise,
I ∗ (diag(x) M) = diag(vec(M)) (I ⊗ x). The definition method reaches the derivative of
diag(x) A diag(x) as diag(vec(A)) (x ⊗ I + I ⊗ x), the others as (diag(x) Aᵀ) ∗ I +
I ∗ (diag(x) A); read this way the sum has diag(vec(A)) to pull out, and is shorter.
"""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.factor import factor_for_reading
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import reading_cost


def _scaled_rows(e: Expr) -> tuple[Expr, Expr] | None:
    """(x, M) for e = diag(x) M."""
    if isinstance(e, N.MatMul) and isinstance(e.factors[0], N.DiagMat):
        return e.factors[0].arg, B.matmul(*e.factors[1:])
    return None


def _masked(e: Expr) -> Expr | None:
    """The term c (diag(x) M) ∗ I or c I ∗ (diag(x) M) as a masked Kronecker product."""
    c, s, body = B.split(e)
    if not isinstance(body, N.KhatriRao):
        return None
    left, right = body.left, body.right
    if isinstance(right, N.Identity) and (found := _scaled_rows(left)) is not None:
        x, m = found
        return B.make_mul(c, s, B.matmul(B.diag_mat(B.vec(B.transpose(m))), B.kron(x, right)))
    if isinstance(left, N.Identity) and (found := _scaled_rows(right)) is not None:
        x, m = found
        return B.make_mul(c, s, B.matmul(B.diag_mat(B.vec(m)), B.kron(left, x)))
    return None


def khatri_rao_with_identity(e: Expr) -> Expr:
    """A sum of Khatri–Rao products with I and a diagonal factor, each read as a masked
    Kronecker product, where the sum then factors to something shorter."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Add):
            return out
        read = [_masked(t) for t in out.terms]
        if any(r is None for r in read):
            return out
        factored = factor_for_reading(B.add(*read))
        return factored if reading_cost(factored) < reading_cost(out) else out

    return transform(e, post=post)
