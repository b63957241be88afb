"""Rewrites toward the book's signs and transposes: a sign taken into a difference, a 1×1
product or an inverse power written with fewer transposes (named identities of the final
polish, tree/tidy.py REWRITES)."""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import (  # noqa: F401  (transposes_inward: tidy's import)
    display_key,
    transposes_inward,
    turned_round,
    written_tokens,
)


def absorb_a_sign(e: Expr) -> Expr:
    """-P (a - b) Q = P (b - a) Q: a result that is a negated product with a difference in it
    takes the sign into the difference, one token shorter (Xᵀ (y - σ(X θ)), S⁻¹ (x - m), as the
    books write them). A difference without a constant term is turned first, so 𝟏 - σ and
    I - P stay as books write them when another difference can take the sign. Only the whole
    result: inside a sum the sign costs nothing (a - P b is as long as a + P (-b))."""
    c, scalars, body = B.split(e)
    if not c.could_extract_minus_sign():
        return e
    factors = list(body.factors if isinstance(body, N.MatMul | N.Hadamard) else [body])
    slots = [("body", k, f) for k, f in enumerate(factors) if _difference(f)]
    slots += [("scalar", k, s) for k, s in enumerate(scalars) if _difference(s)]
    if not slots:
        return e
    where, k, f = min(slots, key=lambda slot: _has_constant_term(slot[2]))
    turned = turned_round(f)
    if where == "scalar":
        new_scalars = [turned if i == k else s for i, s in enumerate(scalars)]
        return B.make_mul(-c, new_scalars, body)
    factors[k] = turned
    if isinstance(body, N.MatMul):
        new_body = B.matmul(*factors)
    elif isinstance(body, N.Hadamard):
        new_body = B.hadamard(*factors)
    else:
        new_body = factors[0]
    return B.make_mul(-c, scalars, new_body)


def _difference(f: Expr | None) -> bool:
    if isinstance(f, N.Transpose):
        f = f.arg
    return isinstance(f, N.Add) and len(f.terms) >= 2


def _has_constant_term(f: Expr) -> bool:
    if isinstance(f, N.Transpose):
        f = f.arg
    assert isinstance(f, N.Add)
    def constant(t: Expr) -> bool:
        _, scalars, body = B.split(t)
        return not scalars and (body is None or isinstance(body, N.Identity | N.Ones))

    return any(constant(t) for t in f.terms)


def scalars_fewer_transposes(e: Expr) -> Expr:
    """yᵀ Mᵀ y = yᵀ M y: a 1×1 product equals its transpose, so it is written the way round
    with fewer tokens, then fewer transposes on anything but 𝟏 and I (𝟏ᵀ y, not yᵀ 𝟏); a tie
    keeps the product as it is."""

    def cost(p: Expr) -> tuple[int, int]:
        flips = sum(
            1
            for n in p.walk()
            if isinstance(n, N.Transpose) and not isinstance(n.arg, N.Ones | N.Identity)
        )
        return written_tokens(p), flips

    def post(out: Expr) -> Expr:
        if isinstance(out, N.MatMul) and out.is_scalar and len(out.factors) >= 2:
            # factor by factor: B.transpose leaves a 1×1 product as it is
            turned = B.matmul(*[B.transpose(f) for f in reversed(out.factors)])
            if isinstance(turned, N.MatMul) and cost(turned) < cost(out):
                return turned
        return out

    return transform(e, post=post)


def traces_in_one_rotation(e: Expr) -> Expr:
    """tr(Xᵀ C X) = tr(C X Xᵀ) = tr(Xᵀ Cᵀ X): a trace of a product is the same for every
    cyclic rotation of its factors and for the transposed product, so it is written one way:
    the rotation that reads shortest, then with fewest transposes, then in a fixed order (the
    definition method's index sums start the cycle elsewhere than the trace trick)."""
    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Trace) and isinstance(out.arg, N.MatMul)):
            return out
        factors = list(out.arg.factors)
        turned = [B.transpose(f) for f in reversed(factors)]
        candidates = []
        for seq in (factors, turned):
            for i in range(len(seq)):
                product = B.matmul(*seq[i:], *seq[:i])
                if not isinstance(product, N.MatMul) or product.is_scalar:
                    continue  # a product that simplified, or a scalar: left to other rules
                candidate = N.Trace(product)
                key = (written_tokens(candidate), B.count_transposes(candidate))
                candidates.append((key, display_key(candidate), candidate))
        if not candidates:
            return out
        best = min(candidates, key=lambda c: (c[0], c[1]))[2]
        return out if best == out else best

    return transform(e, post=post)
