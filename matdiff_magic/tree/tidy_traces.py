"""The trace of a product with an entrywise product, written one way (a named rewrite of the
final polish, tree/tidy.py): tr(Pᵀ (Q ⊙ R)) = Σᵢⱼ Pᵢⱼ Qᵢⱼ Rᵢⱼ, the same for every way of
choosing which of P, Q, R stands outside the ⊙, and for all three transposed. The trace trick,
the chain rule and the index sums each pick another of these arrangements (tr(sin(x A)
(Aᵀ ⊙ cos(x A)ᵀ)), tr((cos(x A) ⊙ sin(x A)) Aᵀ), tr(sin(x Aᵀ) (A ⊙ cos(x Aᵀ)ᵀ))); the rewrite
collects the entrywise factors, with transposes taken out of entrywise functions
(f(Xᵀ) = f(X)ᵀ), and writes the arrangement that reads shortest, then in a fixed order.
"""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import display_key, reading_cost


def _untransposed(e: Expr) -> tuple[Expr, bool] | None:
    """(C, t) with e = C (t False) or e = Cᵀ (t True), the transpose taken out of entrywise
    functions and scalar multiples (sin(x Aᵀ) = sin(x A)ᵀ); None where that is not clear."""
    if isinstance(e, N.Transpose):
        inner = _untransposed(e.arg)
        return None if inner is None else (inner[0], not inner[1])
    if isinstance(e, N.Elementwise):
        inner = _untransposed(e.arg)
        return None if inner is None else (B.elementwise(e.func, inner[0]), inner[1])
    if isinstance(e, N.Mul) and e.body is not None:
        inner = _untransposed(e.body)
        return None if inner is None else (B.make_mul(e.coeff, e.scalars, inner[0]), inner[1])
    if isinstance(e, N.Var):
        return e, False
    return None


def _entries(product: N.MatMul) -> list[Expr] | None:
    """The factors L (all of one shape) with tr(product) = Σᵢⱼ Πₗ Lᵢⱼ, for a product P H or
    H P of a matrix P and an entrywise product H (tr(P H) = Σ (Pᵀ ⊙ H)); None otherwise."""
    if len(product.factors) != 2:
        return None
    first, second = product.factors
    if isinstance(second, N.Hadamard):
        outside, inside = first, second
    elif isinstance(first, N.Hadamard):
        outside, inside = second, first
    else:
        return None
    found = [_untransposed(B.transpose(outside))]
    found += [_untransposed(f) for f in inside.factors]
    if any(f is None for f in found):
        return None
    flags = {t for _, t in found}
    if len(flags) != 1:
        return None  # Σ Aᵢⱼ Bⱼᵢ: the factors do not line up once the transposes are out
    return [c for c, _ in found]


def traces_of_entrywise_products(e: Expr) -> Expr:
    """tr(P (Q ⊙ R)) in the arrangement tr(Fᵀ (G ⊙ H)) of its entrywise factors that reads
    shortest, then in a fixed order (not where that reads longer than it came)."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Trace) and isinstance(out.arg, N.MatMul)):
            return out
        entries = _entries(out.arg)
        if entries is None:
            return out
        candidates = []
        for i, f in enumerate(entries):
            rest = B.hadamard(*[g for j, g in enumerate(entries) if j != i])
            candidates.append(B.trace(B.matmul(B.transpose(f), rest)))
        best = min(candidates, key=lambda c: (reading_cost(c), display_key(c)))
        return best if reading_cost(best) <= reading_cost(out) else out

    return transform(e, post=post)
