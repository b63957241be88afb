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
    """A sum with terms of both signs: -(a - b) is b - a, one sign fewer, but -(a + b) is not
    shorter as -a - b (books write -S⁻¹ (C⁻¹ + C⁻ᵀ) S⁻ᵀ)."""
    if isinstance(f, N.Transpose):
        f = f.arg
    if not (isinstance(f, N.Add) and len(f.terms) >= 2):
        return False
    signs = {bool(B.split(t)[0].could_extract_minus_sign()) for t in f.terms}
    return len(signs) == 2


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


def traces_gathered(e: Expr) -> Expr:
    """3 x² tr(A³) + 2 tr(A) = tr(3 x² A³ + 2 A) when that reads shorter: the trace is linear,
    so a sum of traces is one trace (the index form sums each term's diagonal apart, the trace
    trick keeps one)."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Add) and out.is_scalar):
            return out
        parts = [_one_trace(t) for t in out.terms]
        if any(p is None for p in parts):
            return out
        n = parts[0][2].rows
        if not all(m.rows == n for _, _, m in parts):
            return out
        inner = B.add(*[B.make_mul(c, s, m) for c, s, m in parts])
        if isinstance(inner, N.Zero):
            return out
        gathered = N.Trace(inner) if not inner.is_scalar else inner
        return gathered if written_tokens(gathered) < written_tokens(out) else out

    return transform(e, post=post)


def _one_trace(t: Expr) -> tuple | None:
    """(c, other scalars, M) when the term t is c times scalars times one tr(M)."""
    if isinstance(t, N.Trace):
        return 1, (), t.arg
    c, scalars, body = B.split(t)
    if body is not None:
        return None
    traces = [k for k, s in enumerate(scalars) if isinstance(s, N.Trace)]
    if len(traces) != 1:
        return None
    k = traces[0]
    return c, scalars[:k] + scalars[k + 1 :], scalars[k].arg
