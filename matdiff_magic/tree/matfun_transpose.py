"""The transpose of a primary matrix function and of its Fréchet derivative: f has a real power
series (expm, logm, sqrtm, X^p), so f(X)ᵀ = f(Xᵀ) and L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ). The nodes say
so through ``transpose_commutes`` (the tree does not name them: they are operations)."""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import written_tokens


def _transposes(e: Expr) -> int:
    return sum(1 for n in e.walk() if isinstance(n, N.Transpose))


def _inside(a: Expr) -> Expr:
    """f(Xᵀ) for f(X): the node of its arguments transposed."""
    return B.rebuild(a, tuple(B.transpose(c) for c in a.args))


def _shorter(candidate: Expr, out: Expr) -> bool:
    """Fewer transposes, no longer to read; at a tie the transpose stays where it is
    (expm(X)ᵀ, not expm(Xᵀ))."""
    fewer = _transposes(candidate) < _transposes(out)
    return fewer and written_tokens(candidate) <= written_tokens(out)


def transposes_through_matrix_functions(e: Expr) -> Expr:
    """A transpose taken into L_f (L_f(Xᵀ, A)ᵀ -> L_f(X, Aᵀ)) or out of it (L_f(Xᵀ, Aᵀ) ->
    L_f(X, A)ᵀ) when that leaves fewer transposes; the same for f(X)ᵀ = f(Xᵀ)."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Transpose) and type(out.arg).transpose_commutes:
            pushed = _inside(out.arg)
            return pushed if _shorter(pushed, out) else out
        if type(out).transpose_commutes and any(isinstance(c, N.Transpose) for c in out.args):
            pulled = B.transpose(_inside(out))
            return pulled if _shorter(pulled, out) else out
        return out

    return transform(e, post=post)
