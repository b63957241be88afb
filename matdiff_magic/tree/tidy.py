"""The final polish of a derivative before it is shown: textbook form, same value."""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.factor import factor


def _merge_linear_wrappers(e: Expr) -> Expr:
    """diag(a) + diag(b) -> diag(a + b), vec(A) - vec(B) -> vec(A - B) (bottom-up)."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        found = memo.get(node)
        if found is not None:
            return found
        args = tuple(go(a) for a in node.args)
        out = (
            node
            if all(x is y for x, y in zip(args, node.args, strict=True))
            else B.rebuild(node, args)
        )
        if isinstance(out, N.Add):
            for wrapper, make in ((N.DiagMat, B.diag_mat), (N.Vec, B.vec)):
                inner = []
                for t in out.terms:
                    c, s, body = B.split(t)
                    if not isinstance(body, wrapper):
                        break
                    inner.append(B.make_mul(c, s, body.arg))
                else:
                    if all(x.shape == inner[0].shape for x in inner):
                        out = make(simplify_entrywise(B.add(*inner)))
                        break
        if (
            isinstance(out, N.Hadamard)
            and all(isinstance(f, N.Vec) for f in out.factors)
            and all(f.arg.shape == out.factors[0].arg.shape for f in out.factors)
        ):
            out = B.vec(B.hadamard(*[f.arg for f in out.factors]))
        memo[node] = out
        return out

    return go(e)


def _distribute_top_transpose(e: Expr) -> Expr:
    """(A + B)^T as a whole result reads better as A^T + B^T."""
    c, s, body = B.split(e)
    if isinstance(body, N.Transpose) and isinstance(body.arg, N.Add):
        return B.make_mul(c, s, B.add(*[B.transpose(t) for t in body.arg.terms]))
    return e


def tidy(e: Expr) -> Expr:
    out = simplify_entrywise(e)
    out = _merge_linear_wrappers(out)
    out = _distribute_top_transpose(out)
    return factor(out)
