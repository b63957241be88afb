"""Canonicalizing constructors: the way the rest of matdiff builds expressions.

They keep trees in a canonical form without changing values: numbers and scalar factors
gathered in front (``Mul``), matrix chains flattened with identities dropped and X X^{-1}
cancelled, transposes pushed through products (but not into a sum unless that removes
transposes, so (Xθ - y)^T stays as a student writes it), like terms collected.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from fractions import Fraction

import sympy

from matdiff_magic import dims
from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey

# -- numbers and constants ----


def number(value: int | str | Fraction | sympy.Expr) -> sympy.Expr:
    """A SymPy number from an int, a Fraction, a SymPy value, or a literal like "1/2"."""
    if isinstance(value, str):
        value = Fraction(value)
    return dims.number(value)


def const(value: int | str | Fraction | sympy.Expr) -> Expr:
    v = number(value)
    if v == 0:
        return N.Zero(ONE, ONE)
    return N.Const(v)


def zero(rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    return N.Zero(rows, cols)


def zero_like(e: Expr) -> Expr:
    return N.Zero(*e.shape)


def ones(rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    if rows == ONE and cols == ONE:
        return N.Const(sympy.Integer(1))
    return N.Ones(rows, cols)


def ones_like(e: Expr) -> Expr:
    return ones(*e.shape)


def identity(n: sympy.Expr) -> Expr:
    if n == ONE:
        return N.Const(sympy.Integer(1))
    return N.Identity(n)


def commutation(m: sympy.Expr, n: sympy.Expr) -> Expr:
    """K_{m,n}; it is the identity when either size is 1 (a vector's transpose keeps vec)."""
    if m == ONE or n == ONE:
        return identity(m * n)
    return N.Commutation(m, n)


def is_zero(e: Expr) -> bool:
    return isinstance(e, N.Zero)


def is_one(e: Expr) -> bool:
    return isinstance(e, N.Const) and e.value == 1


def count_transposes(e: Expr) -> int:
    return sum(1 for node in e.walk() if isinstance(node, N.Transpose))


# -- scalar factors ----


def split(e: Expr) -> tuple[sympy.Expr, tuple[Expr, ...], Expr | None]:
    """``e`` as (numeric coefficient, scalar factors, body)."""
    if isinstance(e, N.Mul):
        return e.coeff, e.scalars, e.body
    if isinstance(e, N.Const):
        return e.value, (), None
    if e.is_scalar:
        return sympy.Integer(1), (e,), None
    return sympy.Integer(1), (), e


def make_mul(coeff: sympy.Expr, scalars: tuple[Expr, ...] | list[Expr], body: Expr | None) -> Expr:
    """The canonical product coeff · scalars · body."""
    coeff = number(coeff)
    shape = dims.SCALAR_SHAPE if body is None else body.shape
    pending = list(scalars)
    if body is not None and body.is_scalar:
        pending.append(body)
        body = None
    if body is not None and isinstance(body, N.Mul):
        coeff = coeff * body.coeff
        pending.extend(body.scalars)
        body = body.body
    bases: dict[str, list] = {}  # key -> [base, exponent]
    order: list[str] = []
    while pending:
        s = pending.pop(0)
        if isinstance(s, N.Zero):
            return N.Zero(*shape)
        if isinstance(s, N.Const):
            coeff = coeff * s.value
            continue
        if isinstance(s, N.Mul):
            coeff = coeff * s.coeff
            pending[:0] = list(s.factors)
            continue
        base, exponent = s, sympy.Integer(1)
        if isinstance(s, N.Power) and isinstance(s.exponent, N.Const):
            base, exponent = s.base, s.exponent.value
        k = ckey(base)
        if k in bases:
            bases[k][1] = bases[k][1] + exponent
        else:
            bases[k] = [base, exponent]
            order.append(k)
    if coeff == 0 or (body is not None and isinstance(body, N.Zero)):
        return N.Zero(*shape)
    factors: list[Expr] = []
    for k in order:
        base, exponent = bases[k]
        if exponent == 0:
            continue
        factors.append(base if exponent == 1 else N.Power(base, N.Const(exponent)))
    if body is None:
        if not factors:
            return const(coeff)
        if coeff == 1 and len(factors) == 1:
            return factors[0]
        return N.Mul(coeff, tuple(factors), None)
    if coeff == 1 and not factors:
        return body
    return N.Mul(coeff, tuple(factors), body)


def scale(coeff: int | str | Fraction | sympy.Expr, e: Expr) -> Expr:
    return make_mul(number(coeff), (), e)


def neg(e: Expr) -> Expr:
    return make_mul(sympy.Integer(-1), (), e)


# -- products ----


def mul(a: Expr, b: Expr) -> Expr:
    """The language's product: a 1×1 operand scales the other, otherwise a matrix product."""
    return matmul(a, b)


def matmul(*factors: Expr) -> Expr:
    """The product of several factors, read left to right as the language does: a 1×1 factor
    (or a 1×1 partial product that does not chain on) scales the rest. One pass, linear time."""
    if not factors:
        raise ValueError("matmul needs a factor")
    coeff = sympy.Integer(1)
    scalars: list[Expr] = []
    stack: list[Expr] = []
    so_far: Expr | None = None  # the product up to here, for error messages
    zero = False
    first_rows = None
    for f in factors:
        c, s, body = split(f)
        coeff = coeff * c
        scalars.extend(s)
        if body is None:
            so_far = f if so_far is None else so_far
            continue
        items = list(body.factors) if isinstance(body, N.MatMul) else [body]
        if stack and not dims.same(stack[-1].cols, items[0].rows):
            if stack[0].rows == ONE and stack[-1].cols == ONE:
                scalars.append(_from_chain(stack, ONE))  # a finished 1×1 product scales
                stack = []
            else:
                left = _from_chain(stack, ONE) if stack else so_far
                raise N.shape_mismatch(
                    "shape.multiply",
                    (left, body),
                    N.differ(stack[-1].cols, items[0].rows),
                )
        if not stack:
            first_rows = items[0].rows
        if isinstance(body, N.Zero):
            zero = True
        for item in items:
            _push(stack, item, scalars)
        so_far = body
    if zero:
        return N.Zero(first_rows, stack[-1].cols if stack else first_rows)
    chain = _extract_scalar_runs(stack, scalars)
    if not chain and first_rows is None:
        return make_mul(coeff, scalars, None)
    return make_mul(coeff, scalars, _from_chain(chain, first_rows))


def _from_chain(chain: list[Expr], rows: sympy.Expr) -> Expr:
    if not chain:
        return identity(rows)
    if len(chain) == 1:
        return chain[0]
    return N.MatMul(tuple(chain))


def _cancels(a: Expr, b: Expr) -> bool:
    """Whether a b = I: X X^{-1}, X^{-1} X, X^{-T} X^T, X^T X^{-T}, K_{m,n} K_{n,m}."""
    if isinstance(b, N.Inverse) and b.arg == a:
        return True
    if isinstance(a, N.Inverse) and a.arg == b:
        return True
    if isinstance(a, N.Transpose) and isinstance(b, N.Transpose):
        return _cancels(b.arg, a.arg)
    if isinstance(a, N.Commutation) and isinstance(b, N.Commutation):
        return a.m == b.n and a.n == b.m
    return False


def _base_exp(e: Expr) -> tuple[Expr, int]:
    """e as base^k with an integer k: X^3 -> (X, 3), X^{-1} -> (X, -1), (X^3)^{-T} -> (X^T, -3)."""
    if isinstance(e, N.Transpose) and isinstance(e.arg, N.Inverse | N.MatPow):
        base, k = _base_exp(e.arg)
        return transpose(base), k
    if isinstance(e, N.Inverse):
        base, k = _base_exp(e.arg)
        return base, -k
    if isinstance(e, N.MatPow):
        base, k = _base_exp(e.arg)
        return base, k * e.k
    return e, 1


def _from_base_exp(base: Expr, k: int) -> Expr | None:
    """base^k (None for k = 0), written as the user would: X^{-T}, (X^3)^{-1}, (X^2)^T."""
    if k == 0:
        return None
    if isinstance(base, N.Transpose):
        inner = _from_base_exp(base.arg, k)
        return None if inner is None else transpose(inner)
    if k == 1:
        return base
    if k == -1:
        return inverse(base)
    if k > 1:
        return N.MatPow(base, k)
    return N.Inverse(N.MatPow(base, -k))


def _push(stack: list[Expr], f: Expr, scalars: list[Expr]) -> None:
    """Append one factor to a chain: drop identities, cancel inverses, merge powers,
    diagonal matrices and all-ones factors."""
    if isinstance(f, N.Identity):
        return
    while stack:
        top = stack[-1]
        if _cancels(top, f):
            stack.pop()
            return
        if _square(f) and not isinstance(f, N.Ones):
            base, k = _base_exp(f)
            top_base, top_k = _base_exp(top)
            if base == top_base:
                stack.pop()
                merged = _from_base_exp(base, top_k + k)
                if merged is None:
                    return
                f = merged
                continue
        if isinstance(top, N.DiagMat) and isinstance(f, N.DiagMat):
            stack.pop()
            f = diag_mat(hadamard(top.arg, f.arg))
            continue
        if isinstance(top, N.Ones) and isinstance(f, N.Ones):
            stack.pop()
            scalars.append(N.Const(dims.resolve(top.cols)))
            f = ones(top.rows, f.cols)
            if f.is_scalar:
                return
            continue
        break
    stack.append(f)


def _extract_scalar_runs(chain: list[Expr], scalars: list[Expr]) -> list[Expr]:
    """A run f_i .. f_j that is 1×1 inside a longer chain is a scalar: x yᵀ z wᵀ = (yᵀ z) x wᵀ."""
    changed = True
    while changed and len(chain) > 2:
        changed = False
        for i, f in enumerate(chain):
            if f.rows != ONE:
                continue
            for j in range(i + 1, len(chain)):
                if chain[j].cols == ONE:
                    if i == 0 and j == len(chain) - 1:
                        break
                    scalars.append(N.MatMul(tuple(chain[i : j + 1])))
                    chain = chain[:i] + chain[j + 1 :]
                    changed = True
                    break
            if changed:
                break
    return chain


# -- sums ----

_COLLECT: ContextVar[bool] = ContextVar("matdiff_collect_like_terms", default=True)


@contextlib.contextmanager
def keeping_terms() -> Iterator[None]:
    """Inside, ``add`` keeps like terms apart (a derivation shows them before combining)."""
    token = _COLLECT.set(False)
    try:
        yield
    finally:
        _COLLECT.reset(token)


def add(*terms: Expr) -> Expr:
    """The canonical sum: flattened, zeros dropped, like terms collected (first-seen order)."""
    flat: list[Expr] = []
    for t in terms:
        if isinstance(t, N.Add):
            flat.extend(t.terms)
        else:
            flat.append(t)
    if not flat:
        raise ValueError("add needs a term")
    first = flat[0]
    for other in flat[1:]:
        if not (dims.same(first.rows, other.rows) and dims.same(first.cols, other.cols)):
            raise N.shape_mismatch(
                "shape.add",
                (first, other),
                f"{dims.shape_text(first.shape)} ≠ {dims.shape_text(other.shape)}",
            )
    groups: dict[str, list] = {}
    order: list[str] = []
    collect = _COLLECT.get()
    for i, t in enumerate(flat):
        if isinstance(t, N.Zero):
            continue
        if not collect and not isinstance(t, N.Const):
            groups[str(i)] = [sympy.Integer(1), t]
            order.append(str(i))
            continue
        coeff, scalars, body = split(t)
        rest = make_mul(sympy.Integer(1), scalars, body)
        k = ckey(rest)
        if k in groups:
            groups[k][0] = groups[k][0] + coeff
        else:
            groups[k] = [coeff, rest]
            order.append(k)
    out: list[Expr] = []
    for k in order:
        coeff, rest = groups[k]
        if coeff == 0:
            continue
        out.append(rest if coeff == 1 else make_mul(coeff, (), rest))
    if not out:
        return N.Zero(*first.shape)
    if len(out) == 1:
        return out[0]
    return N.Add(tuple(out))


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, neg(b))


# -- transpose and inverse ----


def transpose(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return a.arg
    if isinstance(a, N.Var):
        return a if a.symmetric else N.Transpose(a)
    if isinstance(a, N.Identity | N.DiagMat):
        return a
    if isinstance(a, N.Zero):
        return N.Zero(a.cols, a.rows)
    if isinstance(a, N.Ones):
        return N.Ones(a.cols, a.rows)
    if isinstance(a, N.Commutation):
        return N.Commutation(a.n, a.m)
    if isinstance(a, N.MatMul):
        return matmul(*[transpose(f) for f in reversed(a.factors)])
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff, a.scalars, transpose(a.body))
    if isinstance(a, N.Add):
        pushed = add(*[transpose(t) for t in a.terms])
        if count_transposes(pushed) < 1 + count_transposes(a):
            return pushed
        return N.Transpose(a)
    if isinstance(a, N.Inverse | N.MatPow):
        return a if transpose(a.arg) == a.arg else N.Transpose(a)
    if isinstance(a, N.Elementwise | N.Hadamard | N.HadamardDiv | N.HadamardPow):
        # sin(B x)ᵀ, not sin(xᵀ Bᵀ): a transpose stays outside entrywise operations.
        inner = [transpose(f) for f in a.args]
        if all(t == f for t, f in zip(inner, a.args, strict=True)):
            return a  # symmetric inside (e.g. exp(S) for a symmetric S)
        return N.Transpose(a)
    if isinstance(a, N.Kron):
        return kron(transpose(a.left), transpose(a.right))
    return N.Transpose(a)


def inverse(a: Expr) -> Expr:
    if a.is_scalar:
        return power(a, const(-1))
    if isinstance(a, N.Inverse):
        return a.arg
    if isinstance(a, N.Identity):
        return a
    if isinstance(a, N.Transpose):
        return transpose(inverse(a.arg))
    if isinstance(a, N.Commutation):
        return N.Commutation(a.n, a.m)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(1 / a.coeff, [power(s, const(-1)) for s in a.scalars], inverse(a.body))
    if isinstance(a, N.Kron) and _square(a.left) and _square(a.right):
        return kron(inverse(a.left), inverse(a.right))
    if isinstance(a, N.DiagMat):
        return diag_mat(hadamard_div(ones(*a.arg.shape), a.arg))
    return N.Inverse(a)


def _square(e: Expr) -> bool:
    return e.rows == e.cols


def power(base: Expr, exponent: Expr) -> Expr:
    """A scalar to a scalar power."""
    if isinstance(exponent, N.Zero):
        return const(1)
    if isinstance(exponent, N.Const):
        k = exponent.value
        if k == 1:
            return base
        if isinstance(base, N.Const):
            return const(base.value**k)
        if isinstance(base, N.Zero):
            if k.is_positive:
                return base
        if isinstance(base, N.Power) and isinstance(base.exponent, N.Const) and k.is_integer:
            return power(base.base, const(base.exponent.value * k))
        if isinstance(base, N.Mul) and k.is_integer:
            return make_mul(base.coeff**k, [power(s, exponent) for s in base.scalars], None)
    return N.Power(base, exponent)


def matpow(a: Expr, k: int) -> Expr:
    """A square matrix to an integer power (negative powers are powers of the inverse)."""
    if a.is_scalar:
        return power(a, const(k))
    if k == 0:
        return identity(a.rows)
    if k < 0:
        return inverse(matpow(a, -k))
    if k == 1 or isinstance(a, N.Identity):
        return a
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff**k, [power(s, const(k)) for s in a.scalars], matpow(a.body, k))
    return N.MatPow(a, k)


# -- functions ----


def trace(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return trace(a.arg)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff, a.scalars, trace(a.body))
    if isinstance(a, N.Identity):
        return const(a.n)
    if isinstance(a, N.Zero):
        return N.Zero(ONE, ONE)
    if isinstance(a, N.Kron) and _square(a.left) and _square(a.right):
        return mul(trace(a.left), trace(a.right))
    return N.Trace(a)


def det(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return det(a.arg)
    if isinstance(a, N.Identity):
        return const(1)
    if isinstance(a, N.Inverse):
        return power(det(a.arg), const(-1))
    return N.Det(a)


def logdet(a: Expr) -> Expr:
    if a.is_scalar:
        return elementwise("log", a)
    if isinstance(a, N.Transpose):
        return logdet(a.arg)
    if isinstance(a, N.Identity):
        return N.Zero(ONE, ONE)
    if isinstance(a, N.Inverse):
        return neg(logdet(a.arg))
    return N.LogDet(a)


def norm(a: Expr) -> Expr:
    if isinstance(a, N.Transpose):
        return norm(a.arg)
    return N.Norm(a)


def total(a: Expr) -> Expr:
    """sum(a): the sum of the entries."""
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return total(a.arg)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff, a.scalars, total(a.body))
    if isinstance(a, N.Ones):
        return const(a.rows * a.cols)
    if isinstance(a, N.Zero):
        return N.Zero(ONE, ONE)
    return N.Sum(a)


def vec(a: Expr) -> Expr:
    if a.cols == ONE:
        return a
    if a.rows == ONE:
        return transpose(a)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff, a.scalars, vec(a.body))
    if isinstance(a, N.Unvec):
        return a.arg
    if isinstance(a, N.Zero):
        return N.Zero(a.rows * a.cols, ONE)
    if isinstance(a, N.Ones):
        return N.Ones(a.rows * a.cols, ONE)
    return N.Vec(a)


def unvec(v: Expr, m: sympy.Expr, n: sympy.Expr) -> Expr:
    """The m×n matrix whose vec is the column v, simplified where the structure allows."""
    if n == ONE:
        return v
    if m == ONE:
        return transpose(v)
    if isinstance(v, N.Vec) and v.arg.shape == (m, n):
        return v.arg
    if isinstance(v, N.Mul):
        assert v.body is not None
        return make_mul(v.coeff, v.scalars, unvec(v.body, m, n))
    if isinstance(v, N.Add):
        return add(*[unvec(t, m, n) for t in v.terms])
    if isinstance(v, N.Zero):
        return N.Zero(m, n)
    if isinstance(v, N.Ones):
        return N.Ones(m, n)
    if isinstance(v, N.Kron) and v.left.shape == (n, ONE) and v.right.shape == (m, ONE):
        return mul(v.right, transpose(v.left))  # vec(a b^T) = b ⊗ a
    if isinstance(v, N.MatMul):
        head, rest = v.factors[0], matmul(*v.factors[1:])
        if isinstance(head, N.Commutation) and head.m == n and head.n == m:
            return transpose(unvec(rest, n, m))  # K_{n,m} vec(B) = vec(B^T)
        if (
            isinstance(head, N.DiagMat)
            and isinstance(head.arg, N.Vec)
            and head.arg.arg.shape == (m, n)
        ):
            return hadamard(head.arg.arg, unvec(rest, m, n))  # diag(vec C) vec(B) = vec(C ⊙ B)
    return N.Unvec(v, m, n)


def diag_mat(v: Expr) -> Expr:
    if v.is_scalar:
        return v
    if isinstance(v, N.Ones):
        return N.Identity(v.rows)
    if isinstance(v, N.Zero):
        return N.Zero(v.rows, v.rows)
    if isinstance(v, N.Mul):
        assert v.body is not None
        return make_mul(v.coeff, v.scalars, diag_mat(v.body))
    return N.DiagMat(v)


def diag_vec(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Identity):
        return ones(a.n, ONE)
    if isinstance(a, N.DiagMat):
        return a.arg
    if isinstance(a, N.Transpose):
        return diag_vec(a.arg)
    if isinstance(a, N.Zero):
        return N.Zero(a.rows, ONE)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(a.coeff, a.scalars, diag_vec(a.body))
    return N.DiagVec(a)


def kron(a: Expr, b: Expr) -> Expr:
    if a.is_scalar or b.is_scalar:
        return mul(a, b)
    if isinstance(a, N.Zero) or isinstance(b, N.Zero):
        return N.Zero(a.rows * b.rows, a.cols * b.cols)
    ca, sa, ba = split(a)
    cb, sb, bb = split(b)
    assert ba is not None and bb is not None
    if isinstance(ba, N.Identity) and isinstance(bb, N.Identity):
        return make_mul(ca * cb, (*sa, *sb), N.Identity(ba.n * bb.n))
    return make_mul(ca * cb, (*sa, *sb), N.Kron(ba, bb))


def softmax(a: Expr) -> Expr:
    return N.Softmax(a)


def logsumexp(a: Expr) -> Expr:
    return N.LogSumExp(a)


def elementwise(func: str, a: Expr) -> Expr:
    if isinstance(a, N.Transpose) and not a.is_scalar:
        return transpose(N.Elementwise(func, a.arg))
    return N.Elementwise(func, a)


# -- entrywise algebra ----


def hadamard(*factors: Expr) -> Expr:
    flat: list[Expr] = []
    for f in factors:
        flat.extend(f.factors if isinstance(f, N.Hadamard) else [f])
    shape = None
    for f in flat:
        if not f.is_scalar:
            if shape is None:
                shape, first = f.shape, f
            elif not (dims.same(shape[0], f.rows) and dims.same(shape[1], f.cols)):
                raise N.shape_mismatch(
                    "shape.hadamard",
                    (first, f),
                    f"{dims.shape_text(shape)} ≠ {dims.shape_text(f.shape)}",
                )
    coeff = sympy.Integer(1)
    scalars: list[Expr] = []
    kept: list[Expr] = []
    for f in flat:
        c, s, body = split(f)
        coeff = coeff * c
        scalars.extend(s)
        if body is None or isinstance(body, N.Ones):
            continue
        if isinstance(body, N.Zero):
            return N.Zero(*body.shape)
        kept.append(body)
    if shape is None:
        return make_mul(coeff, scalars, None)
    kept = _collect_powers(kept)
    if not kept:
        body = ones(*shape)
    elif len(kept) == 1:
        body = kept[0]
    else:
        body = N.Hadamard(tuple(kept))
    return make_mul(coeff, scalars, body)


def _collect_powers(factors: list[Expr]) -> list[Expr]:
    """y ⊙ s ⊙ y -> y∘² ⊙ s: equal entrywise factors become one entrywise power."""
    table: dict[str, list] = {}
    order: list[str] = []
    for f in factors:
        base, k = (f.base, f.exponent) if isinstance(f, N.HadamardPow) else (f, sympy.Integer(1))
        key = ckey(base)
        if key in table:
            table[key][1] += k
        else:
            table[key] = [base, k]
            order.append(key)
    if len(order) == len(factors):
        return factors
    return [hadamard_pow(table[k][0], table[k][1]) for k in order]


def hadamard_div(num: Expr, den: Expr) -> Expr:
    if num.is_scalar and den.is_scalar:
        return mul(num, power(den, const(-1)))
    if den.is_scalar:
        return mul(power(den, const(-1)), num)
    if num.is_scalar:
        num = mul(num, ones(*den.shape))
    if isinstance(den, N.Ones):
        return num
    if isinstance(num, N.Zero):
        return num
    cd, sd, bd = split(den)
    if cd != 1 or sd:
        assert bd is not None
        inv = make_mul(1 / cd, [power(s, const(-1)) for s in sd], None)
        return mul(inv, hadamard_div(num, bd))
    cn, sn, bn = split(num)
    if cn != 1 or sn:
        assert bn is not None
        return make_mul(cn, sn, hadamard_div(bn, den))
    if not (dims.same(num.rows, den.rows) and dims.same(num.cols, den.cols)):
        raise N.shape_mismatch(
            "shape.divide_entrywise",
            (num, den),
            f"{dims.shape_text(num.shape)} ≠ {dims.shape_text(den.shape)}",
        )
    return N.HadamardDiv(num, den)


def hadamard_pow(a: Expr, k: int | str | Fraction | sympy.Expr) -> Expr:
    k = number(k)
    if k == 1:
        return a
    if k == 0:
        return ones(*a.shape)
    if a.is_scalar:
        return power(a, const(k))
    if isinstance(a, N.Mul):
        assert a.body is not None
        return make_mul(
            a.coeff**k, [power(s, const(k)) for s in a.scalars], hadamard_pow(a.body, k)
        )
    if isinstance(a, N.Ones):
        return a
    return N.HadamardPow(a, k)


def broadcast(s: Expr, rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    """A scalar spread over rows×cols: s·1."""
    return mul(s, ones(rows, cols))


# -- generic rebuilding ----

_SMART = {
    N.Add: lambda terms: add(*terms),
    N.Mul: lambda coeff, scalars, body: make_mul(coeff, scalars, body),
    N.MatMul: lambda factors: matmul(*factors),
    N.Transpose: transpose,
    N.Inverse: inverse,
    N.MatPow: matpow,
    N.Power: power,
    N.Trace: trace,
    N.Det: det,
    N.LogDet: logdet,
    N.Norm: norm,
    N.Sum: total,
    N.Vec: vec,
    N.Unvec: unvec,
    N.DiagMat: diag_mat,
    N.DiagVec: diag_vec,
    N.Kron: kron,
    N.Softmax: softmax,
    N.LogSumExp: logsumexp,
    N.Elementwise: elementwise,
    N.Hadamard: lambda factors: hadamard(*factors),
    N.HadamardDiv: hadamard_div,
    N.HadamardPow: hadamard_pow,
    N.D: N.D,
}


def rebuild(node: Expr, args: tuple[Expr, ...]) -> Expr:
    """``node`` with new children, through the canonicalizing constructor of its type."""
    if not args and not node.args:
        return node
    it = iter(args)
    init = node.map_init(lambda _: next(it))
    smart = _SMART.get(type(node))
    if smart is None:
        return type(node)(*init)
    return smart(*init)

