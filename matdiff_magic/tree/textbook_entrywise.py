"""Rewrites toward the book's entrywise and diagonal forms: 𝟏 ⊘ x for x∘⁻¹, a common number out
of a bracket, row sums of an entrywise product as a diagonal (named identities of the final
polish, tree/tidy.py REWRITES)."""

from __future__ import annotations

import sympy

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform


def reciprocals_as_quotients(e: Expr) -> Expr:
    """x∘⁻¹ = 𝟏 ⊘ x and x∘⁻² = 𝟏 ⊘ x∘²: books divide by a vector, they do not raise it to a
    negative entrywise power (and every method then prints the one form)."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.HadamardPow) and out.exponent.is_negative:
            k = -out.exponent
            den = out.base if k == 1 else N.HadamardPow(out.base, k)
            return N.HadamardDiv(N.Ones(*out.shape), den)
        return out

    return transform(e, post=post)


def numbers_out_of_brackets(e: Expr) -> Expr:
    """(2 a - 2 b) ⊙ c = 2 (a - b) ⊙ c: a number every term of a bracketed sum shares leaves
    the bracket and the product; the brackets are there anyway, so it reads one number
    shorter. A sum standing alone keeps its numbers (2 a + 2 b is no longer than 2 (a + b))."""

    def common(f: Expr) -> sympy.Expr | None:
        if not isinstance(f, N.Add):
            return None
        coeffs = [B.split(t)[0] for t in f.terms]
        if not all(c.is_Rational for c in coeffs):
            return None
        g = sympy.gcd_list([abs(c) for c in coeffs])
        return g if g != 1 and g != 0 else None

    def post(out: Expr) -> Expr:
        if isinstance(out, N.MatMul | N.Hadamard | N.Kron):
            factors = list(out.args)
            scale = sympy.Integer(1)
            for k, f in enumerate(factors):
                g = common(f)
                if g is not None:
                    factors[k] = B.add(*[B.scale(1 / g, t) for t in f.terms])
                    scale *= g
            if scale != 1:
                return B.scale(scale, B.rebuild(out, tuple(factors)))
        return out

    return transform(e, post=post)


def diagonals_by_name(e: Expr) -> Expr:
    """(P ⊙ Q) 𝟏 = diag(P Qᵀ) and (P ⊙ Q)ᵀ 𝟏 = diag(Pᵀ Q): row and column sums of an entrywise
    product of two matrices are the diagonal of a matrix product ((I ⊙ M) 𝟏 = diag(M)), as the
    definition method's sums over an index say diag(B A); and diag(Aᵀ Bᵀ) = diag(B A)."""

    def named(h: Expr, transposed: bool) -> Expr | None:
        if not (isinstance(h, N.Hadamard) and len(h.factors) == 2):
            return None
        p, q = h.factors
        if p.is_column or q.is_column or p.is_row or q.is_row:
            return None
        for a, b in ((p, q), (q, p)):
            if isinstance(a, N.Identity):
                return B.diag_vec(b)
        if transposed:
            return B.diag_vec(B.matmul(B.transpose(p), q))
        return B.diag_vec(B.matmul(p, B.transpose(q)))

    def post(out: Expr) -> Expr:
        if isinstance(out, N.DiagVec) and isinstance(out.arg, N.MatMul):
            # diag(Aᵀ Bᵀ) = diag(B A): a matrix and its transpose share the diagonal
            turned = B.transpose(out.arg)
            if B.count_transposes(turned) < B.count_transposes(out.arg):
                return B.diag_vec(turned)
            return out
        if not isinstance(out, N.MatMul):
            return out
        factors = list(out.factors)
        for k in range(len(factors) - 1):
            h, ones = factors[k], factors[k + 1]
            if not (isinstance(ones, N.Ones) and ones.is_column):
                continue
            transposed = isinstance(h, N.Transpose)
            found = named(h.arg if transposed else h, transposed)
            if found is not None:
                return B.matmul(*factors[:k], found, *factors[k + 2 :])
        return out

    return transform(e, post=post)
