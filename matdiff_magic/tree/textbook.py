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
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.written_tokens import tokens


def written_tokens(e: Expr) -> int:
    """How long ``e`` reads, in tokens of its printed text."""
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
    that built them (canonical keys are interned in arrival order, so they cannot)."""
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


def signs_out_of_differences(e: Expr) -> Expr:
    """(μ - x) μᵀ = -(x - μ) μᵀ and (x - μ) (xᵀ - μᵀ) = (x - μ) (x - μ)ᵀ: a difference inside
    a product is written one way round, its transposes outside, so that terms sharing it up to
    sign can be factored ((x - μ) xᵀ - (x - μ) μᵀ)."""

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

    def negated(f: Expr) -> Expr:
        if isinstance(f, N.Transpose):
            return N.Transpose(negated(f.arg))
        return B.add(*[B.neg(t) for t in f.terms])

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
            flips = [flip(f) for f in out.factors]
            if any(flips):
                factors = [
                    negated(f) if k else f for f, k in zip(out.factors, flips, strict=True)
                ]
                product = B.matmul(*factors)
                return B.neg(product) if sum(flips) % 2 else product
        return out

    return transform(e, post=post)


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
    turned = _turned(f)
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


def _turned(f: Expr) -> Expr:
    if isinstance(f, N.Transpose):
        return N.Transpose(_turned(f.arg))
    return B.add(*[B.neg(t) for t in f.terms])


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

    def transposes(x: Expr) -> int:
        return sum(1 for n in x.walk() if isinstance(n, N.Transpose))

    def post(out: Expr) -> Expr:
        if isinstance(out, N.DiagVec) and isinstance(out.arg, N.MatMul):
            # diag(Aᵀ Bᵀ) = diag(B A): a matrix and its transpose share the diagonal
            turned = B.matmul(*[B.transpose(f) for f in reversed(out.arg.factors)])
            if transposes(turned) < transposes(out.arg):
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


def transposes_inward(e: Expr) -> Expr:
    """((Bᵀ Xᵀ Aᵀ)⁻²)ᵀ = (A X B)⁻²: a transpose taken through inverses, powers and products
    when that leaves fewer transposes, no longer to read."""

    def count(x: Expr) -> int:
        return sum(1 for n in x.walk() if isinstance(n, N.Transpose))

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Transpose) and isinstance(out.arg, N.Inverse | N.MatPow):
            pushed = _pushed(out.arg)
            if count(pushed) < count(out) and written_tokens(pushed) <= written_tokens(out):
                return pushed
        return out

    return transform(e, post=post)


def _pushed(a: Expr) -> Expr:
    """aᵀ with the transpose taken inside inverses, matrix powers and products."""
    if isinstance(a, N.Inverse):
        return N.Inverse(_pushed(a.arg))
    if isinstance(a, N.MatPow):
        return N.MatPow(_pushed(a.arg), a.k)
    if isinstance(a, N.MatMul):
        return B.matmul(*[B.transpose(f) for f in reversed(a.factors)])
    return B.transpose(a)
