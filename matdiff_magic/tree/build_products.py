"""Products: scalar factors gathered in front (``Mul``); matrix chains flattened, identities
dropped, X X⁻¹ cancelled, repeated factors written as powers."""

from __future__ import annotations

from fractions import Fraction

import sympy

from matdiff_magic import dims
from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.smart import S, register

# -- scalar factors ----


_ONE = sympy.Integer(1)


def split(e: Expr) -> tuple[sympy.Expr, tuple[Expr, ...], Expr | None]:
    """``e`` as (numeric coefficient, scalar factors, body)."""
    if isinstance(e, N.Mul):
        return e.coeff, e.scalars, e.body
    if isinstance(e, N.Const):
        return e.value, (), None
    if e.is_scalar:
        return _ONE, (e,), None
    return _ONE, (), e


def make_mul(coeff: sympy.Expr, scalars: tuple[Expr, ...] | list[Expr], body: Expr | None) -> Expr:
    """The canonical product coeff · scalars · body."""
    coeff = S.number(coeff)
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
            return S.const(coeff)
        if coeff == 1 and len(factors) == 1:
            return factors[0]
        return N.Mul(coeff, tuple(factors), None)
    if coeff == 1 and not factors:
        return body
    return N.Mul(coeff, tuple(factors), body)


def scale(coeff: int | str | Fraction | sympy.Expr, e: Expr) -> Expr:
    return make_mul(S.number(coeff), (), e)


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
        return S.identity(rows)
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
        return S.transpose(base), k
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
        return None if inner is None else S.transpose(inner)
    if k == 1:
        return base
    if k == -1:
        return S.inverse(base)
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
        if S._square(f) and not isinstance(f, N.Ones):
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
            f = S.diag_mat(S.hadamard(top.arg, f.arg))
            continue
        if isinstance(top, N.Ones) and isinstance(f, N.Ones):
            stack.pop()
            scalars.append(N.Const(dims.resolve(top.cols)))
            f = S.ones(top.rows, f.cols)
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


register(
    globals(),
    (
        "split",
        "make_mul",
        "scale",
        "neg",
        "mul",
        "matmul",
        "_from_chain",
        "_cancels",
        "_base_exp",
        "_from_base_exp",
        "_push",
        "_extract_scalar_runs",
    ),
)
