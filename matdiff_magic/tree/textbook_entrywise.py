"""Rewrites toward the book's entrywise and diagonal forms: 𝟏 ⊘ x for x∘⁻¹, a common number out
of a bracket, row sums of an entrywise product as a diagonal (named identities of the final
polish, tree/tidy.py REWRITES)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import same
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.factor import factor_for_reading
from matdiff_magic.tree.rewrite import canonical, replace, transform
from matdiff_magic.tree.softmax_form import exp_total
from matdiff_magic.tree.textbook import display_key, written_tokens


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


def _hadamard_factors(v: Expr) -> list[Expr] | None:
    """The factors of a column v = f₁ ⊙ f₂ ⊙ ... (𝟏 has none); None when v carries a number
    or a scalar (left as it is)."""
    if isinstance(v, N.Ones):
        return []
    if isinstance(v, N.Hadamard):
        return list(v.factors)
    if isinstance(v, N.Mul):
        return None
    return [v]


def _entry_sum_factors(e: Expr) -> list[Expr] | None:
    """[f₁, f₂, ...] when the scalar e is the sum of the entries of f₁ ⊙ f₂ ⊙ ... for columns
    fᵢ: sum(v), 𝟏ᵀ v, aᵀ b (a row times a column, nothing between)."""
    if isinstance(e, N.Sum) and e.arg.cols == ONE and not e.arg.is_scalar:
        return _hadamard_factors(e.arg)
    if not (isinstance(e, N.MatMul) and len(e.factors) == 2 and e.is_scalar):
        return None
    row, column = e.factors
    if column.is_scalar:
        return None
    if isinstance(row, N.Transpose):
        left = row.arg
    elif isinstance(row, N.Ones):
        left = N.Ones(row.cols, ONE)
    else:
        return None
    a, b = _hadamard_factors(left), _hadamard_factors(column)
    if a is None or b is None:
        return None
    return a + b


def inner_products(e: Expr) -> Expr:
    """sum(a ⊙ b) = 𝟏ᵀ (a ⊙ b) = aᵀ b and sum(v) = 𝟏ᵀ v: the sum of the entries of an
    entrywise product of columns is one number whichever factor is transposed, so it is written
    one way: the entrywise product simplified (exp(s)ᵀ (y ⊙ exp(-s)) = 𝟏ᵀ y), one factor
    transposed (𝟏 when there is one factor, x∘² read as xᵀ x), the choice that reads shortest,
    then by a fixed order. The definition method sums indices where the others keep the
    user's sum(), so without it equal results print differently."""
    def post(out: Expr) -> Expr:
        factors = _entry_sum_factors(out)
        if factors is None or not factors:
            return out
        plain = len(factors) == 2 and not any(
            isinstance(f, N.Hadamard | N.HadamardDiv | N.HadamardPow) for f in factors
        )
        if not plain and len(factors) >= 2:
            together = simplify_entrywise(B.hadamard(*factors))
            simplified = _hadamard_factors(together)
            if simplified is None:
                return out
            factors = simplified
        if len(factors) == 1 and isinstance(factors[0], N.HadamardPow):
            if factors[0].exponent == 2:
                factors = [factors[0].base, factors[0].base]
        if not factors:
            return out
        n = factors[0].rows
        if len(factors) == 1:
            candidates = [(B.matmul(B.transpose(N.Ones(n, ONE)), factors[0]), "")]
        else:
            candidates = [
                (
                    B.matmul(
                        B.transpose(f),
                        B.hadamard(*[g for j, g in enumerate(factors) if j != k]),
                    ),
                    display_key(f),
                )
                for k, f in enumerate(factors)
            ]
        best = min(candidates, key=lambda c: (written_tokens(c[0]), c[1]))[0]
        return out if best == out else best

    return transform(e, post=post)


# The vectors whose norm the user wrote in the function being derived (set by the API for one
# derivation): their uᵀ u is written ‖u‖², as the user wrote it.
_WRITTEN_NORMS: ContextVar[tuple[Expr, ...]] = ContextVar("matdiff_written_norms", default=())


@contextlib.contextmanager
def norms_written_in(f: Expr) -> Iterator[None]:
    """Inside, :func:`norms_as_written` writes uᵀ u as ‖u‖² for every ‖u‖ of the function f."""
    found: list[Expr] = []
    for node in f.distinct():
        if isinstance(node, N.Norm) and node.arg.cols == ONE and not node.arg.is_scalar:
            if not any(same(node.arg, u) for u in found):
                found.append(node.arg)
    token = _WRITTEN_NORMS.set(tuple(found))
    try:
        yield
    finally:
        _WRITTEN_NORMS.reset(token)


def norms_as_written(e: Expr) -> Expr:
    """uᵀ u = ‖u‖² where the user wrote ‖u‖: the definition method sums squares of entries
    (uᵀ u) where the others keep the user's norm, so the result says it the user's way."""
    norms = _WRITTEN_NORMS.get()
    if not norms:
        return e

    def post(out: Expr) -> Expr:
        if isinstance(out, N.MatMul) and len(out.factors) == 2 and out.is_scalar:
            row, column = out.factors
            if isinstance(row, N.Transpose) and row.arg == column:
                if any(same(column, u) for u in norms):
                    return B.power(B.norm(column), B.const(2))
        return out

    return transform(e, post=post)


def exponentials_as_softmax(e: Expr) -> Expr:
    """exp(z) = (𝟏ᵀ exp(z)) softmax(z) where that reads shorter once the normaliser cancels:
    the definition method differentiates exp(z)/(𝟏ᵀ exp(z)) entry by entry and spreads exp(z)
    and powers of 𝟏ᵀ exp(z) over the terms ((𝟏ᵀ e) diag(e ⊙ s^½) - (e ⊙ s^½) eᵀ)/(𝟏ᵀ e)²
    for e = exp(u), s = softmax(u)), where the others keep softmax(z) (diag(s^(3/2)) -
    s^(3/2) sᵀ). Each normaliser in turn; the normaliser itself is kept."""
    totals: list[Expr] = []
    for node in e.distinct():
        z = exp_total(node)
        if z is not None and z not in totals:
            totals.append(z)
    best = e
    for z in totals:
        exp_z = B.elementwise("exp", z)
        normaliser = B.matmul(B.transpose(N.Ones(z.rows, ONE)), exp_z)

        def pre(n: Expr, z: Expr = z, exp_z: Expr = exp_z, normaliser: Expr = normaliser):
            if exp_total(n) == z:
                return n
            return B.mul(normaliser, B.softmax(z)) if n == exp_z else None

        candidate = canonical(replace(best, pre))
        if candidate == best:
            continue
        for _ in range(2):  # the normaliser's powers cancel once pulled out of the terms
            candidate = simplify_entrywise(factor_for_reading(candidate))
        if written_tokens(candidate) < written_tokens(best):
            best = candidate
    return best
