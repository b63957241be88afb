"""Rewrites toward the book's wording of a result: the same value, said as a textbook says it.

Each function here is one named identity of the final polish (tree/tidy.py REWRITES, checked
numerically by tests/test_rewrites.py). They exist because the methods reach equal results in
different words (the definition method sums entries, so it says 𝟏ᵀ X 𝟏 where the differential
method says sum(X)); writing every result in the book's words is what lets side-by-side methods
print one answer.
"""

from __future__ import annotations

import sympy

from matdiff_magic import rendering
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import remembered, transform
from matdiff_magic.written_tokens import tokens


def written_tokens(e: Expr) -> int:
    """How long ``e`` reads, in tokens of its printed text (remembered within a derivation:
    the polish weighs the same candidates again and again, and printing is the cost)."""
    return remembered(_written_tokens, e)


def _written_tokens(e: Expr) -> int:
    return tokens(rendering.text(e))


def reading_cost(e: Expr) -> int:
    """Tokens, and two more for each identity matrix: an I left by factoring ((I - s 𝟏ᵀ) y)
    is a step the reader has to undo, so (s (𝟏ᵀ y) - y) reads better at the same length."""
    return written_tokens(e) + 2 * sum(1 for n in e.walk() if isinstance(n, N.Identity))


def diagonal_inverses(e: Expr) -> Expr:
    """diag(𝟏 ⊘ v) = diag(v)⁻¹: the inverse of a diagonal matrix inverts its diagonal; and
    diag(v∘²)⁻¹ = diag(v)⁻², the power on the diagonal matrix, as books write it."""

    def powered(inverse: Expr) -> Expr:
        v = inverse.arg.arg if isinstance(inverse.arg, N.DiagMat) else None
        if isinstance(v, N.HadamardPow) and v.exponent in (2, 3):
            return N.Inverse(N.MatPow(B.diag_mat(v.base), int(v.exponent)))
        return inverse

    def post(out: Expr) -> Expr:
        if isinstance(out, N.DiagMat):
            v = out.arg
            if isinstance(v, N.HadamardDiv) and isinstance(v.num, N.Ones):
                return powered(N.Inverse(B.diag_mat(v.den)))
            if isinstance(v, N.HadamardPow) and v.exponent == -1:
                return powered(N.Inverse(B.diag_mat(v.base)))
        if isinstance(out, N.Inverse):
            return powered(out)
        if isinstance(out, N.MatMul):
            return _diagonal_times_ones(out)
        return out

    return transform(e, post=post)


def _diagonal_times_ones(product: N.MatMul) -> Expr:
    """diag(v)⁻ᵏ 𝟏 = 𝟏 ⊘ v∘ᵏ and 𝟏ᵀ diag(v)⁻ᵏ = (𝟏 ⊘ v∘ᵏ)ᵀ: an inverted diagonal applied to
    ones is a vector again."""
    factors = list(product.factors)
    for k in range(len(factors) - 1):
        a, b = factors[k], factors[k + 1]
        if isinstance(b, N.Ones) and b.is_column:
            vector = _inverted_diagonal(a)
            if vector is not None:
                return B.matmul(*factors[:k], vector, *factors[k + 2 :])
        if _is_ones_row(a):
            vector = _inverted_diagonal(b)
            if vector is not None:
                return B.matmul(*factors[:k], B.transpose(vector), *factors[k + 2 :])
    return product


def _inverted_diagonal(f: Expr) -> Expr | None:
    """𝟏 ⊘ v∘ᵏ when f is diag(v)⁻ᵏ."""
    if not isinstance(f, N.Inverse):
        return None
    inner, power = f.arg, 1
    if isinstance(inner, N.MatPow):
        inner, power = inner.arg, inner.k
    if not isinstance(inner, N.DiagMat):
        return None
    v = inner.arg
    den = v if power == 1 else B.hadamard_pow(v, power)
    return N.HadamardDiv(N.Ones(v.rows, v.cols), den)


def spread_a_number(e: Expr) -> Expr:
    """2 (a + c b) = 2 a + 2 c b when that reads shorter: a number pulled out of a whole sum
    costs two brackets and saves a number per term, so with two terms it never pays."""
    if isinstance(e, N.Mul) and not e.scalars and isinstance(e.body, N.Add):
        spread = B.add(*[B.scale(e.coeff, t) for t in e.body.terms])
        if written_tokens(spread) < written_tokens(e):
            return spread
    return e


def _is_ones_row(e: Expr) -> bool:
    return (isinstance(e, N.Transpose) and isinstance(e.arg, N.Ones) and e.arg.cols == 1) or (
        isinstance(e, N.Ones) and e.rows == 1
    )


def _is_ones_column(e: Expr) -> bool:
    return isinstance(e, N.Ones) and e.cols == 1


def sums_and_traces(e: Expr) -> Expr:
    """𝟏ᵀ X 𝟏 = sum(X) and 𝟏ᵀ diag(A) = tr(A): the entry sums the definition method writes
    with ones, named as the book names them."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.MatMul) and out.is_scalar and _is_ones_row(out.factors[0])):
            return out
        rest = out.factors[1:]
        if len(rest) == 1 and isinstance(rest[0], N.DiagVec):
            return B.trace(rest[0].arg)
        if len(rest) >= 2 and _is_ones_column(rest[-1]):
            middle = B.matmul(*rest[:-1])
            if not middle.is_column:
                return B.total(middle)
        return out

    return transform(e, post=post)


def ones_first(e: Expr) -> Expr:
    """yᵀ 𝟏 = 𝟏ᵀ y: the sum of a vector's entries written one way whatever the method."""

    def post(out: Expr) -> Expr:
        if (
            isinstance(out, N.MatMul)
            and len(out.factors) == 2
            and out.is_scalar
            and _is_ones_column(out.factors[1])
            and not _is_ones_row(out.factors[0])
        ):
            return B.matmul(B.transpose(out.factors[1]), B.transpose(out.factors[0]))
        return out

    return transform(e, post=post)


def _nonnegative(e: Expr) -> bool:
    """Whether a scalar is ≥ 0 for every value of its variables (so (e^p)^q = e^(p q))."""
    if isinstance(e, N.Norm):
        return True
    if isinstance(e, N.Power) and isinstance(e.exponent, N.Const):
        k = e.exponent.value
        return _nonnegative(e.base) or (k.is_integer and k.is_even)
    if isinstance(e, N.MatMul) and len(e.factors) == 2 and e.is_scalar:
        a, b = e.factors
        return isinstance(a, N.Transpose) and a.arg == b  # uᵀ u
    return False


def powers_of_norms(e: Expr) -> Expr:
    """(‖x‖⁴)^(1/2) = ‖x‖², ‖xᵀ x‖ = xᵀ x: powers of a nonnegative scalar multiply, and a
    nonnegative scalar is its own norm."""

    def post(out: Expr) -> Expr:
        if (
            isinstance(out, N.Power)
            and isinstance(out.exponent, N.Const)
            and isinstance(out.base, N.Power)
            and isinstance(out.base.exponent, N.Const)
            and _nonnegative(out.base.base)
        ):
            k = sympy.nsimplify(out.exponent.value * out.base.exponent.value)
            return B.power(out.base.base, B.const(k))
        if isinstance(out, N.Elementwise) and out.func == "sqrt" and out.is_scalar:
            inner = out.arg
            if (
                isinstance(inner, N.Power)
                and isinstance(inner.exponent, N.Const)
                and _nonnegative(inner.base)
            ):
                k = sympy.nsimplify(inner.exponent.value / 2)
                return B.power(inner.base, B.const(k))
        if isinstance(out, N.Norm) and out.is_scalar and _nonnegative(out.arg):
            return out.arg
        return out

    return transform(e, post=post)


_CONSTANTS = (N.Identity, N.Ones, N.Zero, N.Const, N.Commutation)


def display_key(e: Expr) -> str:
    """A key that orders expressions the same way in every process and whatever the method
    that built them (canonical keys are interned in arrival order, so they cannot);
    remembered within a derivation (sorting asks for each term's key many times)."""
    return remembered(_display_key, e)


def _display_key(e: Expr) -> str:
    memo: dict[Expr, str] = {}

    def go(node: Expr) -> str:
        found = memo.get(node)
        if found is None:
            # Constants after names (log(x) + 𝟏, x ⊗ I + I ⊗ x); a product by what it
            # multiplies before by how much (2 x xᵀ + (xᵀ x) I).
            name = type(node).__name__
            parts = ["~" + name if isinstance(node, _CONSTANTS) else name]
            fields = node._fields
            if isinstance(node, N.Mul):
                fields = ("body", "scalars", "coeff")
            for field in fields:
                value = getattr(node, field)
                if isinstance(value, Expr):
                    parts.append(go(value))
                elif isinstance(value, tuple):
                    parts.extend(go(v) if isinstance(v, Expr) else str(v) for v in value)
                else:
                    parts.append(str(value))
            found = "(" + " ".join(parts)[:400] + ")"
            memo[node] = found
        return found

    return go(e)


def gather_a_transpose(e: Expr) -> Expr:
    """Bᵀ Xᵀ + Xᵀ Bᵀ = (X B + B X)ᵀ when that reads shorter: one transpose outside instead of
    one on every factor; for the whole result, and for a sum inside a product
    ((Xᵀ Cᵀ X + Cᵀ X Xᵀ) Xᵀ C = (Xᵀ C X + X Xᵀ C)ᵀ Xᵀ C), so that methods that reach the one
    form or the other print the same."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.MatMul):
            return out
        factors = [gathered_sum(f) for f in out.factors]
        if all(a is b for a, b in zip(factors, out.factors, strict=True)):
            return out
        return N.MatMul(tuple(factors))

    return _gather_whole(transform(e, post=post))


def gathered_sum(f: Expr) -> Expr:
    """A sum that is a factor of a product, with its transposes gathered where shorter:
    (aᵀ - bᵀ) -> (a - b)ᵀ."""
    if not isinstance(f, N.Add):
        return f
    inner = B.transpose(f)
    if not isinstance(inner, N.Add):
        return f
    gathered = N.Transpose(inner)
    # as a factor the sum prints in brackets: two tokens its own text does not count
    return gathered if written_tokens(gathered) < written_tokens(f) + 2 else f


def _gather_whole(e: Expr) -> Expr:
    coeff, scalars, body = B.split(e)
    if body is None or isinstance(body, N.Transpose) or body.is_scalar:
        return e
    inner = B.transpose(body)
    # through inverse powers too: Aᵀ (Bᵀ Xᵀ Aᵀ)⁻² Bᵀ = (B (A X B)⁻² A)ᵀ
    pushed = transposes_inward(inner)
    if B.count_transposes(pushed) < B.count_transposes(inner):
        inner = pushed
    if isinstance(inner, N.Transpose) or not inner.args:
        return e
    gathered = B.make_mul(coeff, scalars, N.Transpose(inner))
    # Gathered only when strictly shorter, so a short product keeps its transposes on the
    # factors (Aᵀ Bᵀ, as books write it) while -(X⁻¹ B A X⁻¹)ᵀ saves a token on
    # -X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ and (A X B + B X A)ᵀ three on Aᵀ Xᵀ Bᵀ + Bᵀ Xᵀ Aᵀ.
    return gathered if written_tokens(gathered) < written_tokens(e) else e


def split_a_fraction(e: Expr) -> Expr:
    """(p I - q)/r³ = I/r - q/r³ when that reads shorter: a quotient of a sum as a sum of
    quotients, each term's powers of the denominator cancelled."""
    coeff, scalars, body = B.split(e)
    if not isinstance(body, N.Add) or not any(
        isinstance(s, N.Power) and isinstance(s.exponent, N.Const) and s.exponent.value < 0
        for s in scalars
    ):
        return e
    terms = []
    for t in body.terms:
        c, s, b = B.split(t)
        terms.append(B.make_mul(coeff * c, [*scalars, *s], b))
    split = B.add(*terms)
    return split if written_tokens(split) < written_tokens(e) else e


def traces_of_scalars(e: Expr) -> Expr:
    """tr(P a bᵀ Q) = bᵀ Q P a: a trace around a product with a column in it is a scalar
    product once the cycle starts after the column (the trace of a 1×1 is its entry)."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Trace) and isinstance(out.arg, N.MatMul)):
            return out
        factors = out.arg.factors
        for i, f in enumerate(factors[:-1]):
            if f.cols == 1:
                return B.matmul(*factors[i + 1 :], *factors[: i + 1])
        return out

    return transform(e, post=post)


def turned_round(f: Expr) -> Expr:
    """-f for a difference f (or its transpose), written as the difference the other way round:
    a - b -> b - a, (a - b)ᵀ -> (b - a)ᵀ."""
    if isinstance(f, N.Transpose):
        return N.Transpose(turned_round(f.arg))
    return B.add(*[B.neg(t) for t in f.terms])


def signs_out_of_differences(e: Expr) -> Expr:
    """(μ - x) μᵀ = -(x - μ) μᵀ and (x - μ) (xᵀ - μᵀ) = (x - μ) (x - μ)ᵀ: a difference inside
    a product is written one way round, its transposes outside, so that terms sharing it up to
    sign can be factored ((x - μ) xᵀ - (x - μ) μᵀ); in an entrywise product as well
    (h ⊙ (h - 𝟏) = -h ⊙ (𝟏 - h)), so that methods that reach either print one form."""

    def flip(f: Expr) -> bool:
        if isinstance(f, N.Transpose):
            f = f.arg
        if not isinstance(f, N.Add):
            return False
        parts = [B.split(t) for t in f.terms]
        constants = [p for p in parts if isinstance(p[2], N.Identity | N.Ones)]
        if constants:  # I - P and 𝟏 - σ keep the constant positive, as books write them
            return bool(constants[0][0].could_extract_minus_sign())
        first = min(parts, key=lambda p: display_key(p[2]) if p[2] is not None else "")
        return bool(first[0].could_extract_minus_sign())

    def gathered(f: Expr) -> Expr:
        # xᵀ - μᵀ = (x - μ)ᵀ: inside a product the bracket is there anyway
        if isinstance(f, N.Add) and all(
            isinstance(B.split(t)[2], N.Transpose) for t in f.terms
        ):
            inner = B.add(*[B.transpose(t) for t in f.terms])
            return N.Transpose(inner) if isinstance(inner, N.Add) else f
        return f

    def post(out: Expr) -> Expr:
        if isinstance(out, N.MatMul):
            factors = [gathered(f) for f in out.factors]
            if any(a is not b for a, b in zip(factors, out.factors, strict=True)):
                out = N.MatMul(tuple(factors))
        if isinstance(out, N.MatMul | N.Hadamard):
            # an entrywise product too: h ⊙ (h - 𝟏) ⊙ g = -h ⊙ (𝟏 - h) ⊙ g
            flips = [flip(f) for f in out.args]
            if any(flips):
                turned = [turned_round(f) if k else f for f, k in zip(out.args, flips, strict=True)]
                product = B.rebuild(out, tuple(turned))
                return B.neg(product) if sum(flips) % 2 else product
        return out

    return transform(e, post=post)


def transposes_inward(e: Expr) -> Expr:
    """((Bᵀ Xᵀ Aᵀ)⁻²)ᵀ = (A X B)⁻²: a transpose taken through inverses, powers and products
    when that reads shorter, or as long with fewer transposes."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Transpose) and isinstance(out.arg, N.Inverse | N.MatPow):
            pushed = _pushed(out.arg)
            # shorter, or as long with fewer transposes: ((Xᵀ A X)⁻²)ᵀ is (Xᵀ Aᵀ X)⁻²
            cost = (written_tokens(pushed), B.count_transposes(pushed))
            if cost < (written_tokens(out), B.count_transposes(out)):
                return pushed
        return out

    return transform(e, post=post)


def _pushed(a: Expr) -> Expr:
    """aᵀ with the transpose taken inside inverses and matrix powers (B.transpose takes it
    through products)."""
    if isinstance(a, N.Inverse):
        return N.Inverse(_pushed(a.arg))
    if isinstance(a, N.MatPow):
        return N.MatPow(_pushed(a.arg), a.k)
    return B.transpose(a)
