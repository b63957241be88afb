"""The entrywise family: Hadamard products, quotients and powers, scalars broadcast, and the
entrywise functions (a scalar function of each entry)."""

from __future__ import annotations

from fractions import Fraction

import sympy

from matdiff_magic import dims
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.smart import S, register

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
        c, s, body = S.split(f)
        coeff = coeff * c
        scalars.extend(s)
        if body is None or isinstance(body, N.Ones):
            continue
        if isinstance(body, N.Zero):
            return N.Zero(*body.shape)
        kept.append(body)
    if shape is None:
        return S.make_mul(coeff, scalars, None)
    kept = _collect_powers(kept)
    if not kept:
        body = S.ones(*shape)
    elif len(kept) == 1:
        body = kept[0]
    else:
        body = N.Hadamard(tuple(kept))
    return S.make_mul(coeff, scalars, body)


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
        return S.mul(num, S.power(den, S.const(-1)))
    if den.is_scalar:
        return S.mul(S.power(den, S.const(-1)), num)
    if num.is_scalar:
        num = S.mul(num, S.ones(*den.shape))
    if isinstance(den, N.Ones):
        return num
    if isinstance(num, N.Zero):
        return num
    cd, sd, bd = S.split(den)
    if cd != 1 or sd:
        assert bd is not None
        inv = S.make_mul(1 / cd, [S.power(s, S.const(-1)) for s in sd], None)
        return S.mul(inv, hadamard_div(num, bd))
    cn, sn, bn = S.split(num)
    if cn != 1 or sn:
        assert bn is not None
        return S.make_mul(cn, sn, hadamard_div(bn, den))
    if not (dims.same(num.rows, den.rows) and dims.same(num.cols, den.cols)):
        raise N.shape_mismatch(
            "shape.divide_entrywise",
            (num, den),
            f"{dims.shape_text(num.shape)} ≠ {dims.shape_text(den.shape)}",
        )
    return N.HadamardDiv(num, den)


def hadamard_pow(a: Expr, k: int | str | Fraction | sympy.Expr) -> Expr:
    k = S.number(k)
    if k == 1:
        return a
    if k == 0:
        return S.ones(*a.shape)
    if a.is_scalar:
        return S.power(a, S.const(k))
    if isinstance(a, N.Mul):
        assert a.body is not None
        if k.is_integer:
            return S.make_mul(
                a.coeff**k, [S.power(s, S.const(k)) for s in a.scalars], hadamard_pow(a.body, k)
            )
        # (c X)^∘k = c^k X^∘k for a fractional k only when c > 0: a scalar factor of unknown
        # sign stays inside (√(x/c) is real for x, c < 0, √x √(1/c) is not)
        if a.coeff > 0:
            inner = S.make_mul(sympy.Integer(1), a.scalars, a.body)
            inner_pow = hadamard_pow(inner, k) if not a.scalars else N.HadamardPow(inner, k)
            return S.make_mul(a.coeff**k, (), inner_pow)
        return N.HadamardPow(a, k)
    if isinstance(a, N.Ones):
        return a
    return N.HadamardPow(a, k)


def broadcast(s: Expr, rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    """A scalar spread over rows×cols: s·1."""
    return S.mul(s, S.ones(rows, cols))


# -- entrywise functions ----


def elementwise(func: str, a: Expr) -> Expr:
    if isinstance(a, N.Transpose) and not a.is_scalar:
        return S.transpose(N.Elementwise(func, a.arg))
    return N.Elementwise(func, a)


register(
    globals(),
    (
        "hadamard",
        "_collect_powers",
        "hadamard_div",
        "hadamard_pow",
        "broadcast",
        "elementwise",
    ),
)
