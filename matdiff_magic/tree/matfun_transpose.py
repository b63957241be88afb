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


def _unvectorized(v: Expr) -> Expr | None:
    """E with vec(E) = v: vec(E) itself, or a ⊗ b = vec(b aᵀ) of two columns."""
    if isinstance(v, N.Vec):
        return v.arg
    if isinstance(v, N.Kron) and v.left.cols == 1 and v.right.cols == 1:
        return B.matmul(v.right, B.transpose(v.left))
    return None


def _applied(u: N.Unvec) -> Expr | None:
    """vec⁻¹(K vec(E)) and vec⁻¹(Kᵀ vec(E)) for the n²×n² matrix K of a linear map that can
    say what it does to E (``applied_to``: K_f(X) -> L_f(X, E), Kᵀ -> L_f(Xᵀ, E))."""
    v = u.arg
    if not (isinstance(v, N.MatMul) and len(v.factors) == 2):
        return None
    k, e = v.factors[0], _unvectorized(v.factors[1])
    if e is None:
        return None
    transposed = isinstance(k, N.Transpose)
    k = k.arg if transposed else k
    apply = getattr(k, "applied_to", None)
    if apply is None or e.rows != u.m or e.cols != u.n:
        return None
    return apply(e, transposed)


def transposes_through_matrix_functions(e: Expr) -> Expr:
    """A transpose taken into L_f (L_f(Xᵀ, A)ᵀ -> L_f(X, Aᵀ)) or out of it (L_f(Xᵀ, Aᵀ) ->
    L_f(X, A)ᵀ) when that leaves fewer transposes; the same for f(X)ᵀ = f(Xᵀ). The matrix of
    L_f applied to a vec is read back as L_f: vec⁻¹(K_f(X)ᵀ vec(I)) = L_f(Xᵀ, I) = f′(Xᵀ)."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Unvec):
            return _applied(out) or out
        if isinstance(out, N.Transpose) and type(out.arg).transpose_commutes:
            pushed = _inside(out.arg)
            return pushed if _shorter(pushed, out) else out
        if type(out).transpose_commutes and any(isinstance(c, N.Transpose) for c in out.args):
            pulled = B.transpose(_inside(out))
            return pulled if _shorter(pulled, out) else out
        return out

    return transform(e, post=post)
