"""Diagonals and vecs taken through entrywise operations (named rewrites of the final polish,
tree/tidy.py).

diag(A ⊙ B) = diag(A) ⊙ diag(B) and diag(f(A)) = f(diag(A)) for an entrywise function f, since
entry (i, i) of an entrywise product or function is made of entries (i, i) alone; and
(I ⊙ A) 𝟏 = diag(A) and 𝟏ᵀ (I ⊙ A) = diag(A)ᵀ. So diag(cos(diag(x)) ⊙ (s xᵀ)), as the trace
trick leaves it, reads cos(x) ⊙ s ⊙ x, as the definition method writes it entry by entry.

vec(A) ⊙ vec(B) = vec(A ⊙ B) and u ⊗ v = vec(v uᵀ): the vectorization method's
(𝟏ᵀ ⊗ I) (vec(I) ⊙ vec(C) ⊙ (x ⊗ s)) becomes (𝟏ᵀ ⊗ I) vec(I ⊙ C ⊙ s xᵀ), which the vec
contraction reads as (I ⊙ C ⊙ s xᵀ) 𝟏 = diag(C ⊙ s xᵀ).
"""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform

ONE = 1


def _diagonal(a: Expr) -> Expr:
    """diag(a) with the diagonal taken inside entrywise products and functions, and read off
    an outer product (diag(u vᵀ) = u ⊙ v)."""
    if isinstance(a, N.Hadamard):
        return B.hadamard(*[_diagonal(f) for f in a.factors])
    if isinstance(a, N.Elementwise):
        return B.elementwise(a.func, _diagonal(a.arg))
    if isinstance(a, N.MatMul) and len(a.factors) == 2 and a.factors[0].cols == ONE:
        u, v = a.factors
        return B.hadamard(u, B.transpose(v))
    return B.diag_vec(a)


def _size(e: Expr) -> int:
    return sum(1 for _ in e.walk())


def _identity_masked(e: Expr) -> Expr | None:
    """diag(M) for (I ⊙ M) 𝟏, diag(M)ᵀ for 𝟏ᵀ (I ⊙ M) (either maybe transposed, as
    diag(Mᵀ) = diag(M)); else None."""
    if not (isinstance(e, N.MatMul) and len(e.factors) == 2):
        return None
    first, second = e.factors
    if isinstance(second, N.Ones) and second.cols == ONE:
        masked, row = first, False
    elif isinstance(first, N.Ones) and first.rows == ONE:
        masked, row = second, True
    else:
        return None
    if isinstance(masked, N.Transpose):
        masked = masked.arg
    if not isinstance(masked, N.Hadamard):
        return None
    rest = [f for f in masked.factors if not isinstance(f, N.Identity)]
    if len(rest) == len(masked.factors):
        return None
    diagonal = _diagonal(B.hadamard(*rest)) if rest else B.ones(masked.rows, ONE)
    return B.transpose(diagonal) if row else diagonal


def diagonals_inside(e: Expr) -> Expr:
    """diag(A ⊙ B) = diag(A) ⊙ diag(B), diag(f(A)) = f(diag(A)), where that is shorter;
    (I ⊙ A) 𝟏 = diag(A) and 𝟏ᵀ (I ⊙ A) = diag(A)ᵀ."""

    def post(out: Expr) -> Expr:
        c, s, body = B.split(out)
        masked = _identity_masked(body) if body is not None else None
        if masked is not None:
            return B.make_mul(c, s, masked)
        if not (isinstance(out, N.DiagVec) and isinstance(out.arg, N.Hadamard | N.Elementwise)):
            return out
        inside = _diagonal(out.arg)
        return inside if _size(inside) < _size(out) else out

    return transform(e, post=post)


def _as_matrix(f: Expr) -> Expr | None:
    """A with vec(A) = f, where f is written vec(A) or u ⊗ v (columns: vec(v uᵀ))."""
    if isinstance(f, N.Vec):
        return f.arg
    if isinstance(f, N.Kron) and f.left.cols == ONE and f.right.cols == ONE:
        return B.matmul(f.right, B.transpose(f.left))
    return None


def vecs_gathered(e: Expr) -> Expr:
    """vec(A) ⊙ vec(B) = vec(A ⊙ B), with u ⊗ v = vec(v uᵀ) among the factors."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Hadamard):
            return out
        mats = [_as_matrix(f) for f in out.factors]
        if any(m is None for m in mats) or not any(isinstance(f, N.Vec) for f in out.factors):
            return out
        first = mats[0]
        if any(m.rows != first.rows or m.cols != first.cols for m in mats):
            return out
        return B.vec(B.hadamard(*mats))

    return transform(e, post=post)
